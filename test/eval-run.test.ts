// `sanad eval` end to end on small fixtures: pools from a passage set and from an index, how
// hits credit gold ids, and the errors for gold ids the pool does not hold. Lexical only, so the
// expected ranks follow from the words of each query (worked out in the comments).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildIndex } from '../src/indexer/build-index.ts';
import { openPool } from '../src/eval/open-pool.ts';
import { EvalPool, passageFileName, rankedIds, type GoldRef } from '../src/eval/pool.ts';
import { EvalInputError, readQueries, type EvalQuery } from '../src/eval/query-set.ts';
import { resolveGold, runEval } from '../src/eval/run-eval.ts';
import { Searcher } from '../src/search/searcher.ts';
import { embeddedSnapshot } from '../src/backend/embedded/open.ts';
import { loadIndex, readAll } from '../src/store/index-store.ts';
import { REPO_ROOT, withShippedCorpus } from './helpers/shipped-corpus.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const small = path.join(here, 'fixtures', 'eval-small');
const corpus = path.join(here, 'fixtures', 'eval-corpus');
const bin = path.join(here, '..', 'bin', 'sanad.js');

test('a passage set becomes one document per passage, and lexical ranks follow the query words', async () => {
  const opened = await openPool({ kind: 'passages', files: [path.join(small, 'passages.jsonl')] }, { flags: {}, env: {}, lexicalOnly: true });
  try {
    assert.deepEqual(
      [opened.summary.kind, opened.summary.documents, opened.summary.passages, opened.summary.coverage?.min],
      ['passage-set', 5, 5, 1],
    );
    const queries = await readQueries(path.join(small, 'queries.jsonl'));
    const [lexical, semantic] = await runEval(opened.searcher, queries, opened.pool, { modes: ['lexical', 'semantic'], k: 10 });
    assert.ok(lexical && semantic);
    // q1–q4 share most of their words with their gold passage; q5 is English (no shared word);
    // q6's gold (a2) shares no word with it.
    assert.deepEqual(lexical.perQuery.map((q) => q.rank), [1, 1, 1, 1, 0, 0]);
    assert.deepEqual(lexical.rankings.get('q1')?.[0], 'a3');
    // a1 shares three words with q6; f1 shares one (Persian وزیر folds to Arabic وزير).
    assert.deepEqual(lexical.rankings.get('q6'), ['a1', 'f1']);
    const all = lexical.rows.find((r) => r.pair === 'ALL');
    assert.deepEqual([all?.n, all?.r1, all?.r10, all?.mrr10], [6, 4 / 6, 4 / 6, 4 / 6]);
    // Without a model, "semantic" is ranked lexically, and the result says so.
    assert.equal(semantic.rankedBy, 'lexical');
    assert.match(semantic.notice ?? '', /lexical/);
    assert.deepEqual(semantic.perQuery.map((q) => q.rank), [1, 1, 1, 1, 0, 0]);
  } finally {
    await opened.close();
  }
});

test('gold ids missing from the pool are an error that lists them', async () => {
  const opened = await openPool({ kind: 'passages', files: [path.join(small, 'passages.jsonl')] }, { flags: {}, env: {}, lexicalOnly: true });
  try {
    const queries: EvalQuery[] = [
      { id: 'ok', lang: 'ar', query: 'حميميم', gold: ['a3'] },
      { id: 'bad1', lang: 'ar', query: 'x', gold: ['a3', 'zz-404'] },
      { id: 'bad2', lang: 'fa', query: 'y', gold: ['a3.txt'] },
    ];
    await assert.rejects(
      runEval(opened.searcher, queries, opened.pool, { modes: ['lexical'], k: 10 }),
      (err: unknown) =>
        err instanceof EvalInputError &&
        err.message.startsWith('2 gold id(s) are not in the pool of 5 documents: bad1 → zz-404, bad2 → a3.txt; each gold id must be the id of a passage'),
    );
  } finally {
    await opened.close();
  }
});

async function corpusPool(): Promise<{ pool: EvalPool; searcher: Searcher; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'sanad-eval-test-'));
  await buildIndex({ corpusDir: corpus, indexDir: dir, embedder: null });
  const index = await loadIndex(dir);
  return { pool: new EvalPool(readAll(index)), searcher: new Searcher(embeddedSnapshot(index), null), dir };
}

