// Embedding in-process: a model in the Hugging Face ONNX layout (the `transformers` provider,
// named after the model format), run with ONNX Runtime on the CPU (onnx-model.ts). The model is a
// Hub id (downloaded once into the cache, hub.ts) or a local folder, loaded without any network.

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { isBatchInvariant } from './batch-invariance.ts';
import { EmbedderUnavailableError, type Embedder, type EmbedderInfo, type EmbedProgress } from './embedder.ts';
import { defaultCacheDir, fetchHubModel } from './hub.ts';
import { loadOnnxTextModel, type OnnxTextModel } from './onnx-model.ts';
import { resolveProfile, type Profile } from './profiles.ts';
import { chunk, l2Normalize, oneLine } from './vectors.ts';

/** dtypes and the ONNX file each one is, under `onnx/` (the file names transformers.js uses). */
export const TRANSFORMERS_DTYPE_FILES = {
  fp32: 'model.onnx',
  fp16: 'model_fp16.onnx',
  q8: 'model_quantized.onnx',
  int8: 'model_int8.onnx',
  uint8: 'model_uint8.onnx',
  q4: 'model_q4.onnx',
  bnb4: 'model_bnb4.onnx',
  q4f16: 'model_q4f16.onnx',
} as const;

export type TransformersDtype = keyof typeof TRANSFORMERS_DTYPE_FILES;

export function isTransformersDtype(s: string): s is TransformersDtype {
  return Object.hasOwn(TRANSFORMERS_DTYPE_FILES, s);
}

export const DEFAULT_TRANSFORMERS_DTYPE: TransformersDtype = 'q8';
/**
 * Measured with multilingual-e5-small q8 on 2 CPU cores, 111 dev passages (mean 233 tokens):
 * batches of 1 ran ~9 passages/s (one core busy); length-sorted batches of 4–32 ran 14–23/s
 * quiet and all within 10% of each other under load, while unsorted batches of 16–32 ran only
 * 9–10/s (padding to the longest text). Sorting is the win; 16 sits in the flat middle and keeps
 * peak memory well under a GB (unsorted 64 reached 3.7 GB).
 */
export const DEFAULT_TRANSFORMERS_BATCH_SIZE = 16;

export interface TransformersEmbedderOptions {
  /** Hub id (`Xenova/multilingual-e5-small`) or a path to a local model folder. */
  model: string;
  dtype?: string;
  batchSize?: number;
  /** Where Hub downloads are cached; ~/.cache/sanad/models when absent. */
  cacheDir?: string;
  /** Overrides of the model's built-in profile (prefixes, pooling). */
  profile?: Partial<Profile>;
  onLog?: (line: string) => void;
  /** Environment read for HF_HUB_OFFLINE / SANAD_OFFLINE; process.env when absent (tests inject). */
  env?: NodeJS.ProcessEnv;
}

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'on']);

/** Whether the environment forbids the Hub (HF_HUB_OFFLINE, TRANSFORMERS_OFFLINE or SANAD_OFFLINE). */
export function offlineReason(env: NodeJS.ProcessEnv): string | undefined {
  for (const name of ['SANAD_OFFLINE', 'HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE']) {
    const v = env[name];
    if (v !== undefined && TRUE_VALUES.has(v.trim().toLowerCase())) return `${name}=${v}`;
  }
  return undefined;
}

/**
 * A model reference names a local folder when it exists on disk or is spelled like a path
 * (absolute, `./`, `../`, `~`, backslashes, or more than one `/`). Hub ids are `name` or
 * `org/name`, so anything else is never sent to the Hub.
 */
export function looksLikePath(model: string): boolean {
  return (
    path.isAbsolute(model) ||
    /^\.{1,2}([\\/]|$)/.test(model) ||
    model.startsWith('~') ||
    model.includes('\\') ||
    model.split('/').length > 2 ||
    existsSync(model)
  );
}

const FOLDER_LAYOUT =
  'config.json, tokenizer.json, tokenizer_config.json and onnx/model_quantized.onnx (dtype q8) or onnx/model.onnx (dtype fp32)';

