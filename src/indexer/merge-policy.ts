// Which segments to merge, if any. Pure.
//
// Every rebuild adds a segment, so without merging a long-running archive would search more and
// more small segments. The policy, in the spirit of Lucene's log-size policies:
// - a segment's level is 0 below MERGE_FLOOR live passages, then one more per factor of
//   MERGE_FACTOR (1: up to 10k, 2: up to 100k, …);
// - when MERGE_FACTOR segments share a level, the oldest MERGE_FACTOR of them merge into one
//   (which lands a level up), so a level never holds more than MERGE_FACTOR - 1 segments and each
//   passage is rewritten about once per level: log₁₀(N / 1000) times over its life;
// - a segment whose passages are at least half deleted is rewritten alone without them, so
//   deleted passages never take more than about half of a segment's space and search time.
// No merge needs the segments next to each other: any set of segments merges exactly, because
// rankings merge by score and index order, not by position.

export const MERGE_FACTOR = 10;
export const MERGE_FLOOR = 1_000;
export const EXPUNGE_RATIO = 0.5;

export interface MergeCandidate {
  name: string;
  passages: number;
  deleted: number;
}

export function segmentLevel(live: number): number {
  return live < MERGE_FLOOR ? 0 : 1 + Math.floor(Math.log10(live / MERGE_FLOOR));
}

/** Names of the segments to merge next (in manifest order), or null when none need merging. */
export function pickMerge(segments: readonly MergeCandidate[]): string[] | null {
  const heavy = segments.find((s) => s.passages > 0 && s.deleted < s.passages && s.deleted / s.passages >= EXPUNGE_RATIO);
  if (heavy) return [heavy.name];
  const byLevel = new Map<number, string[]>();
  for (const s of segments) {
    const level = segmentLevel(s.passages - s.deleted);
    byLevel.set(level, [...(byLevel.get(level) ?? []), s.name]);
  }
  for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
    const names = byLevel.get(level) ?? [];
    if (names.length >= MERGE_FACTOR) return names.slice(0, MERGE_FACTOR);
  }
  return null;
}
