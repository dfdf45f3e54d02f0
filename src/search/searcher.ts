// The one ranking pipeline, over any storage backend (src/backend). Per query text (the question
// and each variant): a semantic list (cosine kNN over embeddings) and a lexical list (BM25 over
// folded, stemmed tokens). Lists are fused on per-query z-scores (fusion.ts), identical copies in other outlets fold
// into `alsoIn` (dedup.ts), an optional reranker reorders the first fused results (src/rerank),
// and one document may not fill the list (diversity.ts). The backend only answers primitive
// lists; every ranking decision is made here, once, for every backend.
import type { PassageFilter, ScoredPassage } from '../backend/backend.ts';
import { comparePassages } from '../backend/backend.ts';
import type { IndexSnapshot } from '../backend/snapshot.ts';
import { EmbedderUnavailableError, type Embedder } from '../embed/embedder.ts';
import { applyRerankScores, type Reranked } from '../rerank/order.ts';
import type { RerankStage } from '../rerank/stage.ts';
import { tokenize } from '../text/tokenize.ts';
import type { Lang, Passage, RerankReport, SearchHit, SearchMode, SearchResponse } from '../types.ts';
import { UNLIMITED, type WorkBudget } from '../util/budget.ts';
import { copyKey, groupCopies } from './dedup.ts';
import { capPerDocument } from './diversity.ts';
import { zScoreFusion, type ScoredList } from './fusion.ts';

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
  /**
   * Results one document may hold before every other document's results (default
   * `DEFAULT_PER_DOCUMENT`); the rest follow, so a short list still fills up.
   */
  perDocument?: number;
  /**
   * The request's work budget: the search pauses through it between its lists and stages, so
   * six long queries at k 50 do not hold the event loop in one piece (src/util/budget.ts).
   */
  budget?: WorkBudget;
}

/** One result per article first: measured best on the cross-language set (BENCHMARKS.md, "Diversity"). */
export const DEFAULT_PER_DOCUMENT = 1;

/** Candidates whose copy keys are computed between two pauses of a search. */
const COPY_KEY_SLICE = 200;

/** Copy keys kept per searcher; a bound so a long-running server over a huge corpus stays flat. */
const COPY_KEY_CACHE_LIMIT = 100_000;

/**
 * How deep each ranking goes before fusion and grouping: deep enough that k heads survive, and
 * that a reranker gets the number of results it reorders.
 */
function candidateDepth(k: number, size: number, rerankTop: number): number {
  return Math.min(size, Math.max(50, k * 5, rerankTop));
}

export interface SearcherOptions {
  /** Reorders the first fused results; absent or null: no reranking. */
  reranker?: RerankStage | null;
}

export class Searcher {
  private readonly copyKeys = new Map<string, string>();

  constructor(
    readonly snapshot: IndexSnapshot,
    private readonly embedder: Embedder | null,
    readonly options: SearcherOptions = {},
  ) {}

  /** Whether semantic ranking is possible: the index has vectors and a matching embedder is set. */
  get semanticAvailable(): boolean {
    return this.snapshot.info().hasVectors && this.embedder !== null;
  }

