// Indexing throughput with a real model, and what the transformers.js pipeline costs on top of
// ONNX Runtime: the same batches (same tokenizer, same padding and truncation) are embedded by
// the pipeline and by onnxruntime-node directly (mean pooling and L2 norm done here), in
// alternating order within one process, and the ratio of their times is reported per round.
//
//   node --import tsx bench/embed-throughput.ts --model DIR [--dtype q8] [--rounds 3] [--batch 16]
//     [--passages FILE.jsonl ...] [--limit N]   (default: the dev sets' passages when present, else
//     corpus/; --limit takes an evenly spaced sample)
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { ingestCorpus } from '../src/corpus/ingest.ts';
import type { Embedder } from '../src/embed/embedder.ts';
import { createTransformersEmbedder, TRANSFORMERS_DTYPE_FILES, isTransformersDtype } from '../src/embed/transformers.ts';
import { writePassageCorpus } from '../src/eval/pool.ts';
import { readPassages, type EvalPassage } from '../src/eval/query-set.ts';
import { medianSpread, round } from '../src/eval/stats.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { meanPoolNormalize } from './pooling.ts';

const DEV = '/work/shared/dev-eval';
const PREFIX = 'passage: ';

interface Args {
  model: string;
  dtype: keyof typeof TRANSFORMERS_DTYPE_FILES;
  rounds: number;
  batch: number;
  passages: string[];
  /** Evenly spaced sample of this many passages (0: all). */
  limit: number;
}

function args(): Args {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      dtype: { type: 'string' },
      rounds: { type: 'string' },
      batch: { type: 'string' },
      passages: { type: 'string', multiple: true },
      limit: { type: 'string' },
    },
  });
  if (!values.model) throw new Error('--model DIR is required: a local model folder (config.json, tokenizer.json, onnx/…)');
  const dtype = values.dtype ?? 'q8';
  if (!isTransformersDtype(dtype)) throw new Error(`--dtype must be one of ${Object.keys(TRANSFORMERS_DTYPE_FILES).join(', ')}`);
  const defaults = ['xquad-ar', 'persianqa-fa'].map((s) => path.join(DEV, s, 'passages.jsonl')).filter((f) => existsSync(f));
  return {
    model: path.resolve(values.model),
    dtype,
    rounds: Number(values.rounds ?? 3),
    batch: Number(values.batch ?? 16),
    passages: values.passages ?? defaults,
    limit: Number(values.limit ?? 0),
  };
}

async function loadTexts(files: string[]): Promise<EvalPassage[]> {
  if (files.length === 0) {
    const { documents } = await ingestCorpus('corpus');
    return documents.flatMap((d) => d.passages.map((p) => ({ id: p.id, lang: p.lang, text: p.text })));
  }
  return (await Promise.all(files.map((f) => readPassages(f)))).flat();
}

