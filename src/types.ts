// Shared shapes of the retrieval core. Every module speaks in these; nothing here has behaviour.

/** Languages the corpus and the queries come in; `und` when a text has too few letters to tell. */
export type Lang = 'ar' | 'fa' | 'en' | 'und';

/** How a result list was ranked. `hybrid` fuses the other two. */
export type SearchMode = 'hybrid' | 'semantic' | 'lexical';

/** What part of an article a passage is. */
export type PassageKind = 'title' | 'body' | 'caption';

/**
 * One article as read from the corpus folder. `text` is the decoded file (UTF-8, BOM removed,
 * line endings untouched): every passage offset indexes into it.
 */
export interface SourceDocument {
  /** Stable id: the path relative to the corpus folder, POSIX separators, extension kept. */
  id: string;
  /** Same as id today; kept separate so ids may become shorter without touching paths. */
  path: string;
  text: string;
  /** sha256 (hex) of the raw file bytes. */
  sha256: string;
  bytes: number;
  /** Modification time of the file when it was read. */
  mtimeMs?: number;
}

/** Metadata the ingester derives from an article. */
export interface DocumentMeta {
  id: string;
  path: string;
  title: string;
  lang: Lang;
  /** The outlet the text says it was first published by, when it says so. */
  outlet?: string;
  /** ISO date (YYYY-MM-DD) of first publication when the text states it. */
  published?: string;
  /** Every distinct date the article text mentions, ISO, in order of appearance. */
  dates: string[];
  sha256: string;
  bytes: number;
  passageCount: number;
}

/** One citable unit: a paragraph, a part of a long paragraph, the title or a photo caption. */
export interface Passage {
  /** Citation id: `<document id>#p<n>` or `<document id>#p<n>.<part>` for a split paragraph. */
  id: string;
  docId: string;
  /** Paragraph number within the document (title is 0, body paragraphs count from 1). */
  para: number;
  /** 1-based part number when a long paragraph was split; absent otherwise. */
  part?: number;
  kind: PassageKind;
  /** `document.text.slice(start, end) === text`, always. */
  start: number;
  end: number;
  text: string;
  lang: Lang;
}

/** A passage as an index stores it: the citable passage plus the hash its vector is cached under. */
export interface StoredPassage extends Passage {
  /** sha256 of the passage text; equal texts share one embedding. */
  hash: string;
}

/** A document after ingest: its metadata and its passages in reading order. */
export interface IngestedDocument {
  meta: DocumentMeta;
  passages: Passage[];
}

/** A file the ingester refused, with a reason a person can act on. */
export interface SkippedFile {
  path: string;
  reason: string;
}

/** A ranked passage as search returns it. */
export interface SearchHit {
  citation: string;
  docId: string;
  title: string;
  outlet?: string;
  published?: string;
  lang: Lang;
  path: string;
  start: number;
  end: number;
  text: string;
  score: number;
  /** Citation ids of near-identical passages in other documents (syndicated copies). */
  alsoIn: string[];
  /** The reranker's score, for results it reordered (the first `rerank.candidates` fused results). */
  rerankScore?: number;
}

/** What the reranking stage did for one search (present when a reranker is configured). */
export interface RerankReport {
  /** The reranker, e.g. `http tei bge-reranker-v2-m3 at http://127.0.0.1:8080/rerank`. */
  by: string;
  /** True when the reranker's order was used; false when the fused order was kept. */
  applied: boolean;
  /** How many fused results were (to be) reranked. */
  candidates: number;
  /** Why the fused order was kept, when it was. */
  notice?: string;
}

export interface SearchResponse {
  /** The mode that actually ranked the results (lexical when no model is available). */
  mode: SearchMode;
  requestedMode: SearchMode;
  results: SearchHit[];
  /** Set when the mode fell back or something the caller should know happened. */
  notice?: string;
  rerank?: RerankReport;
}
