// The index a running server answers from. It owns one snapshot (src/backend/snapshot.ts) at a
// time, shared by every session and transport, and swaps in a new one only when a rebuild is
// complete and loaded, so every request sees one whole version; the old snapshot is retired and
// freed when the last request holding it ends.
// One embedder instance serves both searches and rebuilds (the model is loaded once), and it
// loads in the background: MCP clients give up on a handshake that takes tens of seconds.
//
// While the model is loading, a hybrid or semantic search waits for it for a bounded time
// (`modelWaitMs`, 20 s by default) and then answers lexically with a notice. Waiting suits the
// common case (a cached model is ready in a few seconds); the bound keeps a first-run download
// from stalling the assistant.
import type { IndexInfo } from '../backend/backend.ts';
import { corpusChanges, hasChanges, type CorpusChanges, type FileStamp, type IndexedFile } from '../corpus/changes.ts';
import { PostingsCache } from '../backend/embedded/lexical.ts';
import { embeddedSnapshot, loadedIndexOf } from '../backend/embedded/open.ts';
import { IndexSnapshot } from '../backend/snapshot.ts';
import type { IndexStorage } from '../backend/storage.ts';
import type { Embedder } from '../embed/embedder.ts';
import { embedderForBuild, embedderForSearch, type EmbedderChoice } from '../embed/for-index.ts';
import { buildIndex, type BuildOptions, type BuildProgress, type BuildSummary } from '../indexer/build-index.ts';
import { mergeSoon } from '../indexer/merge.ts';
import type { RerankStage } from '../rerank/stage.ts';
import { Searcher, type SearcherOptions, type SearchOptions } from '../search/searcher.ts';
import { IndexMissingError, loadIndex, readCurrentManifest, releaseIndex, type LoadedIndex } from '../store/index-store.ts';
import { IndexLockedError, waitForLockRelease } from '../store/lock.ts';
import { describeSpace, IndexFormatError, IndexVersionError, spaceMismatch, type EmbeddingSpace } from '../store/manifest.ts';
import type { SearchResponse } from '../types.ts';
import { DEFAULT_PUBLISHED_POLL_MS, followPublished, type Follower } from './follow-published.ts';
import { BuildTracker, viewBuild, type BuildRecord, type BuildTrigger, type BuildView, type IndexListener } from './builds.ts';
import type { IndexHandle, IndexStatus, ModelState } from './index-handle.ts';

export interface LiveIndexOptions {
  corpusDir: string;
  indexDir: string;
  /** The one embedder for searches and rebuilds; null serves (and rebuilds) lexical-only. */
  embedder: Embedder | null;
  /** Endpoint identity recorded in the manifest (provider openai). */
  baseUrl?: string;
  /** Reorders the first fused results of every search; absent or null: no reranking. */
  reranker?: RerankStage | null;
  maxBytes?: number;
  /** How long a non-lexical search waits for a loading model before answering lexically. */
  modelWaitMs?: number;
  /** How long startup waits for another process that holds the writer lock while building. */
  lockWaitMs?: number;
  /** How often a server that lost the writer lock checks whether it is free again (default 500 ms). */
  lockPollMs?: number;
  /** Human-readable news (stderr in the CLI; never stdout, which may carry the protocol). */
  log?: (line: string) => void;
  /** Embedding progress lines on stderr during rebuilds. */
  progress?: boolean;
  /** The build step; replaceable so tests can count and pace builds. */
  build?: (opts: BuildOptions) => Promise<BuildSummary>;
  /** An index kept elsewhere than the embedded folder (a Solr collection); `indexDir` is then unused. */
  storage?: IndexStorage;
  /**
   * How often a server over `storage` checks for a version another process published (default
   * 2 s; 0: never). See src/mcp/follow-published.ts.
   */
  publishedPollMs?: number;
}

export const DEFAULT_MODEL_WAIT_MS = 20_000;
const DEFAULT_LOCK_WAIT_MS = 30_000;

export const MODEL_LOADING_NOTICE =
  'the embedding model is still loading; these results are lexical only. Ask again in a moment for hybrid ranking';

/**
 * A searcher over a hybrid snapshot whose model is not loaded yet: it waits (bounded) for the
 * model and then ranks with it, or answers lexically with a notice when the wait runs out.
 */
