import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capPerDocument } from '../src/search/diversity.ts';

const items = (...spec: string[]) => spec.map((s) => ({ docId: s[0] ?? '', id: s }));

test('items over the per-document cap follow every item within it, in rank order', () => {
  const ranked = items('a1', 'a2', 'a3', 'b1', 'a4', 'c1', 'b2', 'b3');
  assert.deepEqual(capPerDocument(ranked, 2).map((x) => x.id), ['a1', 'a2', 'b1', 'c1', 'b2', 'a3', 'a4', 'b3']);
  assert.deepEqual(capPerDocument(ranked, 1).map((x) => x.id), ['a1', 'b1', 'c1', 'a2', 'a3', 'a4', 'b2', 'b3']);
  assert.deepEqual(capPerDocument(ranked, Infinity).map((x) => x.id), ranked.map((x) => x.id));
});

test('one document alone keeps its order; a bad cap is refused', () => {
  assert.deepEqual(capPerDocument(items('a1', 'a2', 'a3'), 1).map((x) => x.id), ['a1', 'a2', 'a3']);
  assert.deepEqual(capPerDocument([], 2), []);
  assert.throws(() => capPerDocument(items('a1'), 0), /at least 1/);
  assert.throws(() => capPerDocument(items('a1'), Number.NaN), /at least 1/);
});
