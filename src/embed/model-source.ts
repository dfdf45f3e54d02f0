// Where an in-process model's files come from: a local folder in the Hugging Face ONNX layout
// (never any network), or a Hub id fetched once into the cache (hub.ts), unless an offline switch
// forbids it. Shared by the embedder (transformers.ts) and the cross-encoder reranker, so both
// accept the same references, check folders the same way and fail with the same advice.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheDir, fetchHubModel } from './hub.ts';
import { oneLine } from './vectors.ts';

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

/** The absolute folder a reference names, or undefined for a Hub id. */
export function localFolder(model: string, env: NodeJS.ProcessEnv): string | undefined {
  if (!looksLikePath(model)) return undefined;
  const home = env.HOME ?? env.USERPROFILE;
  const expanded = home && (model === '~' || model.startsWith('~/')) ? path.join(home, model.slice(1)) : model;
  return path.resolve(expanded);
}

export const FOLDER_LAYOUT =
  'config.json, tokenizer.json, tokenizer_config.json and onnx/model_quantized.onnx (dtype q8) or onnx/model.onnx (dtype fp32)';

/** The words of the messages, so each kind of model names its own flags. */
export interface ModelWords {
  /** `embedding model`, `reranker model`. */
  what: string;
  /** The setting that names the model, e.g. `--model / SANAD_MODEL`. */
  modelSetting: string;
  dtypeFlag: string;
  dtypeEnv: string;
  /** A Hub id to suggest, e.g. `Xenova/multilingual-e5-small`. */
  example: string;
}

export interface ModelSource {
  /** The reference as given (Hub id or path). */
  model: string;
  /** The absolute folder when the reference is a path (see `localFolder`). */
  folder?: string;
  dtype: TransformersDtype;
  cacheDir?: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  words: ModelWords;
}

/** A model that cannot be loaded; the message says from where, why, and how to fix it. */
export class ModelLoadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelLoadError';
  }
}

export function unknownDtypeMessage(dtype: string, model: string, words: ModelWords): string {
  return `Unknown dtype "${dtype}" for model "${model}": use one of ${Object.keys(TRANSFORMERS_DTYPE_FILES).join(', ')} (${words.dtypeFlag} / ${words.dtypeEnv}).`;
}

/**
 * Finds the model's folder (checked, or fetched from the Hub) and hands it to `open` with the
 * ONNX file of the dtype, logging the start and the time taken. Every failure becomes one
 * ModelLoadError line that names the source and what to do.
 */
export async function loadFromSource<T>(src: ModelSource, open: (dir: string, onnxFile: string) => Promise<T>): Promise<T> {
  const { words, folder, dtype } = src;
  const offline = offlineReason(src.env);
  const cacheDir = src.cacheDir ?? defaultCacheDir(src.env);
  const onnxFile = `onnx/${TRANSFORMERS_DTYPE_FILES[dtype]}`;
  const where = folder ? `local folder ${folder}` : `the Hugging Face Hub (cache: ${cacheDir}${offline ? `; Hub disabled by ${offline}` : ''})`;
  const started = Date.now();
  src.log(`loading ${words.what} ${src.model} (${dtype}) from ${where}`);
  const head = `Cannot load ${words.what} "${src.model}" (dtype ${dtype}) from ${where}`;
  try {
    let dir: string;
    if (folder) {
      checkFolder(folder, src, head);
      dir = folder;
    } else {
      dir = await fetchHubModel({
        model: src.model,
        files: ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFile],
        cacheDir,
        ...(offline ? { offline } : {}),
        env: src.env,
        log: src.log,
      });
    }
    const opened = await open(dir, onnxFile);
    src.log(`${words.what} ready in ${Date.now() - started} ms`);
    return opened;
  } catch (err) {
    if (err instanceof ModelLoadError) throw err;
    const how = folder
      ? `Check that the folder holds ${FOLDER_LAYOUT}, or set ${words.modelSetting} to one that does.`
      : offline
        ? `Run once with network access to huggingface.co (without ${offline}) so the model is cached, or set ${words.modelSetting} to a local folder with ${FOLDER_LAYOUT}.`
        : `Allow network access to huggingface.co once so the model is cached, or set ${words.modelSetting} to a local folder with ${FOLDER_LAYOUT}.`;
    throw new ModelLoadError(`${head}: ${oneLine(err)}. ${how}`, { cause: err });
  }
}

/**
 * Checks the folder layout before anything is loaded, naming everything missing and the dtypes
 * present (a runtime error would name one file at a time).
 */
function checkFolder(folder: string, src: ModelSource, head: string): void {
  const { words, dtype } = src;
  const fail = (reason: string, hint: string) => new ModelLoadError(`${head}: ${reason}. ${hint}`);
  if (!existsSync(folder)) {
    throw fail('the folder does not exist', `Set ${words.modelSetting} to a folder holding ${FOLDER_LAYOUT}, or to a Hub id such as ${words.example} (needs network once).`);
  }
  if (!statSync(folder).isDirectory()) {
    throw fail('it is a file, not a folder', `Point ${words.modelSetting} at the folder holding ${FOLDER_LAYOUT}.`);
  }
  const wanted = ['config.json', 'tokenizer.json', 'tokenizer_config.json', `onnx/${TRANSFORMERS_DTYPE_FILES[dtype]}`];
  const missing = wanted.filter((f) => !existsSync(path.join(folder, f)));
  if (missing.length === 0) return;
  const present = (Object.keys(TRANSFORMERS_DTYPE_FILES) as TransformersDtype[]).filter((d) =>
    existsSync(path.join(folder, 'onnx', TRANSFORMERS_DTYPE_FILES[d])),
  );
  const dtypeHint =
    present.length > 0 && missing.every((m) => m.startsWith('onnx/'))
      ? `This folder has dtype ${present.join(', ')}: pass ${words.dtypeFlag} ${present[0]} (${words.dtypeEnv}).`
      : `A model folder needs ${FOLDER_LAYOUT}.`;
  throw fail(`missing ${missing.join(', ')}`, dtypeHint);
}
