// A text-embedding model in the Hugging Face ONNX layout (tokenizer.json, tokenizer_config.json,
// onnx/*.onnx), run with ONNX Runtime. Tokenising is done by @huggingface/tokenizers, the library
// transformers.js itself uses, and padding, truncation and pooling follow its feature-extraction
// pipeline step for step, so vectors are the ones an index built through transformers.js holds
// (fp32: identical to 1e-7; int8: as close to fp32 as before, see BENCHMARKS.md).
//
// Why not transformers.js: it pins an onnxruntime-node whose install script downloads CUDA
// libraries on Linux x64 (and fails the whole install where that host is unreachable). The
// runtime used here is pinned to a release that ships its CPU binaries for Linux, macOS and
// Windows inside the package and runs no install script. A GPU build can be swapped in at run
// time (SANAD_ONNXRUNTIME, SANAD_DEVICE), never at install time.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { Pooling } from './profiles.ts';

type Runtime = typeof import('onnxruntime-common');

export interface OnnxTextModel {
  /** Where the runtime came from: the bundled package or the SANAD_ONNXRUNTIME folder. */
  readonly runtime: string;
  /** Pooled (not yet normalised) vectors, one per text, in input order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

/**
 * The ONNX Runtime module: the bundled CPU build, or the onnxruntime-node package folder named by
 * SANAD_ONNXRUNTIME (e.g. one installed with CUDA support).
 */
export async function loadRuntime(env: NodeJS.ProcessEnv): Promise<{ ort: Runtime; from: string }> {
  const custom = env.SANAD_ONNXRUNTIME?.trim();
  if (custom) {
    const dir = path.resolve(custom);
    try {
      const required: unknown = createRequire(path.join(dir, 'package.json'))(dir);
      return { ort: required as Runtime, from: dir };
    } catch (err) {
      throw new Error(`SANAD_ONNXRUNTIME=${custom} is not an onnxruntime-node package folder (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`, {
        cause: err,
      });
    }
  }
  const mod = (await import('onnxruntime-node')) as Runtime & { default?: Runtime };
  return { ort: mod.default ?? mod, from: 'onnxruntime-node (bundled, CPU)' };
}

interface TokenizerConfig {
  model_max_length?: number;
  pad_token?: string | { content?: string };
  eos_token?: string | { content?: string };
}

function tokenContent(t: TokenizerConfig['pad_token']): string | undefined {
  return typeof t === 'string' ? t : t?.content;
}

async function readJson(file: string): Promise<unknown> {
  return JSON.parse(await readFile(file, 'utf8'));
}

export interface LoadedTokenizer {
  tokenizer: Tokenizer;
  /** The id padding uses (pad token, else end-of-text, else 0). */
  padId: number;
  /** Longest input the model takes, in tokens. */
  maxLength: number;
}

/** The tokenizer of a model folder, with its padding id and length limit. */
export async function loadTokenizer(folder: string): Promise<LoadedTokenizer> {
  const tokenizerJson = await readJson(path.join(folder, 'tokenizer.json'));
  const tokenizerConfig = (await readJson(path.join(folder, 'tokenizer_config.json'))) as TokenizerConfig & object;
  const modelConfig = (await readJson(path.join(folder, 'config.json')).catch(() => ({}))) as { max_position_embeddings?: number };
  const tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig);
  const padToken = tokenContent(tokenizerConfig.pad_token) ?? tokenContent(tokenizerConfig.eos_token);
  const padId = (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? 0;
  // transformers.js truncates to model_max_length; the position table bounds it when a tokenizer
  // config leaves it out (the model would fail on longer input otherwise).
  const maxLength = Math.min(tokenizerConfig.model_max_length ?? Infinity, modelConfig.max_position_embeddings ?? Infinity);
  return { tokenizer, padId, maxLength };
}

/** An ONNX Runtime session on the device SANAD_DEVICE names (the CPU by default). */
export async function openSession(file: string, env: NodeJS.ProcessEnv): Promise<{ session: InferenceSession; ort: Runtime; from: string }> {
  const { ort, from } = await loadRuntime(env);
  const device = env.SANAD_DEVICE?.trim().toLowerCase() || 'cpu';
  try {
    const session = await ort.InferenceSession.create(file, {
      // The device alone: listed with 'cpu' after it, a runtime without that provider silently
      // runs on the CPU instead. ONNX Runtime itself places the nodes a GPU cannot run on the CPU.
      executionProviders: [device],
      graphOptimizationLevel: 'all',
      // Warnings about unused initialisers and the like are noise on a user's terminal.
      logSeverityLevel: 3,
    });
    return { session, ort, from };
  } catch (err) {
    if (device !== 'cpu') {
      throw new Error(
        `${err instanceof Error ? err.message.split('\n')[0] : String(err)}: SANAD_DEVICE=${device} needs an ONNX Runtime built with that ` +
          `execution provider (runtime in use: ${from}); install one and point SANAD_ONNXRUNTIME at its onnxruntime-node folder, or unset SANAD_DEVICE`,
        { cause: err },
      );
    }
    throw err;
  }
}

export async function loadOnnxTextModel(opts: {
  folder: string;
  /** Path of the ONNX graph inside the folder, e.g. `onnx/model_quantized.onnx`. */
  onnxFile: string;
  pooling: Pooling;
  env: NodeJS.ProcessEnv;
}): Promise<OnnxTextModel> {
  const { tokenizer, padId, maxLength } = await loadTokenizer(opts.folder);
  const { session, ort, from } = await openSession(path.join(opts.folder, opts.onnxFile), opts.env);
  const needsTypes = session.inputNames.includes('token_type_ids');
  const outputName = ['last_hidden_state', 'token_embeddings', 'logits'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];

  return {
    runtime: from,
    async embed(texts) {
      // Padded to the longest text of the batch, truncated at the model's limit (the tail is cut,
      // end-of-text token included, exactly as transformers.js does).
      const { feeds, mask } = batchFeeds(ort, texts.map((t) => ({ ids: tokenizer.encode(t).ids })), { padId, maxLength, needsTypes });
      const out = await session.run(feeds);
      const hidden = outputName !== undefined ? out[outputName] : undefined;
      if (!hidden || hidden.type !== 'float32' || hidden.dims.length !== 3) {
        throw new Error(
          `the model returned ${hidden ? `a ${hidden.type} tensor of shape [${hidden.dims.join(', ')}]` : 'no output'}; ` +
            'expected float32 [texts, tokens, dimension]. Is it a text-embedding (feature-extraction) model?',
        );
      }
      return pool(hidden.data as Float32Array, hidden.dims, mask, opts.pooling);
    },
    release: () => session.release(),
  };
}

/** One tokenised input: its ids and, for text pairs, the segment (token type) of each. */
export interface EncodedRow {
  ids: readonly number[];
  types?: readonly number[];
}

/**
 * The model inputs for a batch: ids padded to the longest row (cut at `maxLength`), the attention
 * mask, and token types when the graph takes them (zeros for single texts).
 */
export function batchFeeds(
  ort: Runtime,
  rows: readonly EncodedRow[],
  opts: { padId: number; maxLength: number; needsTypes: boolean },
): { feeds: Record<string, Tensor>; mask: BigInt64Array } {
  const width = Math.min(Math.max(...rows.map((r) => r.ids.length)), opts.maxLength);
  const n = rows.length;
  const ids = new BigInt64Array(n * width);
  const mask = new BigInt64Array(n * width);
  const types = new BigInt64Array(n * width);
  rows.forEach((row, r) => {
    for (let c = 0; c < width; c++) {
      const real = c < row.ids.length;
      ids[r * width + c] = BigInt(real ? (row.ids[c] ?? opts.padId) : opts.padId);
      mask[r * width + c] = real ? 1n : 0n;
      types[r * width + c] = BigInt(real ? (row.types?.[c] ?? 0) : 0);
    }
  });
  const feeds: Record<string, Tensor> = {
    input_ids: new ort.Tensor('int64', ids, [n, width]),
    attention_mask: new ort.Tensor('int64', mask, [n, width]),
  };
  if (opts.needsTypes) feeds.token_type_ids = new ort.Tensor('int64', types, [n, width]);
  return { feeds, mask };
}

/**
 * Mean over the unmasked tokens, or the first token (CLS), per row of a [rows, tokens, width]
 * output. Sums run in double precision, token by token, as transformers.js sums them.
 */
export function pool(hidden: Float32Array, dims: readonly number[], mask: BigInt64Array, pooling: Pooling): Float32Array[] {
  const [rows = 0, seq = 0, width = 0] = dims;
  const out: Float32Array[] = [];
  for (let r = 0; r < rows; r++) {
    if (pooling === 'cls') {
      out.push(hidden.slice(r * seq * width, r * seq * width + width));
      continue;
    }
    const sum = new Float64Array(width);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (mask[r * seq + t] === 0n) continue;
      count++;
      const base = (r * seq + t) * width;
      for (let j = 0; j < width; j++) sum[j] = (sum[j] ?? 0) + (hidden[base + j] ?? 0);
    }
    const v = new Float32Array(width);
    for (let j = 0; j < width; j++) v[j] = (sum[j] ?? 0) / Math.max(1, count);
    out.push(v);
  }
  return out;
}
