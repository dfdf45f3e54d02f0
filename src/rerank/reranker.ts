// The one interface every reranking provider implements: given a question and passages, a
// relevance score for each passage. The ranking pipeline (src/search/searcher.ts, through
// stage.ts) sees only this; whether a local cross-encoder or a server computes the scores is the
// provider's business.

export type RerankerProvider = 'http' | 'transformers';

/** What identifies a reranker in status reports and eval output. Never holds a secret. */
export interface RerankerInfo {
  provider: RerankerProvider;
  /** The server's model name, a Hub id, or a local folder's name; `server default` when unnamed. */
  model: string;
  /** The request format of an HTTP provider. */
  api?: 'cohere' | 'tei';
  /** The endpoint (credentials and secret parameters removed). */
  url?: string;
  dtype?: string;
  /** Absolute folder of a local model. */
  location?: string;
}

export interface ScoreOptions {
  /** Epoch ms by which the scores must be in; a provider stops retrying (and waiting) by then. */
  deadline?: number;
}

export interface Reranker {
  readonly info: RerankerInfo;
  /**
   * One score per passage, in input order; higher means more relevant to `query`. Scores are
   * comparable within one call only. Throws RerankerUnavailableError when it cannot score.
   */
  score(query: string, passages: readonly string[], opts?: ScoreOptions): Promise<number[]>;
  /** Loads a local model ahead of the first search (no-op for servers); rejects as `score` would. */
  warmUp?(): Promise<void>;
  /** True while a local model is being loaded (a slow first call is then not a failure). */
  loading?(): boolean;
  /** Releases model sessions. Safe to call twice. */
  close?(): Promise<void>;
}

/** The reranker could not score; the message says why and how to fix it. */
export class RerankerUnavailableError extends Error {
  /** Set when a server asked not to be called again for this long. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options?: { cause?: unknown; retryAfterMs?: number | undefined }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'RerankerUnavailableError';
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** `http cohere bge-reranker-v2-m3 at http://…/rerank` or `transformers ./rerank-model (q8)`. */
export function describeReranker(info: RerankerInfo): string {
  if (info.provider === 'http') return `http ${info.api ?? 'cohere'} ${info.model}${info.url ? ` at ${info.url}` : ''}`;
  return `transformers ${info.model}${info.dtype ? ` (${info.dtype})` : ''}`;
}
