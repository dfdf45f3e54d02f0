// Builds (or incrementally rebuilds) the index folder from the corpus folder. Vectors are reused
// by passage text hash from the previous version whenever the embedding space is the same, so a
// rebuild embeds only new or changed paragraphs. When no model can be loaded the index is built
// lexical-only and says so, instead of failing: lexical search still answers.
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { ingestCorpus } from '../corpus/ingest.ts';
import type { UnsupportedType } from '../corpus/read.ts';
import { SEGMENTER_VERSION } from '../corpus/segment.ts';
import { EmbedderUnavailableError, type Embedder } from '../embed/embedder.ts';
import { Bm25Index } from '../text/bm25.ts';
import { makeStagingDir, publishVersion, pruneVersions, readCurrentPointer } from '../store/files.ts';
import { loadIndex, writeVersionFiles, type LoadedIndex, type StoredPassage } from '../store/index-store.ts';
import { acquireWriterLock } from '../store/lock.ts';
import { FORMAT_NAME, FORMAT_VERSION, spaceMismatch, type EmbeddingSpace, type HnswParams, type Manifest } from '../store/manifest.ts';
import { DEFAULT_HNSW, VectorIndex } from '../store/vector-index.ts';
import { NORMALIZER_VERSION } from '../text/normalize.ts';
import { tokenize } from '../text/tokenize.ts';
import type { DocumentMeta, SkippedFile } from '../types.ts';
import { createProgress } from '../util/progress.ts';

export interface BuildOptions {
  corpusDir: string;
  indexDir: string;
  /** Null builds a lexical-only index on purpose. */
  embedder: Embedder | null;
  /** Extra identity of the space (e.g. endpoint URL) recorded in the manifest. */
  baseUrl?: string;
  maxBytes?: number;
  hnsw?: HnswParams;
  /** How long a replaced version is kept for readers that may still be opening it (default PRUNE_GRACE_MS). */
  pruneGraceMs?: number;
  /** One line of human-readable news (warnings, summary); stderr in the CLI. */
  log?: (line: string) => void;
  /** Show an embedding progress bar/lines on stderr. */
  progress?: boolean;
  /** Where the build is: files read, passages embedded, then the index written (for status and MCP progress). */
  onProgress?: (p: BuildProgress) => void;
  /**
   * Why `embedder` is null, for the index's own record ("semantic unavailable because …"); the
   * default says it was asked for (`--lexical-only`).
   */
  lexicalReason?: string;
  /**
   * The index version a caller already holds in memory (a running server). Used instead of
   * reading and verifying the current version from disk again, when it still is the current one.
   */
  previous?: LoadedIndex;
  /**
   * Take the embedding space from the previous version when the embedder describes the same one,
   * and load the model only if some passage has no vector to reuse (a rebuild after a normaliser
   * change re-folds every passage but embeds nothing).
   */
  lazyModel?: boolean;
}

/** The stages of a build, in order; `embedding` is skipped when no passage is new. */
export type BuildStage = 'reading' | 'embedding' | 'indexing' | 'publishing';

export interface BuildProgress {
  stage: BuildStage;
  /** Files read (reading), passages embedded (embedding); 0 or 1 for the short stages. */
  done: number;
  total: number;
}

export const LEXICAL_ON_REQUEST = 'built lexical-only on request (--lexical-only)';

export interface BuildSummary {
  version: string;
  /** False when the corpus and settings were unchanged and the current version was kept. */
  rebuilt: boolean;
  added: string[];
  changed: string[];
  removed: string[];
  unchanged: number;
  skipped: SkippedFile[];
  /** Files in the corpus folder of types sanad does not read, by extension. */
  unsupported: UnsupportedType[];
  documents: number;
  passages: number;
  embedded: number;
  reused: number;
  mode: 'hybrid' | 'lexical';
  semanticUnavailable?: string;
  ms: number;
}

