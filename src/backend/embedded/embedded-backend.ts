// The embedded backend: one published version of an index folder (src/store), its segments open
// and shared with the versions before and after it. Searches fan out over the segments and merge
// exactly (segment-hits.ts); lookups go through tables built once per version.
import type { LoadedIndex, SegmentView } from '../../store/index-store.ts';
import { releaseIndex } from '../../store/index-store.ts';
import type { DocumentMeta, Passage } from '../../types.ts';
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
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { compileFilter } from '../filter.ts';
import { IdSuggester } from '../suggest.ts';
import { PostingsCache, SegmentedLexicon } from './lexical.ts';
import { candidateDocuments, similarPassages } from './quote-candidates.ts';
import { mergeHits, segmentAccept, type SegmentHit } from './segment-hits.ts';

/** Where a live document is: its segment and its index in that segment's table. */
interface DocRef {
  seg: number;
  d: number;
}

const CITATION = /^(.*)#p(\d+)(?:\.(\d+))?$/u;

export class EmbeddedBackend implements SearchBackend {
  private readonly segments: SegmentView[];
  private readonly docs = new Map<string, DocRef>();
  private readonly lexical: SegmentedLexicon;
  private sortedIds: string[] | null = null;
  private suggester: IdSuggester | null = null;
  private closed = false;

  constructor(
    readonly loaded: LoadedIndex,
    cache: PostingsCache = new PostingsCache(),
  ) {
    this.segments = loaded.segments;
    this.segments.forEach((view, seg) => {
      const { table } = view.reader;
      table.documents.forEach((doc, d) => {
        if (view.deleted?.[table.docFirst[d] ?? 0] !== 1) this.docs.set(doc.id, { seg, d });
      });
    });
    this.lexical = new SegmentedLexicon(this.segments, cache);
  }

  info(): IndexInfo {
    const { manifest, version, fallbackReason } = this.loaded;
    return {
      backend: 'embedded',
      version,
      embedding: manifest.embedding,
      hasVectors: manifest.embedding !== null && this.segments.every((s) => s.reader.vectors !== null),
      ...(manifest.semanticUnavailable ? { semanticUnavailable: manifest.semanticUnavailable } : {}),
      formatVersion: manifest.formatVersion,
      normalizerVersion: manifest.normalizerVersion,
      segmenterVersion: manifest.segmenterVersion,
      counts: { ...manifest.counts },
      createdAt: manifest.createdAt,
      buildMs: manifest.buildMs,
      ...(fallbackReason ? { fallbackReason } : {}),
      loadMs: this.loaded.loadMs,
      segments: this.segments.length,
    };
  }

  async lexicalSearch(tokens: readonly string[], depth: number, filter?: PassageFilter): Promise<ScoredPassage[]> {
    return this.scored(this.lexical.search(tokens, depth, compileFilter(filter)));
  }

  async termStats(tokens: readonly string[]): Promise<TermStats> {
    return { passages: this.lexical.passages, df: tokens.map((t) => this.lexical.df(t)) };
  }

  async vectorSearch(vector: Float32Array, depth: number, filter?: PassageFilter): Promise<ScoredPassage[]> {
    const compiled = compileFilter(filter);
    const lists = this.segments.map((view, seg) => {
      const vectors = view.reader.vectors;
      if (!vectors) return [];
      return vectors.search(vector, depth, segmentAccept(view, compiled)).map((h) => ({ seg, ord: h.ord, score: h.score }));
    });
    return this.scored(mergeHits(this.segments, lists, depth));
  }

  async document(id: string): Promise<DocumentMeta | undefined> {
    const ref = this.docs.get(id);
    return ref ? this.segments[ref.seg]?.reader.table.documents[ref.d] : undefined;
  }