class ModelWaitSearcher extends Searcher {
  constructor(
    snapshot: IndexSnapshot,
    /** The loaded model, or the notice to answer with when it is not there in time. */
    private readonly waitForModel: () => Promise<Embedder | string>,
    options: SearcherOptions,
  ) {
    super(snapshot, null, options);
  }

  override async search(query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
    if ((opts.mode ?? 'hybrid') === 'lexical') return super.search(query, opts);
    const model = await this.waitForModel();
    // Same snapshot, now with the model: the answer stays within one index version.
    if (typeof model !== 'string') return new Searcher(this.snapshot, model, this.options).search(query, opts);
    const response = await super.search(query, opts);
    return { ...response, notice: model };
  }
}

/** A searcher over an index that has no vectors yet but will get them: says so in its notice. */
class VectorsPendingSearcher extends Searcher {
  override async search(query: string, opts: SearchOptions = {}): Promise<SearchResponse> {
    const response = await super.search(query, opts);
    return response.notice ? { ...response, notice: VECTORS_PENDING_NOTICE } : response;
  }
}

/** Why a first-start index has no vectors (recorded in its manifest until vectors are added). */
export const BOOTSTRAP_LEXICAL_REASON =
  'built lexical-only at first start so the server could answer at once; a server adds the vectors once the embedding model has loaded (or run `sanad index`)';
/** Why a server started with --lexical-only builds without vectors. */
export const SERVE_LEXICAL_REASON = 'the server runs lexical-only (--lexical-only)';

export const VECTORS_PENDING_NOTICE =
  'this index has no vectors yet; they are being added in the background, so these results are lexical only for now';

export class LiveIndex implements IndexHandle {
  private searcher: Searcher;
  private modelState: ModelState = 'none';
  private modelError: string | undefined;
  private modelLoad: Promise<void> | null = null;
  private watching = false;
  private closed = false;
  private lastReindex: BuildSummary | undefined;
  private lastReindexError: string | undefined;
  /** The build that has not started yet; every call arriving now joins it. */
  private nextBuild: { record: BuildRecord; done: Promise<BuildSummary> } | null = null;
  /** The newest scheduled build (running or waiting); the next one queues behind it. */
  private latestBuild: Promise<BuildSummary> | null = null;
  /** A background merge in progress (merges never block rebuilds: see src/indexer/merge.ts). */
  private merging: Promise<void> | null = null;
  /** Decoded postings shared by every snapshot of this index (segment files never change). */
  private readonly postings: PostingsCache;
  private building = false;
  /** Set while waiting for another process's build to end, to rebuild (and reload) after it. */
  private lockWait: AbortController | null = null;
  private readonly log: (line: string) => void;
  private readonly build: (opts: BuildOptions) => Promise<BuildSummary>;
  private readonly builds = new BuildTracker();
  /** Files the served version was built from, read once per version, for corpus checks. */
  private indexed: { version: string; files: IndexedFile[]; skipped: string[] } | null = null;
  private readonly stamps = new Map<string, FileStamp>();
  private readonly unsubscribeReranker: (() => void) | undefined;
  /** Polls for versions other processes publish into the storage; null when not polling. */
  private readonly follower: Follower | null;

  private constructor(
    private readonly opts: LiveIndexOptions,
    /** The embedded index loaded from `indexDir`, or the snapshot `storage` opened. */
    first: LoadedIndex | IndexSnapshot,
  ) {
    this.log = opts.log ?? ((line) => console.error(line));
    this.build = opts.build ?? buildIndex;
    this.postings = new PostingsCache();
    this.searcher = this.makeSearcher(first instanceof IndexSnapshot ? first : embeddedSnapshot(first, this.postings));
    // Reranker news reaches the log and every session, as model news does.
    this.unsubscribeReranker = opts.reranker?.subscribe((event) => {
      this.log(event.message);
      this.builds.emit({ type: 'reranker', state: event.state, message: event.message });
    });
    const pollMs = opts.publishedPollMs ?? DEFAULT_PUBLISHED_POLL_MS;
    const storage = opts.storage;
    this.follower =
      storage?.publishedVersion && pollMs > 0
        ? followPublished({
            publishedVersion: () => storage.publishedVersion?.() ?? Promise.resolve(null),
            open: () => storage.open(),
            intervalMs: pollMs,
            served: () => this.searcher.snapshot,
            busy: () => this.building || this.closed,
            adopt: (snapshot) => this.adoptPublished(snapshot),
            log: this.log,
          })
        : null;
  }

