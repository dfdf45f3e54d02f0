// Reading and writing published index versions. A version folder holds a manifest and the files
// of every segment it lists; segments a version shares with the one before it are hard links to
// the same immutable files, so publishing a small change writes only the new segment and the
// new deletion marks. Loading verifies what it reads, reuses segments already open in the
// previous snapshot, and falls back to the previous version when the current one is damaged.
import { copyFile, link, stat } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentMeta, Passage } from '../types.ts';
import { deletedMask, readDeletions, type Deletions } from './deletions.ts';
import { CURRENT_FILE, fsyncPath, listVersions, readCurrentPointer, writeDurable } from './files.ts';
import { holdVersion } from './holds.ts';
import {
  checkTextVersions,
  IndexFormatError,
  IndexVersionError,
  LEGACY_FORMAT_VERSION,
  manifestFormatVersion,
  parseLegacyManifest,
  parseManifest,
  type LegacyManifest,
  type Manifest,
} from './manifest.ts';
import { readRegularFile, shownName, UnsafeIndexFileError } from './safe-read.ts';
import { SegmentReader, segmentFileNames, segmentFingerprint } from './segment.ts';

export type { StoredPassage } from '../types.ts';

export const MANIFEST_FILE = 'manifest.json';

/** A segment as one version sees it: the shared reader plus this version's deletion marks. */
export interface SegmentView {
  reader: SegmentReader;
  deletions: Deletions | null;
  /** 1 per deleted passage ord, or null when none is deleted. */
  deleted: Uint8Array | null;
}

export interface LoadedIndex {
  dir: string;
  version: string;
  manifest: Manifest;
  segments: SegmentView[];
  /** Warning when the current version was unreadable and an older one is served instead. */
  fallbackReason?: string;
  /** How long loading took, in milliseconds. */
  loadMs: number;
}

export class IndexMissingError extends Error {
  constructor(indexDir: string) {
    super(`no index at ${indexDir}; build one with \`sanad index\` (or \`npx sanad index --corpus DIR --index ${indexDir}\`)`);
    this.name = 'IndexMissingError';
  }
}

/** Thrown for an index in the previous format: a build can migrate it (see legacy-v1.ts). */
export class LegacyIndexError extends IndexFormatError {
  constructor(
    message: string,
    readonly versionDir: string,
    readonly manifestJson: unknown,
  ) {
    super(message);
    this.name = 'LegacyIndexError';
  }
}

export interface LoadOptions {
  /**
   * Load an index whose normaliser or segmenter version differs from this code's. Only a build
   * does this, to reuse the vectors (they embed the raw passage text, which folding never touches).
   */
  acceptStale?: boolean;
  /** The index held so far: its open segments are reused instead of read again. */
  reuse?: LoadedIndex | null;
}

/** Reads only the manifest of the current version (cheap; for status and choosing a model). */
export async function readCurrentManifest(indexDir: string): Promise<{ version: string; manifest: Manifest | LegacyManifest } | null> {
  const version = await readCurrentPointer(indexDir);
  if (!version) return null;
  const file = path.join(indexDir, version, MANIFEST_FILE);
  const json = await readManifestJson(file);
  const manifest = manifestFormatVersion(json) === LEGACY_FORMAT_VERSION ? parseLegacyManifest(json, file) : parseManifest(json, file);
  return { version, manifest };
}

/** Largest manifest read (it lists every corpus file: ~200 bytes each). */
const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;

/** A manifest's JSON, read without following links or blocking, bounded, with clear errors. */
async function readManifestJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = (await readRegularFile(file, MAX_MANIFEST_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof UnsafeIndexFileError) throw new IndexFormatError(err.message);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new IndexFormatError(`${file} is not valid JSON`);
  }
}

/** Exactly the files the manifest's segments hold; a manifest listing others is refused. */
function checkListedFiles(manifest: Manifest, dir: string): void {
  const expected = new Set<string>();
  for (const entry of manifest.segments) {
    for (const name of segmentFileNames(entry)) expected.add(name);
    if (entry.deletions) expected.add(entry.deletions);
  }
  const listed = Object.keys(manifest.checksums);
  const unknown = listed.find((name) => !expected.has(name));
  if (unknown !== undefined) throw new IndexFormatError(`the manifest in ${dir} lists a file ${shownName(unknown)} that is not part of an index`);
  const missing = [...expected].find((name) => !(name in manifest.checksums));
  if (missing !== undefined) throw new IndexFormatError(`the manifest in ${dir} has no checksum for ${missing}`);
}

/**
 * Loads the current version. If it is damaged, loads the newest older version that verifies and
 * says so in `fallbackReason`; if none does, throws an error that names the damage and the fix.
 */
export async function loadIndex(indexDir: string, opts: LoadOptions = {}): Promise<LoadedIndex> {
  const started = performance.now();
  const current = await readCurrentPointer(indexDir);
  if (!current) {
    await stat(path.join(indexDir, CURRENT_FILE)).catch(() => {
      throw new IndexMissingError(indexDir);
    });
    throw new IndexFormatError(`${path.join(indexDir, CURRENT_FILE)} is damaged; rebuild with \`sanad index\``);
  }
  const older = (await listVersions(indexDir)).filter((v) => v < current).reverse();
  let firstError: unknown;
  for (const version of [current, ...older]) {
    // Held while it loads, so a writer publishing meanwhile does not prune it under us.
    const hold = await holdVersion(indexDir, version);
    try {
      const loaded = await loadVersion(indexDir, version, opts);
      if (version !== current) {
        loaded.fallbackReason = `the current index ${current} is unreadable (${errorText(firstError)}); serving the older ${version}. Rebuild with \`sanad index\``;
      }
      loaded.loadMs = Math.round(performance.now() - started);
      return loaded;
    } catch (err) {
      // A format or text-version mismatch applies to every version alike: report it rather than serve stale data.
      if (err instanceof IndexVersionError || err instanceof LegacyIndexError || (err instanceof IndexFormatError && /format \d+/.test(err.message))) throw err;
      firstError ??= err;
    } finally {
      await hold.release();
    }
  }
  throw new IndexFormatError(`the index at ${indexDir} is damaged: ${errorText(firstError)}; rebuild it with \`sanad index\``);
}

