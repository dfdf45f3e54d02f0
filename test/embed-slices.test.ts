// Embedding in slices: the same vectors in the same order as one call, progress counted over the
// whole list, and slices sized by the measured cost per text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Embedder } from '../src/embed/embedder.ts';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { embedInSlices, nextSliceSize, SLICE_TARGET_MS } from '../src/indexer/embed-slices.ts';

test('slices give the vectors of one call, in order, with progress over the whole list', async () => {
  const inner = createFakeEmbedder();
  const calls: number[] = [];
  const counting: Embedder = {
    ...inner,
    embedPassages: async (texts, onProgress) => {
      calls.push(texts.length);
      return inner.embedPassages(texts, onProgress);
    },
  };
  const texts = Array.from({ length: 300 }, (_, i) => `passage ${i} about the harbour`);
  const done: number[] = [];
  const sliced = await embedInSlices(counting, texts, (p) => {
    assert.equal(p.total, texts.length);
    done.push(p.done);
  });
  assert.deepEqual(sliced, await inner.embedPassages(texts));
  assert.equal(calls[0], 1, 'the first slice measures one text');
  assert.ok(calls.length > 1 && calls.reduce((a, b) => a + b, 0) === texts.length, calls.join(','));
  for (let i = 1; i < done.length; i++) assert.ok((done[i] ?? 0) > (done[i - 1] ?? 0), 'progress rises');
  assert.equal(done.at(-1), texts.length);
});

test('a slice holds the texts whose characters fit the target at the measured cost, at least one', () => {
  const texts = ['a'.repeat(100), 'b'.repeat(100), 'c'.repeat(300), 'd'.repeat(50)];
  const perChar = SLICE_TARGET_MS / 250;
  assert.equal(nextSliceSize(texts, 0, perChar), 2, '100 + 100 fit 250 characters, + 300 does not');
  assert.equal(nextSliceSize(texts, 2, perChar), 1, 'one text over the budget still goes alone');
  assert.equal(nextSliceSize(texts, 3, perChar), 1, 'the last text');
  assert.equal(nextSliceSize(texts, 0, SLICE_TARGET_MS / 10_000), 4);
  assert.equal(nextSliceSize(texts, 0, 0), 4);
  assert.equal(nextSliceSize(Array.from({ length: 300 }, () => 'x'), 0, 0), 256);
});
