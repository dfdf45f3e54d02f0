// HNSW recall on real embeddings, and how "low-dimensional" they are: embeds the dev sets'
// questions (as queries) and their paragraphs and sentences (as passages) with a real model,
// measures recall@10 of the project's VectorIndex against exact search per ef, the intrinsic
// dimension (TwoNN) and the mean cosine between unrelated passages. The intrinsic dimension
// calibrates the `subspace` synthetic vectors used at sizes no model can embed here.
//
//   node --import tsx bench/real-vectors.ts --model MODEL_DIR [--max-passages 3000]
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTransformersEmbedder } from '../src/embed/transformers.ts';
import { readPassages, readQueries } from '../src/eval/query-set.ts';
import { round, summarize } from '../src/eval/stats.ts';
import { DEFAULT_HNSW, VectorIndex } from '../src/store/vector-index.ts';
import { exactTopK, prng, recallAtK, twoNN } from './synthetic.ts';

const DEV = '/work/shared/dev-eval';
const SETS = ['xquad-ar', 'persianqa-fa'];

function sentences(text: string): string[] {
  return text.split(/(?<=[.!؟?])\s+/u).map((s) => s.trim()).filter((s) => s.length >= 40);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string' }, 'max-passages': { type: 'string' } } });
  if (!values.model) throw new Error('--model MODEL_DIR is required');
  if (!SETS.every((s) => existsSync(path.join(DEV, s)))) throw new Error(`needs the dev sets under ${DEV}`);
  const max = Number(values['max-passages'] ?? 3000);
  const paragraphs = (await Promise.all(SETS.map((s) => readPassages(path.join(DEV, s, 'passages.jsonl'))))).flat().map((p) => p.text);
  const texts = [...paragraphs, ...paragraphs.flatMap(sentences)].slice(0, max);
  const queries = (await Promise.all([...SETS, 'xquad-en-ar'].map((s) => readQueries(path.join(DEV, s, 'queries.jsonl'))))).flat().map((q) => q.query);

  const embedder = createTransformersEmbedder({ model: path.resolve(values.model), dtype: 'q8' });
  const dim = await embedder.dimension();
  const pv = await embedder.embedPassages(texts);
  const qv = await embedder.embedQueries(queries);
  await embedder.close?.();

  const flat = new Float32Array(pv.length * dim);
  pv.forEach((v, i) => flat.set(v, i * dim));
  const index = VectorIndex.build(dim, pv, DEFAULT_HNSW);
  const exact = qv.map((q) => exactTopK(flat, dim, q, 10));
  const efs = [10, 20, 40, 80, 100, 200].map((ef) => {
    const found = qv.map((q) => index.search(q, 10, undefined, ef).map((h) => h.ord));
    return { ef, recall10: round(recallAtK(found, exact, 10), 4) };
  });
  const production = round(recallAtK(qv.map((q) => index.search(q, 50).slice(0, 10).map((h) => h.ord)), exact, 10), 4);
  const rand = prng(3);
  const cosines: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const a = pv[Math.floor(rand() * pv.length)];
    const b = pv[Math.floor(rand() * pv.length)];
    if (a && b && a !== b) cosines.push(a.reduce((s, x, j) => s + x * (b[j] ?? 0), 0));
  }
  const cos = summarize(cosines);
  const result = {
    passages: pv.length,
    queries: qv.length,
    dim,
    intrinsicDimTwoNN: round(twoNN(flat, dim), 1),
    randomPairCosine: { p50: round(cos.p50, 3), p95: round(cos.p95, 3), min: round(cos.min, 3) },
    efs,
    productionRecall10: production,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
