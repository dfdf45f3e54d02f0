// Reading and writing one published index version: manifest, documents, passages, lexical index
// and (when a model was available) the HNSW graph. Loading verifies every checksum before any
// byte reaches a parser, and falls back to the previous version when the current one is damaged.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Bm25Index } from '../text/bm25.ts';
import type { DocumentMeta, StoredPassage } from '../types.ts';
import { CURRENT_FILE, fsyncPath, listVersions, readCurrentPointer, sha256File, writeDurable } from './files.ts';
import { HnswFileError, inspectHnswFile } from './hnsw-header.ts';
import { holdVersion } from './holds.ts';
import { checkTextVersions, IndexFormatError, IndexVersionError, parseManifest, type Manifest } from './manifest.ts';
import { readRegularFile, shownName, UnsafeIndexFileError } from './safe-read.ts';
import { VectorIndex } from './vector-index.ts';

const FILES = {
  manifest: 'manifest.json',
  documents: 'documents.json',
  passages: 'passages.jsonl',
  lexical: 'lexical.json',
  vectors: 'vectors.hnsw',
} as const;

export type { StoredPassage } from '../types.ts';

export interface IndexData {
  manifest: Manifest;
  documents: DocumentMeta[];
  passages: StoredPassage[];
  lexical: Bm25Index;
  vectors: VectorIndex | null;
}

export interface LoadedIndex extends IndexData {
  dir: string;
  version: string;
  /** Warning when the current version was unreadable and an older one is served instead. */
  fallbackReason?: string;
}

export class IndexMissingError extends Error {
  constructor(indexDir: string) {
    super(`no index at ${indexDir}; build one with \`sanad index\` (or \`npx sanad index --corpus DIR --index ${indexDir}\`)`);
    this.name = 'IndexMissingError';
  }
}

/** Writes the data files of a version into `dir` (a staging folder) and returns the manifest to publish. */
export async function writeVersionFiles(
  dir: string,
  data: Omit<IndexData, 'manifest'>,
  manifest: Omit<Manifest, 'checksums'>,
): Promise<Manifest> {
  await writeDurable(path.join(dir, FILES.documents), JSON.stringify(data.documents));
  await writeDurable(path.join(dir, FILES.passages), data.passages.map((p) => JSON.stringify(p)).join('\n'));
  await writeDurable(path.join(dir, FILES.lexical), JSON.stringify(data.lexical.toJSON()));
  const names: string[] = [FILES.documents, FILES.passages, FILES.lexical];
  if (data.vectors) {
    // hnswlib writes the file natively, without fsync: done here, like every other file.
    data.vectors.save(path.join(dir, FILES.vectors));
    await fsyncPath(path.join(dir, FILES.vectors));
    names.push(FILES.vectors);
  }
  const checksums: Record<string, string> = {};
  for (const name of names) checksums[name] = await sha256File(path.join(dir, name));
  const full: Manifest = { ...manifest, checksums };
  await writeDurable(path.join(dir, FILES.manifest), JSON.stringify(full, null, 2));
  return full;
}

/** Reads only the manifest of the current version (cheap; for status and incremental builds). */
export async function readCurrentManifest(indexDir: string): Promise<{ version: string; manifest: Manifest } | null> {
  const version = await readCurrentPointer(indexDir);
  if (!version) return null;
  const file = path.join(indexDir, version, FILES.manifest);
  return { version, manifest: await readManifest(file) };
}

/** Largest manifest read (it lists every corpus file: ~200 bytes each). */
const MAX_MANIFEST_BYTES = 512 * 1024 * 1024;

async function readManifest(file: string): Promise<Manifest> {
  let text: string;
  try {
    text = (await readRegularFile(file, MAX_MANIFEST_BYTES)).toString('utf8');
  } catch (err) {
    if (err instanceof UnsafeIndexFileError) throw new IndexFormatError(err.message);
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new IndexFormatError(`${file} is not valid JSON`);
  }
  return parseManifest(json, file);
}

