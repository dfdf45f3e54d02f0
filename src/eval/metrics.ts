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

/** Label of the subset "questions in this language, whatever the language of the answer". */
export const anyPassageLabel = (lang: string) => `${lang}->*`;
export const CROSS_LANGUAGE = 'cross-language';
export const SAME_LANGUAGE = 'same-language';

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
  /** A subset row only: the pair row (or "ALL") that holds exactly the same queries. */
  sameAs?: string;
}

/** Per-query numbers; a row is their mean over the queries of a pair. */
export interface QueryScore {
  id: string;
  /** Query language. */
  lang: string;
  pair: string;
  /**
   * True when every gold passage is in a language other than the query's (only another
   * language's article answers it), false when one is in the query's language, undefined when
   * a gold passage's language is unknown.
   */
  crossLanguage?: boolean;
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
  if (passageLang.size === 0) return anyPassageLabel(q.lang);
  return `${q.lang}->${goldLanguages(q, passageLang).join('+')}`;
}

function goldLanguages(q: ScoredQuery, passageLang: ReadonlyMap<string, string>): string[] {
  return [...new Set(q.gold.map((g) => passageLang.get(g) ?? '?'))].sort();
}

/** Whether only passages in other languages answer `q`; undefined when a gold language is unknown. */
export function isCrossLanguage(q: ScoredQuery, passageLang: ReadonlyMap<string, string>): boolean | undefined {
  const langs = goldLanguages(q, passageLang);
  if (passageLang.size === 0 || langs.includes('?')) return undefined;
  return !langs.includes(q.lang);
}

export function scoreQuery(q: ScoredQuery, ranked: readonly string[] | undefined, passageLang: ReadonlyMap<string, string>): QueryScore {
  const list = ranked ? dedupeRanking(ranked) : [];
  const gold = new Set(q.gold);
  const index = list.findIndex((id) => gold.has(id));
  const cross = isCrossLanguage(q, passageLang);
  return {
    id: q.id,
    lang: q.lang,
    pair: pairLabel(q, passageLang),
    ...(cross !== undefined ? { crossLanguage: cross } : {}),
    rank: index < 0 ? 0 : index + 1,
    ndcg10: ndcgAt10(list, gold),
    missing: ranked === undefined,
  };
}

const pairKeys = (s: QueryScore) => [s.pair, 'ALL'];

/** Mean metrics per language pair, pairs sorted by name and "ALL" last (the reference's order). */
export function aggregate(scores: readonly QueryScore[]): MetricsRow[] {
  const groups = groupBy(scores, pairKeys);
  return [...groups.entries()]
    .sort(([a], [b]) => Number(a === 'ALL') - Number(b === 'ALL') || a.localeCompare(b))
    .map(([pair, list]) => meanRow(pair, list));
}

/**
 * Rows that cut across the pairs: each query language whatever the answer's language
 * ("en->*"), then the cross-language questions (answered only by passages in other languages)
 * and the same-language ones. A mixed pool or a hand-written set has several pairs per query
 * language, and these are the numbers that show a language bias. A subset that holds exactly
 * the queries of a pair row says so in `sameAs`.
 */
export function subsetRows(scores: readonly QueryScore[]): MetricsRow[] {
  const subsetKeys = (s: QueryScore) => [
    anyPassageLabel(s.lang),
    ...(s.crossLanguage === undefined ? [] : [s.crossLanguage ? CROSS_LANGUAGE : SAME_LANGUAGE]),
  ];
  const groups = groupBy(scores, subsetKeys);
  const order = (label: string) => (label === CROSS_LANGUAGE ? 1 : label === SAME_LANGUAGE ? 2 : 0);
  const membersOf = (list: readonly QueryScore[]) => list.map((s) => s.id).join('\n');
  const pairOf = new Map([...groupBy(scores, pairKeys)].map(([pair, list]) => [membersOf(list), pair]));
  return [...groups.entries()]
    .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
    .map(([label, list]) => {
      const sameAs = pairOf.get(membersOf(list));
      return { ...meanRow(label, list), ...(sameAs !== undefined ? { sameAs } : {}) };
    });
}

function groupBy(scores: readonly QueryScore[], keys: (s: QueryScore) => string[]): Map<string, QueryScore[]> {
  const groups = new Map<string, QueryScore[]>();
  for (const s of scores) {
    for (const key of keys(s)) {
      const list = groups.get(key);
      if (list) list.push(s);
      else groups.set(key, [s]);
    }
  }
  return groups;
}

function meanRow(pair: string, list: readonly QueryScore[]): MetricsRow {
  const within = (rank: number, k: number) => (rank >= 1 && rank <= k ? 1 : 0);
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
}

/** Scores every query against its ranking (absent = miss) and aggregates per pair and subset. */
export function scoreRankings(
  queries: readonly ScoredQuery[],
  rankings: ReadonlyMap<string, readonly string[]>,
  passageLang: ReadonlyMap<string, string>,
): { rows: MetricsRow[]; subsets: MetricsRow[]; perQuery: QueryScore[] } {
  const perQuery = queries.map((q) => scoreQuery(q, rankings.get(q.id), passageLang));
  return { rows: aggregate(perQuery), subsets: subsetRows(perQuery), perQuery };
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