export function createTransformersEmbedder(opts: TransformersEmbedderOptions): Embedder {
  const dtypeName = opts.dtype ?? DEFAULT_TRANSFORMERS_DTYPE;
  if (!isTransformersDtype(dtypeName)) {
    throw new EmbedderUnavailableError(
      `Unknown dtype "${dtypeName}" for model "${opts.model}": use one of ${Object.keys(TRANSFORMERS_DTYPE_FILES).join(', ')} (--dtype / SANAD_DTYPE).`,
    );
  }
  const dtype: TransformersDtype = dtypeName;
  const batchSize = opts.batchSize ?? DEFAULT_TRANSFORMERS_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize} (--batch-size / SANAD_BATCH_SIZE).`);
  }
  const log = opts.onLog ?? (() => undefined);
  const procEnv = opts.env ?? process.env;
  const isFolder = looksLikePath(opts.model);
  const folder = isFolder ? path.resolve(expandHome(opts.model, procEnv)) : undefined;

  const resolution = resolveProfile(opts.model, 'transformers', opts.profile);
  if (resolution.warning) log(resolution.warning);
  const profile = resolution.profile;

  const info: EmbedderInfo = {
    provider: 'transformers',
    // A folder is identified by its name, not its absolute path, so an index stays valid when
    // the checkout moves.
    model: folder ? path.basename(folder) : opts.model,
    ...(folder ? { location: folder } : {}),
    dtype,
    queryPrefix: profile.queryPrefix,
    passagePrefix: profile.passagePrefix,
  };

  let loading: Promise<OnnxTextModel> | undefined;
  let dim: number | undefined;
  // ONNX Runtime already spreads one batch over all cores; running batches one after another
  // keeps memory flat and results independent of how callers interleave. A model whose vectors
  // depend on their batch-mates (batch-invariance.ts) embeds one text per run instead, two runs
  // in flight: one short run alone keeps only one core busy.
  const lanes = new Lanes();
  let invariant: Promise<boolean> | undefined;
  const onnxFile = `onnx/${TRANSFORMERS_DTYPE_FILES[dtype]}`;

  function load(): Promise<OnnxTextModel> {
    if (!loading) {
      loading = loadModel().catch((err: unknown) => {
        loading = undefined; // a later call may retry (e.g. after the network comes back)
        throw err;
      });
    }
    return loading;
  }

  async function loadModel(): Promise<OnnxTextModel> {
    const offline = offlineReason(procEnv);
    const cacheDir = opts.cacheDir ?? defaultCacheDir(procEnv);
    const where = folder ? `local folder ${folder}` : `the Hugging Face Hub (cache: ${cacheDir}${offline ? `; Hub disabled by ${offline}` : ''})`;
    const started = Date.now();
    log(`loading embedding model ${opts.model} (${dtype}) from ${where}`);
    try {
      let dir: string;
      if (folder) {
        checkFolder(folder, dtype, opts.model);
        dir = folder;
      } else {
        dir = await fetchHubModel({
          model: opts.model,
          files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFile],
          cacheDir,
          ...(offline ? { offline } : {}),
          env: procEnv,
          log,
        });
      }
      const model = await loadOnnxTextModel({ folder: dir, onnxFile, pooling: profile.pooling, env: procEnv });
      log(`embedding model ready in ${Date.now() - started} ms`);
      return model;
    } catch (err) {
      if (err instanceof EmbedderUnavailableError) throw err;
      const how = folder
        ? `Check that the folder holds ${FOLDER_LAYOUT}, or set --model / SANAD_MODEL to one that does.`
        : offline
          ? `Run once with network access to huggingface.co (without ${offline}) so the model is cached, or set --model / SANAD_MODEL to a local folder with ${FOLDER_LAYOUT}.`
          : `Allow network access to huggingface.co once so the model is cached, or set --model / SANAD_MODEL to a local folder with ${FOLDER_LAYOUT}.`;
      throw new EmbedderUnavailableError(
        `Cannot load embedding model "${opts.model}" (dtype ${dtype}) from ${where}: ${oneLine(err)}. ${how}`,
        { cause: err },
      );
    }
  }

  async function runBatch(model: OnnxTextModel, texts: string[]): Promise<Float32Array[]> {
    let pooled: Float32Array[];
    try {
      pooled = await lanes.run(() => model.embed(texts));
    } catch (err) {
      throw new EmbedderUnavailableError(`Embedding with model "${opts.model}" failed: ${oneLine(err)}.`, { cause: err });
    }
    const vectors = pooled.map((v) => l2Normalize(profile.normalize ? normalizeExact(v) : v));
    dim ??= vectors[0]?.length;
    return vectors;
  }

  async function embed(
    texts: readonly string[],
    prefix: string,
    onProgress?: (p: EmbedProgress) => void,
  ): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const model = await load();
    invariant ??= isBatchInvariant((t) => runBatch(model, t)).then((same) => {
      if (!same) {
        log(`model ${opts.model} (${dtype}) gives a text another vector when it shares a batch; embedding one text per run so vectors do not depend on batch-mates`);
        lanes.width = 2;
      }
      return same;
    });
    const result = new Array<Float32Array>(texts.length);
    if (!(await invariant)) {
      let done = 0;
      await Promise.all(
        texts.map(async (text, i) => {
          const [v] = await runBatch(model, [prefix + text]);
          if (v) result[i] = v;
          done++;
          if (done % batchSize === 0 || done === texts.length) onProgress?.({ done, total: texts.length });
        }),
      );
      return result;
    }
    // Sorting by length groups similar lengths in one batch, so little compute goes to padding.
    const order = texts.map((_, i) => i).sort((a, b) => (texts[a]?.length ?? 0) - (texts[b]?.length ?? 0));
    let done = 0;
    for (const batch of chunk(order, batchSize)) {
      const vectors = await runBatch(model, batch.map((i) => prefix + (texts[i] ?? '')));
      batch.forEach((idx, j) => {
        const v = vectors[j];
        if (v) result[idx] = v;
      });
      done += batch.length;
      onProgress?.({ done, total: texts.length });
    }
    return result;
  }

  return {
    info,
    async dimension() {
      if (dim === undefined) await embed(['dimension probe'], profile.passagePrefix);
      if (dim === undefined) throw new EmbedderUnavailableError(`Model "${opts.model}" produced no vector for a probe text.`);
      return dim;
    },
    embedQueries: (texts) => embed(texts, profile.queryPrefix),
    embedPassages: (texts, onProgress) => embed(texts, profile.passagePrefix, onProgress),
    async close() {
      const pending = loading;
      loading = undefined;
      if (!pending) return;
      const model = await pending.catch(() => undefined);
      await model?.release();
    },
  };
}

/** v / |v| with the norm in double precision, as transformers.js normalises pooled vectors. */
function normalizeExact(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm === 0) return v;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}

/** Runs tasks at most `width` at a time, in the order they were asked for. */
class Lanes {
  width = 1;
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.width) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  const home = env.HOME ?? env.USERPROFILE;
  return home && (p === '~' || p.startsWith('~/')) ? path.join(home, p.slice(1)) : p;
}

/**
 * Checks the folder layout before anything is loaded, naming everything missing and the dtypes
 * present (a runtime error would name one file at a time).
 */
function checkFolder(folder: string, dtype: TransformersDtype, model: string): void {
  const fail = (reason: string, hint: string) =>
    new EmbedderUnavailableError(
      `Cannot load embedding model "${model}" (dtype ${dtype}) from local folder ${folder}: ${reason}. ${hint}`,
    );
  if (!existsSync(folder)) {
    throw fail('the folder does not exist', `Set --model / SANAD_MODEL to a folder holding ${FOLDER_LAYOUT}, or to a Hub id such as Xenova/multilingual-e5-small (needs network once).`);
  }
  if (!statSync(folder).isDirectory()) {
    throw fail('it is a file, not a folder', `Point --model / SANAD_MODEL at the folder holding ${FOLDER_LAYOUT}.`);
  }
  const wanted = ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/${TRANSFORMERS_DTYPE_FILES[dtype]}`];
  const missing = wanted.filter((f) => !existsSync(path.join(folder, f)));
  if (missing.length === 0) return;
  const present = (Object.keys(TRANSFORMERS_DTYPE_FILES) as TransformersDtype[]).filter((d) =>
    existsSync(path.join(folder, 'onnx', TRANSFORMERS_DTYPE_FILES[d])),
  );
  const dtypeHint =
    present.length > 0 && missing.every((m) => m.startsWith('onnx/'))
      ? `This folder has dtype ${present.join(', ')}: pass --dtype ${present[0]} (SANAD_DTYPE).`
      : `A model folder needs ${FOLDER_LAYOUT}.`;
  throw fail(`missing ${missing.join(', ')}`, dtypeHint);
}