/** Exactly the data files a version of this format holds; a manifest listing others is refused. */
function checkListedFiles(manifest: Manifest, dir: string): void {
  const expected = new Set<string>([FILES.documents, FILES.passages, FILES.lexical]);
  if (manifest.embedding && manifest.hnsw) expected.add(FILES.vectors);
  const listed = Object.keys(manifest.checksums);
  const unknown = listed.find((name) => !expected.has(name));
  if (unknown !== undefined) throw new IndexFormatError(`the manifest in ${dir} lists a file ${shownName(unknown)} that is not part of an index`);
  const missing = [...expected].find((name) => !listed.includes(name));
  if (missing !== undefined) throw new IndexFormatError(`the manifest in ${dir} has no checksum for ${missing}`);
}

export interface LoadOptions {
  /**
   * Load an index whose normaliser or segmenter version differs from this code's. Only a build
   * does this, to reuse the vectors (they embed the raw passage text, which folding never touches).
   */
  acceptStale?: boolean;
}

/**
 * Loads the current version. If it is damaged, loads the newest older version that verifies and
 * says so in `fallbackReason`; if none does, throws an error that names the damage and the fix.
 */
export async function loadIndex(indexDir: string, opts: LoadOptions = {}): Promise<LoadedIndex> {
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
      const data = await loadVersion(path.join(indexDir, version), indexDir, opts);
      const loaded: LoadedIndex = { ...data, dir: indexDir, version };
      if (version !== current) {
        loaded.fallbackReason = `the current index ${current} is unreadable (${errorText(firstError)}); serving the older ${version}. Rebuild with \`sanad index\``;
      }
      return loaded;
    } catch (err) {
      // A format or text-version mismatch applies to every version alike: report it rather than serve stale data.
      if (err instanceof IndexVersionError || (err instanceof IndexFormatError && /format \d+/.test(err.message))) throw err;
      firstError ??= err;
    } finally {
      await hold.release();
    }
  }
  throw new IndexFormatError(`the index at ${indexDir} is damaged: ${errorText(firstError)}; rebuild it with \`sanad index\``);
}

async function loadVersion(dir: string, indexDir: string, opts: LoadOptions): Promise<IndexData> {
  const manifest = await readManifest(path.join(dir, FILES.manifest));
  if (!opts.acceptStale) checkTextVersions(manifest, indexDir);
  checkListedFiles(manifest, dir);
  for (const [name, expected] of Object.entries(manifest.checksums)) {
    const actual = await checksumOf(dir, name, manifest);
    if (actual !== expected) {
      throw new IndexFormatError(`${name} in ${dir} is ${actual === 'missing' ? 'missing' : 'corrupted (checksum mismatch)'}`);
    }
  }
  const read = async (name: string) => (await readRegularFile(path.join(dir, name), Number.MAX_SAFE_INTEGER)).toString('utf8');
  const documents = JSON.parse(await read(FILES.documents)) as DocumentMeta[];
  const passagesText = await read(FILES.passages);
  const passages = passagesText.length === 0 ? [] : passagesText.split('\n').map((l) => JSON.parse(l) as StoredPassage);
  const lexical = Bm25Index.fromJSON(JSON.parse(await read(FILES.lexical)));
  let vectors: VectorIndex | null = null;
  if (manifest.embedding && manifest.hnsw) {
    vectors = VectorIndex.load(path.join(dir, FILES.vectors), manifest.embedding.dimension, passages.length, manifest.hnsw);
  }
  if (passages.length !== manifest.counts.passages || documents.length !== manifest.counts.documents) {
    throw new IndexFormatError(`${dir} does not hold the passage and document counts its manifest lists`);
  }
  return { manifest, documents, passages, lexical, vectors };
}

/**
 * sha256 of one listed file, or 'missing'. The graph file is validated on the same pass (hnswlib
 * would crash on a crafted one); any other unsafe file (a FIFO, a link) is an error, not a wait.
 */
async function checksumOf(dir: string, name: string, manifest: Manifest): Promise<string> {
  const file = path.join(dir, name);
  try {
    if (name === FILES.vectors && manifest.embedding && manifest.hnsw) {
      const { sha256 } = await inspectHnswFile(file, { dimension: manifest.embedding.dimension, count: manifest.counts.passages, m: manifest.hnsw.m });
      return sha256;
    }
    return await sha256File(file);
  } catch (err) {
    if (err instanceof HnswFileError) throw new IndexFormatError(`${name} in ${dir} is not a usable vector graph: ${err.message}`);
    if (err instanceof UnsafeIndexFileError) throw new IndexFormatError(err.message);
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw err;
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
