// The solr backend: one published version of a SolrCloud collection (its manifest record names
// the version) served through the SearchBackend calls. Ranking primitives run in Solr (BM25
// candidates, kNN with pre-filters, gram queries); everything above the interface — fusion,
// reprint grouping, quote verification — is the same code as for the embedded backend.
import type { DocumentMeta, StoredPassage } from '../../types.ts';
import {
  comparePassages,
  type DocumentPage,
  type IndexInfo,
  type PassageFilter,
  type PassageRange,
  type QuoteCandidateQuery,
  type QuoteCandidates,
  type ScoredPassage,
  type SearchBackend,
  type TermStats,
} from '../backend.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { IdSuggester } from '../suggest.ts';
import type { SolrClient } from './client.ts';
import { collectionCounts, lexicalSearch, termStats, type CollectionCounts } from './lexical.ts';
import { readManifest, type SolrManifest } from './manifest-record.ts';
import { quoteCandidates } from './quotes.ts';
import { DOCUMENT_ID_PREFIX, filterQueries, PASSAGE_FIELDS, termQuery, termsQuery, toDocument, toPassage, type PassageRecord } from './records.ts';

/** Document metadata kept per snapshot (search hits need it on every query); bounded. */
const DOCUMENT_CACHE_LIMIT = 50_000;

interface Docs<T> {
  response?: { numFound?: number; docs?: T[] };
}

export class SolrBackend implements SearchBackend {
  /** Quote lookups wait for Solr: that time is not counted against a request's work budget. */
  readonly remote = true;
  private readonly documentsCache = new Map<string, DocumentMeta | null>();
  private suggester: Promise<IdSuggester> | null = null;

  private constructor(
    readonly client: SolrClient,
    readonly collection: string,
    readonly manifest: SolrManifest,
    private readonly counts: CollectionCounts,
  ) {}

  /** Opens the collection's committed version; throws when it is not a sanad collection. */
  static async open(client: SolrClient, collection: string): Promise<SolrBackend> {
    const [manifest, counts] = await Promise.all([readManifest(client, collection), collectionCounts(client, collection)]);
    if (!manifest) {
      throw new Error(`collection "${collection}" on ${client.describe()} has no sanad manifest; create it with \`sanad solr init --collection ${collection}\``);
    }
    return new SolrBackend(client, collection, manifest, counts);
  }

  info(): IndexInfo {
    const m = this.manifest;
    return {
      backend: 'solr',
      version: m.version,
      embedding: m.embedding,
      hasVectors: m.embedding !== null,
      ...(m.semanticUnavailable ? { semanticUnavailable: m.semanticUnavailable } : {}),
      formatVersion: m.formatVersion,
      normalizerVersion: m.normalizerVersion,
      segmenterVersion: m.segmenterVersion,
      counts: { documents: m.counts.documents, passages: this.counts.passages },
      createdAt: m.createdAt,
      buildMs: m.buildMs,
    };
  }

  lexicalSearch(tokens: readonly string[], depth: number, filter?: PassageFilter): Promise<ScoredPassage[]> {
    return lexicalSearch(this.client, this.collection, this.counts, tokens, depth, filter);
  }

  termStats(tokens: readonly string[]): Promise<TermStats> {
    return termStats(this.client, this.collection, this.counts, tokens);
  }

  async vectorSearch(vector: Float32Array, depth: number, filter?: PassageFilter): Promise<ScoredPassage[]> {
    const limit = Math.floor(depth);
    if (!this.manifest.embedding || !(limit > 0) || this.counts.passages === 0) return [];
    // topK is per shard; the merged list is the global top `limit` because every shard sends its own.
    const res = await this.select<PassageRecord & { score: number }>({
      q: `{!knn f=vector topK=${limit}}[${Array.from(vector).join(',')}]`,
      fq: filterQueries(filter, true),
      fl: `${PASSAGE_FIELDS},score`,
      rows: limit,
    });
    // Lucene's cosine score is (1 + cos) / 2; the interface speaks cosine, as hnswlib does.
    return (res.response?.docs ?? [])
      .map((doc) => ({ passage: toPassage(doc), score: 2 * doc.score - 1 }))
      .sort((a, b) => b.score - a.score || comparePassages(a.passage, b.passage));
  }