async function loadVersion(indexDir: string, version: string, opts: LoadOptions): Promise<LoadedIndex> {
  const dir = path.join(indexDir, version);
  const manifestFile = path.join(dir, MANIFEST_FILE);
  const json = await readManifestJson(manifestFile);
  if (manifestFormatVersion(json) === LEGACY_FORMAT_VERSION) {
    throw new LegacyIndexError(
      `${manifestFile} has index format ${LEGACY_FORMAT_VERSION}, this sanad reads format 2; rebuild it with \`sanad index\` (its vectors are carried over)`,
      dir,
      json,
    );
  }
  const manifest = parseManifest(json, manifestFile);
  if (!opts.acceptStale) checkTextVersions(manifest, indexDir);
  checkListedFiles(manifest, dir);
  const space = manifest.embedding && manifest.hnsw ? { dimension: manifest.embedding.dimension, hnsw: manifest.hnsw } : null;
  const reusable = new Map((opts.reuse?.segments ?? []).map((s) => [s.reader.name, s.reader]));
  const segments: SegmentView[] = [];
  try {
    let documents = 0;
    let passages = 0;
    for (const entry of manifest.segments) {
      const held = reusable.get(entry.name);
      // Segment files never change, so the same name and checksums mean the very same data.
      const reader =
        held && held.fingerprint === segmentFingerprint(entry, manifest.checksums)
          ? held.retain()
          : await SegmentReader.open(dir, entry, manifest.checksums, space);
      const view: SegmentView = { reader, deletions: null, deleted: null };
      segments.push(view);
      if (entry.deletions) {
        const check = manifest.checksums[entry.deletions];
        if (!check) throw new IndexFormatError(`${manifestFile} lists no checksum for ${entry.deletions}`);
        view.deletions = await readDeletions(path.join(dir, entry.deletions), check, entry.passages);
        view.deleted = deletedMask(view.deletions, entry.passages);
      }
      if ((view.deletions?.ords.length ?? 0) !== entry.deleted) {
        throw new IndexFormatError(`segment ${entry.name} in ${dir} does not hold the deletions its manifest lists`);
      }
      passages += entry.passages - entry.deleted;
      documents += entry.documents - (view.deleted ? deletedDocuments(view) : 0);
    }
    if (passages !== manifest.counts.passages || documents !== manifest.counts.documents) {
      throw new IndexFormatError(`${dir} does not hold the passage and document counts its manifest lists`);
    }
  } catch (err) {
    for (const s of segments) s.reader.release();
    throw err;
  }
  return { dir: indexDir, version, manifest, segments, loadMs: 0 };
}

/** Documents whose passages are all deleted (a document is always deleted whole). */
function deletedDocuments(view: SegmentView): number {
  const { table } = view.reader;
  let n = 0;
  for (let d = 0; d < table.documents.length; d++) if (view.deleted?.[table.docFirst[d] ?? 0] === 1) n++;
  return n;
}

/** Lets go of the segments a loaded version holds (they close when no version holds them). */
export function releaseIndex(index: LoadedIndex): void {
  for (const s of index.segments) s.reader.release();
}

/**
 * Every live document and passage, texts included. Reads every text from disk: for tests, eval
 * pools and small tools, not for serving.
 */
export function readAll(index: LoadedIndex): { documents: DocumentMeta[]; passages: Passage[] } {
  const documents: DocumentMeta[] = [];
  const passages: Passage[] = [];
  for (const s of index.segments) {
    const { table } = s.reader;
    table.documents.forEach((doc, d) => {
      const first = table.docFirst[d] ?? 0;
      if (s.deleted?.[first] === 1) return;
      documents.push(doc);
      for (let i = first; i < (table.docFirst[d + 1] ?? 0); i++) passages.push(table.passage(i));
    });
  }
  const order = documents.map((d, i) => [d.id, i] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rank = new Map(order.map(([id], i) => [id, i]));
  documents.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
  passages.sort((a, b) => (rank.get(a.docId) ?? 0) - (rank.get(b.docId) ?? 0) || a.start - b.start);
  return { documents, passages };
}

/**
 * Puts unchanged files of the previous version into a staging folder: hard links to the same
 * immutable files (a copy where the file system has no links).
 */
export async function stageKeptFiles(stagingDir: string, fromDir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const from = path.join(fromDir, name);
    const to = path.join(stagingDir, name);
    try {
      await link(from, to);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw err;
      await copyFile(from, to);
      await fsyncPath(to);
    }
  }
}

/** Writes the manifest last and makes the staging folder's entries durable before publishing. */
export async function writeManifest(stagingDir: string, manifest: Manifest): Promise<void> {
  await writeDurable(path.join(stagingDir, MANIFEST_FILE), JSON.stringify(manifest, null, 2));
  await fsyncPath(stagingDir);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
