// Embedding in-process with transformers.js: its feature-extraction pipeline (tokenizing, padding,
// truncation, pooling, normalising) over ONNX Runtime (onnx-runtime.ts says which one and on what
// device). The model is a Hub id (downloaded once into the cache, hub.ts) or a local folder;
// either way transformers.js reads a local folder and never the network.

import path from 'node:path';
import { isBatchInvariant } from './batch-invariance.ts';
import { QueryCoalescer } from './coalesce.ts';
import { EmbedderUnavailableError, type Embedder, type EmbedderInfo, type EmbedProgress } from './embedder.ts';
import { localModel, runPieces } from './local-model.ts';
import {
  DEFAULT_TRANSFORMERS_DTYPE,
  isTransformersDtype,
  loadFromSource,
  localFolder,
  ModelLoadError,
  unknownDtypeMessage,
  type ModelWords,
  type TransformersDtype,
} from './model-source.ts';
import { boundInputLength, loadTransformers, openOnDevice } from './onnx-runtime.ts';
import { resolveProfile, type Profile } from './profiles.ts';
import { l2Normalize, oneLine } from './vectors.ts';

export {
  DEFAULT_TRANSFORMERS_DTYPE,
  isTransformersDtype,
  looksLikePath,
  offlineReason,
  TRANSFORMERS_DTYPE_FILES,
  type TransformersDtype,
} from './model-source.ts';

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

const WORDS: ModelWords = {
  what: 'embedding model',
  modelSetting: '--model / SANAD_MODEL',
  dtypeFlag: '--dtype',
  dtypeEnv: 'SANAD_DTYPE',
  example: 'Xenova/multilingual-e5-small',
};

export function createTransformersEmbedder(opts: TransformersEmbedderOptions): Embedder {
  const dtypeName = opts.dtype ?? DEFAULT_TRANSFORMERS_DTYPE;
  if (!isTransformersDtype(dtypeName)) throw new EmbedderUnavailableError(unknownDtypeMessage(dtypeName, opts.model, WORDS));
  const dtype: TransformersDtype = dtypeName;
  const batchSize = opts.batchSize ?? DEFAULT_TRANSFORMERS_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize} (--batch-size / SANAD_BATCH_SIZE).`);
  }
  const log = opts.onLog ?? (() => undefined);
  const procEnv = opts.env ?? process.env;
  const folder = localFolder(opts.model, procEnv);

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

  let dim: number | undefined;
  const model = localModel<TextEmbedder>(() =>
    loadFromSource(
      { model: opts.model, ...(folder ? { folder } : {}), dtype, ...(opts.cacheDir ? { cacheDir: opts.cacheDir } : {}), env: procEnv, log, words: WORDS },
      (dir) => openPipeline(dir, dtype, profile, procEnv, log),
    ).catch((err: unknown) => {
      throw err instanceof ModelLoadError ? new EmbedderUnavailableError(err.message, { cause: err.cause }) : err;
    }),
  );
  // Whether vectors are independent of batch-mates (batch-invariance.ts): measured once per model.
  let invariant: Promise<boolean> | undefined;

  async function runBatch(texts: string[]): Promise<Float32Array[]> {
    let out: { dims: number[]; data: unknown; type: string };
    try {
      out = await model.run((m) => m.embed(texts));
    } catch (err) {
      throw new EmbedderUnavailableError(`Embedding with model "${opts.model}" failed: ${oneLine(err)}.`, { cause: err });
    }
    const [rows, width] = out.dims;
    if (out.dims.length !== 2 || rows !== texts.length || width === undefined || !(out.data instanceof Float32Array)) {
      throw new EmbedderUnavailableError(
        `Model "${opts.model}" returned a ${out.type} tensor of shape [${out.dims.join(', ')}] for ${texts.length} texts; ` +
          'expected float32 [texts, dimension]. Is it a text-embedding (feature-extraction) model?',
      );
    }
    const data = out.data;
    const vectors: Float32Array[] = [];
    for (let r = 0; r < rows; r++) {
      const pooled = data.slice(r * width, (r + 1) * width);
      vectors.push(l2Normalize(profile.normalize ? normalizeExact(pooled) : pooled));
    }
    dim ??= width;
    return vectors;
  }

  function batchInvariant(): Promise<boolean> {
    invariant ??= isBatchInvariant(runBatch).then((same) => {
      if (!same) {
        log(`model ${opts.model} (${dtype}) gives a text another vector when it shares a batch; embedding one text per run so vectors do not depend on batch-mates`);
        model.lanes = 2;
      }
      return same;
    });
    return invariant;
  }

  // Queries of concurrent searches share model runs when that cannot change their vectors
  // (coalesce.ts); otherwise each runs alone, two runs in flight.
  let queries: QueryCoalescer | undefined;
  async function embedQueries(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await model.get();
    if (!(await batchInvariant())) return embed(texts, profile.queryPrefix);
    queries ??= new QueryCoalescer((batch) => runBatch(batch.map((t) => profile.queryPrefix + t)), batchSize);
    return queries.embed(texts);
  }

  async function embed(
    texts: readonly string[],
    prefix: string,
    onProgress?: (p: EmbedProgress) => void,
  ): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    await model.get();
    return runPieces(
      texts,
      { batchSize, invariant: await batchInvariant(), onProgress: (done) => onProgress?.({ done, total: texts.length }) },
      (indexes) => runBatch(indexes.map((i) => prefix + (texts[i] ?? ''))),
    );
  }

  return {
    info,
    async dimension() {
      if (dim === undefined) await embed(['dimension probe'], profile.passagePrefix);
      if (dim === undefined) throw new EmbedderUnavailableError(`Model "${opts.model}" produced no vector for a probe text.`);
      return dim;
    },
    embedQueries,
    embedPassages: (texts, onProgress) => embed(texts, profile.passagePrefix, onProgress),
    close: () => model.close(),
  };
}

/** A loaded feature-extraction pipeline: pooled vectors for a batch of texts, as one tensor. */
interface TextEmbedder {
  embed(texts: string[]): Promise<{ dims: number[]; data: unknown; type: string }>;
  release(): Promise<void>;
}

async function openPipeline(dir: string, dtype: TransformersDtype, profile: Profile, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<TextEmbedder> {
  const rt = await loadTransformers(env, log);
  const extractor = await openOnDevice(rt, () =>
    rt.lib.pipeline('feature-extraction', dir, { dtype, local_files_only: true, session_options: rt.sessionOptions }),
  );
  boundInputLength(extractor.tokenizer, extractor.model.config);
  return {
    // Padded to the longest text of the batch, cut at the model's input limit and pooled over the
    // unmasked tokens (or the first one) by the pipeline; normalised by the caller (normalizeExact).
    embed: (texts) => extractor(texts, { pooling: profile.pooling, normalize: false }),
    release: () => extractor.dispose(),
  };
}

/**
 * v / |v| with the norm summed in double precision. transformers.js's own `normalize` keeps the
 * norm in a float32 tensor, which leaves |v|² up to 1e-6 from 1 on multilingual-e5-small; summed
 * in double it is within 1e-8, as the vectors of the earlier path (ONNX Runtime called directly) were.
 */
function normalizeExact(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm === 0) return v;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
