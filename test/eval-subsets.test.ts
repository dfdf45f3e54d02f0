// `sanad eval` over mixed-language sets: rows per query language and for the cross-language
// questions (worked by hand), the "xlang" flag checked against the pool, several passage and
// query files pooled into one run, and the shipped cross-language question set.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { scoreRankings, type MetricsRow } from '../src/eval/metrics.ts';
import { EvalInputError, readPassageSets, readQueries, readQuerySets, type EvalQuery } from '../src/eval/query-set.ts';
import { formatReport } from '../src/eval/report.ts';
import { checkDeclaredCrossLanguage, goldLanguages, resolveGold, runEval } from '../src/eval/run-eval.ts';
import { REPO_ROOT, withShippedCorpus } from './helpers/shipped-corpus.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const small = path.join(here, 'fixtures', 'eval-small');
const bin = path.join(here, '..', 'bin', 'sanad.js');

const close = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);

function expectRow(rows: readonly MetricsRow[], label: string, n: number, r1: number, r5: number, mrr: number, sameAs?: string) {
  const r = rows.find((x) => x.pair === label);
  assert.ok(r, `row ${label}`);
  assert.equal(r.n, n, `${label} n`);
  close(r.r1, r1, `${label} R@1`);
  close(r.r5, r5, `${label} R@5`);
  close(r.mrr10, mrr, `${label} MRR@10`);
  assert.equal(r.sameAs, sameAs, `${label} sameAs`);
}

test('subsets per query language and cross-/same-language, worked by hand', () => {
  const langs = new Map([['a1', 'ar'], ['f1', 'fa']]);
  const queries: EvalQuery[] = [
    { id: 'x1', lang: 'fa', query: '-', gold: ['a1'] }, // cross, rank 2
    { id: 'x2', lang: 'fa', query: '-', gold: ['f1'] }, // same, rank 1
    { id: 'x3', lang: 'ar', query: '-', gold: ['a1', 'f1'] }, // same (one gold is Arabic), rank 3
    { id: 'x4', lang: 'ar', query: '-', gold: ['f1'] }, // cross, not found
    { id: 'x5', lang: 'en', query: '-', gold: ['a1'] }, // cross, rank 1
    { id: 'x6', lang: 'fa', query: '-', gold: ['zz'] }, // gold language unknown: in neither
  ];
  const rankings = new Map([
    ['x1', ['f1', 'a1']],
    ['x2', ['f1']],
    ['x3', ['z', 'z2', 'f1']],
    ['x4', ['a1']],
    ['x5', ['a1']],
    ['x6', ['zz']],
  ]);
  const { subsets, perQuery } = scoreRankings(queries, rankings, langs);
  assert.deepEqual(
    perQuery.map((q) => [q.id, q.pair, q.crossLanguage]),
    [['x1', 'fa->ar', true], ['x2', 'fa->fa', false], ['x3', 'ar->ar+fa', false], ['x4', 'ar->fa', true], ['x5', 'en->ar', true], ['x6', 'fa->?', undefined]],
  );
  assert.deepEqual(subsets.map((r) => r.pair), ['ar->*', 'en->*', 'fa->*', 'cross-language', 'same-language']);
  expectRow(subsets, 'ar->*', 2, 0, 0.5, 1 / 3 / 2);
  expectRow(subsets, 'en->*', 1, 1, 1, 1, 'en->ar'); // holds exactly the queries of that pair row
  expectRow(subsets, 'fa->*', 3, 2 / 3, 1, (0.5 + 1 + 1) / 3);
  expectRow(subsets, 'cross-language', 3, 1 / 3, 2 / 3, (0.5 + 0 + 1) / 3);
  expectRow(subsets, 'same-language', 2, 0.5, 1, (1 + 1 / 3) / 2);
});

test('the text report adds the subsets that are not a pair row already', () => {
  const langs = new Map([['a1', 'ar'], ['f1', 'fa']]);
  const queries: EvalQuery[] = [
    { id: 'x1', lang: 'fa', query: '-', gold: ['a1'] },
    { id: 'x2', lang: 'fa', query: '-', gold: ['f1'] },
    { id: 'x3', lang: 'en', query: '-', gold: ['a1'] },
  ];
  const scored = scoreRankings(queries, new Map([['x1', ['a1']], ['x2', ['a1', 'f1']], ['x3', ['a1']]]), langs);
  const text = formatReport({
    queries: 'q.jsonl',
    queryCount: 3,
    pool: { source: 'p.jsonl', kind: 'passage-set', documents: 2, passages: 2 },
    embedder: null,
    k: 10,
    modes: [{ mode: 'lexical', rankedBy: 'lexical', ...scored, rankings: new Map(), latencyMs: { n: 3, min: 1, p50: 1, p95: 1, p99: 1, max: 1, mean: 1 } }],
  });
  const section = text.slice(text.indexOf('by query language'));
  // en->* is the en->ar row and same-language is the fa->fa row: only fa->* and cross-language are new.
  assert.deepEqual(
    section.split('\n').slice(1).filter((l) => l.startsWith('lexical')).map((l) => l.split(/\s+/).slice(1, 5)),
    [['fa->*', '2', '0.500', '1.000'], ['cross-language', '2', '1.000', '1.000']],
  );
});

