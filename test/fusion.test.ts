import { test } from 'node:test';
import assert from 'node:assert/strict';
import { zScoreFusion } from '../src/search/fusion.ts';

const scored = (...pairs: Array<[string, number]>) => ({ items: pairs.map(([key, score]) => ({ key, score })) });

test('z-fusion: sums per-list z-scores, a missing item gets its list floor', () => {
  // List A: a(3) b(2) c(1) → mean 2, sd √(2/3); z = ±1.2247, 0. List B: c(10) d(0) → mean 5, sd 5; z = ±1.
  const fused = zScoreFusion([scored(['a', 3], ['b', 2], ['c', 1]), scored(['c', 10], ['d', 0])]);
  const za = 1 / Math.sqrt(2 / 3);
  assert.deepEqual(fused.map((h) => h.key), ['a', 'c', 'b', 'd']);
  // a: +za in A, absent in B → B's floor (z of its last item, -1).
  assert.ok(Math.abs((fused[0]?.score ?? 0) - (za - 1)) < 1e-12);
  // c: -za in A, +1 in B. b: 0 in A, absent in B (-1). d: absent in A (floor -za), -1 in B.
  assert.ok(Math.abs((fused[1]?.score ?? 0) - (1 - za)) < 1e-12);
  assert.ok(Math.abs((fused[2]?.score ?? 0) - -1) < 1e-12);
  assert.ok(Math.abs((fused[3]?.score ?? 0) - (-za - 1)) < 1e-12);
});

test('z-fusion: a confident list outweighs a flat one', () => {
  // The lexical list singles out "x"; the semantic list is nearly flat with "y" on top.
  const lexical = scored(['x', 9], ['y', 1], ['z', 1], ['w', 1]);
  const semantic = scored(['y', 0.801], ['x', 0.8], ['z', 0.799], ['w', 0.798]);
  // By rank alone (RRF) the two first places would tie; the scores say the lexical one is sure.
  assert.deepEqual(zScoreFusion([lexical, semantic]).map((h) => h.key), ['x', 'y', 'z', 'w']);
});

test('z-fusion: statistics come from the window only, so deeper lists do not change the top', () => {
  const head: Array<[string, number]> = [['a', 5], ['b', 4], ['c', 3]];
  const short = zScoreFusion([scored(...head), scored(['b', 1], ['a', 0.5])], { window: 3 });
  const long = zScoreFusion([scored(...head, ['d', 0], ['e', -4]), scored(['b', 1], ['a', 0.5])], { window: 3 });
  assert.deepEqual(long.slice(0, 3), short);
});

test('z-fusion: one-item and constant lists add nothing; ties break by best rank, then key', () => {
  assert.deepEqual(zScoreFusion([scored(['only', 7])]), [{ key: 'only', score: 0 }]);
  assert.deepEqual(
    zScoreFusion([scored(['b', 1], ['a', 1]), scored(['a', 2], ['b', 2])]).map((h) => h.key),
    ['a', 'b'],
  );
  assert.deepEqual(zScoreFusion([]), []);
  assert.deepEqual(zScoreFusion([{ items: [] }]), []);
});

test('z-fusion: repeated keys count once at their best rank; bad input is refused', () => {
  assert.deepEqual(zScoreFusion([scored(['a', 3], ['a', 1], ['b', 1])]).map((h) => h.key), ['a', 'b']);
  assert.throws(() => zScoreFusion([scored(['a', Number.NaN])]), /not a finite number/);
  assert.throws(() => zScoreFusion([{ ...scored(['a', 1]), weight: -1 }]), /weights must be/);
  assert.throws(() => zScoreFusion([scored(['a', 1])], { window: 0 }), /window must be/);
});

test('z-fusion: a complete list is standardised over its true top, unlisted items included', () => {
  // One BM25 hit in a pool of 4: its true top-4 is [6, 0, 0, 0] → mean 1.5, sd √6.75; z(6) = √3, z(0) = -1/√3.
  const lexical = { items: [{ key: 'hit', score: 6 }], rest: 0, population: 4 };
  const semantic = scored(['a', 0.9], ['hit', 0.8], ['b', 0.7], ['c', 0.6]);
  const fused = zScoreFusion([semantic, lexical]);
  assert.equal(fused[0]?.key, 'hit');
  const zs = 1 / Math.sqrt(0.0125 / 1); // semantic sd = √0.0125; z(0.8) = 0.05/√0.0125
  assert.ok(Math.abs((fused[0]?.score ?? 0) - (0.05 * zs + Math.sqrt(3))) < 1e-9);
  // 'a' is unlisted lexically: it gets z(0) = -1/√3, not a floor of the listed items.
  const a = fused.find((h) => h.key === 'a');
  assert.ok(Math.abs((a?.score ?? 0) - (0.15 * zs - 1 / Math.sqrt(3))) < 1e-9);
  // Without `rest`, a one-item list says nothing.
  assert.deepEqual(zScoreFusion([semantic, { items: [{ key: 'hit', score: 6 }] }])[0]?.key, 'a');
});