export async function buildIndex(opts: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const lock = await acquireWriterLock(opts.indexDir);
  try {
    const previous = await loadPrevious(opts, log);
    const progress = opts.onProgress ?? (() => {});
    const { documents, skipped, unsupported } = await ingestCorpus(opts.corpusDir, {
      ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
      onWarn: (s) => log(`skipped: ${s.reason}`),
      onProgress: (done, total) => progress({ stage: 'reading', done, total }),
    });

    const space = await probeSpace(opts, previous, log);
    const diff = diffFiles(previous?.manifest.files ?? [], documents.map((d) => d.meta));
    const sameSettings = previous !== null && sameSpace(previous.manifest.embedding, space.space);
    const sameSkips = JSON.stringify(previous?.manifest.skipped ?? []) === JSON.stringify(skipped);

    const passages: StoredPassage[] = documents.flatMap((d) => d.passages.map((p) => ({ ...p, hash: hashText(p.text) })));
    const base = {
      added: diff.added,
      changed: diff.changed,
      removed: diff.removed,
      unchanged: diff.unchanged,
      skipped,
      unsupported,
      documents: documents.length,
      passages: passages.length,
      mode: space.space ? ('hybrid' as const) : ('lexical' as const),
      ...(space.unavailable ? { semanticUnavailable: space.unavailable } : {}),
    };

    const noFileChanges = diff.added.length + diff.changed.length + diff.removed.length === 0;
    // A model that fails to load today must not downgrade an unchanged hybrid index to lexical-only.
    const keepDespiteNoModel =
      previous !== null && space.space === null && opts.embedder !== null && previous.manifest.embedding !== null;
    // A previous index served as a fallback (the current one is damaged) must be republished.
    const upToDate = previous !== null && !previous.fallbackReason && sameVersions(previous) && sameSkips && noFileChanges;
    if (previous && upToDate && (sameSettings || keepDespiteNoModel)) {
      const mode = previous.manifest.embedding ? ('hybrid' as const) : ('lexical' as const);
      return { ...base, mode, version: previous.version, rebuilt: false, embedded: 0, reused: passages.length, ms: performance.now() - started };
    }

    let vectors: VectorIndex | null = null;
    let embedded = 0;
    let reused = 0;
    if (space.space && opts.embedder) {
      const reuse = previous?.vectors && sameSpace(previous.manifest.embedding, space.space) ? previous : null;
      const result = await embedAll(opts.embedder, passages, reuse, opts.progress ?? false, (done, total) =>
        progress({ stage: 'embedding', done, total }),
      );
      embedded = result.embedded;
      reused = result.reused;
      vectors = VectorIndex.build(space.space.dimension, result.vectors, opts.hnsw ?? DEFAULT_HNSW);
    }

    progress({ stage: 'indexing', done: 0, total: 1 });
    // A generator keeps only one token list alive at a time: at a million passages the arrays
    // of all token lists would dominate memory and garbage-collection time.
    const lexical = new Bm25Index((function* () {
      for (const p of passages) yield tokenize(p.text);
    })());
    const manifest = manifestFor({
      embedding: space.space,
      ...(space.unavailable ? { semanticUnavailable: space.unavailable } : {}),
      hnsw: vectors ? (opts.hnsw ?? DEFAULT_HNSW) : null,
      documents: documents.map((d) => d.meta),
      passages: passages.length,
      skipped,
      buildMs: Math.round(performance.now() - started),
    });

    progress({ stage: 'publishing', done: 0, total: 1 });
    const staging = await makeStagingDir(opts.indexDir);
    let version: string;
    try {
      await writeVersionFiles(staging, { documents: documents.map((d) => d.meta), passages, lexical, vectors }, manifest);
      version = await publishVersion(opts.indexDir, staging);
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      throw err;
    }
    await pruneVersions(opts.indexDir, version, opts.pruneGraceMs);
    return { ...base, version, rebuilt: true, embedded, reused, ms: performance.now() - started };
  } finally {
    await lock.release();
  }
}

/** The manifest of a new version, before checksums: everything a reader must check to trust it. */
export function manifestFor(parts: {
  embedding: EmbeddingSpace | null;
  semanticUnavailable?: string;
  hnsw: HnswParams | null;
  documents: readonly DocumentMeta[];
  passages: number;
  skipped: SkippedFile[];
  buildMs: number;
}): Omit<Manifest, 'checksums'> {
  return {
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    normalizerVersion: NORMALIZER_VERSION,
    segmenterVersion: SEGMENTER_VERSION,
    embedding: parts.embedding,
    ...(parts.semanticUnavailable ? { semanticUnavailable: parts.semanticUnavailable } : {}),
    hnsw: parts.hnsw,
    counts: { documents: parts.documents.length, passages: parts.passages },
    files: parts.documents.map((d) => ({ path: d.path, sha256: d.sha256, bytes: d.bytes })),
    skipped: parts.skipped,
    buildMs: parts.buildMs,
  };
}

