// Retrieval quality with the real model, as regression thresholds: the shipped corpus indexed with
// multilingual-e5-small (SANAD_TEST_MODEL_DIR, a transformers.js folder; .ci/run provisions one
// when it can), the cross-language question set and the seed questions, hybrid mode. Skipped, with
// the reason, when no model folder is given: the model cannot be shipped with the tests.
//
// Thresholds sit a little under what was measured (BENCHMARKS.md, "Retrieval quality"), so that
// the run-to-run noise of the int8 model passes and a real regression does not. They are not the
// targets: issue 9 asks R@5 ≥ 0.95 per query language, which this model does not reach yet.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPool, type OpenedPool } from '../../src/eval/open-pool.ts';
import { readQueries } from '../../src/eval/query-set.ts';
import { runEval, type ModeResult } from '../../src/eval/run-eval.ts';
import type { MetricsRow } from '../../src/eval/metrics.ts';
import { REPO_ROOT } from '../helpers/shipped-corpus.ts';

const dir = process.env.SANAD_TEST_MODEL_DIR;
const skip =
  dir === undefined || dir === ''
    ? 'SANAD_TEST_MODEL_DIR is not set (point it at a multilingual-e5-small folder to run the real-model checks)'
    : !existsSync(path.join(dir, 'config.json'))
      ? `SANAD_TEST_MODEL_DIR=${dir} has no config.json`
      : false;

let opened: OpenedPool | undefined;

async function hybrid(file: string): Promise<ModeResult> {
  if (!opened) throw new Error('pool not opened');
  const queries = await readQueries(path.join(REPO_ROOT, 'eval', file));
  const [result] = await runEval(opened.searcher, queries, opened.pool, { modes: ['hybrid'], k: 10 });
  if (!result) throw new Error('no result');
  assert.equal(result.rankedBy, 'hybrid', `ranked ${result.rankedBy}: ${result.notice ?? ''}`);
  return result;
}

function row(rows: readonly MetricsRow[], pair: string): MetricsRow {
  const found = rows.find((r) => r.pair === pair);
  if (!found) throw new Error(`no row ${pair} in ${rows.map((r) => r.pair).join(', ')}`);
  return found;
}

function atLeast(r: MetricsRow, metric: 'r5' | 'mrr10', min: number): void {
  assert.ok(r[metric] >= min, `${r.pair}: ${metric} ${r[metric].toFixed(3)} is under ${min} (n ${r.n})`);
}

describe('real model, shipped corpus', { skip }, () => {
  before(async () => {
    opened = await openPool(
      { kind: 'corpus', dir: path.join(REPO_ROOT, 'corpus') },
      { flags: { model: dir ?? '', dtype: process.env.SANAD_TEST_MODEL_DTYPE ?? 'q8' }, env: { ...process.env, HF_HUB_OFFLINE: '1' } },
    );
  });
  after(async () => opened?.close());

  it('cross-language questions: R@5 per query language and for those answered only in another language', async () => {
    const r = await hybrid('xlang-queries.jsonl');
    // Measured 0.800 in each language, cross-language 0.714, MRR@10 0.560 (25 questions a language:
    // one question is 0.04).
    atLeast(row(r.subsets, 'en->*'), 'r5', 0.72);
    atLeast(row(r.subsets, 'ar->*'), 'r5', 0.72);
    atLeast(row(r.subsets, 'fa->*'), 'r5', 0.72);
    atLeast(row(r.subsets, 'cross-language'), 'r5', 0.65);
    atLeast(row(r.rows, 'ALL'), 'mrr10', 0.52);
  });

  it('seed questions: every answer in the top 5', async () => {
    const r = await hybrid('corpus-queries.jsonl');
    // Measured R@5 1.000, MRR@10 0.917 (16 questions: one miss would be 0.9375).
    atLeast(row(r.rows, 'ALL'), 'r5', 0.93);
    atLeast(row(r.rows, 'ALL'), 'mrr10', 0.84);
  });
});
