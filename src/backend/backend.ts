// The storage backend interface: everything above it (the ranking pipeline in src/search, quote
// verification in src/quote, the MCP tools, eval, CLI) reads the index through these calls and
// never learns which implementation answers them. `embedded` (src/backend/embedded) serves the
// index folder from memory; a remote engine implements the same calls.
//
// Design rules, because a second implementation must be able to honour them exactly:
// - async throughout: a remote engine answers over the network;
// - ranked lists carry the passages themselves, keyed by citation id, so lists from any backend
//   can be fused; no implementation-private ordinal crosses this line;
// - the primitives are minimal and general (BM25 over the project's own tokens, cosine kNN, term
//   statistics); fusion, reprint grouping and quote matching stay above the interface,
//   written once.
import type { EmbeddingSpace } from '../store/manifest.ts';
import type { DocumentMeta, Lang, Passage } from '../types.ts';


/** An inclusive range of ISO dates (YYYY-MM-DD); an open end is unbounded. */
export interface DateRange {
  from?: string;
  to?: string;
}

/**
 * Which passages a search or listing may return. Every field narrows (AND); an absent or empty
 * field does not. Applied inside the lexical and vector searches, before the top-k cut, so a
 * filter never shortens a result list that could have been filled.
 */
export interface PassageFilter {
  /** Only passages of these document ids. */
  documents?: readonly string[];
  /** Only passages written in these languages (the passage's own language). */
  languages?: readonly Lang[];
  /** Only documents whose stated outlet is one of these (compared folded: case, letter forms). */
  outlets?: readonly string[];
  /** Only documents whose publication date lies in the range (documents without one are out). */
  published?: DateRange;
  /** Only documents that mention at least one date in the range. */
  mentioned?: DateRange;
}

/** One entry of a ranked list. */
export interface ScoredPassage {
  /** The passage (the text-hash a store keeps for vector reuse is an indexing detail, not part of it). */
  passage: Passage;
  /** BM25 score or cosine similarity: comparable only within one list. */
  score: number;
}

/** Lexical statistics of query tokens over the whole index. */
export interface TermStats {
  /** Number of passages indexed (BM25's "documents"). */
  passages: number;
  /** Passages containing each token, in the order the tokens were given. */
  df: number[];
}

/** Facts about the served index version (the manifest, for the embedded backend). */
export interface IndexInfo {
  /** Which implementation serves it, for status reports ("embedded", …). */
  backend: string;
  version: string;
  /** Embedding space of the vectors; null when the index is lexical-only. */
  embedding: EmbeddingSpace | null;
  /** Whether vector search can answer (vectors exist for every passage). */
  hasVectors: boolean;
  /** Why the index has no vectors, when it has none. */
  semanticUnavailable?: string;
  formatVersion: number;
  normalizerVersion: number;
  segmenterVersion: number;
  counts: { documents: number; passages: number };
  createdAt: string;
  buildMs: number;
  /** Set when the current version was unreadable and an older one is served instead. */
  fallbackReason?: string;
  /** How long opening this version took, in milliseconds (when the backend measures it). */
  loadMs?: number;
  /** Parts the index is stored in (segments, shards), when it has several. */
  segments?: number;
}

export interface DocumentPage {
  documents: DocumentMeta[];
  /** Pass back to get the next page; absent on the last page. Opaque. */
  nextCursor?: string;
  /** Documents matching the filter, over all pages. */
  total: number;
}

/** A range of passage positions within one document, reading order, `end` exclusive. */
export interface PassageRange {
  start: number;
  end: number;
}

export interface QuoteCandidateQuery {
  /** The quote (or part) as the user sent it, cleaned of surrounding marks. */
  quote: string;
  /** Only these documents; all when absent. */
  documents?: readonly string[];
  /** How many passages to rank by shared character 3-grams for fuzzy matching. */
  similar: number;
  /**
   * Compute only one of the two answers (the other comes back empty): the verifier asks for the
   * documents first and for fuzzy candidates only when nothing matched, since they cost more.
   */
  only?: 'documents' | 'similar';
}

export interface QuoteCandidates {
  /**
   * Every document (in index order) that may hold the quote verbatim, or once folded (see
   * src/text/normalize.ts), spaces ignored, possibly across a paragraph break. A superset: the
   * verifier confirms. A document not listed holds no such match.
   */
  documents: string[];
  /**
   * Up to `similar` passages that share the most distinct folded character 3-grams with the folded
   * quote, most first, ties in index order; passages sharing none are left out (unless the quote
   * has no 3-gram at all, when the first passages are given).
   */
  similar: Array<{ passage: Passage; shared: number }>;
}

export interface SearchBackend {
  info(): IndexInfo;
  /** True when the backend answers over the network; see QuoteLookup.remote (request budgets). */
  readonly remote?: boolean;

  /** BM25 over tokens from src/text/tokenize.ts, with exact global statistics; best first. */
  lexicalSearch(tokens: readonly string[], depth: number, filter?: PassageFilter): Promise<ScoredPassage[]>;
  termStats(tokens: readonly string[]): Promise<TermStats>;
  /** Cosine nearest neighbours of a query vector, the filter applied inside the walk; best first. */
  vectorSearch(vector: Float32Array, depth: number, filter?: PassageFilter): Promise<ScoredPassage[]>;

  document(id: string): Promise<DocumentMeta | undefined>;
  /** Documents sorted by id (code-unit order), one page at a time. */
  listDocuments(opts: { cursor?: string; limit: number; filter?: PassageFilter }): Promise<DocumentPage>;
  /** The passages with these citation ids, in the order asked; undefined for an unknown id. */
  passages(ids: readonly string[]): Promise<Array<Passage | undefined>>;
  /** Passages of a document in reading order (optionally a range of positions); empty when unknown. */
  passagesOf(docId: string, range?: PassageRange): Promise<Passage[]>;
  /** Document ids closest to `id` (typos, case), closest first, at most `limit`; bounded cost. */
  suggestIds(id: string, limit: number): Promise<string[]>;
  /** Where a quote may be: see QuoteCandidates. */
  quoteCandidates(query: QuoteCandidateQuery): Promise<QuoteCandidates>;

  /** Frees what the backend holds; called once no request uses its snapshot any more. */
  close(): Promise<void>;
}

/** Index order of passages, the same for every backend: document id (code units), then offset. */
export function comparePassages(a: Passage, b: Passage): number {
  if (a.docId !== b.docId) return a.docId < b.docId ? -1 : 1;
  return a.start - b.start;
}