  /**
   * Loads the current index without waiting for the model. A missing or unreadable index is
   * built from the corpus first, lexical-only so this stays quick; vectors are added in the
   * background once the model has loaded (see `startModel`).
   */
  static async open(opts: LiveIndexOptions): Promise<LiveIndex> {
    const log = opts.log ?? ((line: string) => console.error(line));
    if (opts.storage) {
      const snapshot = await opts.storage.open();
      if (snapshot.info().counts.documents === 0) log(`${opts.storage.location} holds no documents yet; call reindex (or run \`sanad index\`) to index ${opts.corpusDir}`);
      return new LiveIndex(opts, snapshot);
    }
    let loaded: LoadedIndex;
    try {
      loaded = await loadIndex(opts.indexDir);
    } catch (err) {
      if (!(err instanceof IndexMissingError) && !(err instanceof IndexFormatError)) throw err;
      log(
        err instanceof IndexMissingError
          ? `no index at ${opts.indexDir} yet; building it from ${opts.corpusDir}`
          : `the index at ${opts.indexDir} cannot be used (${err.message}); rebuilding it from ${opts.corpusDir}`,
      );
      loaded = await bootstrap(opts, log, err instanceof IndexVersionError);
    }
    if (loaded.fallbackReason) log(`warning: ${loaded.fallbackReason}`);
    const parts = loaded.segments.length === 1 ? '1 segment' : `${loaded.segments.length} segments`;
    log(`index ${loaded.version} loaded in ${(loaded.loadMs / 1000).toFixed(2)} s (${loaded.manifest.counts.passages} passages in ${parts})`);
    return new LiveIndex(opts, loaded);
  }

  current(): Searcher {
    return this.searcher;
  }

  /**
   * Starts loading the model in the background (call it once the client is connected). When it
   * is ready, searches become hybrid; an index without vectors is then rebuilt with them.
   */
  startModel(): Promise<void> {
    const embedder = this.opts.embedder;
    if (!embedder || this.closed) return Promise.resolve();
    if (this.modelLoad) return this.modelLoad;
    this.modelState = 'loading';
    this.refreshSearcher();
    this.modelLoad = embedder.dimension().then(
      (dimension) => {
        if (this.modelState !== 'ready') {
          const message = `embedding model ready (${embedder.info.model}, dimension ${dimension})`;
          this.log(message);
          this.builds.emit({ type: 'model', state: 'ready', message });
        }
        this.markModelReady();
        if (!this.searcher.snapshot.info().embedding && !this.closed) {
          this.log('the index has no vectors yet; adding them in the background');
          this.startReindex('model').done.catch(() => {
            // runBuild has logged the failure and recorded it in status().
          });
        }
      },
      (err: unknown) => {
        this.modelState = 'failed';
        this.modelError = errorText(err);
        const message = `embedding model unavailable, searches are lexical only: ${this.modelError}`;
        this.log(message);
        this.builds.emit({ type: 'model', state: 'failed', message });
        this.refreshSearcher();
      },
    );
    return this.modelLoad;
  }

  /**
   * Checks now whether another process has published a newer version, and serves it if so (the
   * server also checks every `publishedPollMs`). Resolves true when it swapped.
   */
  checkPublished(): Promise<boolean> {
    return this.follower?.check() ?? Promise.resolve(false);
  }

  reindex(trigger: BuildTrigger = 'tool'): Promise<BuildSummary> {
    return this.startReindex(trigger).done;
  }

  /**
   * Schedules a rebuild and returns its id at once (a client can follow it with `buildStatus(id)`), and
   * the promise of its summary. Calls made before it starts join it; a call during a running build
   * queues one more after it, since that build may have read the corpus before the caller's change.
   */
  startReindex(trigger: BuildTrigger): { id: string; done: Promise<BuildSummary> } {
    if (this.closed) {
      const record = this.builds.create(trigger);
      const error = 'the server is shutting down; reindex was not started';
      this.builds.fail(record, error);
      return { id: record.id, done: Promise.reject(new Error(error)) };
    }
    if (this.nextBuild) return { id: this.nextBuild.record.id, done: this.nextBuild.done };
    const before = this.latestBuild;
    const record = this.builds.create(trigger);
    const done = (async () => {
      if (before) await before.catch(() => undefined);
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.nextBuild = null;
      return this.runBuild(record);
    })();
    this.nextBuild = { record, done };
    this.latestBuild = done;
    const clear = () => {
      if (this.latestBuild === done) this.latestBuild = null;
    };
    done.then(clear, clear);
    return { id: record.id, done };
  }

