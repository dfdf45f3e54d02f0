// The embedded backend: one loaded index version (src/store) served from memory. Lookup tables
// are built once here, per snapshot, and shared by every session that reads it.
import type { LoadedIndex } from '../../store/index-store.ts';
import type { DocumentMeta, Lang, StoredPassage } from '../../types.ts';
import { scanQuoteLookup } from '../../quote/scan-lookup.ts';
import type { QuoteLookup } from '../../quote/verify.ts';
import type {
  DocumentPage,
  IndexInfo,
  PassageFilter,
  PassageRange,
  QuoteCandidateQuery,
  QuoteCandidates,
  ScoredPassage,
  SearchBackend,
  TermStats,
} from '../backend.ts';
import { compileFilter } from '../filter.ts';
import { IdSuggester } from '../suggest.ts';

export class EmbeddedBackend implements SearchBackend {
  private readonly docs: Map<string, DocumentMeta>;
  private readonly docIds: string[];
  private readonly byCitation: Map<string, number>;
  /** First ordinal and passage count of each document (a document's passages are consecutive). */
  private readonly docSpan: Map<string, { first: number; count: number }>;
  /** Document of each passage ordinal, as an index into `loaded.documents`. */
  private readonly docOrd: Int32Array;
  private quotes: QuoteLookup | null = null;
  private suggester: IdSuggester | null = null;
  private sortedDocs: DocumentMeta[] | null = null;

  constructor(readonly loaded: LoadedIndex) {
    const { documents, passages } = loaded;
    this.docs = new Map(documents.map((d) => [d.id, d]));
    this.docIds = documents.map((d) => d.id);
    const docIndex = new Map(documents.map((d, i) => [d.id, i]));
    this.byCitation = new Map();
    this.docSpan = new Map();
    this.docOrd = new Int32Array(passages.length);
    passages.forEach((p, ord) => {
      this.byCitation.set(p.id, ord);
      this.docOrd[ord] = docIndex.get(p.docId) ?? -1;
      const span = this.docSpan.get(p.docId);
      if (span) span.count++;
      else this.docSpan.set(p.docId, { first: ord, count: 1 });
    });
  }

  info(): IndexInfo {
    const { manifest, version, fallbackReason, vectors } = this.loaded;
    return {
      backend: 'embedded',
      version,
      embedding: manifest.embedding,
      hasVectors: vectors !== null,
      ...(manifest.semanticUnavailable ? { semanticUnavailable: manifest.semanticUnavailable } : {}),
      formatVersion: manifest.formatVersion,
      normalizerVersion: manifest.normalizerVersion,
      segmenterVersion: manifest.segmenterVersion,
      counts: { documents: this.loaded.documents.length, passages: this.loaded.passages.length },
      createdAt: manifest.createdAt,
      buildMs: manifest.buildMs,
      ...(fallbackReason ? { fallbackReason } : {}),
    };
  }

  async lexicalSearch(tokens: readonly string[], depth: number, filter?: PassageFilter): Promise<ScoredPassage[]> {
    return this.scored(this.loaded.lexical.search(tokens, depth, this.accept(filter)));
  }

  async termStats(tokens: readonly string[]): Promise<TermStats> {
    const lexical = this.loaded.lexical;
    return { passages: lexical.size, df: tokens.map((t) => lexical.documentFrequency(t)) };
  }

  async vectorSearch(vector: Float32Array, depth: number, filter?: PassageFilter): Promise<ScoredPassage[]> {
    const vectors = this.loaded.vectors;
    if (!vectors) return [];
    return this.scored(vectors.search(vector, depth, this.accept(filter)));
  }

  async document(id: string): Promise<DocumentMeta | undefined> {
    return this.docs.get(id);
  }

  async listDocuments(opts: { cursor?: string; limit: number; filter?: PassageFilter }): Promise<DocumentPage> {
    const filter = compileFilter(opts.filter);
    // Sorted once per snapshot, not once per page: reading 1,000 pages must not sort 1,000 times.
    this.sortedDocs ??= [...this.loaded.documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const sorted = filter
      ? this.sortedDocs.filter((d) => filter.document(d) && (!filter.languages || filter.languages.has(d.lang)))
      : this.sortedDocs;
    // Ids are sorted (code units), so "after this id" stays meaningful across a reindex.
    const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : null;
    const start = after === null ? 0 : firstAfter(sorted, after);
    const page = sorted.slice(start, start + Math.max(0, opts.limit));
    const last = page.at(-1);
    const more = start + page.length < sorted.length;
    return { documents: page, total: sorted.length, ...(more && last ? { nextCursor: encodeCursor(last.id) } : {}) };
  }

  async passages(ids: readonly string[]): Promise<Array<StoredPassage | undefined>> {
    return ids.map((id) => {
      const ord = this.byCitation.get(id);
      return ord === undefined ? undefined : this.loaded.passages[ord];
    });
  }

  async passagesOf(docId: string, range?: PassageRange): Promise<StoredPassage[]> {
    const span = this.docSpan.get(docId);
    if (!span) return [];
    const start = Math.max(0, Math.min(span.count, range?.start ?? 0));
    const end = Math.max(start, Math.min(span.count, range?.end ?? span.count));
    return this.loaded.passages.slice(span.first + start, span.first + end);
  }

  async suggestIds(id: string, limit: number): Promise<string[]> {
    this.suggester ??= new IdSuggester(this.docIds);
    return this.suggester.similar(id, limit);
  }

  quoteCandidates(query: QuoteCandidateQuery): Promise<QuoteCandidates> {
    this.quotes ??= scanQuoteLookup(this.loaded.passages);
    return this.quotes.quoteCandidates(query) as Promise<QuoteCandidates>;
  }

  async close(): Promise<void> {
    this.quotes = null;
  }

  /** Ords → passages, keeping order and scores. */
  private scored(hits: ReadonlyArray<{ ord: number; score: number }>): ScoredPassage[] {
    const passages = this.loaded.passages;
    return hits.map((h) => {
      const passage = passages[h.ord];
      if (!passage) throw new Error(`ranking returned passage ordinal ${h.ord}, outside the index of ${passages.length}`);
      return { passage, score: h.score };
    });
  }

  /** The filter as an ordinal predicate for the BM25 and HNSW walks; undefined when it restricts nothing. */
  private accept(filter: PassageFilter | undefined): ((ord: number) => boolean) | undefined {
    const compiled = compileFilter(filter);
    if (!compiled) return undefined;
    const documents = this.loaded.documents;
    const passages = this.loaded.passages;
    // Document-level conditions are decided once per document, not once per passage visited.
    const docOk = new Map<number, boolean>();
    const languages: ReadonlySet<Lang> | null = compiled.languages;
    return (ord) => {
      const p = passages[ord];
      if (p === undefined) return false;
      if (languages && !languages.has(p.lang)) return false;
      const d = this.docOrd[ord] ?? -1;
      let ok = docOk.get(d);
      if (ok === undefined) {
        const meta = documents[d];
        ok = meta !== undefined && compiled.document(meta);
        docOk.set(d, ok);
      }
      return ok;
    };
  }
}

/** Position of the first document whose id sorts after `id` (binary search). */
function firstAfter(sorted: readonly DocumentMeta[], id: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid]?.id ?? '') <= id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ after: id }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { after?: unknown }).after === 'string') {
      return (parsed as { after: string }).after;
    }
  } catch {
    // fall through to the error below
  }
  throw new RangeError('invalid cursor: pass back the nextCursor of the previous page unchanged');
}
