// Builds (or incrementally rebuilds) the index folder from the corpus folder. Files are diffed by
// sha256 against the previous version; added and changed documents go into a new segment, and the
// passages of changed and removed ones get deletion marks in the segments that hold them, so a
// rebuild costs in proportion to what changed, not to the corpus. When the text processing, the
// embedding space or the HNSW parameters differ, every document is written anew (vectors are
// still reused by text hash). When no model can be loaded the index is built lexical-only and
// says so, instead of failing: lexical search still answers.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { UnsupportedType } from '../corpus/read.ts';
import { SEGMENTER_VERSION } from '../corpus/segment.ts';
import type { Embedder } from '../embed/embedder.ts';
import { makeStagingDir, pruneStaging } from '../store/files.ts';
import { hashText } from '../store/hash-file.ts';
import type { LoadedIndex } from '../store/index-store.ts';
import { acquireWriterLock } from '../store/lock.ts';
import { FORMAT_NAME, FORMAT_VERSION, IndexFormatError, type EmbeddingSpace, type HnswParams, type Manifest } from '../store/manifest.ts';
import { DEFAULT_HNSW } from '../store/vector-index.ts';
import { NORMALIZER_VERSION } from '../text/normalize.ts';
import type { DocumentMeta, SkippedFile, StoredPassage } from '../types.ts';
import { embedNew, probeSpace, sameSpace } from './embed-new.ts';
import { mergeSoon } from './merge.ts';
import { factsOf, loadPrevious, releasePrevious, vectorSource, type Previous } from './previous.ts';
import { planSegments, writeSegments } from './segment-builds.ts';
import { readCorpusFor } from './read-changes.ts';
import { publishPlan, withDeleted, type KeptSegment } from './version-writer.ts';

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
  /** Merge segments after publishing when the merge policy asks for it (default true). */
  merge?: boolean;
}

/** The stages of a build, in order; `embedding` is skipped when no passage is new. */
export type BuildStage = 'reading' | 'embedding' | 'indexing' | 'publishing';

export interface BuildProgress {
  stage: BuildStage;
  /** Files read (reading), passages embedded (embedding); 0 or 1 for the short stages. */
  done: number;
  total: number;
}

export { LEXICAL_ON_REQUEST } from './embed-new.ts';

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
  /** Distinct passage texts embedded by this build. */
  embedded: number;
  /** Live passages whose vectors were already there (kept segments or reused by text hash). */
  reused: number;
  mode: 'hybrid' | 'lexical';
  semanticUnavailable?: string;
  /** Segments in the published version. */
  segments?: number;
  ms: number;
}

export async function buildIndex(opts: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const log = opts.log ?? (() => {});
  const lock = await acquireWriterLock(opts.indexDir);
  let previous: Previous | null = null;
  let summary: BuildSummary;
  try {
    await pruneStaging(opts.indexDir);
    previous = await loadPrevious(opts.indexDir, opts.previous, log);
    try {
      summary = await build(opts, previous, log, started);
    } catch (err) {
      // Data of the previous version read only now (vector hashes, merged segments) may be
      // damaged: that version is then not reused, and the build starts afresh rather than
      // telling the user to run the very command that just failed.
      if (!(err instanceof IndexFormatError) || previous === null) throw err;
      log(`previous index not reused: ${err.message}; building afresh`);
      releasePrevious(previous);
      previous = null;
      summary = await build(opts, null, log, started);
    }
  } finally {
    releasePrevious(previous);
    await lock.release();
  }
  if (summary.rebuilt && opts.merge !== false) await mergeSoon(opts.indexDir, log);
  return summary;
}

/** Whether the files only builds read (each segment's vector hashes) pass their checks. */
async function writerFilesIntact(index: LoadedIndex, log: (line: string) => void): Promise<boolean> {
  const dir = path.join(index.dir, index.version);
  try {
    for (const s of index.segments) await s.reader.hashes(dir, index.manifest.checksums);
    return true;
  } catch (err) {
    if (!(err instanceof IndexFormatError)) throw err;
    log(`the index is not up to date: ${err.message}`);
    return false;
  }
}

