// "Did you mean" for document ids, for backends that hold the id list in process.
import { editDistance } from '../quote/fuzzy.ts';

/** Document ids closest to `id` by edit distance (case-insensitive), close enough to be a typo. */
export function closestIds(ids: readonly string[], id: string, max: number): string[] {
  const wanted = id.toLowerCase();
  const close = ids
    .map((candidate) => ({ id: candidate, distance: editDistance(wanted, candidate.toLowerCase()) }))
    .filter((d) => d.distance <= Math.max(3, Math.floor(d.id.length * 0.4)))
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
  // Ids that share a naming scheme are all "close"; only those nearly as close as the best help.
  const best = close[0]?.distance ?? 0;
  return close
    .filter((d) => d.distance <= Math.max(2, 2 * best))
    .slice(0, max)
    .map((d) => d.id);
}
