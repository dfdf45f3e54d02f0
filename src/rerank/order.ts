// Where reranking changes the ranking: the first N fused results are put in the reranker's order
// (best score first; equal scores keep their fused order), and everything after them keeps its
// fused order behind them. A pure function, so the exact orders are tested without any model.

export interface Reranked<T> {
  item: T;
  /** The reranker's score; absent for items beyond the reranked window. */
  score?: number;
}

/**
 * `scores[i]` scores `ranked[i]` for i < scores.length; those items are sorted by it, the rest
 * follow unchanged. A score that is not a finite number sorts last within the window.
 */
export function applyRerankScores<T>(ranked: readonly T[], scores: readonly number[]): Array<Reranked<T>> {
  const n = Math.min(scores.length, ranked.length);
  const key = (i: number) => {
    const s = scores[i];
    return s !== undefined && Number.isFinite(s) ? s : Number.NEGATIVE_INFINITY;
  };
  const window = Array.from({ length: n }, (_, i) => i).sort((a, b) => key(b) - key(a) || a - b);
  return [
    ...window.map((i) => ({ item: ranked[i] as T, score: scores[i] as number })),
    ...ranked.slice(n).map((item) => ({ item })),
  ];
}