  async document(id: string): Promise<DocumentMeta | undefined> {
    const cached = this.documentsCache.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const res = await this.select<{ meta: string }>({ q: termQuery('id', DOCUMENT_ID_PREFIX + id), fl: 'meta', rows: 1 });
    const doc = res.response?.docs?.[0];
    const meta = doc ? toDocument(doc) : null;
    if (this.documentsCache.size >= DOCUMENT_CACHE_LIMIT) this.documentsCache.clear();
    this.documentsCache.set(id, meta);
    return meta ?? undefined;
  }

  async listDocuments(opts: { cursor?: string; limit: number; filter?: PassageFilter }): Promise<DocumentPage> {
    const fq = filterQueries(opts.filter, false);
    const after = opts.cursor !== undefined ? decodeCursor(opts.cursor) : null;
    const limit = Math.max(0, Math.floor(opts.limit));
    const page = this.select<{ meta: string }>({
      q: '*:*',
      fq: after === null ? fq : [...fq, `doc_id:{${quoteTerm(after)} TO *]`],
      fl: 'meta',
      sort: 'doc_id asc',
      rows: limit,
    });
    const total = after === null ? page : this.select({ q: '*:*', fq, rows: 0 });
    const [p, t] = await Promise.all([page, total]);
    const documents = (p.response?.docs ?? []).map(toDocument);
    for (const d of documents) if (this.documentsCache.size < DOCUMENT_CACHE_LIMIT) this.documentsCache.set(d.id, d);
    const last = documents.at(-1);
    const more = (p.response?.numFound ?? 0) > documents.length;
    return { documents, total: t.response?.numFound ?? 0, ...(more && last ? { nextCursor: encodeCursor(last.id) } : {}) };
  }

  async passages(ids: readonly string[]): Promise<Array<StoredPassage | undefined>> {
    const wanted = [...new Set(ids)].filter((id) => id.length > 0);
    if (wanted.length === 0) return ids.map(() => undefined);
    const res = await this.select<PassageRecord>({
      q: termsQuery('id', wanted),
      fq: [termQuery('type', 'passage')],
      fl: PASSAGE_FIELDS,
      rows: wanted.length,
    });
    const byId = new Map((res.response?.docs ?? []).map((d) => [d.id, toPassage(d)]));
    return ids.map((id) => byId.get(id));
  }

  async passagesOf(docId: string, range?: PassageRange): Promise<StoredPassage[]> {
    const meta = await this.document(docId);
    if (!meta) return [];
    const start = Math.max(0, Math.min(meta.passageCount, range?.start ?? 0));
    const end = Math.max(start, Math.min(meta.passageCount, range?.end ?? meta.passageCount));
    if (end === start) return [];
    const res = await this.select<PassageRecord>({
      q: termQuery('doc_id', docId),
      fq: [termQuery('type', 'passage'), `pos:[${start} TO ${end - 1}]`],
      fl: PASSAGE_FIELDS,
      sort: 'pos asc',
      rows: end - start,
    });
    return (res.response?.docs ?? []).map(toPassage);
  }

  async suggestIds(id: string, limit: number): Promise<string[]> {
    // Built once per snapshot from every document id, as the embedded backend does.
    this.suggester ??= this.loadIds().then((ids) => new IdSuggester(ids));
    return (await this.suggester).similar(id, limit);
  }

  quoteCandidates(query: QuoteCandidateQuery): Promise<QuoteCandidates> {
    return quoteCandidates(this.client, this.collection, query);
  }

  async close(): Promise<void> {
    this.documentsCache.clear();
    this.suggester = null;
  }

  /** Every document id, read once per snapshot with a cursor (for "did you mean"). */
  private async loadIds(): Promise<string[]> {
    const ids: string[] = [];
    let cursor = '*';
    for (;;) {
      const res = await this.client.request<Docs<{ doc_id: string }> & { nextCursorMark?: string }>(`${this.collection}/select`, {
        params: { q: termQuery('type', 'document'), fl: 'doc_id', sort: 'id asc', rows: 10_000, cursorMark: cursor },
      });
      for (const d of res.response?.docs ?? []) ids.push(d.doc_id);
      if (!res.nextCursorMark || res.nextCursorMark === cursor) break;
      cursor = res.nextCursorMark;
    }
    return ids.sort();
  }

  private select<T>(params: Record<string, string | number | string[]>): Promise<Docs<T>> {
    return this.client.request<Docs<T>>(`${this.collection}/select`, { params });
  }
}

/** A term in Lucene range syntax: quoted, with quotes and backslashes escaped. */
function quoteTerm(value: string): string {
  return `"${value.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"')}"`;
}
