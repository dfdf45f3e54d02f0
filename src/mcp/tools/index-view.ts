// Lookup tables over one index snapshot (citation id → passage, document → its passages) and the
// "did you mean" suggestions for ids that are not in it. Built once per snapshot: the server
// caches views in a WeakMap keyed by the snapshot, so a reindex simply yields a new view.
import type { Searcher } from '../../search/searcher.ts';
import type { StoredPassage } from '../../store/index-store.ts';
import { prepareQuoteCorpus, type QuoteCorpus } from '../../quote/verify.ts';
import { editDistance } from '../../quote/fuzzy.ts';
import type { DocumentMeta } from '../../types.ts';

export interface IndexView {
  readonly searcher: Searcher;
  readonly documents: readonly DocumentMeta[];
  document(id: string): DocumentMeta | undefined;
  passage(citation: string): StoredPassage | undefined;
  /** Passages of a document in reading order (empty for an unknown id). */
  passagesOf(docId: string): readonly StoredPassage[];
  /** Folded passages for quote verification; built on first use. */
  quotes(): QuoteCorpus;
}

export function createIndexView(searcher: Searcher): IndexView {
  const { documents, passages } = searcher.index;
  const docs = new Map(documents.map((d) => [d.id, d]));
  const byCitation = new Map(passages.map((p) => [p.id, p]));
  const byDoc = new Map<string, StoredPassage[]>();
  for (const p of passages) {
    const list = byDoc.get(p.docId);
    if (list) list.push(p);
    else byDoc.set(p.docId, [p]);
  }
  let quotes: QuoteCorpus | null = null;
  return {
    searcher,
    documents,
    document: (id) => docs.get(id),
    passage: (citation) => byCitation.get(citation),
    passagesOf: (docId) => byDoc.get(docId) ?? [],
    quotes() {
      quotes ??= prepareQuoteCorpus(passages);
      return quotes;
    },
  };
}

/** Models often cite with brackets or spaces (`[doc#p3]`); ids never contain either at the ends. */
export function cleanId(raw: string): string {
  return raw.trim().replace(/^\[+|\]+$/gu, '').trim();
}

const CITATION = /^(.*)#p(\d+)(?:\.(\d+))?$/u;

export interface ParsedCitation {
  docId: string;
  para: number;
  part?: number;
}

export function parseCitation(id: string): ParsedCitation | null {
  const m = CITATION.exec(id);
  if (!m) return null;
  const [, docId = '', para = '0', part] = m;
  return { docId, para: Number(para), ...(part !== undefined ? { part: Number(part) } : {}) };
}

const MAX_SUGGESTIONS = 3;

/** Document ids closest to `id` by edit distance (case-insensitive), close enough to be a typo. */
export function similarDocuments(view: IndexView, id: string, max = MAX_SUGGESTIONS): string[] {
  const wanted = id.toLowerCase();
  const close = view.documents
    .map((d) => ({ id: d.id, distance: editDistance(wanted, d.id.toLowerCase()) }))
    .filter((d) => d.distance <= Math.max(3, Math.floor(d.id.length * 0.4)))
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
  // Ids that share a naming scheme are all "close"; only those nearly as close as the best help.
  const best = close[0]?.distance ?? 0;
  return close
    .filter((d) => d.distance <= Math.max(2, 2 * best))
    .slice(0, max)
    .map((d) => d.id);
}

/** Citation ids of `docId` closest to paragraph `para` (then part), nearest first. */
function nearestInDocument(view: IndexView, docId: string, para: number, part?: number): string[] {
  return [...view.passagesOf(docId)]
    .sort(
      (a, b) =>
        Math.abs(a.para - para) - Math.abs(b.para - para) ||
        Math.abs((a.part ?? 0) - (part ?? 0)) - Math.abs((b.part ?? 0) - (part ?? 0)) ||
        a.para - b.para ||
        (a.part ?? 0) - (b.part ?? 0),
    )
    .slice(0, MAX_SUGGESTIONS)
    .map((p) => p.id);
}

/**
 * Valid citation ids nearest to an unknown one: in the same document, the paragraphs around the
 * number asked for; otherwise those of the documents whose ids are closest by edit distance. A bare
 * document id gets its first passages.
 */
export function suggestCitations(view: IndexView, id: string): string[] {
  const parsed = parseCitation(id);
  const docId = parsed?.docId ?? id;
  // A bare document id: its first passages, title first.
  const para = parsed?.para ?? 0;
  if (view.document(docId)) return nearestInDocument(view, docId, para, parsed?.part);
  return similarDocuments(view, docId)
    .flatMap((d) => nearestInDocument(view, d, para, parsed?.part))
    .slice(0, MAX_SUGGESTIONS);
}

/** The sentence an error about an unknown citation id ends with. */
export function unknownCitationMessage(view: IndexView, id: string): string {
  const suggestions = suggestCitations(view, id);
  const parsed = parseCitation(id);
  const head = !parsed && view.document(id) ? `"${id}" is a document id, not a citation id` : `unknown citation id "${id}"`;
  const hint =
    suggestions.length > 0
      ? `; did you mean ${suggestions.join(', ')}?`
      : '; no similar id exists in this index. Citation ids come from search results or get_document, e.g. report.txt#p3.';
  return `${head}${hint}`;
}

/** The error for an unknown document id, with the closest ids. */
export function unknownDocumentMessage(view: IndexView, id: string): string {
  const similar = similarDocuments(view, id);
  const hint = similar.length > 0 ? ` Did you mean ${similar.join(', ')}?` : '';
  return `unknown document id "${id}".${hint} Call list_documents for every document id.`;
}
