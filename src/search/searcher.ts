// Answers a query from a loaded index: lexical (BM25 over folded text), semantic (HNSW over
// embeddings) or hybrid (reciprocal rank fusion of both, over the query and its variants), then
// folds syndicated copies of one paragraph into a single result with `alsoIn`.
import { EmbedderUnavailableError, type Embedder } from '../embed/embedder.ts';
import type { LoadedIndex, StoredPassage } from '../store/index-store.ts';
import { tokenize } from '../text/tokenize.ts';
import type { DocumentMeta, Lang, SearchHit, SearchMode, SearchResponse } from '../types.ts';
import { fingerprint, groupNearDuplicates, type Fingerprint } from './dedup.ts';
import { reciprocalRankFusion } from './fusion.ts';

export interface SearchOptions {
  k?: number;
  mode?: SearchMode;
  /** Other phrasings of the same question (e.g. in Arabic or Persian), fused with the original. */
  variants?: readonly string[];
  /** Restrict to these document ids. */
  documents?: readonly string[];
  /** Restrict to passages in these languages. */
  langs?: readonly Lang[];
}

export interface RankedList {
  ord: number;
  score: number;
}

/** Fingerprints kept per searcher; a bound so a long-running server over a huge corpus stays flat. */
const FINGERPRINT_CACHE_LIMIT = 100_000;

/** How deep each ranking goes before fusion and dedup: deep enough that k heads survive grouping. */
function candidateDepth(k: number, size: number): number {
  return Math.min(size, Math.max(50, k * 5));
}

export class Searcher {
  private readonly docs: Map<string, DocumentMeta>;
  private readonly fingerprints = new Map<number, Fingerprint>();

  constructor(
    readonly index: LoadedIndex,
    private readonly embedder: Embedder | null,
  ) {
    this.docs = new Map(index.documents.map((d) => [d.id, d]));
  }

  /** Whether semantic ranking is possible: the index has vectors and a matching embedder is set. */
  get semanticAvailable(): boolean {
    return this.index.vectors !== null && this.embedder !== null;
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
    const k = opts.k ?? 8;
    const requestedMode = opts.mode ?? 'hybrid';
    const queries = [query, ...(opts.variants ?? [])].filter((q) => q.trim().length > 0);
    const accept = this.filter(opts);
    const depth = candidateDepth(k, this.index.passages.length);

    let mode = requestedMode;
    let notice: string | undefined;
    if (mode !== 'lexical' && !this.semanticAvailable) {
      mode = 'lexical';
      notice = this.index.vectors
        ? 'semantic ranking unavailable (no embedding model loaded); results are lexical only'
        : `this index is lexical-only (${this.index.manifest.semanticUnavailable ?? 'built without a model'}); results are lexical only`;
    }

    let semanticLists: RankedList[][] = [];
    if (mode !== 'lexical') {
      try {
        semanticLists = await this.semanticLists(queries, depth, accept);
      } catch (err) {
        // A model that cannot be loaded must not take search down: answer lexically and say why.
        if (!(err instanceof EmbedderUnavailableError)) throw err;
        mode = 'lexical';
        notice = `semantic ranking unavailable (${err.message.split('\n')[0]}); results are lexical only`;
      }
    }
    const lexical = this.index.lexical;
    const queryTokens = queries.map((q) => tokenize(q));
    const lexicalLists = mode === 'semantic' ? [] : queryTokens.map((tokens) => lexical.search(tokens, depth, accept));

    let ranked: RankedList[];
    if (mode === 'hybrid') {
      // Each lexical list counts as far as its query's words exist in the corpus (coverage²):
      // an English question over Arabic paragraphs matches only numbers and stray names, which
      // must not push the semantic hits down, while an Arabic variant of it keeps full weight.
      // Measured on the dev sets (BENCHMARKS.md): hybrid then beats both single modes.
      const weights = [...semanticLists.map(() => 1), ...queryTokens.map((t) => lexical.coverage(t) ** 2)];
      ranked = reciprocalRankFusion([...semanticLists, ...lexicalLists], { weights });
    } else {
      const lists = mode === 'semantic' ? semanticLists : lexicalLists;
      ranked = lists.length === 1 ? (lists[0] ?? []) : reciprocalRankFusion(lists);
    }

    // Title lines stay citable (get_passage, verify_quote) but are not search results: every hit
    // already carries its document's title, and a short title sits close to many questions in
    // embedding space, crowding out the paragraphs that answer them.
    const candidates = ranked.map((r) => ({ ...r, passage: this.passage(r.ord) })).filter((c) => c.passage.kind !== 'title');
    const groups = groupNearDuplicates(
      candidates.map((c) => ({ ...c, docId: c.passage.docId, text: c.passage.text })),
      { fingerprintOf: (c) => this.fingerprintOf(c.ord, c.text) },
    );
    const results = groups.slice(0, k).map((g) => this.hit(g.head.passage, g.head.score, g.also.map((a) => a.passage.id)));
    return { mode, requestedMode, results, ...(notice ? { notice } : {}) };
  }

  private async semanticLists(queries: string[], depth: number, accept?: (ord: number) => boolean): Promise<RankedList[][]> {
    const vectors = this.index.vectors;
    if (!vectors || !this.embedder || queries.length === 0) return [];
    const embedded = await this.embedder.embedQueries(queries);
    return embedded.map((v) => vectors.search(v, depth, accept));
  }

  private fingerprintOf(ord: number, text: string): Fingerprint {
    let print = this.fingerprints.get(ord);
    if (!print) {
      if (this.fingerprints.size >= FINGERPRINT_CACHE_LIMIT) this.fingerprints.clear();
      print = fingerprint(text);
      this.fingerprints.set(ord, print);
    }
    return print;
  }

  private filter(opts: SearchOptions): ((ord: number) => boolean) | undefined {
    const docs = opts.documents && opts.documents.length > 0 ? new Set(opts.documents) : null;
    const langs = opts.langs && opts.langs.length > 0 ? new Set<Lang>(opts.langs) : null;
    if (!docs && !langs) return undefined;
    const passages = this.index.passages;
    return (ord) => {
      const p = passages[ord];
      return p !== undefined && (!docs || docs.has(p.docId)) && (!langs || langs.has(p.lang));
    };
  }

  private passage(ord: number): StoredPassage {
    const p = this.index.passages[ord];
    if (!p) throw new Error(`ranking returned passage ordinal ${ord}, outside the index of ${this.index.passages.length}`);
    return p;
  }

  hit(p: StoredPassage, score: number, alsoIn: string[]): SearchHit {
    const doc = this.docs.get(p.docId);
    return {
      citation: p.id,
      docId: p.docId,
      title: doc?.title ?? p.docId,
      ...(doc?.outlet ? { outlet: doc.outlet } : {}),
      ...(doc?.published ? { published: doc.published } : {}),
      lang: p.lang,
      path: doc?.path ?? p.docId,
      start: p.start,
      end: p.end,
      text: p.text,
      score: Math.round(score * 1e6) / 1e6,
      alsoIn,
    };
  }
}
