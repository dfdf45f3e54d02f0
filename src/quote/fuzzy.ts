// Approximate matching for quotes an assistant paraphrased or misremembered slightly. Works on
// folded text (see src/text/normalize.ts), so letter variants and diacritics already cost nothing
// here; what is left to score is real wording: changed, missing or extra characters.

export interface Window {
  /** Start and end (exclusive) of the best-matching window in the text searched. */
  start: number;
  end: number;
  /** Edit distance between the pattern and that window. */
  distance: number;
}

/**
 * The substring of `text` closest to `pattern` by edit distance (Sellers' algorithm: Levenshtein
 * with a free start and end in the text). O(|pattern| · |text|) time, O(|pattern|) memory. Ties go
 * to the earliest end, then the alignment that began latest (the shorter window).
 */
export function bestWindow(pattern: string, text: string): Window {
  const m = pattern.length;
  const pat = new Uint16Array(m);
  for (let i = 0; i < m; i++) pat[i] = pattern.charCodeAt(i);
  // Two columns (previous and current text position) of costs and alignment starts.
  let costPrev = new Int32Array(m + 1);
  let costCur = new Int32Array(m + 1);
  let startPrev = new Int32Array(m + 1);
  let startCur = new Int32Array(m + 1);
  for (let i = 0; i <= m; i++) costPrev[i] = i;
  let best: Window = { start: 0, end: 0, distance: m };
  for (let j = 1; j <= text.length; j++) {
    const t = text.charCodeAt(j - 1);
    // Row 0: the empty pattern prefix matches anywhere at no cost, starting here.
    costCur[0] = 0;
    startCur[0] = j;
    let diagCost = 0;
    let diagStart = j - 1;
    let leftCost = 0;
    let leftStart = j;
    for (let i = 1; i <= m; i++) {
      const upCost = costPrev[i] ?? 0;
      const upStart = startPrev[i] ?? 0;
      let cost = diagCost + (pat[i - 1] === t ? 0 : 1);
      let start = diagStart;
      // Ties prefer the alignment that began later: the shorter window.
      if (upCost + 1 < cost || (upCost + 1 === cost && upStart > start)) {
        cost = upCost + 1;
        start = upStart;
      }
      if (leftCost + 1 < cost || (leftCost + 1 === cost && leftStart > start)) {
        cost = leftCost + 1;
        start = leftStart;
      }
      costCur[i] = cost;
      startCur[i] = start;
      diagCost = upCost;
      diagStart = upStart;
      leftCost = cost;
      leftStart = start;
    }
    if (leftCost < best.distance) best = { start: leftStart, end: j, distance: leftCost };
    [costPrev, costCur] = [costCur, costPrev];
    [startPrev, startCur] = [startCur, startPrev];
  }
  return best;
}

/** Plain Levenshtein distance (insert, delete, substitute all cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = new Int32Array(b.length + 1);
  let cur = new Int32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      cur[j] = Math.min(sub, (prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

/** 1 − distance / longer length: 1 for equal strings, 0 for nothing in common. */
export function similarity(a: string, b: string): number {
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - editDistance(a, b) / longer;
}
