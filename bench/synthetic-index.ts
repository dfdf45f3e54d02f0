// Writes a synthetic index of N passages in the real on-disk format, so the CLI, the in-process
// searcher and the MCP server can be timed at sizes no real model could embed here. Vectors are
// synthetic unit vectors (see synthetic.ts), but the manifest names the real model: a server
// started on this index loads that model and embeds each query for real, so query latency
// includes real embedding.
// Texts are real paragraphs perturbed (see synthetic.ts), ten passages per document.
//
//   node --max-old-space-size=16000 --import tsx bench/synthetic-index.ts --n 100000 \
//     --out /tmp/syn-100k --model /work/models/multilingual-e5-small [--base-dir corpus] [--data uniform]
import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ingestCorpus } from '../src/corpus/ingest.ts';
import { createTransformersEmbedder } from '../src/embed/transformers.ts';
import { manifestFields } from '../src/indexer/build-index.ts';
import { planSegments, writeSegments } from '../src/indexer/segment-builds.ts';
import { publishPlan } from '../src/indexer/version-writer.ts';
import { round } from '../src/eval/stats.ts';
import { makeStagingDir } from '../src/store/files.ts';
import type { EmbeddingSpace } from '../src/store/manifest.ts';
import { DEFAULT_HNSW } from '../src/store/vector-index.ts';
import type { DocumentMeta, StoredPassage } from '../src/types.ts';
import { perturbedTexts, subspaceVectors, unitVectors } from './synthetic.ts';

const PER_DOC = 10;

export interface SyntheticIndexOptions {
  n: number;
  out: string;
  /** The embedding space the manifest claims (the server will load this model for queries). */
  space: EmbeddingSpace;
  baseTexts: string[];
  /** Vector distribution: `subspace` (intrinsic dimension 16, like text embeddings) or `uniform`. */
  data?: 'subspace' | 'uniform';
  seed?: number;
  log?: (line: string) => void;
}

export interface SyntheticIndexResult {
  n: number;
  documents: number;
  segments: Array<{ name: string; ms: Record<string, number> }>;
  ms: { texts: number; vectors: number; segments: number; publish: number; total: number };
  rssMB: number;
}

export async function writeSyntheticIndex(opts: SyntheticIndexOptions): Promise<SyntheticIndexResult> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 11;
  const started = performance.now();
  const lap = (() => {
    let last = performance.now();
    return () => {
      const now = performance.now();
      const d = now - last;
      last = now;
      return round(d, 0);
    };
  })();

  const texts = perturbedTexts(opts.baseTexts, opts.n, seed);
  const documents: DocumentMeta[] = [];
  const passages: StoredPassage[] = [];
  for (let i = 0; i < texts.length; i += PER_DOC) {
    const id = `syn/${String(i / PER_DOC).padStart(7, '0')}.txt`;
    let offset = 0;
    const chunk = texts.slice(i, i + PER_DOC);
    chunk.forEach((text, j) => {
      passages.push({ id: `${id}#p${j + 1}`, docId: id, para: j + 1, kind: 'body', start: offset, end: offset + text.length, text, lang: 'ar', hash: createHash('sha256').update(text).digest('hex') });
      offset += text.length + 2;
    });
    documents.push({ id, path: id, title: `synthetic ${i / PER_DOC}`, lang: 'ar', dates: [], sha256: createHash('sha256').update(id).digest('hex'), bytes: offset, passageCount: chunk.length });
  }
  const tTexts = lap();
  log(`texts: ${opts.n} passages in ${documents.length} documents (${tTexts} ms)`);
  const { rows } =
    opts.data === 'uniform' ? unitVectors(opts.n, opts.space.dimension, seed) : subspaceVectors(opts.n, opts.space.dimension, 16, seed);
  const tVectors = lap();

  // The same writer a full build uses: one segment per core, built in worker threads.
  await rm(opts.out, { recursive: true, force: true });
  let next = 1;
  const plans = planSegments(documents, passages, rows, DEFAULT_HNSW, opts.space.dimension, () => `seg-${String(next++).padStart(6, '0')}`);
  const staging = await makeStagingDir(opts.out);
  const written = await writeSegments(staging, plans);
  const tSegments = lap();
  log(`segments: ${plans.length} written (${tSegments} ms): ${JSON.stringify(written.map((w) => w.ms))}`);
  await publishPlan(opts.out, staging, {
    base: null,
    kept: [],
    added: plans.map((p, i) => ({
      written: written[i] ?? { name: p.name, checksums: {}, ms: {} },
      documents: p.input.documents.length,
      passages: p.input.passages.length,
      vectors: true,
    })),
    fields: manifestFields({ embedding: opts.space, hnsw: DEFAULT_HNSW, documents, skipped: [], buildMs: round(performance.now() - started, 0) }),
    nextSegment: next,
  });
  const tWrite = lap();
  log(`published to ${opts.out} (${tWrite} ms)`);
  return {
    n: opts.n,
    documents: documents.length,
    segments: written.map((w) => ({ name: w.name, ms: w.ms })),
    ms: { texts: tTexts, vectors: tVectors, segments: tSegments, publish: tWrite, total: round(performance.now() - started, 0) },
    rssMB: round(process.memoryUsage().rss / 1048576, 0),
  };
}

/** The space a real model folder embeds into, as the transformers embedder describes it. */
export async function spaceOfModel(model: string, dtype = 'q8'): Promise<EmbeddingSpace> {
  const embedder = createTransformersEmbedder({ model, dtype });
  const { provider, model: name, queryPrefix, passagePrefix } = embedder.info;
  return { provider, model: name, dtype, queryPrefix, passagePrefix, dimension: await embedder.dimension().finally(() => embedder.close?.()) };
}

export async function baseParagraphs(dir: string): Promise<string[]> {
  const { documents } = await ingestCorpus(dir);
  return documents.flatMap((d) => d.passages.filter((p) => p.kind === 'body').map((p) => p.text));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { n: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' }, 'base-dir': { type: 'string' }, data: { type: 'string' } },
  });
  if (!values.n || !values.out || !values.model) throw new Error('usage: synthetic-index.ts --n N --out DIR --model MODEL_DIR [--base-dir corpus]');
  const space = await spaceOfModel(path.resolve(values.model));
  const result = await writeSyntheticIndex({
    n: Number(values.n),
    out: path.resolve(values.out),
    space,
    baseTexts: await baseParagraphs(values['base-dir'] ?? 'corpus'),
    data: values.data === 'uniform' ? 'uniform' : 'subspace',
    log: (l) => console.error(l),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
