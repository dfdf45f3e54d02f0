// The reranking stage as the ranking pipeline uses it: one reranker (reranker.ts) behind a time
// limit and a circuit breaker (breaker.ts). It never throws: it returns the scores, or why the
// fused order was kept (the searcher puts that in the response's notice). One stage serves every
// search of a process, so its state (loaded, failing, paused) is what index_status reports.
import { oneLine } from '../embed/vectors.ts';
import { CircuitBreaker, type BreakerOptions } from './breaker.ts';
import { describeReranker, type Reranker, type RerankerInfo } from './reranker.ts';

/**
 * How many fused results are reranked by default: enough to reach answers that fusion ranked
 * well below the usual 8–10 shown, few enough that a CPU cross-encoder answers in seconds. A cost
 * bound, not a tuned constant; --rerank-top changes it (up to MAX_RERANK_TOP).
 */
export const DEFAULT_RERANK_TOP = 30;
export const MAX_RERANK_TOP = 200;
/** The time one search gives the reranker, retries included, before keeping the fused order. */
export const DEFAULT_RERANK_TIMEOUT_MS = 15_000;

/**
 * idle: configured, not used yet; loading: a local model is loading; ready: the last call
 * succeeded; failing: the last call failed; paused: failed repeatedly, skipped until `retryAt`.
 */
export type RerankerState = 'idle' | 'loading' | 'ready' | 'failing' | 'paused';

export interface RerankerStatus extends RerankerInfo {
  /** Fused results reranked per search. */
  top: number;
  timeoutMs: number;
  state: RerankerState;
  /** Failures since the last success. */
  failures: number;
  lastError?: string;
  /** When a paused reranker is tried again (ISO time). */
  retryAt?: string;
}

export interface RerankOutcome {
  /** `describeReranker` of the provider. */
  by: string;
  /** True when `scores` came back and the window was reordered by them. */
  applied: boolean;
  /** Scores for the passages given, in their order (applied only). */
  scores?: number[];
  /** Why the fused order was kept (not applied). */
  notice?: string;
}

export interface RerankEvent {
  state: 'ready' | 'failed' | 'paused' | 'recovered';
  message: string;
}

export interface RerankStageOptions {
  top?: number;
  timeoutMs?: number;
  /** State changes worth announcing: loaded, failed to load, paused, working again (see `subscribe`). */
  onEvent?: (event: RerankEvent) => void;
  breaker?: BreakerOptions;
  /** The clock; tests inject one. */
  now?: () => number;
}

export const RERANK_LOADING_NOTICE =
  'the reranker model is still loading, so these results keep the fused order; ask again in a moment for reranked results';

export class RerankStage {
  readonly top: number;
  readonly timeoutMs: number;
  private readonly breaker: CircuitBreaker;
  private readonly now: () => number;
  private used = false;
  private lastOk = false;
  private readonly listeners = new Set<(event: RerankEvent) => void>();

  constructor(
    readonly reranker: Reranker,
    opts: RerankStageOptions = {},
  ) {
    this.top = opts.top ?? DEFAULT_RERANK_TOP;
    if (!Number.isInteger(this.top) || this.top < 1 || this.top > MAX_RERANK_TOP) {
      throw new RangeError(`rerank top must be a whole number from 1 to ${MAX_RERANK_TOP}, got ${this.top}`);
    }
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_RERANK_TIMEOUT_MS;
    this.breaker = new CircuitBreaker(opts.breaker);
    this.now = opts.now ?? Date.now;
    if (opts.onEvent) this.listeners.add(opts.onEvent);
  }

