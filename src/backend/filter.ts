// PassageFilter semantics, written once for every backend that filters in process: which
// documents pass, and which passages of a passing document do.
import { foldText } from '../text/normalize.ts';
import type { DocumentMeta, Lang } from '../types.ts';
import type { DateRange, PassageFilter } from './backend.ts';

export interface CompiledFilter {
  /** Whether a document's passages may pass (document-level conditions). */
  document(meta: DocumentMeta): boolean;
  /** Allowed passage languages, or null for any. */
  languages: ReadonlySet<Lang> | null;
}

/** Null when the filter restricts nothing (so callers can skip filtering entirely). */
export function compileFilter(filter: PassageFilter | undefined): CompiledFilter | null {
  if (!filter) return null;
  const docs = nonEmpty(filter.documents) ? new Set(filter.documents) : null;
  const languages = nonEmpty(filter.languages) ? new Set(filter.languages) : null;
  // Outlets are free text written by the articles ("SANA", "سانا"): compare folded.
  const outlets = nonEmpty(filter.outlets) ? new Set(filter.outlets.map(foldText)) : null;
  const published = activeRange(filter.published);
  const mentioned = activeRange(filter.mentioned);
  if (!docs && !languages && !outlets && !published && !mentioned) return null;
  return {
    languages,
    document(meta) {
      if (docs && !docs.has(meta.id)) return false;
      if (outlets && (meta.outlet === undefined || !outlets.has(foldText(meta.outlet)))) return false;
      if (published && (meta.published === undefined || !inRange(meta.published, published))) return false;
      if (mentioned && !meta.dates.some((d) => inRange(d, mentioned))) return false;
      return true;
    },
  };
}

function nonEmpty<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0;
}

function activeRange(range: DateRange | undefined): DateRange | null {
  return range && (range.from !== undefined || range.to !== undefined) ? range : null;
}

/** ISO dates compare correctly as strings. */
function inRange(date: string, range: DateRange): boolean {
  return (range.from === undefined || date >= range.from) && (range.to === undefined || date <= range.to);
}
