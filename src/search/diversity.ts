// Result diversity: one article must not fill a result list while other articles hold relevant
// passages. A news archive tells one story in several outlets and languages, and the passage that
// answers may sit in another outlet's report, ranked just below a same-language article's other
// paragraphs (BENCHMARKS.md, "Diversity").

/**
 * Keeps at most `perDocument` items of each document in rank order; the items over the cap keep
 * their relative order and follow every item within the cap, so they still fill the list when the
 * other documents run out. `perDocument` ≥ 1; `Infinity` disables the cap.
 */
export function capPerDocument<T extends { docId: string }>(ranked: readonly T[], perDocument: number): T[] {
  if (!(perDocument >= 1)) throw new Error(`per-document cap must be at least 1, got ${perDocument}`);
  if (perDocument === Infinity) return [...ranked];
  const counts = new Map<string, number>();
  const within: T[] = [];
  const over: T[] = [];
  for (const item of ranked) {
    const n = counts.get(item.docId) ?? 0;
    counts.set(item.docId, n + 1);
    (n < perDocument ? within : over).push(item);
  }
  return [...within, ...over];
}
