// Fusion for hybrid search: merges ranked lists (semantic and lexical, for the query and each of its
// variants) whose scores live on unrelated scales (cosine similarities, BM25), by standardising each
// list per query. Pure.

/** One ranked list for score fusion: items best first, with the score that ranked them. */
export interface ScoredList<K> {
  items: ReadonlyArray<{ key: K; score: number }>;
  /** Multiplies the list's contribution (default 1). */
  weight?: number;
  /**
   * When the list is complete: the score every item not in it has (BM25 gives 0 to a passage
   * without any query term). Its statistics then take the true top of the ranking, those scores
   * included, and an unlisted item gets exactly that score's z. Unset: the list is a top cut.
   */
  rest?: number;
  /** How many items the list ranks over (the pool after filters); bounds the padding. */
  population?: number;
}

export interface ZFusionOptions<K> {
  /** How many of each list's top items set its mean and spread. Default `Z_WINDOW`. */
  window?: number;
  /** Final tie-break between keys (after the best single rank); default: natural order. */
  compareKeys?: (a: K, b: K) => number;
}

export interface FusedKey<K> {
  key: K;
  score: number;
}

/**
 * How many top items of a list set its statistics: the depth every list is retrieved to anyway,
 * and independent of how many results the caller asked for, so `k` never changes an order. A
 * sweep of 10/20/50/100 on every dev set is in BENCHMARKS.md (10 and 20 lose, 50 and 100 agree).
 */
export const Z_WINDOW = 50;

/**
 * Score fusion on per-query z-scores (CombSUM of standardised scores). Each list's scores are
 * standardised by the mean and standard deviation of its own top `window` items, so a list that
 * singles out a few items (a rare name matched lexically, a passage far closer than the rest) speaks
 * loudly, and a flat list — an English question's accidental keyword matches in Arabic text, a
 * vague question's near-ties in embedding space — hardly moves the order. That per-query
 * self-calibration is what rank fusion lacks: RRF treats rank 1 of a confident list and rank 1 of a
 * guess alike, and fell below its better input on sets where one side is much stronger
 * (BENCHMARKS.md). An item missing from a top-cut list gets that list's z-score at the bottom of its
 * window (never more than 0): it scored at most that there; an item missing from a complete list
 * gets the z of the score it is known to have (`rest`). No fitted constant: BM25 scores and cosine
 * similarities are each put on their own list's scale.
 *
 * Ties go to the best single rank in any list, then to `compareKeys` (deterministic output).
 */
export function zScoreFusion<K>(lists: ReadonlyArray<ScoredList<K>>, opts: ZFusionOptions<K> = {}): Array<FusedKey<K>> {
  const window = opts.window ?? Z_WINDOW;
  if (!Number.isInteger(window) || window < 1) throw new Error(`z-fusion window must be an integer >= 1, got ${window}`);
  const prepared = lists.map((list, li) => {
    const w = list.weight ?? 1;
    if (!Number.isFinite(w) || w < 0) throw new Error(`list ${li}: weights must be finite numbers >= 0, got ${w}`);
    const seen = new Map<K, { score: number; rank: number }>();
    for (const [i, { key, score }] of list.items.entries()) {
      if (!Number.isFinite(score)) throw new Error(`list ${li}: score of item ${i} is not a finite number`);
      if (!seen.has(key)) seen.set(key, { score, rank: seen.size + 1 });
    }
    const top = [...seen.values()].slice(0, window).map((x) => x.score);
    // A complete list's true top `window` includes the unlisted items' score, up to the pool size.
    if (list.rest !== undefined) {
      const slots = Math.min(window, Math.max(top.length, list.population ?? window));
      while (top.length < slots) top.push(list.rest);
    }
    const mean = top.reduce((a, x) => a + x, 0) / Math.max(1, top.length);
    const sd = Math.sqrt(top.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, top.length));
    const z = (s: number) => (sd > 0 ? (s - mean) / sd : 0);
    const last = top[top.length - 1];
    const floor = list.rest !== undefined ? z(list.rest) : last !== undefined ? Math.min(0, z(last)) : 0;
    return { w, seen, z, floor };
  });

  const fused = new Map<K, { score: number; bestRank: number }>();
  for (const list of prepared) {
    for (const [key, { rank }] of list.seen) {
      const entry = fused.get(key);
      if (entry) entry.bestRank = Math.min(entry.bestRank, rank);
      else fused.set(key, { score: 0, bestRank: rank });
    }
  }
  for (const [key, entry] of fused) {
    for (const list of prepared) {
      const hit = list.seen.get(key);
      entry.score += list.w * (hit ? list.z(hit.score) : list.floor);
    }
  }
  const compare = opts.compareKeys ?? ((a: K, b: K) => (a < b ? -1 : a > b ? 1 : 0));
  return [...fused.entries()]
    .sort(([ka, a], [kb, b]) => b.score - a.score || a.bestRank - b.bestRank || compare(ka, kb))
    .map(([key, { score }]) => ({ key, score }));
}
