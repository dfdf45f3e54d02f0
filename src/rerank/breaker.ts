// A circuit breaker for the reranker: a search never fails because reranking did (it keeps the
// fused order), but a reranker that keeps failing must not add its timeout to every search. After
// a few failures in a row (or when a server asks to be left alone with Retry-After), calls are
// skipped for a cool-down; then one search tries again (the others keep skipping meanwhile), and
// its outcome closes the breaker or doubles the cool-down, up to a ceiling.
//
// The numbers are operational, not fitted to any data: two failures tell a dead server from one
// lost request, 30 s is short next to a restart, five minutes long enough to stop a dead server
// costing anything, and a probe every five minutes finds it back soon after it returns.

export const BREAKER_THRESHOLD = 2;
export const BREAKER_BASE_COOLDOWN_MS = 30_000;
export const BREAKER_MAX_COOLDOWN_MS = 300_000;

export interface BreakerView {
  /** closed: calls go through; open: skipped until `retryAt`; half-open: one probe is running. */
  state: 'closed' | 'open' | 'half-open';
  /** Failures since the last success. */
  failures: number;
  /** Epoch ms from which the next call may try (open only). */
  retryAt?: number;
  lastError?: string;
}

export interface BreakerOptions {
  threshold?: number;
  baseCooldownMs?: number;
  maxCooldownMs?: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil: number | null = null;
  private probing = false;
  private cooldown: number;
  private lastError: string | undefined;
  private readonly threshold: number;
  private readonly base: number;
  private readonly max: number;

  constructor(opts: BreakerOptions = {}) {
    this.threshold = opts.threshold ?? BREAKER_THRESHOLD;
    this.base = opts.baseCooldownMs ?? BREAKER_BASE_COOLDOWN_MS;
    this.max = opts.maxCooldownMs ?? BREAKER_MAX_COOLDOWN_MS;
    this.cooldown = this.base;
  }

  /** Whether a call may go ahead now. Past the cool-down, the first caller becomes the probe. */
  allow(now: number): boolean {
    if (this.openUntil === null) return true;
    if (now < this.openUntil || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openUntil = null;
    this.probing = false;
    this.cooldown = this.base;
    this.lastError = undefined;
  }

  /** A call that neither succeeded nor failed (a model still loading): a probe slot is freed. */
  release(): void {
    this.probing = false;
  }

  /** Records a failure; returns true when it opened (or reopened) the breaker. */
  failure(now: number, message: string, retryAfterMs?: number): boolean {
    this.failures++;
    this.lastError = message;
    if (this.probing) {
      this.probing = false;
      this.cooldown = Math.min(this.max, this.cooldown * 2);
      this.openUntil = now + Math.max(this.cooldown, retryAfterMs ?? 0);
      return true;
    }
    if (retryAfterMs !== undefined) {
      // The server said how long: no guessing, and at least a second so a burst does not hammer it.
      this.openUntil = now + Math.min(this.max, Math.max(1000, retryAfterMs));
      return true;
    }
    if (this.failures >= this.threshold) {
      this.openUntil = now + this.cooldown;
      return true;
    }
    return false;
  }

  view(now: number): BreakerView {
    const state = this.openUntil === null ? 'closed' : this.probing ? 'half-open' : 'open';
    return {
      state,
      failures: this.failures,
      ...(this.openUntil !== null && now < this.openUntil ? { retryAt: this.openUntil } : {}),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }
}
