// What the embedded backend's searches share: hits addressed by (segment, ord), the per-segment
// filter that also hides deleted passages, and the exact merge of per-segment ranked lists.
import type { SegmentView } from '../../store/index-store.ts';
import type { CompiledFilter } from '../filter.ts';

export interface SegmentHit {
  seg: number;
  ord: number;
  score: number;
}

/** Index order of two passages in (possibly different) segments: document id, then offset. */
export function compareIndexOrder(segments: readonly SegmentView[], a: SegmentHit, b: SegmentHit): number {
  const ta = segments[a.seg]?.reader.table;
  const tb = segments[b.seg]?.reader.table;
  if (!ta || !tb) return 0;
  const da = ta.docIdOf(a.ord);
  const db = tb.docIdOf(b.ord);
  if (da !== db) return da < db ? -1 : 1;
  return ta.startOf(a.ord) - tb.startOf(b.ord);
}

/**
 * Merges per-segment lists (each best first, ties in index order) into the best `depth` overall:
 * score descending, ties in index order, as one index over all segments would rank them.
 */
export function mergeHits(segments: readonly SegmentView[], lists: ReadonlyArray<readonly SegmentHit[]>, depth: number): SegmentHit[] {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 1) return (nonEmpty[0] ?? []).slice(0, depth);
  return nonEmpty
    .flat()
    .sort((a, b) => b.score - a.score || compareIndexOrder(segments, a, b))
    .slice(0, depth);
}

/**
 * The ord predicate for one segment: live (not deleted) and, when a filter is given, passing it.
 * Undefined when every passage passes (the searches then skip the callback entirely).
 */
export function segmentAccept(view: SegmentView, filter: CompiledFilter | null): ((ord: number) => boolean) | undefined {
  const deleted = view.deleted;
  if (!filter) return deleted ? (ord) => deleted[ord] !== 1 : undefined;
  const { table } = view.reader;
  const languages = filter.languages;
  // Document-level conditions are decided once per document, not once per passage visited.
  const docOk = new Map<number, boolean>();
  return (ord) => {
    if (deleted && deleted[ord] === 1) return false;
    if (languages && !languages.has(table.langOf(ord))) return false;
    const d = table.docOrd[ord] ?? 0;
    let ok = docOk.get(d);
    if (ok === undefined) {
      const meta = table.documents[d];
      ok = meta !== undefined && filter.document(meta);
      docOk.set(d, ok);
    }
    return ok;
  };
}
