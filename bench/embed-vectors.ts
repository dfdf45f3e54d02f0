// Vectors (and cross-encoder scores) written to a file, and two such files compared: how a change
// of the embedding path (library, runtime, tokenizer) moves what an index holds. `dump` embeds an
// evenly spaced sample of the dev sets' passages (as passages) and questions (as queries) with the
// project's embedder, and scores question/passage pairs with the local cross-encoder when
// --reranker names one; `compare` reports the largest component difference and the lowest
// cosine between two dumps of the same texts, and the largest score difference.
//
//   node --import tsx bench/embed-vectors.ts dump --model DIR [--dtype q8] [--reranker DIR]
//     [--rerank-dtype fp32] [--limit 64] --out FILE.json
//   node --import tsx bench/embed-vectors.ts compare A.json B.json
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createTransformersEmbedder } from '../src/embed/transformers.ts';
import { dot } from '../src/embed/vectors.ts';
import { readPassages, readQueries } from '../src/eval/query-set.ts';
import { createCrossEncoderReranker } from '../src/rerank/cross-encoder.ts';

const DEV = '/work/shared/dev-eval';
const SETS = ['xquad-ar', 'xquad-en-ar', 'persianqa-fa'];

interface Dump {
  model: string;
  dtype: string;
  passages: string[];
  queries: string[];
  passageVectors: number[][];
  queryVectors: number[][];
  reranker?: string;
  /** Cross-encoder score of queries[i] with passages[i]. */
  scores?: number[];
}

/** `n` items spread evenly over `all`, so the sample keeps the mix of languages and lengths. */
function spread<T>(all: readonly T[], n: number): T[] {
  if (n <= 0 || n >= all.length) return [...all];
  return Array.from({ length: n }, (_, i) => all[Math.floor((i * all.length) / n)]).filter((x): x is T => x !== undefined);
}

async function dump(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      model: { type: 'string' },
      dtype: { type: 'string' },
      reranker: { type: 'string' },
      'rerank-dtype': { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
    },
  });
  if (!values.model || !values.out) throw new Error('dump needs --model DIR and --out FILE');
  const limit = Number(values.limit ?? 64);
  const passages: string[] = [];
  const queries: string[] = [];
  for (const set of SETS) {
    // xquad-en-ar shares xquad-ar's passages: only its (English) questions are new.
    if (set !== 'xquad-en-ar') passages.push(...spread(await readPassages(path.join(DEV, set, 'passages.jsonl')), limit / 2).map((p) => p.text));
    queries.push(...spread(await readQueries(path.join(DEV, set, 'queries.jsonl')), Math.round(limit / 3)).map((q) => q.query));
  }
  const dtype = values.dtype ?? 'q8';
  const embedder = createTransformersEmbedder({ model: path.resolve(values.model), dtype, onLog: (l) => console.error(l) });
  const out: Dump = {
    model: path.basename(values.model),
    dtype,
    passages,
    queries,
    passageVectors: (await embedder.embedPassages(passages)).map((v) => Array.from(v)),
    queryVectors: (await embedder.embedQueries(queries)).map((v) => Array.from(v)),
  };
  await embedder.close?.();
  if (values.reranker) {
    const reranker = createCrossEncoderReranker({ model: path.resolve(values.reranker), dtype: values['rerank-dtype'] ?? 'fp32', onLog: (l) => console.error(l) });
    out.reranker = path.basename(values.reranker);
    out.scores = [];
    for (const [i, q] of queries.entries()) out.scores.push(...(await reranker.score(q, [passages[i % passages.length] ?? ''])));
    await reranker.close?.();
  }
  await writeFile(values.out, JSON.stringify(out));
  console.error(`wrote ${passages.length} passage and ${queries.length} query vectors${out.scores ? ` and ${out.scores.length} scores` : ''} to ${values.out}`);
}

function vectorGap(a: number[][], b: number[][]): { maxAbsDiff: number; minCosine: number; meanCosine: number } {
  if (a.length !== b.length) throw new Error(`the dumps hold ${a.length} and ${b.length} vectors: not the same texts`);
  let maxAbsDiff = 0;
  let minCosine = 1;
  let sum = 0;
  a.forEach((v, i) => {
    const w = b[i] ?? [];
    v.forEach((x, j) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - (w[j] ?? NaN)))));
    const cos = dot(Float32Array.from(v), Float32Array.from(w));
    minCosine = Math.min(minCosine, cos);
    sum += cos;
  });
  return { maxAbsDiff, minCosine, meanCosine: sum / Math.max(1, a.length) };
}

async function compare(files: string[]): Promise<void> {
  const [a, b] = (await Promise.all(files.map(async (f) => JSON.parse(await readFile(f, 'utf8')) as Dump))) as [Dump, Dump];
  if (a.passages.join('\n') !== b.passages.join('\n') || a.queries.join('\n') !== b.queries.join('\n')) throw new Error('the dumps embed different texts');
  const scoreDiff = a.scores && b.scores ? Math.max(...a.scores.map((s, i) => Math.abs(s - (b.scores?.[i] ?? NaN)))) : undefined;
  const result = {
    files,
    model: [a.model, a.dtype, b.model, b.dtype],
    passages: { n: a.passages.length, ...vectorGap(a.passageVectors, b.passageVectors) },
    queries: { n: a.queries.length, ...vectorGap(a.queryVectors, b.queryVectors) },
    ...(scoreDiff !== undefined ? { rerankScores: { n: a.scores?.length, maxAbsDiff: scoreDiff } } : {}),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'dump') await dump(rest);
else if (mode === 'compare') await compare(rest);
else throw new Error('usage: embed-vectors.ts dump … | compare A.json B.json');
