// The reranking flags through the real `sanad` command: `search` with a TEI-style fake server (the
// exact reranked order), `eval` with the tiny local cross-encoder (every query reranked, counted in
// the report), and a setting given without a provider refused with the flag to add.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openEmbeddedSnapshot } from '../src/backend/embedded/open.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { Searcher } from '../src/search/searcher.ts';
import { lengthScore, startFakeRerankServer, type FakeRerankServer } from './helpers/fake-rerank-server.ts';
import { FIXTURE_CORPUS } from './helpers/fixture-index.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'sanad.js');
const small = path.join(here, 'fixtures', 'eval-small');
const TINY = path.join(here, 'fixtures', 'tiny-reranker');
const QUERY = 'المياه دمشق';

let root: string;
let indexDir: string;
let fake: FakeRerankServer;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-rerank-cli-'));
  const corpusDir = path.join(root, 'corpus');
  indexDir = path.join(root, 'index');
  await cp(FIXTURE_CORPUS, corpusDir, { recursive: true });
  await buildIndex({ corpusDir, indexDir, embedder: null });
  fake = await startFakeRerankServer();
});
after(async () => {
  await fake.close();
  await rm(root, { recursive: true, force: true });
});

// The three commands run side by side: each is a node process that needs a second or two to start.
test('search reranks with a tei server, eval with a local cross-encoder, and a stray setting is refused', async () => {
  const env = { ...process.env, HF_HUB_OFFLINE: '1' };
  const search = run(
    process.execPath,
    [bin, 'search', QUERY, '--index', indexDir, '--k', '6', '--json', '--rerank-provider', 'http', '--rerank-api', 'tei', '--rerank-url', fake.url, '--rerank-top', '3'],
    { env },
  );
  const evaluation = run(
    process.execPath,
    [
      bin, 'eval', '--queries', path.join(small, 'queries.jsonl'), '--passages', path.join(small, 'passages.jsonl'),
      '--lexical-only', '--modes', 'lexical', '--json', '--quiet', '--rerank-provider', 'transformers', '--rerank-model', TINY, '--rerank-top', '5',
    ],
    { env },
  );
  const refused = run(process.execPath, [bin, 'search', QUERY, '--index', indexDir, '--rerank-model', 'bge-reranker-v2-m3'], { env }).then(
    () => assert.fail('expected a refusal'),
    (err: { code?: number; stderr?: string }) => err,
  );

  // search: the first three lexical results longest first, then the rest as fused.
  const fused = (await new Searcher(await openEmbeddedSnapshot(indexDir), null).search(QUERY, { k: 6 })).results;
  const window = fused.slice(0, 3).map((h, i) => ({ h, i })).sort((a, b) => lengthScore(b.h.text) - lengthScore(a.h.text) || a.i - b.i).map((x) => x.h);
  const { stdout } = await search;
  const out = JSON.parse(stdout) as { mode: string; results: Array<{ citation: string; rerank_score?: number }>; rerank: unknown };
  assert.deepEqual(out.results.map((r) => r.citation), [...window, ...fused.slice(3)].map((h) => h.citation));
  assert.deepEqual(out.results.map((r) => r.rerank_score), [...window.map((h) => lengthScore(h.text)), ...fused.slice(3).map(() => undefined)]);
  assert.deepEqual(out.rerank, { by: `http tei server default at ${fake.url}/rerank`, applied: true, candidates: 3 });
  assert.deepEqual(fake.seen.map((s) => s.body), [{ query: QUERY, texts: fused.slice(0, 3).map((h) => h.text), truncate: true }]);

  // eval: every query reranked by the local model; within a pool of five, recall@10 cannot move.
  const report = JSON.parse((await evaluation).stdout) as { reranker: string; modes: Array<{ not_reranked?: number; rows: Array<Record<string, unknown>> }> };
  assert.equal(report.reranker, 'transformers tiny-reranker (q8), first 5 fused results');
  assert.equal(report.modes[0]?.not_reranked, 0);
  assert.equal(report.modes[0]?.rows.at(-1)?.['R@10'], 0.667);

  const err = await refused;
  assert.equal(err.code, 1);
  assert.equal(
    err.stderr?.trim(),
    'sanad search: invalid reranking settings:\n  - --rerank-model is set but reranking is off: add --rerank-provider http or transformers (SANAD_RERANK_PROVIDER)',
  );
});