  /** A rebuild by id (the latest few are kept), as a client sees it; undefined when unknown. */
  buildStatus(id: string): BuildView | undefined {
    const record = this.builds.get(id);
    return record ? viewBuild(record, Date.now()) : undefined;
  }

  /**
   * Whether the corpus folder differs from what the served version was built from (files added,
   * changed, removed). Cheap when nothing changed since the last check: unchanged files are not read.
   */
  async checkCorpus(): Promise<CorpusChanges> {
    const version = this.searcher.snapshot.info().version;
    if (this.indexed?.version !== version) {
      const current = await readCurrentManifest(this.opts.indexDir);
      if (!current) throw new Error(`no index at ${this.opts.indexDir}`);
      this.indexed = { version: current.version, files: current.manifest.files, skipped: current.manifest.skipped.map((k) => k.path) };
    }
    return corpusChanges(this.opts.corpusDir, this.indexed.files, this.indexed.skipped, this.stamps);
  }

  /**
   * At server start: brings the index up to date with the corpus when files changed while the
   * server was stopped (an incremental rebuild), and only checks when nothing did.
   */
  async updateAtStart(): Promise<void> {
    let changes: CorpusChanges;
    try {
      changes = await this.checkCorpus();
    } catch (err) {
      this.log(`could not compare the corpus with the index at start (${errorText(err)}); serving the index as it is`);
      return;
    }
    if (!hasChanges(changes)) {
      this.log(`the index is up to date with the corpus (${changes.files} files checked in ${changes.ms} ms)`);
      return;
    }
    this.log(`the corpus changed while the server was stopped (${changes.added.length} added, ${changes.changed.length} changed, ${changes.removed.length} removed); updating the index`);
    await this.startReindex('start-up').done.catch(() => undefined);
  }

  /** Hears every progress step, finished or failed build, and model news (each MCP session subscribes). */
  subscribe(listener: IndexListener): () => void {
    return this.builds.subscribe(listener);
  }

  status(): IndexStatus {
    const info = this.searcher.snapshot.info();
    const unavailable = this.semanticUnavailable(info);
    return {
      indexDir: this.opts.storage?.location ?? this.opts.indexDir,
      corpusDir: this.opts.corpusDir,
      version: info.version,
      mode: unavailable === null ? 'hybrid' : 'lexical',
      ...(info.embedding ? { model: describeSpace(info.embedding), dimension: info.embedding.dimension } : {}),
      modelState: this.modelState,
      ...(unavailable !== null ? { semanticUnavailable: unavailable } : {}),
      documents: info.counts.documents,
      passages: info.counts.passages,
      builtAt: info.createdAt,
      buildMs: info.buildMs,
      ...(info.loadMs !== undefined ? { loadMs: info.loadMs } : {}),
      ...(info.segments !== undefined ? { segments: info.segments } : {}),
      reindexing: this.building,
      ...(this.activeBuild() ? { build: this.activeBuild() } : {}),
      watching: this.watching,
      ...(this.lastReindex ? { lastReindex: this.lastReindex } : {}),
      ...(this.lastReindexError ? { lastReindexError: this.lastReindexError } : {}),
      ...(info.fallbackReason ? { warning: info.fallbackReason } : {}),
      ...(this.opts.reranker ? { reranker: this.opts.reranker.status() } : {}),
    };
  }

  /** The rebuild running now, or else the one waiting to start. */
  private activeBuild(): BuildView | undefined {
    const latest = this.builds.latest();
    return latest && (latest.state === 'running' || latest.state === 'queued') ? viewBuild(latest, Date.now()) : undefined;
  }

  setWatching(on: boolean): void {
    this.watching = on;
  }

