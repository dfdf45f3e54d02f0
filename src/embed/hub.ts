// Model files from the Hugging Face Hub, cached on disk. A Hub id resolves to a folder in the
// cache (`<cacheDir>/<org>/<name>/`, the same layout transformers.js used, so caches from earlier
// versions keep working); files missing there are downloaded once, each to a temporary name and
// renamed into place when complete, so an interrupted download is never mistaken for a model.
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { oneLine } from './vectors.ts';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';
/** Downloads above this size are announced, and their progress logged every REPORT_EVERY_MS. */
const LARGE_FILE_BYTES = 10_000_000;
const REPORT_EVERY_MS = 5000;

/** Where Hub downloads are kept unless --cache-dir / SANAD_CACHE_DIR says otherwise. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : path.join(homedir(), '.cache');
  return path.join(base, 'sanad', 'models');
}

export interface HubFetchOptions {
  /** Hub id, `org/name` or `name`. */
  model: string;
  /** Paths inside the repository that must be present, e.g. `onnx/model_quantized.onnx`. */
  files: readonly string[];
  cacheDir: string;
  /** Set when the environment forbids the network: missing files are then an error. */
  offline?: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

/** The cache folder of a Hub id (it may not exist yet). */
export function hubFolder(cacheDir: string, model: string): string {
  return path.join(cacheDir, ...model.split('/'));
}

/**
 * Returns the local folder holding `files` of `model`, downloading the ones the cache lacks.
 * Throws with the list of missing files when offline, or with the HTTP status of a failed one.
 */
export async function fetchHubModel(opts: HubFetchOptions): Promise<string> {
  const folder = hubFolder(opts.cacheDir, opts.model);
  const missing = opts.files.filter((f) => !existsSync(path.join(folder, f)));
  if (missing.length === 0) return folder;
  if (opts.offline) throw new Error(`not in the cache: ${missing.join(', ')}`);
  const endpoint = (opts.env.HF_ENDPOINT?.trim() || DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const token = opts.env.HF_TOKEN?.trim();
  for (const file of missing) {
    const url = `${endpoint}/${opts.model}/resolve/main/${file}`;
    const target = path.join(folder, file);
    await mkdir(path.dirname(target), { recursive: true });
    const started = Date.now();
    let response: Response;
    try {
      response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    } catch (err) {
      // fetch reports "fetch failed" and keeps the reason (DNS, refused, TLS) in `cause`.
      const reason = err instanceof Error && err.cause !== undefined ? err.cause : err;
      throw new Error(`cannot reach ${url}: ${oneLine(reason)}`, { cause: err });
    }
    if (!response.ok || !response.body) {
      const hint = response.status === 401 || response.status === 403 ? ' (a gated or private model: set HF_TOKEN)' : '';
      throw new Error(`downloading ${url} failed: HTTP ${response.status}${hint}`);
    }
    const size = Number(response.headers.get('content-length') ?? 0);
    const large = size > LARGE_FILE_BYTES;
    if (large) opts.log(`downloading ${opts.model}/${file} (${(size / 1e6).toFixed(0)} MB) into ${folder}`);
    const partial = `${target}.partial-${process.pid}`;
    let received = 0;
    let lastReport = Date.now();
    // Counts the bytes, and says how far a large download got now and then: a first start may spend
    // minutes here, and silence reads as a hang.
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        if (large && Date.now() - lastReport >= REPORT_EVERY_MS) {
          lastReport = Date.now();
          opts.log(`downloading ${opts.model}/${file}: ${Math.floor((received / size) * 100)}% (${(received / 1e6).toFixed(0)} of ${(size / 1e6).toFixed(0)} MB)`);
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), count, createWriteStream(partial));
      if (size > 0 && received !== size) throw new Error(`got ${received} of ${size} bytes`);
      await rename(partial, target);
    } catch (err) {
      await rm(partial, { force: true });
      throw new Error(`downloading ${url} was interrupted: ${oneLine(err)}`, { cause: err });
    }
    if (large) opts.log(`downloaded ${opts.model}/${file} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  return folder;
}