  /** Hears the stage's news (loaded, failed to load, paused, working again); returns the unsubscribe. */
  subscribe(listener: (event: RerankEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get description(): string {
    return describeReranker(this.reranker.info);
  }

  /** Loads a local model ahead of the first search; never rejects (the outcome is an event). */
  async warmUp(): Promise<void> {
    if (!this.reranker.warmUp) return;
    try {
      await this.reranker.warmUp();
      this.emit({ state: 'ready', message: `reranker ready (${this.description})` });
    } catch (err) {
      this.emit({ state: 'failed', message: `reranker unavailable, searches keep the fused order: ${oneLine(err, 500)}` });
    }
  }

  /** Scores `passages` (the first `top` fused results) for `query`, or says why not. */
  async rerank(query: string, passages: readonly string[]): Promise<RerankOutcome> {
    const by = this.description;
    if (passages.length === 0) return { by, applied: false, notice: 'nothing to rerank' };
    const start = this.now();
    if (!this.breaker.allow(start)) return { by, applied: false, notice: this.skippedNotice(start) };
    this.used = true;
    const deadline = start + this.timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), this.timeoutMs);
    });
    const scoring = this.reranker.score(query, passages, { deadline });
    // The loser of the race below must not surface as an unhandled rejection.
    scoring.catch(() => undefined);
    try {
      const result = await Promise.race([scoring, expired]);
      if (result === 'expired') {
        if (this.reranker.loading?.()) {
          this.breaker.release();
          return { by, applied: false, notice: RERANK_LOADING_NOTICE };
        }
        return this.failed(by, `no scores within ${this.timeoutMs} ms (--rerank-timeout)`);
      }
      if (result.length !== passages.length) return this.failed(by, `${result.length} scores for ${passages.length} passages`);
      const recovered = !this.lastOk && this.breaker.view(this.now()).failures > 0;
      this.breaker.success();
      this.lastOk = true;
      if (recovered) this.emit({ state: 'recovered', message: `reranker working again (${by})` });
      return { by, applied: true, scores: result };
    } catch (err) {
      const retryAfterMs = err instanceof Error && 'retryAfterMs' in err && typeof err.retryAfterMs === 'number' ? err.retryAfterMs : undefined;
      return this.failed(by, oneLine(err, 500), retryAfterMs);
    } finally {
      clearTimeout(timer);
    }
  }

  status(): RerankerStatus {
    const now = this.now();
    const b = this.breaker.view(now);
    const state: RerankerState = this.reranker.loading?.()
      ? 'loading'
      : b.retryAt !== undefined
        ? 'paused'
        : b.failures > 0
          ? 'failing'
          : this.used && this.lastOk
            ? 'ready'
            : 'idle';
    return {
      ...this.reranker.info,
      top: this.top,
      timeoutMs: this.timeoutMs,
      state,
      failures: b.failures,
      ...(b.lastError !== undefined ? { lastError: b.lastError } : {}),
      ...(b.retryAt !== undefined ? { retryAt: new Date(b.retryAt).toISOString() } : {}),
    };
  }

  close(): Promise<void> {
    return this.reranker.close?.() ?? Promise.resolve();
  }

  private emit(event: RerankEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private failed(by: string, reason: string, retryAfterMs?: number): RerankOutcome {
    this.lastOk = false;
    const opened = this.breaker.failure(this.now(), reason, retryAfterMs);
    if (opened) {
      const at = this.breaker.view(this.now()).retryAt;
      this.emit({
        state: 'paused',
        message: `reranker paused until ${at !== undefined ? new Date(at).toISOString() : 'later'} after ${this.breaker.view(this.now()).failures} failure(s); searches keep the fused order meanwhile. Last error: ${reason}`,
      });
    }
    return { by, applied: false, notice: `reranking failed, so these results keep the fused order: ${reason}` };
  }

  private skippedNotice(now: number): string {
    const b = this.breaker.view(now);
    const when = b.retryAt !== undefined ? `it is tried again after ${new Date(b.retryAt).toISOString()}` : 'another search is trying it right now';
    return (
      `reranking skipped, so these results keep the fused order: the reranker failed ${b.failures} time(s) in a row (${when}). ` +
      `Last error: ${b.lastError ?? 'unknown'}`
    );
  }
}
