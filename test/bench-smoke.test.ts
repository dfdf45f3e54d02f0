// The fast parts of the benchmarks, as tests of correctness (not of speed): the synthetic data,
// exact search and recall arithmetic, one growth point at N=2,000, and the SVG chart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runGrowthPoint, type GrowthResult } from '../bench/growth.ts';
import { growthChart } from '../bench/run-growth.ts';
import { exactTopK, perturbedTexts, prng, recallAtK, unitVectors } from '../bench/synthetic.ts';
import { niceTicks } from '../bench/svg-plot.ts';

test('the PRNG is seeded and repeatable', () => {
  const a = prng(42);
  const b = prng(42);
  const xs = Array.from({ length: 5 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 5 }, () => b()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(xs, Array.from({ length: 5 }, prng(43)));
});

test('unit vectors have norm 1 and rows view one buffer', () => {
  const { flat, rows } = unitVectors(50, 8, 1, 'clustered');
  assert.equal(flat.length, 400);
  assert.equal(rows.length, 50);
  for (const r of rows) assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-5);
  assert.equal(rows[3]?.buffer, flat.buffer);
});

test('exact top-k agrees with a full sort', () => {
  const { flat, rows } = unitVectors(300, 16, 5);
  const q = rows[7];
  assert.ok(q);
  const scored = rows.map((r, i) => ({ i, s: r.reduce((acc, x, j) => acc + x * (q[j] ?? 0), 0) })).sort((a, b) => b.s - a.s);
  assert.deepEqual(exactTopK(flat, 16, q, 10), scored.slice(0, 10).map((x) => x.i));
  assert.equal(exactTopK(flat, 16, q, 1)[0], 7); // a vector is its own nearest neighbour
});

test('recall@k counts the true neighbours found, per query, averaged', () => {
  const exact = [[1, 2, 3, 4], [5, 6, 7, 8]];
  assert.equal(recallAtK([[4, 3, 2, 1], [5, 6, 7, 8]], exact, 4), 1);
  assert.equal(recallAtK([[1, 2, 9, 9], [8, 0, 0, 0]], exact, 4), 3 / 8);
  assert.equal(recallAtK([[1, 2, 3, 9], [5, 6, 7, 8]], exact, 2), 1); // only the first 2 count
  assert.throws(() => recallAtK([[1]], exact, 4), /one exact list per query/);
});

test('perturbed texts keep most words of a base paragraph and are repeatable', () => {
  const base = ['one two three four five six seven eight nine ten'];
  const a = perturbedTexts(base, 20, 3);
  assert.deepEqual(a, perturbedTexts(base, 20, 3));
  assert.equal(a.length, 20);
  for (const t of a) {
    const kept = t.split(' ').filter((w) => base[0]?.split(' ').includes(w)).length;
    assert.ok(kept >= 3 && kept <= 10, `kept ${kept} of 10 in "${t}"`);
  }
});

test('a growth point at N=2,000 is well formed and its recall is right at the extremes', async () => {
  const r: GrowthResult = await runGrowthPoint({
    n: 2000,
    dim: 32,
    queries: 20,
    efs: [1, 2000],
    seed: 9,
    data: 'uniform',
    m: 8,
    efConstruction: 40,
    baseTexts: ['قالت الوكالة إن الاجتماع ركز على التعاون العسكري والاقتصادي بين البلدين', 'وزیر خارجه سوریه با همتای روسی خود دیدار کرد'],
  });
  assert.deepEqual([r.n, r.dim, r.queries, r.vector.efs.map((e) => e.ef)], [2000, 32, 20, [1, 2000]]);
  // ef = N visits the whole graph: HNSW is then exact. ef = 1 (k = 10 forces ef ≥ 10) is not.
  assert.equal(r.vector.efs[1]?.recall10, 1);
  assert.ok((r.vector.efs[0]?.recall10 ?? 1) < 1);
  assert.equal(r.vector.efFor98, 2000);
  assert.equal(r.vector.dataMB, Math.round((2000 * 32 * 4) / 1048576 * 10) / 10);
  for (const e of [...r.vector.efs, r.vector.production]) {
    assert.ok(e.recall10 >= 0 && e.recall10 <= 1 && e.p50 <= e.p95 && e.p95 <= e.p99, JSON.stringify(e));
  }
  assert.ok(r.lexical && r.lexical.terms > 20 && r.lexical.p50 <= r.lexical.p95);
  assert.ok(r.vector.fileMB > 0);

  const svg = growthChart([r, { ...r, n: 20000 }], 'test chart');
  assert.match(svg, /^<svg [^>]*viewBox="0 0 720 460"/);
  assert.equal((svg.match(/<path /g) ?? []).length, 6);
  assert.equal((svg.match(/<circle /g) ?? []).length, 12);
  assert.match(svg, />test chart</);
  assert.match(svg, /<\/svg>\n$/);
});

test('axis ticks are round numbers covering the maximum', () => {
  assert.deepEqual(niceTicks(10), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(0.37), [0, 0.1, 0.2, 0.3, 0.4]);
  assert.deepEqual(niceTicks(0), [0, 1]);
});
