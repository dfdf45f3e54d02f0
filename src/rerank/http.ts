// Reranking through a `/rerank` HTTP endpoint, in one of the two request formats servers speak:
// - `cohere`: {model, query, documents, top_n} → {results: [{index, relevance_score}]}, used by
//   Cohere, Jina, vLLM, llama.cpp's server, Infinity, LocalAI and others;
// - `tei`: {query, texts, truncate} → [{index, score}], Hugging Face text-embeddings-inference.
// Passages go out in batches (servers cap documents per call; TEI's default cap is 32) through the
// shared JSON client (src/util/http-api.ts): per-request timeout, retries with backoff on 429,
// 5xx and connection errors, Retry-After honoured, all bounded by the search's deadline. The API
// key is sent as a bearer token and removed from every log line and message.
import {
  createJsonApi,
  endpointProblem,
  endpointUrl,
  HttpApiError,
  isFiniteNumber,
  isRecord,
  parseJsonBody,
  positiveInt,
  redact,
} from '../util/http-api.ts';
import { chunk } from '../embed/vectors.ts';
import { RerankerUnavailableError, type Reranker, type RerankerInfo } from './reranker.ts';

export type RerankApi = 'cohere' | 'tei';
export const RERANK_APIS: readonly RerankApi[] = ['cohere', 'tei'];

/** TEI's default --max-client-batch-size; hosted APIs take far more, but one batch rarely needs it. */
export const DEFAULT_RERANK_BATCH_SIZE = 32;
export const DEFAULT_RERANK_MAX_RETRIES = 2;
export const DEFAULT_RERANK_API_KEY_ENV = 'SANAD_RERANK_API_KEY';

export interface HttpRerankerOptions {
  /** e.g. `http://127.0.0.1:8080` or `https://api.example.com/v1`; `/rerank` is appended unless there. */
  baseUrl: string;
  api?: RerankApi;
  /** The server's model name; sent in `cohere` requests when given. */
  model?: string;
  apiKey?: string;
  /** Name of the variable the key came from, only to say where to fix it (never its value). */
  apiKeySource?: string;
  /** Passages per request. */
  batchSize?: number;
  /** Longest single request, in ms (a search's deadline may cut it shorter). */
  timeoutMs?: number;
  maxRetries?: number;
  /** First backoff delay in ms; 200 unless given (a search is waiting). */
  retryBaseMs?: number;
  /** Longest single wait, including a server's Retry-After; 10 s unless given. */
  maxRetryDelayMs?: number;
  fetchImpl?: typeof fetch;
  onLog?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
}

/** `…/v1` → `…/v1/rerank`; a path already ending in `/rerank` is kept. */
export function rerankUrl(baseUrl: string): string {
  return endpointUrl(baseUrl, 'rerank');
}

