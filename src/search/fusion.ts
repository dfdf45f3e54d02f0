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
