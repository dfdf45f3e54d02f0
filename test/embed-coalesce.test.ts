// Queries of concurrent searches share model runs: the first runs at once, those arriving during
// a run go together into the next, each gets its own vector back, and a failed run fails only its
// own queries.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QueryCoalescer } from '../src/embed/coalesce.ts';

function fakeModel() {
  const runs: string[][] = [];
  let release: () => void = () => {};
  let gate = Promise.resolve();
  return {
    runs,
    hold() {
      gate = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    open: () => release(),
    run: async (texts: string[]) => {
      runs.push(texts);
      await gate;
      if (texts.includes('boom')) throw new Error('model failed');
      return texts.map((t) => Float32Array.of(t.length));
    },
  };
}

test('queries arriving during a run are embedded together in the next one', async () => {
  const m = fakeModel();
  const c = new QueryCoalescer(m.run, 3);
  m.hold();
  const first = c.embed(['a']);
  const rest = [c.embed(['bb']), c.embed(['ccc', 'dddd']), c.embed(['eeeee'])];
  m.open();
  assert.deepEqual(await first, [Float32Array.of(1)]);
  assert.deepEqual(await Promise.all(rest), [[Float32Array.of(2)], [Float32Array.of(3), Float32Array.of(4)], [Float32Array.of(5)]]);
  // One run for the first query alone, then batches of at most three of the queued texts.
  assert.deepEqual(m.runs, [['a'], ['bb', 'ccc', 'dddd'], ['eeeee']]);
});

test('a failed run rejects its own queries only', async () => {
  const m = fakeModel();
  const c = new QueryCoalescer(m.run, 2);
  m.hold();
  const first = c.embed(['ok']);
  const failing = c.embed(['boom', 'x']);
  const later = c.embed(['fine']);
  m.open();
  assert.deepEqual(await first, [Float32Array.of(2)]);
  await assert.rejects(failing, /model failed/);
  assert.deepEqual(await later, [Float32Array.of(4)]);
});