test('over an index, gold ids are citation ids (a split paragraph by its number) or document ids', async () => {
  const { pool, dir } = await corpusPool();
  try {
    assert.deepEqual(pool.resolve('a.txt#p2'), { kind: 'passage', citation: 'a.txt#p2', docId: 'a.txt' });
    assert.deepEqual(pool.resolve('a.txt#p2.2'), { kind: 'passage', citation: 'a.txt#p2.2', docId: 'a.txt' });
    assert.deepEqual(pool.resolve('b.txt'), { kind: 'document', docId: 'b.txt' });
    assert.deepEqual(pool.resolve('b'), { kind: 'document', docId: 'b.txt' });
    assert.equal(pool.resolve('a.txt#p9'), undefined);
    assert.equal(pool.resolve('c.txt'), undefined);
    assert.equal(pool.lang('a.txt#p2'), 'ar');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('over an index: parts, folded copies (also_in) and documents all credit their gold', async () => {
  const { pool, searcher, dir } = await corpusPool();
  try {
    const queries: EvalQuery[] = [
      // A sentence of the first part of the split paragraph a.txt#p2.
      { id: 'part', lang: 'ar', query: 'حقول النفط والغاز', gold: ['a.txt#p2'] },
      // The paragraph both articles reprint: a.txt#p1 ranks first (same score, lower ordinal) and
      // carries b.txt#p1 in also_in, which is the gold.
      { id: 'copy', lang: 'ar', query: 'الشراكة العسكرية والتقنية وتحديث العتاد', gold: ['b.txt#p1'] },
      { id: 'doc', lang: 'ar', query: 'أوضاع اللاجئين على الحدود', gold: ['b'] },
      { id: 'last', lang: 'ar', query: 'قاعدة حميميم', gold: ['a.txt#p3'] },
    ];
    const [lexical] = await runEval(searcher, queries, pool, { modes: ['lexical'], k: 10 });
    assert.deepEqual(lexical?.perQuery.map((q) => [q.id, q.rank]), [['part', 1], ['copy', 1], ['doc', 1], ['last', 1]]);
    assert.deepEqual(lexical?.rankings.get('copy')?.[0], 'b.txt#p1');
    const response = await searcher.search(queries[1]?.query ?? '', { mode: 'lexical', k: 10 });
    assert.deepEqual([response.results[0]?.citation, response.results[0]?.alsoIn], ['a.txt#p1', ['b.txt#p1']]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('ranked ids: a gold id once, at the first hit that cites it; other hits by document or citation', () => {
  const pool = new EvalPool(
    { documents: [], passages: [] },
    { poolIdOfDoc: new Map([['x.txt', 'x'], ['y.txt', 'y'], ['g.txt', 'g']]), langOfPoolId: new Map() },
  );
  const hit = (citation: string, alsoIn: string[] = []) => ({ citation, docId: citation.split('#')[0] ?? '', alsoIn });
  const docGold: Array<{ id: string; ref: GoldRef }> = [{ id: 'g', ref: { kind: 'document', docId: 'g.txt' } }];
  // Two passages of x collapse into one rank; the y hit cites g through a folded copy, so it is
  // ranked as g, and the later hit on g itself adds nothing.
  assert.deepEqual(rankedIds([hit('x.txt#p1'), hit('x.txt#p2'), hit('y.txt#p1', ['g.txt#p4']), hit('g.txt#p1')], docGold, pool), ['x', 'g']);
  const citeGold: Array<{ id: string; ref: GoldRef }> = [{ id: 'g.txt#p2', ref: { kind: 'passage', citation: 'g.txt#p2', docId: 'g.txt' } }];
  assert.deepEqual(rankedIds([hit('g.txt#p1'), hit('g.txt#p20'), hit('g.txt#p2.3')], citeGold, pool), ['g.txt#p1', 'g.txt#p20', 'g.txt#p2']);
});

test('passage ids that are not plain names still get one file each', () => {
  assert.equal(passageFileName('xquad-ar-0001'), 'xquad-ar-0001.txt');
  assert.match(passageFileName('a/b:c'), /^a_b_c-[0-9a-f]{12}\.txt$/);
  assert.notEqual(passageFileName('a/b'), passageFileName('a:b'));
  assert.equal(resolveGold([], new EvalPool({ documents: [], passages: [] })).length, 0);
});

test('the command prints JSON, writes rankings the reference scorer agrees with, and fails on unknown gold', async () => {
  const out = await mkdtemp(path.join(tmpdir(), 'sanad-eval-cli-'));
  try {
    const args = ['eval', '--queries', path.join(small, 'queries.jsonl'), '--passages', path.join(small, 'passages.jsonl')];
    const { stdout } = await run(process.execPath, [bin, ...args, '--lexical-only', '--modes', 'lexical', '--json', '--quiet', '--results', path.join(out, 'run.jsonl')]);
    const report = JSON.parse(stdout) as { modes: Array<{ mode: string; ranked_by: string; rows: Array<Record<string, unknown>> }> };
    assert.deepEqual(report.modes.map((m) => [m.mode, m.ranked_by]), [['lexical', 'lexical']]);
    assert.deepEqual(report.modes[0]?.rows.at(-1), { pair: 'ALL', n: 6, 'R@1': 0.667, 'R@5': 0.667, 'R@10': 0.667, 'MRR@10': 0.667, 'nDCG@10': 0.667, missing: 0 });
    const rankings = await readFile(path.join(out, 'run.lexical.jsonl'), 'utf8');
    assert.equal(rankings.split('\n')[0], '{"id":"q1","ranked":["a3","f2"]}');
    const ref = await run(process.execPath, [path.join(here, 'fixtures', 'eval-reference', 'score.js'), path.join(small, 'queries.jsonl'), path.join(out, 'run.lexical.jsonl'), '--json']);
    const refAll = (JSON.parse(ref.stdout) as { rows: Array<Record<string, unknown>> }).rows.at(-1);
    assert.deepEqual([refAll?.['R@1'], refAll?.['MRR@10']], [4 / 6, 4 / 6]);

    const bad = path.join(out, 'bad.jsonl');
    await import('node:fs/promises').then((fs) => fs.writeFile(bad, '{"id":"b1","query":"حميميم","gold":["nope"]}\n'));
    await assert.rejects(
      run(process.execPath, [bin, 'eval', '--queries', bad, '--passages', path.join(small, 'passages.jsonl'), '--lexical-only', '--quiet']),
      (err: unknown) => {
        const e = err as { code?: number; stderr?: string };
        return e.code === 1 && /sanad eval: 1 gold id\(s\) are not in the pool of 5 documents: b1 → nope;/.test(e.stderr ?? '');
      },
    );
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('every gold id of eval/corpus-queries.jsonl names a passage of the shipped corpus', async () => {
  await withShippedCorpus(async (pool, searcher) => {
    const queries = await readQueries(path.join(REPO_ROOT, 'eval', 'corpus-queries.jsonl'));
    assert.deepEqual(
      [queries.length, queries.filter((q) => q.lang === 'en').length, queries.filter((q) => q.lang === 'ar').length, queries.filter((q) => q.lang === 'fa').length],
      [16, 7, 5, 4],
    );
    assert.equal(resolveGold(queries, pool).length, 16); // throws, listing them, if any id is stale
    // Keyword search alone answers every Arabic and Persian question at rank 1.
    const [lexical] = await runEval(searcher, queries, pool, { modes: ['lexical'], k: 10 });
    const ranks = lexical?.perQuery.filter((q) => !q.id.startsWith('en-')).map((q) => q.rank);
    assert.deepEqual(ranks, [1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
});

test('mode lists and per-mode rankings file names', async () => {
  const { parseModes, rankingsFile } = await import('../src/commands/eval-command.ts');
  assert.deepEqual(parseModes(undefined), ['hybrid', 'semantic', 'lexical']);
  assert.deepEqual(parseModes('lexical, hybrid,lexical'), ['lexical', 'hybrid']);
  assert.throws(() => parseModes('hybrid,bm25'), /--modes takes hybrid, semantic and\/or lexical, comma-separated \(got "bm25"\)/);
  assert.throws(() => parseModes(','), /at least one/);
  assert.equal(rankingsFile('out/run.jsonl', 'hybrid'), 'out/run.hybrid.jsonl');
  assert.equal(rankingsFile('out/run', 'lexical'), 'out/run.lexical.jsonl');
});