  /**
   * Refuses new rebuilds and frees the model. A build or model load in progress gets `graceMs` to
   * finish (a build then releases the writer lock); after that it is abandoned (a lock left by a dead process is taken
   * over by the next writer, and the half-written staging folder is pruned).
   */
  async close(graceMs = 2000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.follower?.stop();
    // A model still loading is waited for too: freeing it mid-load makes the runtime complain.
    const busy: Array<Promise<unknown>> = [];
    if (this.latestBuild) busy.push(this.latestBuild);
    if (this.merging) busy.push(this.merging);
    if (this.modelLoad) busy.push(this.modelLoad);
    if (busy.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled(busy), grace]);
      clearTimeout(timer);
    }
    this.lockWait?.abort(new Error('the server is shutting down'));
    this.unsubscribeReranker?.();
    await this.opts.embedder?.close?.();
    await this.opts.reranker?.close();
    // Requests still running keep their snapshot; it is freed when the last one ends.
    this.searcher.snapshot.retire();
  }

  private async runBuild(record: BuildRecord): Promise<BuildSummary> {
    this.building = true;
    this.builds.start(record);
    const { embedder } = this.opts;
    try {
      const summary = await this.buildStep(record);
      // The build loaded the model itself (probing its dimension) or found it unusable.
      if (embedder && summary.semanticUnavailable === undefined && summary.mode === 'hybrid') this.markModelReady();
      else if (embedder && summary.semanticUnavailable !== undefined && this.modelState !== 'ready') {
        this.modelState = 'failed';
        this.modelError = summary.semanticUnavailable;
      }
      const current = this.searcher.snapshot.info();
      const published = summary.rebuilt || summary.version !== current.version || Boolean(current.fallbackReason);
      if (published) {
        this.builds.progress(record, { stage: 'loading', done: 0, total: 1 });
        if (this.opts.storage) {
          this.swap(await this.opts.storage.open());
        } else {
          await this.reload();
          this.scheduleMerge();
        }
      } else {
        this.refreshSearcher();
      }
      this.lastReindex = summary;
      this.lastReindexError = undefined;
      this.log(describeBuild(summary));
      this.builds.finish(record, summary, published);
      return summary;
    } catch (err) {
      const version = this.searcher.snapshot.info().version;
      this.lastReindexError =
        err instanceof IndexLockedError
          ? `reindex postponed: ${err.message}; searches keep answering from version ${version}, and this server rebuilds and reloads once that build ends`
          : this.opts.storage?.isLocked(err)
            ? `reindex skipped: ${errorText(err)}; searches keep answering from version ${version}`
            : `reindex failed: ${errorText(err)}; searches keep answering from version ${version}`;
      this.log(this.lastReindexError);
      this.builds.fail(record, this.lastReindexError);
      if (err instanceof IndexLockedError) this.retryAfterLock();
      throw err;
    } finally {
      this.building = false;
    }
  }

  /**
   * Another process holds the writer lock: once it lets go, rebuild. That build picks up the
   * version the other process published (and swaps it in) and whatever changed here meanwhile.
   */
  private retryAfterLock(): void {
    if (this.lockWait || this.closed) return;
    const wait = new AbortController();
    this.lockWait = wait;
    waitForLockRelease(this.opts.indexDir, { signal: wait.signal, pollMs: this.opts.lockPollMs ?? 500 })
      .then(
        () => {
          this.lockWait = null;
          if (this.closed) return;
          this.log('the other build has ended; rebuilding to pick up its version and any change made meanwhile');
          this.reindex().catch(() => {
            // Logged and recorded in status() by runBuild; a new lock loss schedules another wait.
          });
        },
        () => {
          this.lockWait = null;
        },
      );
  }

  private markModelReady(): void {
    this.modelState = 'ready';
    this.modelError = undefined;
    this.modelLoad ??= Promise.resolve();
    this.refreshSearcher();
  }

  /** Re-pairs the current snapshot with the model after the model's state changed. */
  private refreshSearcher(): void {
    this.searcher = this.makeSearcher(this.searcher.snapshot);
  }

  /**
   * Loads the current version (reusing the segments already open) and serves it, unless a newer
   * one is served already (a rebuild and a merge may both finish and reload).
   */
  private async reload(): Promise<void> {
    const held = loadedIndexOf(this.searcher.snapshot);
    const loaded = await loadIndex(this.opts.indexDir, { reuse: held ?? null });
    if (loaded.fallbackReason) this.log(`warning: ${loaded.fallbackReason}`);
    const served = this.searcher.snapshot.info();
    if (!served.fallbackReason && loaded.version <= served.version && loaded.version !== served.version) {
      releaseIndex(loaded);
      return;
    }
    this.swap(embeddedSnapshot(loaded, this.postings));
  }

  /** Merges segments in the background when the policy asks for it, then serves the result. */
  private scheduleMerge(): void {
    if (this.merging || this.closed) return;
    this.merging = (async () => {
      try {
        const merged = await mergeSoon(this.opts.indexDir, this.log, loadedIndexOf(this.searcher.snapshot));
        if (merged.length > 0 && !this.closed) await this.reload();
      } catch (err) {
        this.log(`merge failed (searches are unaffected; it is retried after the next reindex): ${errorText(err)}`);
      } finally {
        this.merging = null;
      }
    })();
  }

  /** One incremental build into wherever the index lives. */
  private buildStep(record: BuildRecord): Promise<BuildSummary> {
    const embedder = this.opts.embedder;
    const common = {
      corpusDir: this.opts.corpusDir,
      embedder,
      ...(this.opts.baseUrl ? { baseUrl: this.opts.baseUrl } : {}),
      ...(this.opts.maxBytes !== undefined ? { maxBytes: this.opts.maxBytes } : {}),
      log: this.log,
      progress: this.opts.progress ?? false,
      onProgress: (p: BuildProgress) => this.builds.progress(record, p),
    };
    if (this.opts.storage) return this.opts.storage.build(common);
    return this.build({
      ...common,
      ...(embedder ? {} : { lexicalReason: SERVE_LEXICAL_REASON }),
      indexDir: this.opts.indexDir,
      // The snapshot in memory is the previous version: no need to read it from disk again.
      ...previousOf(this.searcher.snapshot),
      // Merges run in the background here, so a reindex returns as soon as it has published.
      merge: false,
    });
  }

  /** Serves a version another process published, and tells every session (as a finished reindex would). */
  private adoptPublished(snapshot: IndexSnapshot): void {
    const before = this.searcher.snapshot.info().version;
    this.swap(snapshot);
    const info = snapshot.info();
    const message =
      `index ${info.version} is now served (${info.counts.documents} documents, ${info.counts.passages} passages): ` +
      `another process published it after ${before}`;
    this.log(message);
    this.builds.emit({ type: 'published', version: info.version, message });
  }

  /** Serves a new snapshot from now on; the old one is freed once its last request ends. */
  private swap(snapshot: IndexSnapshot): void {
    const old = this.searcher.snapshot;
    this.searcher = this.makeSearcher(snapshot);
    if (old !== snapshot) old.retire();
  }

  private makeSearcher(snapshot: IndexSnapshot): Searcher {
    const embedder = this.opts.embedder;
    const info = snapshot.info();
    const options: SearcherOptions = { reranker: this.opts.reranker ?? null };
    if (embedder && !info.hasVectors && this.modelState !== 'failed' && !this.closed) return new VectorsPendingSearcher(snapshot, null, options);
    if (!embedder || !info.hasVectors || !info.embedding || spaceMismatch(info.embedding, embedder.info)) {
      return new Searcher(snapshot, null, options);
    }
    if (this.modelState === 'ready') return new Searcher(snapshot, embedder, options);
    if (this.modelState === 'failed') return new Searcher(snapshot, null, options);
    return new ModelWaitSearcher(snapshot, () => this.modelWithin(this.opts.modelWaitMs ?? DEFAULT_MODEL_WAIT_MS), options);
  }

  /** The embedder once the model is ready, or a notice saying why not (failed, or not ready within `ms`). */
  private async modelWithin(ms: number): Promise<Embedder | string> {
    const embedder = this.opts.embedder;
    const failed = () => `semantic ranking unavailable (${this.modelError ?? 'no embedding model'}); results are lexical only`;
    if (!embedder) return failed();
    // A search can only arrive once a client is connected, so it may start the load itself.
    const load = this.startModel().then(() => (this.modelState === 'ready' ? embedder : failed()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(MODEL_LOADING_NOTICE), ms);
    });
    try {
      return await Promise.race([load, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Why searches cannot rank semantically right now, or null when they can. */
  private semanticUnavailable(info: IndexInfo): string | null {
    const space = info.embedding;
    const embedder = this.opts.embedder;
    if (!space || !info.hasVectors) {
      if (embedder && this.modelState !== 'failed') return 'this index has no vectors yet; they are added in the background once the model has loaded';
      const why = this.modelError ?? info.semanticUnavailable ?? 'built without a model';
      return `this index is lexical-only (${why})`;
    }
    if (!embedder) return 'the server was started lexical-only (--lexical-only)';
    const mismatch = spaceMismatch(space, embedder.info);
    if (mismatch) {
      return (
        `the index was built with ${describeSpace(space)} but this server uses ${describeSpace(embedder.info)} (${mismatch}); ` +
        'restart the server so it picks the index\'s model, or call reindex to rebuild with this one'
      );
    }
    switch (this.modelState) {
      case 'ready':
        return null;
      case 'failed':
        return `the embedding model could not be loaded: ${this.modelError ?? 'unknown error'}`;
      default:
        return `the embedding model is loading; semantic searches wait up to ${Math.round((this.opts.modelWaitMs ?? DEFAULT_MODEL_WAIT_MS) / 1000)} s for it, then answer lexically`;
    }
  }
}

/**
 * The embedder a server should hold for this index folder: the index's own model when it has
 * vectors (explicit flags must then describe the same space), the configured one when it has
 * none or does not exist yet, and none when serving lexical-only was asked for.
 */
export async function embedderForServe(
  indexDir: string,
  choice: EmbedderChoice,
  lexicalOnly: boolean,
): Promise<{ embedder: Embedder | null; baseUrl?: string }> {
  if (lexicalOnly) return { embedder: null };
  // A damaged manifest is handled when the index is opened; here it just means "no known space".
  const current = await readCurrentManifest(indexDir).catch(() => null);
  return embedderForSpace(current?.manifest.embedding ?? null, choice);
}

/** The embedder for an index whose vectors live in `space` (the configured one when it has none). */
export function embedderForSpace(space: EmbeddingSpace | null, choice: EmbedderChoice): { embedder: Embedder | null; baseUrl?: string } {
  if (!space) return embedderForBuild(choice);
  const embedder = embedderForSearch(space, choice);
  return embedder ? { embedder, ...(space.baseUrl ? { baseUrl: space.baseUrl } : {}) } : { embedder: null };
}

/**
 * Builds an index where there is none (or none readable), waiting for another writer if one is at
 * it. `stale`: the index exists but was folded or segmented by another version of sanad; its
 * vectors are carried over (the model loads only if a passage's text changed).
 */
async function bootstrap(opts: LiveIndexOptions, log: (line: string) => void, stale = false): Promise<LoadedIndex> {
  const build = opts.build ?? buildIndex;
  const deadline = Date.now() + (opts.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS);
  try {
    // Otherwise lexical-only: no model to load, so a client connecting right after gets its handshake.
    const summary = await build({
      corpusDir: opts.corpusDir,
      indexDir: opts.indexDir,
      embedder: stale ? opts.embedder : null,
      lazyModel: true,
      lexicalReason: opts.embedder ? BOOTSTRAP_LEXICAL_REASON : SERVE_LEXICAL_REASON,
      ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
      log,
    });
    log(describeBuild(summary));
  } catch (err) {
    if (!(err instanceof IndexLockedError)) throw err;
    log(`${err.message}; waiting for it`);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      try {
        return await loadIndex(opts.indexDir);
      } catch (loadErr) {
        if (Date.now() > deadline) {
          throw new Error(
            `no usable index appeared at ${opts.indexDir} while another process held its lock (${errorText(loadErr)}); ` +
              'try again when that process has finished',
            { cause: loadErr },
          );
        }
      }
    }
  }
  return loadIndex(opts.indexDir);
}

/** The in-memory index a rebuild may reuse instead of reading it from disk again. */
function previousOf(snapshot: IndexSnapshot): { previous?: LoadedIndex } {
  const loaded = loadedIndexOf(snapshot);
  return loaded ? { previous: loaded } : {};
}

function describeBuild(s: BuildSummary): string {
  const head = s.rebuilt ? `index ${s.version} published` : `index ${s.version} is up to date`;
  return (
    `${head} (${s.mode}): ${s.documents} documents, ${s.passages} passages; ` +
    `${s.added.length} added, ${s.changed.length} changed, ${s.removed.length} removed; ${(s.ms / 1000).toFixed(1)} s`
  );
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
