// Metrics of `sanad eval`: exact values on a hand-worked example, and agreement with the dev
// sets' reference scorer (a copy under test/fixtures/eval-reference) on the same rankings.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { dedupeRanking, ndcgAt10, rankingEntryId, scoreRankings, type MetricsRow } from '../src/eval/metrics.ts';
import { readPassages, readQueries } from '../src/eval/query-set.ts';
import { percentile, summarize } from '../src/eval/stats.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, 'fixtures', 'eval-small');
const referenceScorer = path.join(here, 'fixtures', 'eval-reference', 'score.js');

function readRankings(file: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const r = JSON.parse(line) as { id: string; ranked: unknown[] };
    out.set(String(r.id), r.ranked.map(rankingEntryId));
  }
  return out;
}

async function fixtureScore() {
  const queries = await readQueries(path.join(fixtures, 'queries.jsonl'));
  const passages = await readPassages(path.join(fixtures, 'passages.jsonl'));
  const langs = new Map(passages.map((p) => [p.id, p.lang]));
  return scoreRankings(queries, readRankings(path.join(fixtures, 'rankings.jsonl')), langs);
}

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);

test('nDCG@10 with binary relevance, worked by hand', () => {
  // Gold at ranks 3 and 5 of two gold ids: (1/log2 4 + 1/log2 6) / (1 + 1/log2 3).
  close(ndcgAt10(['x', 'y', 'g1', 'z', 'g2'], new Set(['g1', 'g2'])), (0.5 + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3)), 'two gold');
  close(ndcgAt10(['g'], new Set(['g'])), 1, 'first');
  close(ndcgAt10(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'g2'], new Set(['g2'])), 0, 'rank 11 is outside the cutoff');
  close(ndcgAt10([], new Set(['g'])), 0, 'empty ranking');
});

test('repeated ids keep their first rank', () => {
  assert.deepEqual(dedupeRanking(['a', 'b', 'a', 'c', 'b']), ['a', 'b', 'c']);
});

test('ranked entries are read the way the reference scorer reads them', () => {
  assert.deepEqual(
    ['corpus/a1.txt', '/x/y/a2.txt', 'C:\\d\\a3.txt', { id: 'a4' }, { file: 'a5.txt' }, { path: 'p/a6.md' }, 'a7'].map(rankingEntryId),
    ['a1', 'a2', 'a3', 'a4', 'a5', 'a6.md', 'a7'],
  );
});

test('fixture metrics, worked by hand: per pair and overall, ALL last', async () => {
  const { rows, perQuery } = await fixtureScore();
  assert.deepEqual(
    perQuery.map((q) => [q.id, q.pair, q.rank, q.missing]),
    [
      ['q1', 'ar->ar', 1, false],
      ['q2', 'ar->ar', 2, false],
      ['q3', 'fa->fa', 6, false], // a3 repeated counts once: a3 a1 a2 f1 x9 f2
      ['q4', 'fa->fa', 2, false],
      ['q5', 'en->ar+fa', 3, false],
      ['q6', 'ar->ar', 0, true], // no ranking line: a miss
    ],
  );
  const byPair = new Map(rows.map((r) => [r.pair, r]));
  assert.deepEqual(rows.map((r) => r.pair), ['ar->ar', 'en->ar+fa', 'fa->fa', 'ALL']);
  const expect = (pair: string, n: number, r1: number, r5: number, r10: number, mrr: number, ndcg: number, missing: number) => {
    const r = byPair.get(pair);
    assert.ok(r, pair);
    assert.equal(r.n, n);
    assert.equal(r.missing, missing);
    close(r.r1, r1, `${pair} R@1`);
    close(r.r5, r5, `${pair} R@5`);
    close(r.r10, r10, `${pair} R@10`);
    close(r.mrr10, mrr, `${pair} MRR@10`);
    close(r.ndcg10, ndcg, `${pair} nDCG@10`);
  };
  const l3 = 1 / Math.log2(3);
  const q5 = (0.5 + 1 / Math.log2(6)) / (1 + l3);
  expect('ar->ar', 3, 1 / 3, 2 / 3, 2 / 3, (1 + 0.5) / 3, (1 + l3) / 3, 1);
  expect('fa->fa', 2, 0, 0.5, 1, (1 / 6 + 1 / 2) / 2, (1 / Math.log2(7) + l3) / 2, 0);
  expect('en->ar+fa', 1, 0, 1, 1, 1 / 3, q5, 0);
  expect('ALL', 6, 1 / 6, 4 / 6, 5 / 6, 2.5 / 6, (1 + l3 + 1 / Math.log2(7) + l3 + q5) / 6, 1);
});

test('agrees with the reference scorer on the same rankings', async () => {
  const { rows } = await fixtureScore();
  const out = execFileSync(process.execPath, [
    referenceScorer,
    path.join(fixtures, 'queries.jsonl'),
    path.join(fixtures, 'rankings.jsonl'),
    '--json',
  ], { encoding: 'utf8' });
  const reference = (JSON.parse(out) as { rows: Array<Record<string, number | string>> }).rows;
  assert.equal(reference.length, rows.length);
  reference.forEach((ref, i) => {
    const mine = rows[i] as MetricsRow;
    assert.equal(mine.pair, ref.pair);
    assert.equal(mine.n, ref.n);
    assert.equal(mine.missing, ref.missing);
    for (const [key, value] of [['R@1', mine.r1], ['R@5', mine.r5], ['R@10', mine.r10], ['MRR@10', mine.mrr10]] as const) {
      close(value, Number(ref[key]), `${mine.pair} ${key}`);
    }
  });
});

test('the reference scorer copy is the dev set\'s own, where that is present', { skip: !existsSync('/work/shared/dev-eval/score.mjs') }, () => {
  assert.equal(readFileSync(referenceScorer, 'utf8'), readFileSync('/work/shared/dev-eval/score.mjs', 'utf8'));
});

test('percentiles by nearest rank', () => {
  const v = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.equal(percentile(v, 50), 5);
  assert.equal(percentile(v, 95), 10);
  assert.equal(percentile(v, 0), 1);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.deepEqual(summarize([3, 1, 2]), { n: 3, min: 1, p50: 2, p95: 3, p99: 3, max: 3, mean: 2 });
  assert.throws(() => percentile(v, 101), /between 0 and 100/);
});
