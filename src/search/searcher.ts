// The one ranking pipeline, over any storage backend (src/backend): lexical (BM25 over folded
// text), semantic (cosine kNN over embeddings) or hybrid (reciprocal rank fusion of both, over the
// query and its variants), then folds syndicated copies of one paragraph into a single result with
// `alsoIn`. The backend only answers primitive lists; every ranking decision is made here.
import type { PassageFilter, ScoredPassage } from '../backend/backend.ts';
import { comparePassages } from '../backend/backend.ts';
import type { IndexSnapshot } from '../backend/snapshot.ts';
import { EmbedderUnavailableError, type Embedder } from '../embed/embedder.ts';
import { tokenize } from '../text/tokenize.ts';
import type { Lang, SearchHit, SearchMode, SearchResponse, StoredPassage } from '../types.ts';
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
  /** Further restrictions (outlets, dates); `documents` and `langs` above are merged into it. */
  filter?: PassageFilter;
}

/** Fingerprints kept per searcher; a bound so a long-running server over a huge corpus stays flat. */
const FINGERPRINT_CACHE_LIMIT = 100_000;

/** How deep each ranking goes before fusion and dedup: deep enough that k heads survive grouping. */
function candidateDepth(k: number, size: number): number {
  return Math.min(size, Math.max(50, k * 5));
}

export class Searcher {
  private readonly fingerprints = new Map<string, Fingerprint>();

  constructor(
    readonly snapshot: IndexSnapshot,
    private readonly embedder: Embedder | null,
  ) {}

  /** Whether semantic ranking is possible: the index has vectors and a matching embedder is set. */
  get semanticAvailable(): boolean {
    return this.snapshot.info().hasVectors && this.embedder !== null;
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
    const k = opts.k ?? 8;
    const requestedMode = opts.mode ?? 'hybrid';
    const queries = [query, ...(opts.variants ?? [])].filter((q) => q.trim().length > 0);
    const filter = mergeFilter(opts);
    const info = this.snapshot.info();
    const backend = this.snapshot.backend;
    const depth = candidateDepth(k, info.counts.passages);

    let mode = requestedMode;
    let notice: string | undefined;
    if (mode !== 'lexical' && !this.semanticAvailable) {
      mode = 'lexical';
      notice = info.hasVectors
        ? 'semantic ranking unavailable (no embedding model loaded); results are lexical only'
        : `this index is lexical-only (${info.semanticUnavailable ?? 'built without a model'}); results are lexical only`;
    }

    let semanticLists: ScoredPassage[][] = [];
    if (mode !== 'lexical') {
      try {
        semanticLists = await this.semanticLists(queries, depth, filter);
      } catch (err) {
        // A model that cannot be loaded must not take search down: answer lexically and say why.
        if (!(err instanceof EmbedderUnavailableError)) throw err;
        mode = 'lexical';
        notice = `semantic ranking unavailable (${err.message.split('\n')[0]}); results are lexical only`;
      }
    }
    const queryTokens = queries.map((q) => tokenize(q));
    const lexicalLists = mode === 'semantic' ? [] : await Promise.all(queryTokens.map((tokens) => backend.lexicalSearch(tokens, depth, filter)));

    // Fusion ranks by list positions and breaks exact ties by index order: number every passage
    // that appears in any list by that order, the same for every backend.
    const lists = [...semanticLists, ...lexicalLists];
    const byOrd = indexOrder(lists);
    const ordOf = new Map(byOrd.map((p, i) => [p.id, i]));
    const asOrds = (list: ScoredPassage[]) => list.map((h) => ({ ord: ordOf.get(h.passage.id) ?? 0, score: h.score }));
    const semanticOrds = semanticLists.map(asOrds);
    const lexicalOrds = lexicalLists.map(asOrds);

    let ranked: Array<{ ord: number; score: number }>;
    if (mode === 'hybrid') {
      // Each lexical list counts as far as its query's words exist in the corpus (coverage²):
      // an English question over Arabic paragraphs matches only numbers and stray names, which
      // must not push the semantic hits down, while an Arabic variant of it keeps full weight.
      // Measured on the dev sets (BENCHMARKS.md): hybrid then beats both single modes.
      const coverages = await Promise.all(queryTokens.map((t) => this.coverage(t)));
      const weights = [...semanticOrds.map(() => 1), ...coverages.map((c) => c ** 2)];
      ranked = reciprocalRankFusion([...semanticOrds, ...lexicalOrds], { weights });
    } else {
      const chosen = mode === 'semantic' ? semanticOrds : lexicalOrds;
      ranked = chosen.length === 1 ? (chosen[0] ?? []) : reciprocalRankFusion(chosen);
    }

    // Title lines stay citable (get_passage, verify_quote) but are not search results: every hit
    // already carries its document's title, and a short title sits close to many questions in
    // embedding space, crowding out the paragraphs that answer them.
    const candidates = ranked.map((r) => ({ ...r, passage: byOrd[r.ord] as StoredPassage })).filter((c) => c.passage.kind !== 'title');
    const groups = groupNearDuplicates(
      candidates.map((c) => ({ ...c, docId: c.passage.docId, text: c.passage.text })),
      { fingerprintOf: (c) => this.fingerprintOf(c.passage.id, c.text), maxGroups: k },
    );
    const results = await Promise.all(groups.slice(0, k).map((g) => this.hit(g.head.passage, g.head.score, g.also.map((a) => a.passage.id))));
    return { mode, requestedMode, results, ...(notice ? { notice } : {}) };
  }

