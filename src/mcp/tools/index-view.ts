// What a request reads the index through: the searcher and the backend of the snapshot it
// holds, plus the "did you mean" suggestions for ids that are not in it. Nothing here is built per
// session or per request: lookup tables live in the snapshot's backend, built once per version.
import type { SearchBackend } from '../../backend/backend.ts';
import type { Searcher } from '../../search/searcher.ts';
import type { DocumentMeta } from '../../types.ts';
import { idText } from './shared.ts';

export interface IndexView {
  readonly searcher: Searcher;
  readonly backend: SearchBackend;
}

export function viewOf(searcher: Searcher): IndexView {
  return { searcher, backend: searcher.snapshot.backend };
}

/** Page size when a tool needs every document (list_documents, the resource list). */
const LIST_PAGE = 1000;

/** The documents, sorted by id, a page at a time (a caller may stop early). */
export async function* documentPages(view: IndexView): AsyncGenerator<DocumentMeta[]> {
  let cursor: string | undefined;
  do {
    const page = await view.backend.listDocuments({ limit: LIST_PAGE, ...(cursor !== undefined ? { cursor } : {}) });
    yield page.documents;
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

/** Models often cite with brackets or spaces (`[doc#p3]`); ids never contain either at the ends. */
export function cleanId(raw: string): string {
  // Index arithmetic rather than /\]+$/u, which retries at every "]" of a long run.
  let start = 0;
  let end = raw.length;
  const isSpace = (ch: string | undefined) => ch !== undefined && /\s/u.test(ch);
  while (start < end && isSpace(raw[start])) start++;
  while (end > start && isSpace(raw[end - 1])) end--;
  while (start < end && raw[start] === '[') start++;
  while (end > start && raw[end - 1] === ']') end--;
  return raw.slice(start, end).trim();
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

/** Document ids closest to `id`, close enough to be a typo. */
export function similarDocuments(view: IndexView, id: string, max = MAX_SUGGESTIONS): Promise<string[]> {
  return view.backend.suggestIds(id, max);
}

/** Citation ids of `docId` closest to paragraph `para` (then part), nearest first. */
async function nearestInDocument(view: IndexView, docId: string, para: number, part?: number): Promise<string[]> {
  return (await view.backend.passagesOf(docId))
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
export async function suggestCitations(view: IndexView, id: string): Promise<string[]> {
  const parsed = parseCitation(id);
  const docId = parsed?.docId ?? id;
  // A bare document id: its first passages, title first.
  const para = parsed?.para ?? 0;
  if (await view.backend.document(docId)) return nearestInDocument(view, docId, para, parsed?.part);
  const out: string[] = [];
  for (const d of await similarDocuments(view, docId)) out.push(...(await nearestInDocument(view, d, para, parsed?.part)));
  return out.slice(0, MAX_SUGGESTIONS);
}

/** The sentence an error about an unknown citation id ends with. */
export async function unknownCitationMessage(view: IndexView, id: string): Promise<string> {
  const suggestions = await suggestCitations(view, id);
  const parsed = parseCitation(id);
  const head = !parsed && (await view.backend.document(id)) ? `"${idText(id)}" is a document id, not a citation id` : `unknown citation id "${idText(id)}"`;
  const hint =
    suggestions.length > 0
      ? `; did you mean ${suggestions.map(idText).join(', ')}?`
      : '; no similar id exists in this index. Citation ids come from search results or get_document, e.g. report.txt#p3.';
  return `${head}${hint}`;
}

/** The error for an unknown document id, with the closest ids. */
export async function unknownDocumentMessage(view: IndexView, id: string): Promise<string> {
  const similar = await similarDocuments(view, id);
  const hint = similar.length > 0 ? ` Did you mean ${similar.map(idText).join(', ')}?` : '';
  return `unknown document id "${idText(id)}".${hint} Call list_documents for every document id.`;
}
