// Rank fusion for hybrid search: merges ranked lists (lexical, semantic, query variants) by rank
// alone, since BM25 scores and cosine similarities live on unrelated scales.

export interface FusionOptions {
  /** RRF damping constant: larger flattens the advantage of the very top ranks. Default 60. */
  k?: number;
  /** One weight per list (default 1 each); a list with weight 0 contributes nothing. */
  weights?: number[];
}

export interface FusedHit {
  ord: number;
  score: number;
}

export const RRF_DEFAULT_K = 60;

/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): score(ord) = Σ w_i / (k + rank_i),
 * rank 1-based, over the lists that contain ord. An ord repeated inside one list counts once, at
 * its best rank. Ties (equal fused score) go to the ord with the best single rank in any list,
 * then to the lower ord, so the output is fully deterministic.
 */
export function reciprocalRankFusion(
  lists: ReadonlyArray<ReadonlyArray<{ ord: number }>>,
  opts: FusionOptions = {},
): FusedHit[] {
  const k = opts.k ?? RRF_DEFAULT_K;
  if (!Number.isFinite(k) || k < 0) throw new Error(`RRF k must be a finite number >= 0, got ${k}`);
  const weights = opts.weights;
  if (weights !== undefined) {
    if (weights.length !== lists.length) {
      throw new Error(`RRF got ${weights.length} weights for ${lists.length} lists; pass one weight per list`);
    }
    for (const w of weights) {
      if (!Number.isFinite(w) || w < 0) throw new Error(`RRF weights must be finite numbers >= 0, got ${w}`);
    }
  }

  const fused = new Map<number, { score: number; bestRank: number }>();
  lists.forEach((list, li) => {
    const w = weights?.[li] ?? 1;
    if (w === 0) return; // a muted list must not even add candidates
    const seen = new Set<number>();
    list.forEach(({ ord }, i) => {
      if (seen.has(ord)) return;
      seen.add(ord);
      const rank = i + 1;
      const entry = fused.get(ord);
      if (entry === undefined) {
        fused.set(ord, { score: w / (k + rank), bestRank: rank });
      } else {
        entry.score += w / (k + rank);
        if (rank < entry.bestRank) entry.bestRank = rank;
      }
    });
  });

  return [...fused.entries()]
    .sort(([oa, a], [ob, b]) => b.score - a.score || a.bestRank - b.bestRank || oa - ob)
    .map(([ord, { score }]) => ({ ord, score }));
}

/** One ranked list for score fusion: items best first, with the score that ranked them. */
export interface ScoredList<K> {
  items: ReadonlyArray<{ key: K; score: number }>;
  /** Multiplies the list's contribution (default 1). */
  weight?: number;
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
 * (BENCHMARKS.md). An item missing from a list gets that list's z-score at the bottom of its window
 * (never more than 0): it scored at most that there. No fitted constant: BM25 scores and cosine
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
    const top = [...seen.values()].slice(0, window);
    const mean = top.reduce((a, x) => a + x.score, 0) / Math.max(1, top.length);
    const sd = Math.sqrt(top.reduce((a, x) => a + (x.score - mean) ** 2, 0) / Math.max(1, top.length));
    const z = (s: number) => (sd > 0 ? (s - mean) / sd : 0);
    const last = top[top.length - 1];
    return { w, seen, z, floor: last ? Math.min(0, z(last.score)) : 0 };
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