async function build(opts: BuildOptions, previous: Previous | null, log: (line: string) => void, started: number): Promise<BuildSummary> {
  const progress = opts.onProgress ?? (() => {});
  const facts = previous ? factsOf(previous) : null;
  const space = await probeSpace(opts, facts, log);
  const hnsw = space.space ? (opts.hnsw ?? DEFAULT_HNSW) : null;
  const sameText = facts !== null && facts.normalizerVersion === NORMALIZER_VERSION && facts.segmenterVersion === SEGMENTER_VERSION;
  const sameSettings = facts !== null && sameSpace(facts.embedding, space.space) && (hnsw === null || sameHnsw(facts.hnsw, hnsw));
  // Incremental when the previous version is segmented, healthy and built the same way.
  const incremental = previous?.kind === 'segmented' && facts !== null && !facts.fallbackReason && sameText && sameSettings ? previous.index : null;
  const corpus = await readCorpusFor(opts, incremental && facts ? { index: incremental, files: facts.files } : null, log, (done, total) =>
    progress({ stage: 'reading', done, total }),
  );
  const { read: documents, skipped, unsupported } = corpus;
  const metas = [...documents.map((d) => d.meta), ...corpus.kept].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const diff = diffFiles(facts?.files ?? [], metas);
  const livePassages = metas.reduce((n, d) => n + d.passageCount, 0);
  const base = {
    ...diff,
    skipped,
    unsupported,
    documents: metas.length,
    passages: livePassages,
    mode: space.space ? ('hybrid' as const) : ('lexical' as const),
    ...(space.unavailable ? { semanticUnavailable: space.unavailable } : {}),
  };

  const noFileChanges = diff.added.length + diff.changed.length + diff.removed.length === 0;
  const sameSkips = JSON.stringify(facts?.skipped ?? []) === JSON.stringify(skipped);
  // A model that fails to load today must not downgrade an unchanged hybrid index to lexical-only.
  const keepDespiteNoModel = facts !== null && space.space === null && opts.embedder !== null && facts.embedding !== null;
  // A previous index served as a fallback (the current one is damaged) must be republished, and
  // one whose builder-only files (read by no search) are damaged is not "up to date".
  if (
    previous?.kind === 'segmented' &&
    facts &&
    !facts.fallbackReason &&
    sameText &&
    sameSkips &&
    noFileChanges &&
    (sameSettings || keepDespiteNoModel) &&
    (await writerFilesIntact(previous.index, log))
  ) {
    const mode = facts.embedding ? ('hybrid' as const) : ('lexical' as const);
    return { ...base, mode, version: facts.version, rebuilt: false, embedded: 0, reused: facts.hasVectors ? livePassages : 0, segments: previous.index.segments.length, ms: performance.now() - started };
  }

  const fresh = incremental ? new Set([...diff.added, ...diff.changed]) : null;
  const toWrite = fresh ? documents.filter((d) => fresh.has(d.meta.path)) : documents;
  const passages: StoredPassage[] = toWrite.flatMap((d) => d.passages.map((p) => ({ ...p, hash: hashText(p.text) })));

  let vectors: Float32Array[] | null = null;
  let embedded = 0;
  let needed = 0;
  if (space.space && opts.embedder) {
    const source = sameSpace(facts?.embedding ?? null, space.space) && facts?.hasVectors ? await vectorSource(previous) : null;
    const result = await embedNew(opts.embedder, passages, source, opts.progress ?? false, (done, total) => progress({ stage: 'embedding', done, total }));
    ({ vectors, embedded, needed } = result);
  }

  const gone = new Set([...diff.changed, ...diff.removed]);
  const kept: KeptSegment[] = incremental ? incremental.segments.map((view) => ({ view, deletions: withDeleted(view, gone) })) : [];
  let nextSegment = incremental?.manifest.nextSegment ?? (previous?.kind === 'segmented' ? previous.index.manifest.nextSegment : 1);
  const plans = planSegments(toWrite.map((d) => d.meta), passages, vectors, hnsw, space.space?.dimension ?? null, () => `seg-${String(nextSegment++).padStart(6, '0')}`);

  progress({ stage: 'indexing', done: 0, total: 1 });
  const staging = await makeStagingDir(opts.indexDir);
  let version: string;
  try {
    const written = await writeSegments(staging, plans);
    progress({ stage: 'publishing', done: 0, total: 1 });
    const fields = manifestFields({
      embedding: space.space,
      ...(space.unavailable ? { semanticUnavailable: space.unavailable } : {}),
      hnsw,
      documents: metas,
      mtimes: corpus.mtimes,
      skipped,
      buildMs: Math.round(performance.now() - started),
    });
    version = await publishPlan(opts.indexDir, staging, {
      base: incremental ? { dir: path.join(incremental.dir, incremental.version), manifest: incremental.manifest } : null,
      kept,
      added: plans.map((p, i) => ({
        written: written[i] ?? { name: p.name, checksums: {}, ms: {} },
        documents: p.input.documents.length,
        passages: p.input.passages.length,
        vectors: p.input.vectors !== null,
      })),
      fields,
      nextSegment,
      ...(opts.pruneGraceMs !== undefined ? { pruneGraceMs: opts.pruneGraceMs } : {}),
    });
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
  const segments = kept.filter((k) => (k.deletions?.ords.length ?? 0) < k.view.reader.entry.passages).length + plans.length;
  // Without vectors nothing was reused, whatever the previous version held.
  return { ...base, version, rebuilt: true, embedded, reused: vectors ? livePassages - needed : 0, segments, ms: performance.now() - started };
}

function sameHnsw(a: HnswParams | null, b: HnswParams): boolean {
  return a !== null && a.m === b.m && a.efConstruction === b.efConstruction && a.efSearch === b.efSearch && a.space === b.space;
}

/** The manifest fields of a new version that do not depend on its segments. */
export function manifestFields(parts: {
  embedding: EmbeddingSpace | null;
  semanticUnavailable?: string;
  hnsw: HnswParams | null;
  documents: readonly DocumentMeta[];
  /** Modification times to record (settled files only): unchanged files are then not read again. */
  mtimes?: ReadonlyMap<string, number>;
  skipped: SkippedFile[];
  buildMs: number;
}): Omit<Manifest, 'segments' | 'checksums' | 'counts' | 'nextSegment'> {
  return {
    format: FORMAT_NAME,
    formatVersion: FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    normalizerVersion: NORMALIZER_VERSION,
    segmenterVersion: SEGMENTER_VERSION,
    embedding: parts.embedding,
    ...(parts.semanticUnavailable ? { semanticUnavailable: parts.semanticUnavailable } : {}),
    hnsw: parts.hnsw,
    files: parts.documents.map((d) => {
      const mtimeMs = parts.mtimes?.get(d.path);
      return { path: d.path, sha256: d.sha256, bytes: d.bytes, ...(mtimeMs !== undefined ? { mtimeMs } : {}) };
    }),
    skipped: parts.skipped,
    buildMs: parts.buildMs,
  };
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