test('an "xlang" flag the gold passages contradict is an error listing every such question', () => {
  const langs = new Map([['a1', 'ar'], ['f1', 'fa']]);
  const queries: EvalQuery[] = [
    { id: 'ok1', lang: 'fa', query: '-', gold: ['a1'], xlang: true },
    { id: 'ok2', lang: 'ar', query: '-', gold: ['a1', 'f1'], xlang: false },
    { id: 'no-flag', lang: 'ar', query: '-', gold: ['f1'] },
    { id: 'bad1', lang: 'ar', query: '-', gold: ['a1', 'f1'], xlang: true },
    { id: 'bad2', lang: 'en', query: '-', gold: ['f1'], xlang: false },
  ];
  assert.throws(
    () => checkDeclaredCrossLanguage(queries, langs),
    (err: unknown) =>
      err instanceof EvalInputError &&
      err.message.startsWith(
        '2 question(s) have an "xlang" flag their gold passages contradict: bad1 (ar question, gold in ar+fa: xlang should be false), bad2 (en question, gold in fa: xlang should be true);',
      ),
  );
  checkDeclaredCrossLanguage(queries.slice(0, 3), langs);
});

test('several passage and query files read as one set; an id in two files is an error naming both', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'sanad-eval-many-'));
  try {
    const passages = (await readFile(path.join(small, 'passages.jsonl'), 'utf8')).trim().split('\n');
    const queries = (await readFile(path.join(small, 'queries.jsonl'), 'utf8')).trim().split('\n');
    const file = async (name: string, lines: string[]) => {
      await writeFile(path.join(dir, name), `${lines.join('\n')}\n`);
      return path.join(dir, name);
    };
    const ar = await file('ar.jsonl', passages.filter((l) => l.includes('"lang":"ar"')));
    const fa = await file('fa.jsonl', passages.filter((l) => l.includes('"lang":"fa"')));
    const q1 = await file('q1.jsonl', queries.slice(0, 3));
    const q2 = await file('q2.jsonl', queries.slice(3));
    assert.deepEqual((await readPassageSets([ar, fa])).map((p) => p.id), ['a1', 'a2', 'a3', 'f1', 'f2']);
    assert.deepEqual((await readQuerySets([q1, q2])).map((q) => q.id), ['q1', 'q2', 'q3', 'q4', 'q5', 'q6']);
    await assert.rejects(
      readPassageSets([ar, fa, ar]),
      (err: unknown) => err instanceof EvalInputError && err.message.startsWith(`${ar} repeats 3 passage id(s) of ${ar}: a1, a2, a3; ids must be unique`),
    );

    // The pooled run through the command equals the one-file run (ALL row of eval-run.test.ts),
    // and the JSON report carries the subsets, each naming the pair row it repeats.
    const { stdout } = await run(process.execPath, [
      bin, 'eval', '--passages', ar, '--passages', fa, '--queries', q1, '--queries', q2,
      '--lexical-only', '--modes', 'lexical', '--json', '--quiet',
    ]);
    const report = JSON.parse(stdout) as { query_count: number; pool: { documents: number }; modes: Array<{ rows: Array<Record<string, unknown>>; subsets: Array<Record<string, unknown>> }> };
    assert.deepEqual([report.query_count, report.pool.documents], [6, 5]);
    assert.deepEqual(report.modes[0]?.rows.at(-1), { pair: 'ALL', n: 6, 'R@1': 0.667, 'R@5': 0.667, 'R@10': 0.667, 'MRR@10': 0.667, 'nDCG@10': 0.667, missing: 0 });
    assert.deepEqual(
      report.modes[0]?.subsets.map((r) => [r.pair, r.n, r.same_as]),
      [['ar->*', 3, 'ar->ar'], ['en->*', 1, 'en->ar+fa'], ['fa->*', 2, 'fa->fa'], ['cross-language', 1, 'en->ar+fa'], ['same-language', 5, undefined]],
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('eval/xlang-queries.jsonl: 75 questions, a third in each language, gold ids and xlang flags that hold', async () => {
  await withShippedCorpus(async (pool, searcher) => {
    const queries = await readQueries(path.join(REPO_ROOT, 'eval', 'xlang-queries.jsonl'));
    const count = (f: (q: EvalQuery) => boolean) => queries.filter(f).length;
    assert.deepEqual(
      [queries.length, count((q) => q.lang === 'en'), count((q) => q.lang === 'ar'), count((q) => q.lang === 'fa')],
      [75, 25, 25, 25],
    );
    assert.equal(resolveGold(queries, pool).length, 75); // throws, listing them, if any id is stale
    checkDeclaredCrossLanguage(queries, goldLanguages(queries, pool)); // throws if a flag is wrong
    assert.ok(queries.every((q) => q.xlang !== undefined), 'every question says whether it is cross-language');
    // Answerable only from another language's article: every English question, and among the
    // Arabic and Persian ones at least a third of the whole set on their own.
    assert.equal(count((q) => q.lang === 'en' && q.xlang === true), 25);
    assert.ok(count((q) => q.lang !== 'en' && q.xlang === true) >= 24);
    // The run itself works over the shipped corpus (keyword search only: no model in tests).
    const [lexical] = await runEval(searcher, queries, pool, { modes: ['lexical'], k: 10 });
    assert.deepEqual(lexical?.subsets.map((r) => [r.pair, r.n]), [['ar->*', 25], ['en->*', 25], ['fa->*', 25], ['cross-language', 49], ['same-language', 26]]);
  });
});
