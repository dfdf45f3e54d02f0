// One JSON POST to a model server (embeddings, rerank), with the failure handling every such call
// needs: a per-request timeout, retries with exponential backoff and jitter on 429, 5xx, timeouts
// and connection errors (Retry-After honoured), an optional overall deadline, and messages that
// say what to change. Nothing here knows the request's meaning; callers parse the body they get.
// The API key goes out in the Authorization header only: every text this module produces (log
// lines, error messages) has it removed by the caller's `redact`, as does anything it echoes.

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

/**
 * A request that failed for good. `message` is the reason and hint, without the server's name
 * (callers prefix it); `retryAfterMs` is set when the server asked to be left alone for a while.
 */
export class HttpApiError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'HttpApiError';
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

/** Retry-After as ms: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const secs = Number(value);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * `base` with `/suffix` appended to its path unless the path already ends with it; a query string
 * (some hosted APIs take `?api-version=`) stays at the end. Unparseable input is returned as it
 * is, for the caller's validation to report.
 */
export function endpointUrl(base: string, suffix: string): string {
  let u: URL;
  try {
    u = new URL(base.trim());
  } catch {
    return base;
  }
  const p = u.pathname.replace(/\/+$/, '');
  u.pathname = p.endsWith(`/${suffix}`) ? p : `${p}/${suffix}`;
  return u.toString();
}

/**
 * Why an endpoint URL cannot be used (not http(s), or carrying credentials), or undefined when it
 * can. Credentials are refused because fetch rejects them and every proxy on the way logs them.
 */
export function endpointProblem(url: string): 'not-http' | 'credentials' | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not-http';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'not-http';
  return parsed.username !== '' || parsed.password !== '' ? 'credentials' : undefined;
}

/** Words for the messages, so each caller names its own flags. */
export interface ApiWords {
  /** Starts the retry log lines: `embedding` → "embedding request failed (…)". */
  what: string;
  /** Where the key is read from, e.g. `$SANAD_API_KEY`. */
  keyWhere: string;
  /** The flag that names another key variable, e.g. `--api-key-env`. */
  keyFlag: string;
  /** The URL setting, e.g. `--embed-url / SANAD_EMBED_URL`. */
  urlSetting: string;
  /** What to do about timeouts, e.g. `Raise --embed-timeout or use a smaller --batch-size.` */
  timeoutHint: string;
  /** Appended to an HTTP 404: where the path or the model name may be wrong. */
  notFoundHint: string;
}

export interface JsonApiOptions {
  url: string;
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
  /** First backoff delay in ms (doubles per retry, with jitter). */
  retryBaseMs: number;
  /** Longest single wait, including a server's Retry-After. */
  maxRetryDelayMs: number;
  /** fetch by default; tests inject their own. */
  fetchImpl?: typeof fetch;
  /** Waits between retries (a timer by default); tests inject one that records instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** Retry notices; the caller redacts. */
  log: (line: string) => void;
  words: ApiWords;
}

export interface JsonApi {
  /**
   * POSTs `body` as JSON and resolves to the text of a 2xx answer, or throws HttpApiError. With a
   * `deadline` (epoch ms), no attempt outlasts it and no retry starts that could not finish by it.
   */
  post(body: unknown, deadline?: number): Promise<string>;
}

export function createJsonApi(opts: JsonApiOptions): JsonApi {
  const { words } = opts;
  const doFetch = opts.fetchImpl ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const key = opts.apiKey && opts.apiKey.length > 0 ? opts.apiKey : undefined;

  async function attempt(body: string, timeoutMs: number): Promise<string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (key) headers.authorization = `Bearer ${key}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const res = await doFetch(opts.url, { method: 'POST', headers, body, signal: controller.signal });
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
          ? `HTTP ${status}: the server rejected the API key from ${words.keyWhere}; it is wrong or lacks access to this model. Set a valid key there.`
          : `HTTP ${status}: the server wants an API key and none is set. Put it in ${words.keyWhere} (or name another variable with ${words.keyFlag}).`,
        false,
      );
    }
    if (status === 429 || status >= 500) {
      throw new AttemptError(`HTTP ${status}${serverMessage(text)}`, true, parseRetryAfter(retryAfter));
    }
    if (status === 404) throw new AttemptError(`HTTP 404${serverMessage(text)}. ${words.notFoundHint}`, false);
    if (status < 200 || status >= 300) throw new AttemptError(`HTTP ${status}${serverMessage(text)}`, false);
    return text;
  }

  function gaveUp(err: AttemptError, tries: number, why?: string): HttpApiError {
    const hint = err.message.startsWith('cannot connect')
      ? ` Is the server running at that address? Check ${words.urlSetting}.`
      : err.message.startsWith('no answer')
        ? ` ${words.timeoutHint}`
        : ' The server keeps failing; check its logs.';
    const attempts = `after ${tries + 1} attempt${tries === 0 ? '' : 's'}`;
    return new HttpApiError(`${err.message} ${attempts}${why ? ` (${why})` : ''}.${hint}`, err.retryAfterMs);
  }

  return {
    async post(body, deadline) {
      const json = JSON.stringify(body);
      let tries = 0;
      for (;;) {
        const left = deadline === undefined ? Infinity : deadline - Date.now();
        try {
          return await attempt(json, Math.max(1, Math.min(opts.timeoutMs, left)));
        } catch (err) {
          if (!(err instanceof AttemptError)) throw err;
          if (!err.retryable) throw new HttpApiError(err.message);
          if (tries >= opts.maxRetries) throw gaveUp(err, tries);
          const backoff = Math.min(opts.maxRetryDelayMs, opts.retryBaseMs * 2 ** tries);
          // Equal jitter: at least half the backoff, so clients retrying together spread out.
          const delay =
            err.retryAfterMs !== undefined ? Math.min(opts.maxRetryDelayMs, err.retryAfterMs) : backoff / 2 + (Math.random() * backoff) / 2;
          if (deadline !== undefined && Date.now() + delay >= deadline) {
            throw gaveUp(err, tries, err.retryAfterMs !== undefined ? `the server asks to wait ${Math.ceil(err.retryAfterMs / 1000)} s, past the time limit` : 'no time left to retry');
          }
          tries++;
          opts.log(`${words.what} request failed (${err.message}); retry ${tries}/${opts.maxRetries} in ${Math.round(delay)} ms`);
          await sleep(delay);
        }
      }
    },
  };
}

/** Parses a 2xx body as JSON, or explains what came back instead. */
export function parseJsonBody(text: string, hint: string): { ok: true; json: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, json: JSON.parse(text) };
  } catch {
    const head = JSON.stringify(text.slice(0, 80)) + (text.length > 80 ? '…' : '');
    return { ok: false, message: `returned malformed JSON (${head}). ${hint}` };
  }
}

export function positiveInt(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${what} must be a positive integer, got ${n}`);
  return n;
}

export function isFiniteNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
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
