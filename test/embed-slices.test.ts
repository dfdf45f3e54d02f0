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

test('a slice holds as many texts as fit the target at the measured cost, at least one', () => {
  assert.equal(nextSliceSize(SLICE_TARGET_MS / 10), 10);
  assert.equal(nextSliceSize(SLICE_TARGET_MS * 3), 1);
  assert.equal(nextSliceSize(0), 256);
  assert.equal(nextSliceSize(SLICE_TARGET_MS / 1000), 256);
});
