import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reciprocalRankFusion, zScoreFusion } from '../src/search/fusion.ts';

const list = (...ords: number[]): Array<{ ord: number }> => ords.map((ord) => ({ ord }));

test('RRF sums 1/(k + rank) over lists', () => {
  const fused = reciprocalRankFusion([list(1, 2, 3), list(3, 1, 4)]);
  assert.deepEqual(fused.map((h) => h.ord), [1, 3, 2, 4]);
  assert.equal(fused[0]?.score, 1 / 61 + 1 / 62);
  assert.equal(fused[1]?.score, 1 / 63 + 1 / 61);
  assert.equal(fused[2]?.score, 1 / 62);
  assert.equal(fused[3]?.score, 1 / 63);
});

test('ties: best single rank first, then lower ord', () => {
  // Same ranks mirrored: equal scores and equal best rank, so the lower ord leads.
  assert.deepEqual(reciprocalRankFusion([list(9, 7), list(7, 9)]).map((h) => h.ord), [7, 9]);
  // k = 0 keeps the sums exact: 9 and 3 score 1/1, ord 1 scores 1/2 + 1/2 = 1 too. 9 and 3 have
  // the better single rank (1), then 3 < 9 by ord.
  const fused = reciprocalRankFusion([list(9, 1), list(3, 1)], { k: 0 });
  assert.deepEqual(fused, [
    { ord: 3, score: 1 },
    { ord: 9, score: 1 },
    { ord: 1, score: 1 },
  ]);
});

test('k changes how much the top ranks dominate', () => {
  // k = 0: one first place (1/1) ties two second places (1/2 + 1/2) and wins on best rank;
  // k = 60 flattens the ranks, so two second places (2/62) beat one first place (1/61).
  assert.deepEqual(reciprocalRankFusion([list(1, 2), list(3, 2)], { k: 0 }).map((h) => h.ord), [1, 3, 2]);
  assert.deepEqual(reciprocalRankFusion([list(1, 2), list(3, 2)]).map((h) => h.ord), [2, 1, 3]);
});

test('weights scale each list; weight 0 mutes a list entirely', () => {
  const fused = reciprocalRankFusion([list(1, 2), list(2, 1)], { weights: [1, 3] });
  assert.deepEqual(fused.map((h) => h.ord), [2, 1]);
  assert.equal(fused[0]?.score, 1 / 62 + 3 / 61);
  assert.deepEqual(reciprocalRankFusion([list(1, 2), list(3, 4)], { weights: [0, 1] }).map((h) => h.ord), [3, 4]);
});

test('an ord repeated within one list counts once, at its best rank', () => {
  const fused = reciprocalRankFusion([list(4, 4, 5, 4)]);
  assert.deepEqual(fused, [
    { ord: 4, score: 1 / 61 },
    { ord: 5, score: 1 / 63 },
  ]);
});

test('empty input and bad options', () => {
  assert.deepEqual(reciprocalRankFusion([]), []);
  assert.deepEqual(reciprocalRankFusion([[], []]), []);
  assert.throws(() => reciprocalRankFusion([list(1)], { weights: [1, 2] }), /1 lists; pass one weight per list/);
  assert.throws(() => reciprocalRankFusion([list(1)], { weights: [-1] }), /weights must be/);
  assert.throws(() => reciprocalRankFusion([list(1)], { k: Number.NaN }), /k must be/);
});

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
  assert.deepEqual(zScoreFusion([lexical, semantic]).map((h) => h.key), ['x', 'y', 'z', 'w']);
  // RRF, by rank alone, puts the two first places level and lets "y" through on the tie-break.
  const rrf = reciprocalRankFusion([[{ ord: 1 }, { ord: 2 }], [{ ord: 2 }, { ord: 1 }]]);
  assert.equal(rrf[0]?.score, rrf[1]?.score);
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
