// The pure pieces of reranking (the reorder, the circuit breaker) with exact orders and times, and
// the stage around a scripted reranker: scores applied, time limit, loading, failures that pause
// it, the probe that brings it back, and the news it announces.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CircuitBreaker } from '../src/rerank/breaker.ts';
import { applyRerankScores } from '../src/rerank/order.ts';
import { RerankerUnavailableError, type Reranker } from '../src/rerank/reranker.ts';
import { RERANK_LOADING_NOTICE, RerankStage, type RerankEvent } from '../src/rerank/stage.ts';

describe('applyRerankScores', () => {
  test('the scored window is sorted by score, ties keep the fused order, the rest follows unchanged', () => {
    const out = applyRerankScores(['a', 'b', 'c', 'd', 'e', 'f'], [0.1, 0.9, 0.5, 0.9]);
    assert.deepEqual(out, [
      { item: 'b', score: 0.9 },
      { item: 'd', score: 0.9 },
      { item: 'c', score: 0.5 },
      { item: 'a', score: 0.1 },
      { item: 'e' },
      { item: 'f' },
    ]);
  });
  test('scores that are not numbers sort last in the window; more scores than items are ignored', () => {
    assert.deepEqual(
      applyRerankScores(['a', 'b', 'c'], [Number.NaN, -2, Number.POSITIVE_INFINITY, 7]).map((r) => r.item),
      ['b', 'a', 'c'],
    );
    assert.deepEqual(applyRerankScores([], [1]), []);
  });
});

describe('CircuitBreaker', () => {
  test('opens after two failures in a row, lets one probe through after the cool-down, doubles it on failure, resets on success', () => {
    const b = new CircuitBreaker({ threshold: 2, baseCooldownMs: 1000, maxCooldownMs: 3000 });
    assert.equal(b.allow(0), true);
    assert.equal(b.failure(0, 'e1'), false);
    assert.equal(b.allow(10), true);
    assert.equal(b.failure(10, 'e2'), true);
    assert.deepEqual(b.view(10), { state: 'open', failures: 2, retryAt: 1010, lastError: 'e2' });
    assert.equal(b.allow(1009), false);
    assert.equal(b.allow(1010), true, 'the first call after the cool-down probes');
    assert.equal(b.allow(1011), false, 'others keep skipping while the probe runs');
    assert.equal(b.view(1011).state, 'half-open');
    assert.equal(b.failure(1500, 'e3'), true);
    assert.deepEqual(b.view(1500), { state: 'open', failures: 3, retryAt: 3500, lastError: 'e3' });
    assert.equal(b.allow(3500), true);
    b.failure(3500, 'e4');
    assert.equal(b.view(3500).retryAt, 6500, 'the cool-down stops doubling at the ceiling');
    assert.equal(b.allow(6500), true);
    b.success();
    assert.deepEqual(b.view(6500), { state: 'closed', failures: 0 });
    assert.equal(b.failure(7000, 'e5'), false, 'one failure after a success does not open it again');
  });
  test('a Retry-After opens it at once for that long (at least a second); a released probe lets the next call try', () => {
    const b = new CircuitBreaker({ baseCooldownMs: 1000 });
    assert.equal(b.failure(0, 'HTTP 429', 5000), true);
    assert.equal(b.view(0).retryAt, 5000);
    assert.equal(b.allow(5000), true);
    b.release();
    assert.equal(b.allow(5001), true);
    const short = new CircuitBreaker();
    short.failure(0, 'HTTP 429', 10);
    assert.equal(short.view(0).retryAt, 1000);
  });
});

/** A reranker that answers from a script: scores, an error, or a never-settling promise. */
function scripted(steps: Array<number[] | Error | 'hang'>, loading = () => false): Reranker & { calls: number } {
  const r = {
    calls: 0,
    info: { provider: 'http' as const, model: 'fake', api: 'cohere' as const, url: 'http://127.0.0.1:1/rerank' },
    score(_q: string, passages: readonly string[]): Promise<number[]> {
      const step = steps[Math.min(r.calls, steps.length - 1)];
      r.calls++;
      if (step === 'hang') return new Promise(() => {});
      if (step instanceof Error) return Promise.reject(step);
      return Promise.resolve((step ?? []).slice(0, passages.length));
    },
    loading,
  };
  return r;
}