async function main(): Promise<void> {
  const a = args();
  const all = await loadTexts(a.passages);
  // An evenly spaced sample keeps the mix of languages and lengths of the whole set.
  const passages = a.limit > 0 && a.limit < all.length ? Array.from({ length: a.limit }, (_, i) => all[Math.floor((i * all.length) / a.limit)] ?? all[0]).filter((p): p is EvalPassage => p !== undefined) : all;
  const texts = passages.map((p) => p.text);
  const lib = await import('@huggingface/transformers');
  lib.env.allowRemoteModels = false;
  lib.env.localModelPath = `${path.dirname(a.model)}${path.sep}`;
  const extractor = await lib.pipeline('feature-extraction', a.model, { dtype: a.dtype, local_files_only: true });
  const tokenizer = extractor.tokenizer;
  const session = await ort.InferenceSession.create(path.join(a.model, 'onnx', TRANSFORMERS_DTYPE_FILES[a.dtype]), { executionProviders: ['cpu'] });

  // Same batches for everyone: sorted by length, as the project's embedder batches them.
  const order = texts.map((_, i) => i).sort((x, y) => (texts[x]?.length ?? 0) - (texts[y]?.length ?? 0));
  const batches: string[][] = [];
  for (let i = 0; i < order.length; i += a.batch) batches.push(order.slice(i, i + a.batch).map((j) => PREFIX + (texts[j] ?? '')));

  // Tokens the model actually reads (after truncation, padding excluded).
  let tokens = 0;
  for (const b of batches) {
    const mask = tokenizer(b, { padding: true, truncation: true }).attention_mask.data as BigInt64Array;
    for (const m of mask) tokens += Number(m);
  }

  const viaPipeline = async () => {
    const out: Float32Array[] = [];
    for (const b of batches) {
      const t = await extractor(b, { pooling: 'mean', normalize: true });
      const [rows = 0, width = 0] = t.dims;
      const data = t.data as Float32Array;
      for (let r = 0; r < rows; r++) out.push(data.slice(r * width, (r + 1) * width));
    }
    return out;
  };
  const direct = async () => {
    const out: Float32Array[] = [];
    for (const b of batches) {
      // Tokenising is part of both paths, so it is timed in both.
      const enc = tokenizer(b, { padding: true, truncation: true });
      const ids = enc.input_ids.data as BigInt64Array;
      const mask = enc.attention_mask.data as BigInt64Array;
      const dims = enc.input_ids.dims;
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
      };
      if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(ids.length), dims);
      const res = await session.run(feeds);
      const hidden = res.last_hidden_state ?? res[session.outputNames[0] ?? ''];
      if (!hidden) throw new Error(`the model returned no output named last_hidden_state (${session.outputNames.join(', ')})`);
      out.push(...meanPoolNormalize(hidden.data as Float32Array, hidden.dims, mask));
    }
    return out;
  };

  // Warm-up both (first runs allocate arenas), and check they compute the same vectors.
  const [p0, d0] = [await viaPipeline(), await direct()];
  let maxDiff = 0;
  p0.forEach((v, i) => v.forEach((x, j) => (maxDiff = Math.max(maxDiff, Math.abs(x - (d0[i]?.[j] ?? 0))))));

  const pipeMs: number[] = [];
  const directMs: number[] = [];
  for (let r = 0; r < a.rounds; r++) {
    // Alternate which goes first so slow drift of the machine does not favour one.
    const first = r % 2 === 0 ? 'pipe' : 'direct';
    for (const which of first === 'pipe' ? ['pipe', 'direct'] : ['direct', 'pipe']) {
      const t = performance.now();
      await (which === 'pipe' ? viaPipeline() : direct());
      (which === 'pipe' ? pipeMs : directMs).push(performance.now() - t);
    }
  }
  const ratios = pipeMs.map((p, i) => p / (directMs[i] ?? p));
  await extractor.dispose();
  await session.release();

  // The product path: the project's embedder (sorting, batching, prefixes) and a whole build.
  const embedder = createTransformersEmbedder({ model: a.model, dtype: a.dtype, batchSize: a.batch });
  await embedder.dimension();
  const embedMs: number[] = [];
  for (let r = 0; r < a.rounds; r++) {
    const t = performance.now();
    await embedder.embedPassages(texts);
    embedMs.push(performance.now() - t);
  }
  const { buildMs, built } = await timeBuild(passages, embedder);

  const perSec = (n: number, ms: readonly number[]) => ms.map((m) => n / (m / 1000));
  const result = {
    model: path.basename(a.model),
    dtype: a.dtype,
    batch: a.batch,
    passages: texts.length,
    tokens,
    meanTokens: round(tokens / texts.length, 1),
    rounds: a.rounds,
    cpus: cpus().length,
    loadavg: loadavg().map((x) => round(x, 2)),
    maxAbsDiff: maxDiff,
    pipeline: { ms: pipeMs.map((x) => round(x, 0)), passagesPerSec: medianSpread(perSec(texts.length, pipeMs)), tokensPerSec: medianSpread(perSec(tokens, pipeMs), 0) },
    direct: { ms: directMs.map((x) => round(x, 0)), passagesPerSec: medianSpread(perSec(texts.length, directMs)), tokensPerSec: medianSpread(perSec(tokens, directMs), 0) },
    pipelineOverDirect: { ratios: ratios.map((x) => round(x, 3)), median: medianSpread(ratios, 3) },
    embedder: { ms: embedMs.map((x) => round(x, 0)), passagesPerSec: medianSpread(perSec(texts.length, embedMs)), tokensPerSec: medianSpread(perSec(tokens, embedMs), 0) },
    buildIndex: { passages: built, ms: round(buildMs, 0), passagesPerSec: round(built / (buildMs / 1000), 1), note: 'ingest + embed (new vectors) + HNSW + BM25 + write' },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

async function timeBuild(passages: EvalPassage[], embedder: Embedder): Promise<{ buildMs: number; built: number }> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'sanad-bench-index-'));
  try {
    await writePassageCorpus(passages, path.join(scratch, 'corpus'));
    const t = performance.now();
    const summary = await buildIndex({ corpusDir: path.join(scratch, 'corpus'), indexDir: path.join(scratch, 'index'), embedder });
    return { buildMs: performance.now() - t, built: summary.passages };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await embedder.close?.();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