export function createHttpReranker(opts: HttpRerankerOptions): Reranker {
  const api = opts.api ?? 'cohere';
  const key = opts.apiKey && opts.apiKey.length > 0 ? opts.apiKey : undefined;
  const clean = (s: string) => redact(s, key);
  const url = rerankUrl(opts.baseUrl);
  const shownUrl = clean(url);
  const problem = endpointProblem(url);
  if (problem === 'not-http') {
    throw new RerankerUnavailableError(`Rerank URL "${shownUrl}" is not an http(s) URL: set --rerank-url / SANAD_RERANK_URL to e.g. http://127.0.0.1:8080.`);
  }
  if (problem === 'credentials') {
    throw new RerankerUnavailableError(
      `Rerank URL "${shownUrl}" contains credentials: remove them from --rerank-url / SANAD_RERANK_URL and put the API key in ${DEFAULT_RERANK_API_KEY_ENV} (or the variable named by --rerank-api-key-env).`,
    );
  }
  const model = opts.model?.trim() || undefined;
  const batchSize = positiveInt(opts.batchSize ?? DEFAULT_RERANK_BATCH_SIZE, 'batchSize (--rerank-batch-size)');
  const log = (line: string) => opts.onLog?.(clean(line));
  const client = createJsonApi({
    url,
    apiKey: key,
    timeoutMs: positiveInt(opts.timeoutMs ?? 60_000, 'timeoutMs (--rerank-timeout)'),
    maxRetries: opts.maxRetries ?? DEFAULT_RERANK_MAX_RETRIES,
    retryBaseMs: opts.retryBaseMs ?? 200,
    maxRetryDelayMs: opts.maxRetryDelayMs ?? 10_000,
    fetchImpl: opts.fetchImpl,
    sleep: opts.sleep,
    log,
    words: {
      what: 'rerank',
      keyWhere: opts.apiKeySource ? `$${opts.apiKeySource}` : `the rerank API key variable (--rerank-api-key-env, default ${DEFAULT_RERANK_API_KEY_ENV})`,
      keyFlag: '--rerank-api-key-env',
      urlSetting: '--rerank-url / SANAD_RERANK_URL',
      timeoutHint: 'Raise --rerank-timeout or lower --rerank-top.',
      notFoundHint:
        `Check that --rerank-url points at the server's API root (e.g. http://127.0.0.1:8080 or …/v1; /rerank is appended)` +
        (model ? ` and that the server has model "${model}".` : '.'),
    },
  });
  const info: RerankerInfo = { provider: 'http', model: model ? clean(model) : 'server default', api, url: shownUrl };
  const fail = (reason: string, retryAfterMs?: number) =>
    new RerankerUnavailableError(clean(`Rerank server ${shownUrl}${model ? ` (model "${model}")` : ''}: ${reason}`), { retryAfterMs });

  function body(query: string, documents: string[]): unknown {
    if (api === 'tei') return { query, texts: documents, truncate: true };
    return { ...(model ? { model } : {}), query, documents, top_n: documents.length };
  }

  /** Scores in input order from either format; every index must come back exactly once. */
  function parseScores(text: string, expected: number): number[] {
    const parsed = parseJsonBody(text, `Is --rerank-url a ${api === 'tei' ? 'text-embeddings-inference' : 'Cohere-compatible'} rerank endpoint?`);
    if (!parsed.ok) throw fail(parsed.message);
    const json = parsed.json;
    const items = Array.isArray(json) ? json : isRecord(json) ? (json.results ?? json.data) : undefined;
    if (!Array.isArray(items)) {
      const other = api === 'tei' ? 'cohere' : 'tei';
      throw fail(`the response is not a list of scores (expected ${api === 'tei' ? '[{index, score}]' : '{"results": [{index, relevance_score}]}'}); if the server speaks the other format, pass --rerank-api ${other}.`);
    }
    const scores = new Array<number | undefined>(expected).fill(undefined);
    items.forEach((item: unknown, i: number) => {
      const index = isRecord(item) ? item.index : undefined;
      const score = isRecord(item) ? (item.relevance_score ?? item.score) : undefined;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= expected) {
        throw fail(`result ${i} has no valid "index" (0–${expected - 1}).`);
      }
      if (!isFiniteNumber(score)) throw fail(`result ${i} has no numeric "relevance_score" or "score".`);
      if (scores[index] !== undefined) throw fail(`passage ${index} was scored twice.`);
      scores[index] = score;
    });
    const got = scores.filter((s) => s !== undefined).length;
    if (got !== expected) {
      throw fail(`returned scores for ${got} of ${expected} passages; the server may cap documents per request: lower --rerank-batch-size.`);
    }
    return scores as number[];
  }

  return {
    info,
    async score(query, passages, scoreOpts = {}) {
      const out: number[] = [];
      for (const batch of chunk(passages, batchSize)) {
        let text: string;
        try {
          text = await client.post(body(query, batch), scoreOpts.deadline);
        } catch (err) {
          if (err instanceof HttpApiError) throw fail(err.message, err.retryAfterMs);
          throw err;
        }
        out.push(...parseScores(text, batch.length));
      }
      return out;
    },
  };
}
