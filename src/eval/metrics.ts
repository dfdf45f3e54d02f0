// Retrieval metrics over ranked id lists, with the exact semantics of the dev sets' reference
// scorer (../shared/dev-eval/score.mjs): ids repeated in one ranking count once at their best
// rank, a query without a ranking is a miss, and results are grouped per language pair
// "<query lang>-><gold passage lang(s)>" plus "ALL". nDCG@10 (binary relevance) is added.
// Pure: no files, no index; a test checks it against the reference scorer.

export interface ScoredQuery {
  id: string;
  lang: string;
  gold: readonly string[];
}

export interface MetricsRow {
  pair: string;
  n: number;
  r1: number;
  r5: number;
  r10: number;
  mrr10: number;
  ndcg10: number;
  /** Queries that had no ranking at all (counted as misses). */
  missing: number;
}

/** Per-query numbers; a row is their mean over the queries of a pair. */
export interface QueryScore {
  id: string;
  pair: string;
  /** 1-based rank of the first gold id, 0 when none is ranked. */
  rank: number;
  ndcg10: number;
  missing: boolean;
}

const CUTOFF = 10;

/** Removes repeats, keeping each id at its first (best) rank. */
export function dedupeRanking(ranked: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const id of ranked) {
    if (!seen.has(id)) {
      seen.add(id);
      out.push(id);
    }
  }
  return out;
}

/** nDCG@10 with binary relevance: each distinct gold id in the first 10 gains 1/log2(rank+1). */
export function ndcgAt10(ranked: readonly string[], gold: ReadonlySet<string>): number {
  let dcg = 0;
  const top = ranked.slice(0, CUTOFF);
  top.forEach((id, i) => {
    if (gold.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(gold.size, CUTOFF); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** The language-pair label of a query, as the reference scorer writes it. */
export function pairLabel(q: ScoredQuery, passageLang: ReadonlyMap<string, string>): string {
  if (passageLang.size === 0) return `${q.lang}->*`;
  const langs = [...new Set(q.gold.map((g) => passageLang.get(g) ?? '?'))].sort();
  return `${q.lang}->${langs.join('+')}`;
}

export function scoreQuery(q: ScoredQuery, ranked: readonly string[] | undefined, passageLang: ReadonlyMap<string, string>): QueryScore {
  const list = ranked ? dedupeRanking(ranked) : [];
  const gold = new Set(q.gold);
  const index = list.findIndex((id) => gold.has(id));
  return {
    id: q.id,
    pair: pairLabel(q, passageLang),
    rank: index < 0 ? 0 : index + 1,
    ndcg10: ndcgAt10(list, gold),
    missing: ranked === undefined,
  };
}

/** Mean metrics per language pair, pairs sorted by name and "ALL" last (the reference's order). */
export function aggregate(scores: readonly QueryScore[]): MetricsRow[] {
  const groups = new Map<string, QueryScore[]>();
  for (const s of scores) {
    for (const key of [s.pair, 'ALL']) {
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
  }
  const within = (rank: number, k: number) => (rank >= 1 && rank <= k ? 1 : 0);
  return [...groups.entries()]
    .sort(([a], [b]) => Number(a === 'ALL') - Number(b === 'ALL') || a.localeCompare(b))
    .map(([pair, list]) => {
      const n = list.length;
      const mean = (f: (s: QueryScore) => number) => list.reduce((acc, s) => acc + f(s), 0) / n;
      return {
        pair,
        n,
        r1: mean((s) => within(s.rank, 1)),
        r5: mean((s) => within(s.rank, 5)),
        r10: mean((s) => within(s.rank, CUTOFF)),
        mrr10: mean((s) => (within(s.rank, CUTOFF) ? 1 / s.rank : 0)),
        ndcg10: mean((s) => s.ndcg10),
        missing: list.filter((s) => s.missing).length,
      };
    });
}

/** Scores every query against its ranking (absent = miss) and aggregates per pair. */
export function scoreRankings(
  queries: readonly ScoredQuery[],
  rankings: ReadonlyMap<string, readonly string[]>,
  passageLang: ReadonlyMap<string, string>,
): { rows: MetricsRow[]; perQuery: QueryScore[] } {
  const perQuery = queries.map((q) => scoreQuery(q, rankings.get(q.id), passageLang));
  return { rows: aggregate(perQuery), perQuery };
}

/**
 * The passage id a ranked entry of a results file stands for, as the reference scorer reads it:
 * an object's "id", "file" or "path"; a path loses its folders and a trailing ".txt".
 */
export function rankingEntryId(entry: unknown): string {
  let value: unknown = entry;
  if (entry !== null && typeof entry === 'object') {
    const o = entry as Record<string, unknown>;
    value = o.id ?? o.file ?? o.path;
  }
  let s = String(value);
  if (s.includes('/') || s.includes('\\')) s = s.split(/[\\/]/).pop() ?? s;
  return s.endsWith('.txt') ? s.slice(0, -4) : s;
}