async function loadPrevious(opts: BuildOptions, log: (line: string) => void): Promise<LoadedIndex | null> {
  const held = opts.previous;
  // Only a snapshot that is still the published one, and not a fallback, stands for the disk.
  if (held && !held.fallbackReason && (await readCurrentPointer(opts.indexDir)) === held.version) return held;
  try {
    // A stale normaliser or segmenter still leaves the vectors reusable: they embed raw text.
    return await loadIndex(opts.indexDir, { acceptStale: true });
  } catch (err) {
    if (err instanceof Error && err.name === 'IndexMissingError') return null;
    // A damaged or foreign previous index is not fatal for a build: it is rebuilt from scratch.
    log(`previous index not reused: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

/** Loads the model (once, here) and returns the space it embeds into, or why there is none. */
async function probeSpace(
  opts: BuildOptions,
  previous: LoadedIndex | null,
  log: (line: string) => void,
): Promise<{ space: EmbeddingSpace | null; unavailable?: string }> {
  if (!opts.embedder) return { space: null, unavailable: opts.lexicalReason ?? LEXICAL_ON_REQUEST };
  const known = previous?.vectors ? previous.manifest.embedding : null;
  if (opts.lazyModel && known && spaceMismatch(known, opts.embedder.info) === null) return { space: known };
  try {
    const dimension = await opts.embedder.dimension();
    const { provider, model, dtype, location, inputType, queryPrefix, passagePrefix } = opts.embedder.info;
    return {
      space: {
        provider,
        model,
        ...(dtype ? { dtype } : {}),
        ...(location ? { location } : {}),
        ...(inputType ? { inputType } : {}),
        queryPrefix,
        passagePrefix,
        dimension,
        ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}),
      },
    };
  } catch (err) {
    if (!(err instanceof EmbedderUnavailableError)) throw err;
    log(`no embedding model: ${err.message}`);
    log('building a lexical-only index; searches will say they are lexical. Fix the model and run `sanad index` again for hybrid search.');
    return { space: null, unavailable: err.message };
  }
}

function sameVersions(previous: LoadedIndex): boolean {
  return previous.manifest.normalizerVersion === NORMALIZER_VERSION && previous.manifest.segmenterVersion === SEGMENTER_VERSION;
}

function sameSpace(a: EmbeddingSpace | null | undefined, b: EmbeddingSpace | null): boolean {
  if (!a || !b) return !a && !b;
  return spaceMismatch(a, b) === null;
}

async function embedAll(
  embedder: Embedder,
  passages: StoredPassage[],
  previous: LoadedIndex | null,
  showProgress: boolean,
  onProgress: (done: number, total: number) => void,
): Promise<{ vectors: Float32Array[]; embedded: number; reused: number }> {
  const cached = new Map<string, number>();
  previous?.passages.forEach((p, ord) => cached.set(p.hash, ord));
  const vectors: Array<Float32Array | undefined> = new Array(passages.length);
  const todo = new Map<string, number[]>();
  passages.forEach((p, ord) => {
    const prevOrd = cached.get(p.hash);
    if (previous?.vectors && prevOrd !== undefined) vectors[ord] = previous.vectors.vector(prevOrd);
    else todo.set(p.hash, [...(todo.get(p.hash) ?? []), ord]);
  });
  const reused = passages.length - [...todo.values()].reduce((n, ords) => n + ords.length, 0);
  const pending = [...todo.values()];
  const texts = pending.map((ords) => passages[ords[0] ?? 0]?.text ?? '');
  if (texts.length > 0) {
    const progress = showProgress ? createProgress('passages embedded', texts.length) : null;
    onProgress(0, texts.length);
    const fresh = await embedder.embedPassages(texts, (p) => {
      progress?.update(p.done);
      onProgress(p.done, texts.length);
    });
    progress?.finish();
    pending.forEach((ords, i) => {
      const v = fresh[i];
      if (!v) throw new Error(`the embedder returned ${fresh.length} vectors for ${texts.length} passages`);
      for (const ord of ords) vectors[ord] = v;
    });
  }
  const complete = vectors.map((v, ord) => {
    if (!v) throw new Error(`passage ${ord} has no vector`);
    return v;
  });
  return { vectors: complete, embedded: texts.length, reused };
}

interface FileEntry {
  path: string;
  sha256: string;
}

export function diffFiles(before: readonly FileEntry[], after: readonly FileEntry[]) {
  const old = new Map(before.map((f) => [f.path, f.sha256]));
  const now = new Map(after.map((f) => [f.path, f.sha256]));
  const added = [...now.keys()].filter((p) => !old.has(p));
  const changed = [...now.keys()].filter((p) => old.has(p) && old.get(p) !== now.get(p));
  const removed = [...old.keys()].filter((p) => !now.has(p));
  const unchanged = now.size - added.length - changed.length;
  return { added, changed, removed, unchanged };
}

function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