  async listDocuments(opts: { cursor?: string; limit: number; filter?: PassageFilter }): Promise<DocumentPage> {
    const filter = compileFilter(opts.filter);
    // Ids are sorted (code units), so "after this id" stays meaningful across a reindex.
    this.sortedIds ??= [...this.docs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const meta = (id: string) => {
      const ref = this.docs.get(id);
      return ref ? this.segments[ref.seg]?.reader.table.documents[ref.d] : undefined;
    };
    const ids = filter
      ? this.sortedIds.filter((id) => {
          const m = meta(id);
          return m !== undefined && filter.document(m) && (!filter.languages || filter.languages.has(m.lang));
        })
      : this.sortedIds;
    let start = 0;
    if (opts.cursor !== undefined) {
      const after = decodeCursor(opts.cursor);
      let hi = ids.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if ((ids[mid] ?? '') <= after) start = mid + 1;
        else hi = mid;
      }
    }
    const end = Math.min(ids.length, start + Math.max(0, opts.limit));
    const documents = ids.slice(start, end).flatMap((id) => meta(id) ?? []);
    const last = ids[end - 1];
    return { documents, total: ids.length, ...(end < ids.length && end > start && last !== undefined ? { nextCursor: encodeCursor(last) } : {}) };
  }

  async passages(ids: readonly string[]): Promise<Array<Passage | undefined>> {
    return ids.map((id) => {
      const m = CITATION.exec(id);
      if (!m) return undefined;
      const ref = this.docs.get(m[1] ?? '');
      if (!ref) return undefined;
      const table = this.segments[ref.seg]?.reader.table;
      const ord = table?.find(ref.d, Number(m[2]), m[3] === undefined ? 0 : Number(m[3])) ?? -1;
      if (!table || ord < 0) return undefined;
      const p = table.passage(ord);
      // The number may be written differently (p03): only the canonical id names a passage.
      return p.id === id ? p : undefined;
    });
  }

  async passagesOf(docId: string, range?: PassageRange): Promise<Passage[]> {
    const ref = this.docs.get(docId);
    if (!ref) return [];
    const table = this.segments[ref.seg]?.reader.table;
    if (!table) return [];
    const first = table.docFirst[ref.d] ?? 0;
    const count = (table.docFirst[ref.d + 1] ?? 0) - first;
    const start = Math.max(0, Math.min(count, range?.start ?? 0));
    const end = Math.max(start, Math.min(count, range?.end ?? count));
    const out: Passage[] = [];
    for (let i = first + start; i < first + end; i++) out.push(table.passage(i));
    return out;
  }

  async suggestIds(id: string, limit: number): Promise<string[]> {
    this.suggester ??= new IdSuggester([...this.docs.keys()]);
    return this.suggester.similar(id, limit);
  }

  async quoteCandidates(query: QuoteCandidateQuery): Promise<QuoteCandidates> {
    const scope = query.documents && query.documents.length > 0 ? new Set(query.documents) : null;
    const docAllowed = scope ? (seg: number, d: number) => scope.has(this.segments[seg]?.reader.table.documents[d]?.id ?? '') : null;
    const documents =
      query.only === 'similar'
        ? []
        : (candidateDocuments(this.segments, query.quote, docAllowed) ?? this.everyDocument(docAllowed)).map(
            (r) => this.segments[r.seg]?.reader.table.documents[r.d]?.id ?? '',
          );
    if (query.only === 'documents' || query.similar <= 0) return { documents, similar: [] };
    const passageAllowed = scope ? (seg: number, ord: number) => scope.has(this.segments[seg]?.reader.table.docIdOf(ord) ?? '') : null;
    const similar = (await similarPassages(this.segments, query.quote, query.similar, passageAllowed)).map((c) => ({
      passage: this.passageAt(c.hit, c.text),
      shared: c.shared,
    }));
    return { documents, similar };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    releaseIndex(this.loaded);
  }

  /** Every live document in index order (a quote too short to look up is checked against all). */
  private everyDocument(allowed: ((seg: number, d: number) => boolean) | null): DocRef[] {
    this.sortedIds ??= [...this.docs.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: DocRef[] = [];
    for (const id of this.sortedIds) {
      const ref = this.docs.get(id);
      if (ref && (!allowed || allowed(ref.seg, ref.d))) out.push(ref);
    }
    return out;
  }

  private passageAt(hit: SegmentHit, text?: string): Passage {
    const table = this.segments[hit.seg]?.reader.table;
    if (!table) throw new Error(`search returned segment ${hit.seg}, outside the index`);
    const p = table.passage(hit.ord);
    return text === undefined ? p : { ...p, text };
  }

  private scored(hits: readonly SegmentHit[]): ScoredPassage[] {
    return hits.map((h) => ({ passage: this.passageAt(h), score: h.score }));
  }
}
