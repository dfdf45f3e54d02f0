// transformers.js and the ONNX Runtime under it, shared by the embedder and the cross-encoder.
//
// transformers.js loads `onnxruntime-node` itself, with a require() from its own file when it is
// first imported, and builds its input tensors with the Tensor class of `onnxruntime-common`. By
// default that is the package's pinned 1.16.3 CPU build (the bundle and the checkout resolve it
// from the same package, see transformers-library.ts). SANAD_ONNXRUNTIME names another
// onnxruntime-node package folder (e.g. a CUDA build): it is required first and entered in Node's
// require cache under the file transformers.js resolves, so transformers.js loads that one
// instead; its tensors must then be that runtime's too (from 1.17 a runtime refuses tensors
// without a `location`, which 1.16's class lacks), so transformers.js's onnxruntime-common is the
// runtime's own re-export of it: in the bundle by construction (scripts/bundle-transformers.mjs),
// in a checkout through a resolve hook. The runtime is therefore chosen once per process, by the
// first model loaded; a model asking for another one later is refused, never run on the wrong
// runtime. SANAD_DEVICE picks the execution provider, per model.
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { InferenceSession } from 'onnxruntime-common';
import { oneLine } from './vectors.ts';

type Library = typeof import('./transformers-library.ts');
type OrtModule = typeof import('onnxruntime-common');

const requireHere = createRequire(import.meta.url);

export interface TransformersRuntime {
  lib: Library;
  /** The runtime in use, e.g. `onnxruntime-node 1.16.3 (bundled, CPU)`. */
  runtime: string;
  /** Execution provider from SANAD_DEVICE (`cpu` by default). */
  device: string;
  /** What every model session is created with: the device alone, quiet logs. */
  sessionOptions: InferenceSession.SessionOptions;
}

