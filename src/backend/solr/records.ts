// How sanad's passages and documents are written as Solr records, read back, and filtered. One
// module for both directions, so a field added on one side cannot be forgotten on the other.
import { foldText } from '../../text/normalize.ts';
import { tokenize } from '../../text/tokenize.ts';
import type { DocumentMeta, Lang, PassageKind, StoredPassage } from '../../types.ts';
import type { DateRange, PassageFilter } from '../backend.ts';
import { gramField, trigramsOf, compactDocumentGrams } from './grams.ts';

/** Prefix of document records' ids; passage ids are citation ids (they always contain `#p`). */
export const DOCUMENT_ID_PREFIX = 'doc:';

/** Stored fields read back for a passage. */
export const PASSAGE_FIELDS = 'id,doc_id,pos,para,part,kind,start,end,text,hash,lang';

export interface PassageRecord {
  id: string;
  doc_id: string;
  pos: number;
  para: number;
  part?: number;
  kind: string;
  start: number;
  end: number;
  text: string;
  hash: string;
  lang: string;
}

/** The Solr record of a passage at position `pos` of its document (reading order). */
export function passageRecord(p: StoredPassage, pos: number, meta: DocumentMeta, vector: Float32Array | null): Record<string, unknown> {
  const tokens = tokenize(p.text);
  const rec: Record<string, unknown> = {
    id: p.id,
    type: 'passage',
    doc_id: p.docId,
    pos,
    para: p.para,
    ...(p.part !== undefined ? { part: p.part } : {}),
    kind: p.kind,
    start: p.start,
    end: p.end,
    text: p.text,
    hash: p.hash,
    lang: p.lang,
    tokens: tokens.join(' '),
    ntokens: tokens.length,
    [`text_${analysedLang(p.lang)}`]: p.text,
    grams: gramField(trigramsOf(foldText(p.text))),
    ...documentFilterFields(meta),
  };
  // Nine significant digits give back the same float32; longer decimals reach Solr's JSON parser as
  // big numbers, which its vector field rejects (a ClassCastException, HTTP 500).
  if (vector) rec.vector = Array.from(vector, (x) => Number(x.toPrecision(9)));
  return rec;
}

/** The Solr record of a document: its metadata (verbatim as JSON) and the 3-grams of its folded text. */
export function documentRecord(meta: DocumentMeta, passages: readonly StoredPassage[]): Record<string, unknown> {
  return {
    id: DOCUMENT_ID_PREFIX + meta.id,
    type: 'document',
    doc_id: meta.id,
    lang: meta.lang,
    title: meta.title,
    meta: JSON.stringify(meta),
    doc_grams: gramField(compactDocumentGrams(passages.map((p) => p.text))),
    ...documentFilterFields(meta),
  };
}

/** Fields every record of a document carries, so filters apply to passages and documents alike. */
function documentFilterFields(meta: DocumentMeta): Record<string, unknown> {
  return {
    ...(meta.outlet ? { outlet: foldText(meta.outlet) } : {}),
    ...(meta.published ? { published: meta.published } : {}),
    ...(meta.dates.length > 0 ? { dates: meta.dates } : {}),
    doc_lang: meta.lang,
  };
}

function analysedLang(lang: Lang): string {
  return lang === 'ar' || lang === 'fa' || lang === 'en' ? lang : 'und';
}

export function toPassage(r: PassageRecord): StoredPassage {
  return {
    id: r.id,
    docId: r.doc_id,
    para: r.para,
    ...(r.part !== undefined && r.part !== null ? { part: r.part } : {}),
    kind: r.kind as PassageKind,
    start: r.start,
    end: r.end,
    text: r.text,
    lang: r.lang as Lang,
    hash: r.hash,
  };
}

export function toDocument(r: { meta: string }): DocumentMeta {
  return JSON.parse(r.meta) as DocumentMeta;
}

/** Solr term query for one value of a string field (no query-syntax escaping needed). */
export function termQuery(field: string, value: string): string {
  return `{!term f=${field} v=${localParam(value)}}`;
}

/** Solr terms query (OR) over values of a string field. */
export function termsQuery(field: string, values: readonly string[]): string {
  // The terms parser splits on a separator; U+001F never occurs in ids, languages or dates.
  return `{!terms f=${field} separator='\u001f' v=${localParam(values.join('\u001f'))}}`;
}

/** A value inside local params: single-quoted, with quotes and backslashes escaped. */
function localParam(value: string): string {
  return `'${value.replace(/\\/gu, '\\\\').replace(/'/gu, "\\'")}'`;
}

/**
 * Filter queries for a PassageFilter, for passage records (`passages` true) or document records.
 * Each is a separate fq, so Solr caches them independently; kNN takes them as pre-filters.
 */
export function filterQueries(filter: PassageFilter | undefined, passages: boolean): string[] {
  const fq = [termQuery('type', passages ? 'passage' : 'document')];
  if (!filter) return fq;
  if (filter.documents && filter.documents.length > 0) fq.push(termsQuery('doc_id', filter.documents));
  if (filter.languages && filter.languages.length > 0) fq.push(termsQuery(passages ? 'lang' : 'doc_lang', filter.languages));
  if (filter.outlets && filter.outlets.length > 0) fq.push(termsQuery('outlet', filter.outlets.map(foldText)));
  const published = rangeQuery('published', filter.published);
  if (published) fq.push(published);
  const mentioned = rangeQuery('dates', filter.mentioned);
  if (mentioned) fq.push(mentioned);
  return fq;
}

function rangeQuery(field: string, range: DateRange | undefined): string | null {
  if (!range || (range.from === undefined && range.to === undefined)) return null;
  const bound = (v: string | undefined) => (v === undefined ? '*' : `"${v.replace(/["\\]/gu, '')}"`);
  return `${field}:[${bound(range.from)} TO ${bound(range.to)}]`;
}
