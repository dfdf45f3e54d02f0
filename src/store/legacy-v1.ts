// Format 1 (one JSON/JSONL file per kind of data, BM25 as JSON). Nothing serves it any more; a
// build reads it once to carry its vectors over into the segmented format, so upgrading sanad
// never re-embeds a corpus.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DocumentMeta, StoredPassage } from '../types.ts';
import { sha256File } from './files.ts';
import { IndexFormatError, parseLegacyManifest, type LegacyManifest } from './manifest.ts';
import { VectorIndex } from './vector-index.ts';

export interface LegacyIndex {
  manifest: LegacyManifest;
  documents: DocumentMeta[];
  passages: StoredPassage[];
  vectors: VectorIndex | null;
}

/** Reads a format-1 version folder, checksums first (a damaged HNSW file can crash native code). */
export async function loadLegacyVersion(dir: string, manifestJson: unknown): Promise<LegacyIndex> {
  const manifest = parseLegacyManifest(manifestJson, path.join(dir, 'manifest.json'));
  for (const [name, expected] of Object.entries(manifest.checksums)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) throw new IndexFormatError(`${dir} lists a file outside its folder (${name})`);
    const actual = await sha256File(path.join(dir, name)).catch(() => 'missing');
    if (actual !== expected) throw new IndexFormatError(`${name} in ${dir} is ${actual === 'missing' ? 'missing' : 'corrupted (checksum mismatch)'}`);
  }
  const documents = JSON.parse(await readFile(path.join(dir, 'documents.json'), 'utf8')) as DocumentMeta[];
  const text = await readFile(path.join(dir, 'passages.jsonl'), 'utf8');
  const passages = text.length === 0 ? [] : text.split('\n').map((l) => JSON.parse(l) as StoredPassage);
  let vectors: VectorIndex | null = null;
  if (manifest.embedding && manifest.hnsw && manifest.checksums['vectors.hnsw']) {
    vectors = VectorIndex.load(path.join(dir, 'vectors.hnsw'), manifest.embedding.dimension, passages.length, manifest.hnsw);
  }
  if (passages.length !== manifest.counts.passages || documents.length !== manifest.counts.documents) {
    throw new IndexFormatError(`${dir} does not hold the passage and document counts its manifest lists`);
  }
  return { manifest, documents, passages, vectors };
}