describe('RerankStage', () => {
  test('returns the scores and reports ready', async () => {
    const stage = new RerankStage(scripted([[3, 1, 2]]), { top: 5 });
    assert.equal(stage.status().state, 'idle');
    assert.deepEqual(await stage.rerank('q', ['a', 'b', 'c']), { by: 'http cohere fake at http://127.0.0.1:1/rerank', applied: true, scores: [3, 1, 2] });
    assert.deepEqual(stage.status(), {
      provider: 'http',
      model: 'fake',
      api: 'cohere',
      url: 'http://127.0.0.1:1/rerank',
      top: 5,
      timeoutMs: 15_000,
      state: 'ready',
      failures: 0,
    });
  });

  test('a reranker past the time limit keeps the fused order; repeated failures pause it, a probe brings it back', async () => {
    let now = 1_000_000;
    const events: RerankEvent[] = [];
    const r = scripted(['hang', new RerankerUnavailableError('HTTP 500: boom'), [1], [1]]);
    const stage = new RerankStage(r, { timeoutMs: 50, now: () => now, onEvent: (e) => events.push(e), breaker: { baseCooldownMs: 30_000 } });
    const first = await stage.rerank('q', ['a']);
    assert.deepEqual(first, { by: stage.description, applied: false, notice: 'reranking failed, so these results keep the fused order: no scores within 50 ms (--rerank-timeout)' });
    assert.equal(stage.status().state, 'failing');
    const second = await stage.rerank('q', ['a']);
    assert.equal(second.notice, 'reranking failed, so these results keep the fused order: HTTP 500: boom');
    assert.deepEqual(stage.status(), { ...stage.status(), state: 'paused', failures: 2, lastError: 'HTTP 500: boom', retryAt: new Date(now + 30_000).toISOString() });
    assert.deepEqual(events.map((e) => e.state), ['paused']);
    assert.match(events[0]?.message ?? '', /^reranker paused until .* after 2 failure\(s\); searches keep the fused order meanwhile\. Last error: HTTP 500: boom$/);

    now += 1000;
    const skipped = await stage.rerank('q', ['a']);
    assert.equal(r.calls, 2, 'a paused reranker is not called');
    assert.equal(
      skipped.notice,
      `reranking skipped, so these results keep the fused order: the reranker failed 2 time(s) in a row (it is tried again after ${new Date(1_000_000 + 30_000).toISOString()}). Last error: HTTP 500: boom`,
    );

    now += 30_000;
    assert.deepEqual(await stage.rerank('q', ['a']), { by: stage.description, applied: true, scores: [1] });
    assert.equal(stage.status().state, 'ready');
    assert.deepEqual(events.map((e) => e.state), ['paused', 'recovered']);
  });

  test('a Retry-After from the server pauses the reranker for that long', async () => {
    const now = 5_000;
    const stage = new RerankStage(scripted([new RerankerUnavailableError('HTTP 429', { retryAfterMs: 60_000 })]), { now: () => now });
    await stage.rerank('q', ['a']);
    assert.equal(stage.status().retryAt, new Date(65_000).toISOString());
  });

  test('a model still loading when time runs out is not a failure: a loading notice, no pause', async () => {
    const stage = new RerankStage(scripted(['hang'], () => true), { timeoutMs: 30 });
    for (let i = 0; i < 3; i++) assert.deepEqual(await stage.rerank('q', ['a']), { by: stage.description, applied: false, notice: RERANK_LOADING_NOTICE });
    assert.deepEqual([stage.status().state, stage.status().failures], ['loading', 0]);
  });

  test('a wrong number of scores is a failure; top is bounded', async () => {
    const stage = new RerankStage(scripted([[1]]));
    assert.equal((await stage.rerank('q', ['a', 'b'])).notice, 'reranking failed, so these results keep the fused order: 1 scores for 2 passages');
    assert.throws(() => new RerankStage(scripted([[1]]), { top: 0 }), /from 1 to 200/);
    assert.throws(() => new RerankStage(scripted([[1]]), { top: 201 }), /from 1 to 200/);
  });

  test('warmUp announces a loaded model or why it cannot load, and never rejects', async () => {
    const events: RerankEvent[] = [];
    const ok = new RerankStage({ ...scripted([[1]]), warmUp: () => Promise.resolve() }, { onEvent: (e) => events.push(e) });
    await ok.warmUp();
    const bad = new RerankStage({ ...scripted([[1]]), warmUp: () => Promise.reject(new Error('no such folder')) });
    bad.subscribe((e) => events.push(e));
    await bad.warmUp();
    assert.deepEqual(events, [
      { state: 'ready', message: 'reranker ready (http cohere fake at http://127.0.0.1:1/rerank)' },
      { state: 'failed', message: 'reranker unavailable, searches keep the fused order: no such folder' },
    ]);
  });
});
