// Writes one segment's files into a staging folder. Synchronous and self-contained (plain data in,
// checksums out) so the same code runs on the main thread for a small segment and in a worker
// thread for the large ones of a full build.
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { tokenize } from '../text/tokenize.ts';
import type { DocumentMeta, StoredPassage } from '../types.ts';
import type { ContainerCheck } from './container.ts';
import { writeGramIndex } from './gram-file.ts';
import { writeHashes } from './hash-file.ts';
import { writeLexicon } from './lexicon-file.ts';
import type { HnswParams } from './manifest.ts';
import { writePassageTable } from './passage-table.ts';
import { SEGMENT_FILES } from './segment.ts';
import { VectorIndex } from './vector-index.ts';

export interface SegmentInput {
  /** Sorted by id. */
  documents: DocumentMeta[];
  /** Grouped by document in the documents' order, each document's in reading order. */
  passages: StoredPassage[];
  /** One per passage, or null for a lexical-only index. */
  vectors: Float32Array[] | null;
  hnsw: HnswParams | null;
  dimension: number | null;
}

export interface WrittenSegment {
  name: string;
  checksums: Record<string, ContainerCheck>;
  ms: Record<string, number>;
}

export function writeSegment(dir: string, name: string, input: SegmentInput): WrittenSegment {
  const checksums: Record<string, ContainerCheck> = {};
  const ms: Record<string, number> = {};
  const file = (ext: string) => path.join(dir, `${name}${ext}`);
  const timed = (step: string, ext: string, run: () => ContainerCheck) => {
    const t = performance.now();
    checksums[`${name}${ext}`] = run();
    ms[step] = Math.round(performance.now() - t);
  };
  const { documents, passages } = input;
  timed('passages', SEGMENT_FILES.passages, () => writePassageTable(file(SEGMENT_FILES.passages), documents, passages));
  // Generators keep one passage's tokens (or one document's texts) alive at a time.
  timed('lexicon', SEGMENT_FILES.lexicon, () =>
    writeLexicon(
      file(SEGMENT_FILES.lexicon),
      (function* () {
        for (const p of passages) yield tokenize(p.text);
      })(),
    ),
  );
  timed('grams', SEGMENT_FILES.grams, () => writeGramIndex(file(SEGMENT_FILES.grams), documentTexts(passages), passages.length));
  timed('hashes', SEGMENT_FILES.hashes, () => writeHashes(file(SEGMENT_FILES.hashes), passages.map((p) => p.hash)));
  if (input.vectors) {
    const { vectors, hnsw, dimension } = input;
    if (!hnsw || dimension === null) throw new Error('a segment with vectors needs HNSW parameters and a dimension');
    if (vectors.length !== passages.length) throw new Error(`segment ${name} has ${vectors.length} vectors for ${passages.length} passages`);
    timed('hnsw', SEGMENT_FILES.vectors, () => {
      const graph = file(SEGMENT_FILES.vectors);
      VectorIndex.build(dimension, vectors, hnsw).save(graph);
      return hashAndSync(graph);
    });
  }
  return { name, checksums, ms };
}

/** Each document's passage texts, in order. */
function* documentTexts(passages: readonly StoredPassage[]): Generator<string[]> {
  let texts: string[] = [];
  let doc: string | null = null;
  for (const p of passages) {
    if (doc !== null && p.docId !== doc) {
      yield texts;
      texts = [];
    }
    doc = p.docId;
    texts.push(p.text);
  }
  if (doc !== null) yield texts;
}

/** sha256 and size of a file written by native code, fsynced (hnswlib does not sync). */
function hashAndSync(file: string): ContainerCheck {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
    const hash = createHash('sha256');
    const buf = Buffer.allocUnsafe(1 << 22);
    let bytes = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, bytes);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      bytes += n;
    }
    return { sha256: hash.digest('hex'), bytes };
  } finally {
    closeSync(fd);
  }
}
