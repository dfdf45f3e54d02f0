// Indexing throughput with a real model, and what a change of the embedding path costs: the same
// passages are embedded by the project's embedder and, when --baseline names another checkout of
// sanad (its sources, with node_modules resolvable from them, e.g. an earlier commit unpacked with
// `git archive`), by that checkout's embedder too, in alternating order within one process, with
// the same model, dtype and batch size. Reports passages/s, the time ratio per round, and how far
// the two sets of vectors are apart (largest difference, lowest cosine). The ONNX Runtime is the
// process's (SANAD_ONNXRUNTIME applies to both); one runtime per process is all transformers.js
// allows, so runtimes are compared by running the bench once per runtime.
//
//   node --import tsx bench/embed-throughput.ts --model DIR [--dtype q8] [--rounds 3] [--batch 16]
//     [--baseline CHECKOUT_DIR] [--passages FILE.jsonl ...] [--limit N]
//     (default passages: the dev sets' when present, else corpus/; --limit takes an evenly
//     spaced sample)
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ingestCorpus } from '../src/corpus/ingest.ts';
import type { Embedder } from '../src/embed/embedder.ts';
import { loadTransformers } from '../src/embed/onnx-runtime.ts';
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
  /** Another checkout of sanad whose embedder is timed beside this one. */
  baseline?: string;
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
      baseline: { type: 'string' },
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
    ...(values.baseline ? { baseline: path.resolve(values.baseline) } : {}),
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
  const options = { model: a.model, dtype: a.dtype, batchSize: a.batch, onLog: (l: string) => console.error(l) };
  const current = createTransformersEmbedder(options);
  const other = a.baseline ? (await baselineFactory(a.baseline))(options) : null;
  // Warm-up (first runs allocate arenas), and the vectors each one makes.
  const v0 = await current.embedPassages(texts);
  const v1 = other ? await other.embedPassages(texts) : null;
  let maxDiff = 0;
  let minCos = 1;
  v1?.forEach((v, i) => {
    const w = v0[i] ?? v;
    v.forEach((x, j) => (maxDiff = Math.max(maxDiff, Math.abs(x - (w[j] ?? 0)))));
    minCos = Math.min(minCos, dot(v, w));
  });

  const currentMs: number[] = [];
  const otherMs: number[] = [];
  for (let r = 0; r < a.rounds; r++) {
    // Alternate which goes first so slow drift of the machine does not favour one.
    const order = r % 2 === 0 ? ([current, other] as const) : ([other, current] as const);
    for (const e of order) {
      if (!e) continue;
      const t = performance.now();
      await e.embedPassages(texts);
      (e === current ? currentMs : otherMs).push(performance.now() - t);
    }
  }
  await other?.close?.();
  const tokens = await countTokens(a.model, texts);
  const { buildMs, built } = await timeBuild(passages, current);

  const perSec = (n: number, ms: readonly number[]) => ms.map((m) => n / (m / 1000));
  const ratios = otherMs.map((o, i) => (currentMs[i] ?? o) / o);
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
    embedder: { ms: currentMs.map((x) => round(x, 0)), passagesPerSec: medianSpread(perSec(texts.length, currentMs)), tokensPerSec: medianSpread(perSec(tokens, currentMs), 0) },
    ...(other
      ? {
          baseline: { checkout: a.baseline, ms: otherMs.map((x) => round(x, 0)), passagesPerSec: medianSpread(perSec(texts.length, otherMs)), tokensPerSec: medianSpread(perSec(tokens, otherMs), 0) },
          currentOverBaseline: { ratios: ratios.map((x) => round(x, 3)), median: medianSpread(ratios, 3) },
          vectors: { maxAbsDiff: maxDiff, minCosine: round(minCos, 6) },
        }
      : {}),
    buildIndex: { passages: built, ms: round(buildMs, 0), passagesPerSec: round(built / (buildMs / 1000), 1), note: 'ingest + embed (new vectors) + HNSW + BM25 + write' },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

/** The embedder factory of another checkout (its src/embed/transformers.ts). */
async function baselineFactory(dir: string): Promise<typeof createTransformersEmbedder> {
  const file = path.join(dir, 'src', 'embed', 'transformers.ts');
  if (!existsSync(file)) throw new Error(`--baseline ${dir} is not a sanad checkout (no ${file})`);
  const mod = (await import(pathToFileURL(file).href)) as { createTransformersEmbedder?: typeof createTransformersEmbedder };
  if (!mod.createTransformersEmbedder) throw new Error(`${file} exports no createTransformersEmbedder`);
  return mod.createTransformersEmbedder;
}

/** Tokens the model reads (prefix included, after truncation), counted with the model's own tokenizer. */
async function countTokens(model: string, texts: readonly string[]): Promise<number> {
  const { lib } = await loadTransformers(process.env, () => undefined);
  const tokenizer = await lib.AutoTokenizer.from_pretrained(model, { local_files_only: true });
  const ids = tokenizer(texts.map((t) => `passage: ${t}`), { truncation: true, return_tensor: false }).input_ids as number[][];
  return ids.reduce((n, row) => n + row.length, 0);
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
