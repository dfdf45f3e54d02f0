// Indexing throughput with a real model, and what changing the ONNX Runtime build does: the same
// passages are embedded by the project's embedder with the bundled runtime and, when --runtime
// names another onnxruntime-node package folder (e.g. the 1.30 build transformers.js used), with
// that one too, in alternating order within one process. Reports passages/s, the time ratio per
// round, and how far the two sets of vectors are apart (largest difference, lowest cosine).
//
//   node --import tsx bench/embed-throughput.ts --model DIR [--dtype q8] [--rounds 3] [--batch 16]
//     [--runtime ONNXRUNTIME_NODE_DIR] [--passages FILE.jsonl ...] [--limit N]
//     (default passages: the dev sets' when present, else corpus/; --limit takes an evenly
//     spaced sample)
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ingestCorpus } from '../src/corpus/ingest.ts';
import type { Embedder } from '../src/embed/embedder.ts';
import { createTransformersEmbedder, TRANSFORMERS_DTYPE_FILES, isTransformersDtype } from '../src/embed/transformers.ts';
import { dot } from '../src/embed/vectors.ts';
import { writePassageCorpus } from '../src/eval/pool.ts';
import { readPassages, type EvalPassage } from '../src/eval/query-set.ts';
import { medianSpread, round } from '../src/eval/stats.ts';
import { buildIndex } from '../src/indexer/build-index.ts';

const DEV = '/work/shared/dev-eval';

interface Args {
  model: string;
  dtype: keyof typeof TRANSFORMERS_DTYPE_FILES;
  rounds: number;
  batch: number;
  passages: string[];
  /** Evenly spaced sample of this many passages (0: all). */
  limit: number;
  /** Another onnxruntime-node package folder to compare with the bundled one. */
  runtime?: string;
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
      runtime: { type: 'string' },
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
    ...(values.runtime ? { runtime: path.resolve(values.runtime) } : {}),
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
  const make = (runtime?: string) =>
    createTransformersEmbedder({
      model: a.model,
      dtype: a.dtype,
      batchSize: a.batch,
      env: { ...process.env, ...(runtime ? { SANAD_ONNXRUNTIME: runtime } : {}) },
      onLog: (l) => console.error(l),
    });
  const bundled = make();
  const other = a.runtime ? make(a.runtime) : null;
  // Warm-up (first runs allocate arenas), and the vectors each one makes.
  const v0 = await bundled.embedPassages(texts);
  const v1 = other ? await other.embedPassages(texts) : null;
  let maxDiff = 0;
  let minCos = 1;
  v1?.forEach((v, i) => {
    const w = v0[i] ?? v;
    v.forEach((x, j) => (maxDiff = Math.max(maxDiff, Math.abs(x - (w[j] ?? 0)))));
    minCos = Math.min(minCos, dot(v, w));
  });

  const bundledMs: number[] = [];
  const otherMs: number[] = [];
  for (let r = 0; r < a.rounds; r++) {
    // Alternate which goes first so slow drift of the machine does not favour one.
    const order = r % 2 === 0 ? ([bundled, other] as const) : ([other, bundled] as const);
    for (const e of order) {
      if (!e) continue;
      const t = performance.now();
      await e.embedPassages(texts);
      (e === bundled ? bundledMs : otherMs).push(performance.now() - t);
    }
  }
  await other?.close?.();
  const tokens = await countTokens(a.model, texts);
  const { buildMs, built } = await timeBuild(passages, bundled);

  const perSec = (n: number, ms: readonly number[]) => ms.map((m) => n / (m / 1000));
  const ratios = otherMs.map((o, i) => (bundledMs[i] ?? o) / o);
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
    embedder: { runtime: 'bundled onnxruntime-node', ms: bundledMs.map((x) => round(x, 0)), passagesPerSec: medianSpread(perSec(texts.length, bundledMs)), tokensPerSec: medianSpread(perSec(tokens, bundledMs), 0) },
    ...(other
      ? {
          otherRuntime: { runtime: a.runtime, ms: otherMs.map((x) => round(x, 0)), passagesPerSec: medianSpread(perSec(texts.length, otherMs)), tokensPerSec: medianSpread(perSec(tokens, otherMs), 0) },
          bundledOverOther: { ratios: ratios.map((x) => round(x, 3)), median: medianSpread(ratios, 3) },
          vectors: { maxAbsDiff: maxDiff, minCosine: round(minCos, 6) },
        }
      : {}),
    buildIndex: { passages: built, ms: round(buildMs, 0), passagesPerSec: round(built / (buildMs / 1000), 1), note: 'ingest + embed (new vectors) + HNSW + BM25 + write' },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** Tokens the model reads (prefix included, after truncation), counted with the model's own tokenizer. */
async function countTokens(model: string, texts: readonly string[]): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const { Tokenizer } = await import('@huggingface/tokenizers');
  const json: unknown = JSON.parse(await readFile(path.join(model, 'tokenizer.json'), 'utf8'));
  const config = JSON.parse(await readFile(path.join(model, 'tokenizer_config.json'), 'utf8')) as { model_max_length?: number };
  const tokenizer = new Tokenizer(json as object, config);
  return texts.reduce((n, t) => n + Math.min(tokenizer.encode(`passage: ${t}`).ids.length, config.model_max_length ?? Infinity), 0);
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
