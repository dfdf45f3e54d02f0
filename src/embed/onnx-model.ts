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

export async function loadOnnxTextModel(opts: {
  folder: string;
  /** Path of the ONNX graph inside the folder, e.g. `onnx/model_quantized.onnx`. */
  onnxFile: string;
  pooling: Pooling;
  env: NodeJS.ProcessEnv;
}): Promise<OnnxTextModel> {
  const tokenizerJson = await readJson(path.join(opts.folder, 'tokenizer.json'));
  const tokenizerConfig = (await readJson(path.join(opts.folder, 'tokenizer_config.json'))) as TokenizerConfig & object;
  const modelConfig = (await readJson(path.join(opts.folder, 'config.json')).catch(() => ({}))) as { max_position_embeddings?: number };
  const tokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig);
  const padToken = tokenContent(tokenizerConfig.pad_token) ?? tokenContent(tokenizerConfig.eos_token);
  const padId = (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? 0;
  // transformers.js truncates to model_max_length; the position table bounds it when a tokenizer
  // config leaves it out (the model would fail on longer input otherwise).
  const maxLength = Math.min(tokenizerConfig.model_max_length ?? Infinity, modelConfig.max_position_embeddings ?? Infinity);

  const { ort, from } = await loadRuntime(opts.env);
  const device = opts.env.SANAD_DEVICE?.trim().toLowerCase() || 'cpu';
  let session: InferenceSession;
  try {
    session = await ort.InferenceSession.create(path.join(opts.folder, opts.onnxFile), {
      // The device alone: listed with 'cpu' after it, a runtime without that provider silently
      // runs on the CPU instead. ONNX Runtime itself places the nodes a GPU cannot run on the CPU.
      executionProviders: [device],
      graphOptimizationLevel: 'all',
      // Warnings about unused initialisers and the like are noise on a user's terminal.
      logSeverityLevel: 3,
    });
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
  const needsTypes = session.inputNames.includes('token_type_ids');
  const outputName = ['last_hidden_state', 'token_embeddings', 'logits'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0];

  return {
    runtime: from,
    async embed(texts) {
      const encoded = texts.map((t) => tokenizer.encode(t).ids);
      // Pad to the longest text of the batch, truncated at the model's limit (the tail is cut,
      // end-of-text token included, exactly as transformers.js does).
      const width = Math.min(Math.max(...encoded.map((ids) => ids.length)), maxLength);
      const rows = encoded.length;
      const ids = new BigInt64Array(rows * width);
      const mask = new BigInt64Array(rows * width);
      encoded.forEach((tokens, r) => {
        for (let c = 0; c < width; c++) {
          const real = c < tokens.length;
          ids[r * width + c] = BigInt(real ? (tokens[c] ?? padId) : padId);
          mask[r * width + c] = real ? 1n : 0n;
        }
      });
      const feeds: Record<string, Tensor> = {
        input_ids: new ort.Tensor('int64', ids, [rows, width]),
        attention_mask: new ort.Tensor('int64', mask, [rows, width]),
      };
      if (needsTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(rows * width), [rows, width]);
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