  /**
   * Share of the query's tokens that occur anywhere in the index (0 when it has none). A query
   * whose words the corpus does not contain (an English question over Arabic text) can only match
   * by accident, so fusion trusts its lexical ranking this much.
   */
  private async coverage(tokens: readonly string[]): Promise<number> {
    if (tokens.length === 0) return 0;
    const stats = await this.snapshot.backend.termStats(tokens);
    return stats.df.filter((df) => df > 0).length / tokens.length;
  }

  private async semanticLists(queries: string[], depth: number, filter?: PassageFilter): Promise<ScoredPassage[][]> {
    if (!this.snapshot.info().hasVectors || !this.embedder || queries.length === 0) return [];
    const embedded = await this.embedder.embedQueries(queries);
    // A model of another dimension than the index (a manifest that names the wrong model) would
    // otherwise fail deep in the vector search with an unreadable message.
    const dimension = this.snapshot.info().embedding?.dimension;
    const wrong = embedded.find((v) => v.length !== dimension);
    if (wrong) {
      throw new EmbedderUnavailableError(
        `the model gives ${wrong.length}-dimensional vectors but the index holds ${dimension ?? 'no'}-dimensional ones; rebuild the index with \`sanad index\``,
      );
    }
    return Promise.all(embedded.map((v) => this.snapshot.backend.vectorSearch(v, depth, filter)));
  }

  private fingerprintOf(id: string, text: string): Fingerprint {
    let print = this.fingerprints.get(id);
    if (!print) {
      if (this.fingerprints.size >= FINGERPRINT_CACHE_LIMIT) this.fingerprints.clear();
      print = fingerprint(text);
      this.fingerprints.set(id, print);
    }
    return print;
  }

  async hit(p: StoredPassage, score: number, alsoIn: string[]): Promise<SearchHit> {
    const doc = await this.snapshot.backend.document(p.docId);
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

/** The search options' restrictions as one backend filter, or undefined when there are none. */
function mergeFilter(opts: SearchOptions): PassageFilter | undefined {
  const filter: PassageFilter = { ...opts.filter };
  if (opts.documents && opts.documents.length > 0) filter.documents = opts.documents;
  if (opts.langs && opts.langs.length > 0) filter.languages = opts.langs;
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** Every distinct passage of the lists, in index order. */
function indexOrder(lists: ReadonlyArray<readonly ScoredPassage[]>): StoredPassage[] {
  const seen = new Map<string, StoredPassage>();
  for (const list of lists) for (const h of list) if (!seen.has(h.passage.id)) seen.set(h.passage.id, h.passage);
  return [...seen.values()].sort(comparePassages);
}
