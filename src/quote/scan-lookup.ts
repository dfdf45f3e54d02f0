// A QuoteLookup over passages held in memory that finds candidates by scanning every passage.
// Exact by construction, so it is the reference the indexed lookup is tested against, and it
// serves small passage sets (tests, a single document) where an index would cost more than it saves.
import type { QuoteCandidateQuery } from '../backend/backend.ts';
import { foldText } from '../text/normalize.ts';
import { sharedGrams, trigrams, type QuoteSource } from './prepared.ts';
import type { QuoteLookup } from './verify.ts';

interface ScanDoc {
  id: string;
  passages: QuoteSource[];
  /** Folded passages, built on first use. */
  folded?: string[];
  /** The folded passages concatenated without any space. */
  compact?: string;
}

/** Passages of a document must be consecutive and in reading order. */
export function scanQuoteLookup(passages: readonly QuoteSource[]): QuoteLookup {
  const docs: ScanDoc[] = [];
  const byDoc = new Map<string, ScanDoc>();
  const byId = new Map<string, QuoteSource>();
  for (const p of passages) {
    let doc = docs.at(-1);
    if (!doc || doc.id !== p.docId) {
      doc = { id: p.docId, passages: [] };
      docs.push(doc);
      byDoc.set(doc.id, doc);
    }
    doc.passages.push(p);
    byId.set(p.id, p);
  }
  const foldedOf = (doc: ScanDoc): string[] => (doc.folded ??= doc.passages.map((p) => foldText(p.text)));
  const compactOf = (doc: ScanDoc): string => (doc.compact ??= foldedOf(doc).join('').replaceAll(' ', ''));

  return {
    passages: async (ids) => ids.map((id) => byId.get(id)),
    passagesOf: async (docId) => [...(byDoc.get(docId)?.passages ?? [])],
    async quoteCandidates(query: QuoteCandidateQuery) {
      const wanted = query.documents && query.documents.length > 0 ? new Set(query.documents) : null;
      const scope = wanted ? docs.filter((d) => wanted.has(d.id)) : docs;
      const folded = foldText(query.quote);
      const needle = folded.replaceAll(' ', '');
      const documents =
        query.only === 'similar'
          ? []
          : scope.filter((d) => d.passages.some((p) => p.text.includes(query.quote)) || (needle.length > 0 && compactOf(d).includes(needle)))
        .map((d) => d.id);
      if (query.only === 'documents') return { documents, similar: [] };
      const grams = trigrams(folded);
      const similar = scope
        .flatMap((d) => foldedOf(d).map((f, i) => ({ passage: d.passages[i] as QuoteSource, shared: sharedGrams(f, grams) })))
        .filter((c) => c.shared > 0 || grams.size === 0)
        .sort((a, b) => b.shared - a.shared)
        .slice(0, query.similar);
      return { documents, similar };
    },
  };
}
