// Runs a query set through a Searcher in each requested mode and scores the rankings. Gold ids
// are all resolved against the pool before any search runs: a gold id the pool does not hold is
// an error naming it, never a silent miss that lowers the score.
import type { SearchOptions } from '../search/searcher.ts';
import type { SearchMode, SearchResponse } from '../types.ts';
import { isCrossLanguage, scoreRankings, type MetricsRow, type QueryScore } from './metrics.ts';
import { rankedIds, type EvalPool, type GoldRef } from './pool.ts';
import { EvalInputError, listIds, type EvalQuery } from './query-set.ts';
import { summarize, type Summary } from './stats.ts';

/** What eval needs of a searcher (the real Searcher, or a stub in tests). */
export interface SearchLike {
  search(query: string, opts: SearchOptions): Promise<SearchResponse>;
}

export interface ModeResult {
  /** The mode asked for. */
  mode: SearchMode;
  /** The mode that actually ranked (lexical when no model could embed the queries). */
  rankedBy: SearchMode;
  notice?: string;
  rows: MetricsRow[];
  /** Per query language and cross-/same-language (see `subsetRows`). */
  subsets: MetricsRow[];
  perQuery: QueryScore[];
  /** Per query, the ranked ids in the reference scorer's results format. */
  rankings: Map<string, string[]>;
  latencyMs: Summary;
  /** With a reranker: queries whose results kept the fused order (it failed or was skipped), and the first reason. */
  notReranked?: { count: number; notice?: string };
}

export interface RunOptions {
  modes: readonly SearchMode[];
  /** Results asked of the searcher per query (the metrics look at the first 10 ids). */
  k: number;
  onQuery?: (done: number, total: number, mode: SearchMode) => void;
}

export interface ResolvedQuery extends EvalQuery {
  refs: Array<{ id: string; ref: GoldRef }>;
}

/** Resolves every gold id, or throws one error listing all that are not in the pool. */
export function resolveGold(queries: readonly EvalQuery[], pool: EvalPool): ResolvedQuery[] {
  const unknown: string[] = [];
  const resolved = queries.map((q) => {
    const refs: Array<{ id: string; ref: GoldRef }> = [];
    for (const id of q.gold) {
      const ref = pool.resolve(id);
      if (ref) refs.push({ id, ref });
      else unknown.push(`${q.id} → ${id}`);
    }
    return { ...q, refs };
  });
  if (unknown.length > 0) {
    const how =
      pool.kind === 'passage-set'
        ? 'each gold id must be the id of a passage in the passage set (one that the segmenter did not skip)'
        : 'each gold id must be a citation id of the index (e.g. "doc.txt#p3") or a document id ("doc.txt" or "doc")';
    throw new EvalInputError(
      `${unknown.length} gold id(s) are not in the pool of ${pool.contents.documents.length} documents: ${listIds(unknown)}; ${how}`,
    );
  }
  return resolved;
}

/**
 * Questions whose "xlang" flag says the opposite of the pool: a question marked cross-language
 * must have all its gold passages in other languages, and one marked false at least one in its
 * own. Throws one error listing every mismatch, before any search runs.
 */
export function checkDeclaredCrossLanguage(queries: readonly EvalQuery[], langs: ReadonlyMap<string, string>): void {
  const wrong: string[] = [];
  for (const q of queries) {
    if (q.xlang === undefined) continue;
    const actual = isCrossLanguage(q, langs);
    if (actual !== undefined && actual !== q.xlang) {
      const goldLangs = [...new Set(q.gold.map((g) => langs.get(g)))].sort().join('+');
      wrong.push(`${q.id} (${q.lang} question, gold in ${goldLangs}: xlang should be ${actual})`);
    }
  }
  if (wrong.length > 0) {
    throw new EvalInputError(
      `${wrong.length} question(s) have an "xlang" flag their gold passages contradict: ${listIds(wrong)}; xlang is true exactly when every gold passage is in another language than the question`,
    );
  }
}

/** Language of each gold id, for the per-pair breakdown. */
export function goldLanguages(queries: readonly EvalQuery[], pool: EvalPool): Map<string, string> {
  const out = new Map<string, string>();
  for (const q of queries) for (const g of q.gold) out.set(g, pool.lang(g) ?? '?');
  return out;
}

export async function runEval(
  searcher: SearchLike,
  queries: readonly EvalQuery[],
  pool: EvalPool,
  opts: RunOptions,
): Promise<ModeResult[]> {
  const resolved = resolveGold(queries, pool);
  const langs = goldLanguages(queries, pool);
  checkDeclaredCrossLanguage(queries, langs);
  const out: ModeResult[] = [];
  for (const mode of opts.modes) {
    const rankings = new Map<string, string[]>();
    const times: number[] = [];
    let rankedBy: SearchMode = mode;
    let notice: string | undefined;
    let reranker = false;
    let notReranked = 0;
    let rerankNotice: string | undefined;
    for (const [i, q] of resolved.entries()) {
      const started = performance.now();
      const response = await searcher.search(q.query, { k: opts.k, mode });
      times.push(performance.now() - started);
      if (response.mode !== mode) rankedBy = response.mode;
      notice ??= response.notice;
      if (response.rerank) {
        reranker = true;
        if (!response.rerank.applied) {
          notReranked++;
          rerankNotice ??= response.rerank.notice;
        }
      }
      rankings.set(q.id, rankedIds(response.results, q.refs, pool));
      opts.onQuery?.(i + 1, resolved.length, mode);
    }
    const { rows, subsets, perQuery } = scoreRankings(queries, rankings, langs);
    out.push({
      mode,
      rankedBy,
      ...(notice ? { notice } : {}),
      rows,
      subsets,
      perQuery,
      rankings,
      latencyMs: summarize(times),
      ...(reranker ? { notReranked: { count: notReranked, ...(rerankNotice ? { notice: rerankNotice } : {}) } } : {}),
    });
  }
  return out;
}