  async search(query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
    const k = opts.k ?? 8;
    const budget = opts.budget ?? UNLIMITED;
    const perDocument = opts.perDocument ?? DEFAULT_PER_DOCUMENT;
    const requestedMode = opts.mode ?? 'hybrid';
    const queries = [query, ...(opts.variants ?? [])].filter((q) => q.trim().length > 0);
    const filter = mergeFilter(opts);
    const info = this.snapshot.info();
    const depth = candidateDepth(k, info.counts.passages, this.options.reranker?.top ?? 0);

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
        semanticLists = await this.semanticLists(queries, depth, filter, budget);
      } catch (err) {
        // A model that cannot be loaded must not take search down: answer lexically and say why.
        if (!(err instanceof EmbedderUnavailableError)) throw err;
        mode = 'lexical';
        notice = `semantic ranking unavailable (${err.message.split('\n')[0]}); results are lexical only`;
      }
    }
    const lexicalLists: Array<{ hits: ScoredPassage[]; coverage: number }> = [];
    for (const q of mode === 'semantic' ? [] : queries) {
      await budget.pause();
      lexicalLists.push(await this.lexicalList(q, depth, filter));
    }
    await budget.pause();

    // Every list of the mode, standardised per query and summed: a list that singles out a few
    // passages counts for more than one whose scores are level (fusion.ts).
    const passages = new Map<string, Passage>();
    const asList = (list: ScoredPassage[]) => {
      for (const h of list) passages.set(h.passage.id, h.passage);
      return list.map((h) => ({ key: h.passage.id, score: h.score }));
    };
    // The pool the lists rank: every passage, or as many as a filtered semantic list could reach.
    const population = filter ? Math.min(info.counts.passages, ...semanticLists.map((l) => (l.length < depth ? l.length : Infinity))) : info.counts.passages;
    const lists: Array<ScoredList<string>> = [
      ...semanticLists.map((list) => ({ items: asList(list) })),
      ...lexicalLists.map((l) => ({
        items: asList(l.hits),
        // Trusted as far as the query's words exist in the corpus: an English question over Arabic
        // text matches only numbers and stray names (coverage ≈ 0), an Arabic one nearly all.
        weight: l.coverage,
        // A BM25 list shorter than asked for holds every passage with a query term; the rest score 0.
        ...(l.hits.length < depth ? { rest: 0, population } : {}),
      })),
    ];
    const fused = zScoreFusion(lists, {
      compareKeys: (a, b) => comparePassages(passages.get(a) as Passage, passages.get(b) as Passage),
    });
    await budget.pause();

    // Title lines stay citable (get_passage, verify_quote) but are not search results: every hit
    // already carries its document's title, and a short title sits close to many questions in
    // embedding space, crowding out the paragraphs that answer them.
    const candidates = fused
      .map((f) => ({ passage: passages.get(f.key) as Passage, score: f.score }))
      .filter((c) => c.passage.kind !== 'title')
      .map((c) => ({ ...c, docId: c.passage.docId, text: c.passage.text }));
    // Copy keys fold each candidate's text (cached per searcher): computed in slices, with turns for
    // other requests between them, before the grouping reads them.
    for (let i = 0; i < candidates.length; i += COPY_KEY_SLICE) {
      for (const c of candidates.slice(i, i + COPY_KEY_SLICE)) this.copyKeyOf(c.passage);
      await budget.pause();
    }
    const groups = groupCopies(candidates, { keyOf: (c) => this.copyKeyOf(c.passage) });
    await budget.pause();
    const { ranked, rerank } = await this.rerankGroups(query, groups);
    const ordered = capPerDocument(
      ranked.map((r) => ({ ...r, docId: r.item.head.docId })),
      perDocument,
    );
    const results = await Promise.all(
      ordered.slice(0, k).map(({ item, score }) => this.hit(item.head.passage, item.head.score, item.also.map((a) => a.passage.id), score)),
    );
    return { mode, requestedMode, results, ...(notice ? { notice } : {}), ...(rerank ? { rerank } : {}) };
  }

  /**
   * The reranker's order for the first `top` groups (by their heads' text) and the fused order
   * after them; the fused order throughout when there is no reranker or it did not answer.
   */
  private async rerankGroups<G extends { head: { text: string } }>(
    query: string,
    groups: readonly G[],
  ): Promise<{ ranked: Array<Reranked<G>>; rerank?: RerankReport }> {
    const stage = this.options.reranker;
    const fused = () => groups.map((item) => ({ item }));
    if (!stage || groups.length === 0) return { ranked: fused() };
    const window = groups.slice(0, stage.top);
    const outcome = await stage.rerank(query, window.map((g) => g.head.text));
    const rerank: RerankReport = { by: outcome.by, applied: outcome.applied, candidates: window.length, ...(outcome.notice ? { notice: outcome.notice } : {}) };
    return { ranked: outcome.applied && outcome.scores ? applyRerankScores(groups, outcome.scores) : fused(), rerank };
  }

  /** BM25 hits of one query text and the share of its tokens the index holds at all. */
  private async lexicalList(query: string, depth: number, filter?: PassageFilter): Promise<{ hits: ScoredPassage[]; coverage: number }> {
    const backend = this.snapshot.backend;
    const tokens = tokenize(query);
    if (tokens.length === 0) return { hits: [], coverage: 0 };
    const [hits, stats] = await Promise.all([backend.lexicalSearch(tokens, depth, filter), backend.termStats(tokens)]);
    return { hits, coverage: stats.df.filter((df) => df > 0).length / tokens.length };
  }

  private async semanticLists(queries: string[], depth: number, filter: PassageFilter | undefined, budget: WorkBudget): Promise<ScoredPassage[][]> {
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
    const lists: ScoredPassage[][] = [];
    for (const v of embedded) {
      await budget.pause();
      lists.push(await this.snapshot.backend.vectorSearch(v, depth, filter));
    }
    return lists;
  }

  private copyKeyOf(p: Passage): string {
    let key = this.copyKeys.get(p.id);
    if (key === undefined) {
      if (this.copyKeys.size >= COPY_KEY_CACHE_LIMIT) this.copyKeys.clear();
      key = copyKey(p.text);
      this.copyKeys.set(p.id, key);
    }
    return key;
  }

  async hit(p: Passage, score: number, alsoIn: string[], rerankScore?: number): Promise<SearchHit> {
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
      ...(rerankScore !== undefined && Number.isFinite(rerankScore) ? { rerankScore: Math.round(rerankScore * 1e6) / 1e6 } : {}),
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