/** The onnxruntime-node module the environment asks for, with where it came from. */
function chooseRuntime(env: NodeJS.ProcessEnv): { ort: OrtModule; from: string; custom: boolean } {
  const target = requireHere.resolve('onnxruntime-node');
  const cached = requireHere.cache[target];
  const custom = env.SANAD_ONNXRUNTIME?.trim();
  if (!custom) {
    if (cached && cached.filename !== target) {
      throw new Error(`this process already runs the ONNX Runtime at ${cached.filename} (chosen by SANAD_ONNXRUNTIME for an earlier model); the runtime is chosen once per process`);
    }
    return { ort: requireHere(target) as OrtModule, from: 'bundled, CPU', custom: false };
  }
  const dir = path.resolve(custom);
  let file: string;
  let ort: OrtModule;
  try {
    const requireThere = createRequire(path.join(dir, 'package.json'));
    file = requireThere.resolve(dir);
    ort = requireThere(file) as OrtModule;
  } catch (err) {
    throw new Error(`SANAD_ONNXRUNTIME=${custom} is not an onnxruntime-node package folder (${oneLine(err)})`, { cause: err });
  }
  // Only before transformers.js has loaded a runtime; afterwards the check in loadTransformers
  // reports which one it holds.
  if (!cached && file !== target) {
    requireHere.cache[target] = requireHere.cache[file];
    // The sibling file: ort-common.ts when running the sources, ort-common.js once compiled.
    const stand = new URL(`./ort-common${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;
    register(`data:text/javascript,${encodeURIComponent(COMMON_FROM_RUNTIME)}`, { data: { stand } });
  }
  return { ort, from: dir, custom: true };
}

/**
 * A resolve hook for a checkout run from the sources, where transformers.js is imported from
 * node_modules: its `onnxruntime-common` becomes ort-common.ts, the chosen runtime's API. (The
 * bundle has that module built in and imports nothing by that name.)
 */
const COMMON_FROM_RUNTIME = `
let stand;
export function initialize(data) { stand = data.stand; }
export async function resolve(specifier, context, next) {
  const fromTransformers = specifier === 'onnxruntime-common' && context.parentURL?.includes('/node_modules/@huggingface/transformers/');
  return next(fromTransformers ? stand : specifier, context);
}`;

/**
 * transformers.js on the runtime SANAD_ONNXRUNTIME names (the bundled one by default), set up to
 * read local folders only: model-source.ts has already fetched and checked every file, so
 * transformers.js never reaches for the network or writes a cache of its own.
 */
export async function loadTransformers(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<TransformersRuntime> {
  const { ort, from, custom } = chooseRuntime(env);
  let lib: Library;
  try {
    lib = await import('./transformers-library.ts');
  } catch (err) {
    throw new Error(`cannot load transformers.js: ${oneLine(err)}; reinstall sanad (a checkout: npm ci)`, { cause: err });
  }
  const inUse = lib.env.backends.onnx.versions;
  // transformers.js copies the runtime's env, whose `versions` object identifies the module.
  if (inUse !== ort.env.versions) {
    throw new Error(
      `this process already runs onnxruntime-node ${inUse?.node ?? '(unknown version)'} under transformers.js, ` +
        `not the one asked for (${from}); the runtime is chosen once per process, so start a new one`,
    );
  }
  // A named runtime must also receive tensors of its own class (the bundled one takes those of
  // its release, whichever copy of onnxruntime-common made them).
  if (custom && !(new lib.Tensor('float32', new Float32Array(1), [1]).ort_tensor instanceof ort.Tensor)) {
    throw new Error(`transformers.js builds its tensors with another onnxruntime-common than the runtime at ${from} uses; the runtime would refuse them`);
  }
  lib.env.allowLocalModels = true;
  lib.env.allowRemoteModels = false;
  lib.env.useFSCache = false;
  lib.env.useWasmCache = false;
  const device = env.SANAD_DEVICE?.trim().toLowerCase() || 'cpu';
  const runtime = `onnxruntime-node ${inUse.node ?? '(unknown version)'} (${from})`;
  // The default needs no line; a chosen runtime or device is worth confirming.
  if (env.SANAD_ONNXRUNTIME?.trim() || device !== 'cpu') log(`ONNX Runtime: ${runtime}, device ${device}`);
  return {
    lib,
    runtime,
    device,
    sessionOptions: {
      // The device alone: listed with 'cpu' after it, a runtime without that provider silently
      // runs on the CPU instead. ONNX Runtime itself places the nodes a GPU cannot run on the CPU.
      executionProviders: [device],
      graphOptimizationLevel: 'all',
      // Warnings about unused initialisers and the like are noise on a user's terminal.
      logSeverityLevel: 3,
    },
  };
}

/**
 * Runs `open` (which creates the model's sessions); when that fails on a device other than the
 * CPU, the error says that the runtime lacks the provider and how to get one.
 */
export async function openOnDevice<T>(rt: TransformersRuntime, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (err) {
    if (rt.device === 'cpu') throw err;
    throw new Error(
      // ONNX Runtime's "no available backend found. ERR:" ends in a colon of its own.
      `${oneLine(err).replace(/[\s:]+$/, '')}: SANAD_DEVICE=${rt.device} needs an ONNX Runtime built with that execution provider ` +
        `(runtime in use: ${rt.runtime}); install one and point SANAD_ONNXRUNTIME at its onnxruntime-node folder, or unset SANAD_DEVICE`,
      { cause: err },
    );
  }
}

/**
 * Bounds a tokenizer's input length by the model's position table when its config gives no
 * smaller limit (some leave model_max_length out or set it to a huge placeholder): longer input
 * would otherwise fail inside the model instead of being cut.
 */
export function boundInputLength(tokenizer: { readonly model_max_length: number }, config: unknown): void {
  const positions = (config as { max_position_embeddings?: unknown } | null)?.max_position_embeddings;
  if (typeof positions !== 'number' || tokenizer.model_max_length <= positions) return;
  // transformers.js reads the limit through a getter on the class; an own property shadows it.
  Object.defineProperty(tokenizer, 'model_max_length', { value: positions });
}
