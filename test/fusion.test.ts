import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reciprocalRankFusion } from '../src/search/fusion.ts';

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
