// kill -9 at random moments while `sanad index` writes a segment, marks deletions and merges:
// whatever the moment, the index folder loads, whole, at the state before or after that run, and
// the next run finishes the job and clears what the killed ones left. (npm run test:crash)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { prng } from '../../bench/synthetic.ts';
import { createFakeEmbedder } from '../../src/embed/fake.ts';
import { buildIndex } from '../../src/indexer/build-index.ts';
import { MERGE_FACTOR, pickMerge } from '../../src/indexer/merge-policy.ts';
import { loadIndex, readAll, releaseIndex } from '../../src/store/index-store.ts';
import { changingCorpus, type ChangingCorpus } from '../helpers/segment-corpus.ts';

let c: ChangingCorpus;
let indexDir: string;
const cli = path.resolve('bin/sanad.js');

before(async () => {
  c = await changingCorpus('sanad-crash-');
  indexDir = path.join(c.root, 'index');
  for (let i = 0; i < 60; i++) await c.write(i);
  await buildIndex({ corpusDir: c.corpusDir, indexDir, embedder: createFakeEmbedder(), merge: false });
  // Level-0 segments one short of a merge: the next run publishes one more, then merges ten.
  for (let i = 60; i < 60 + MERGE_FACTOR - 2; i++) {
    await c.write(i);
    await buildIndex({ corpusDir: c.corpusDir, indexDir, embedder: createFakeEmbedder(), merge: false });
  }
});
after(() => c.cleanup());

/** Runs `sanad index` (fake embedder), killing it with SIGKILL after `killAfterMs` if given. */
function run(killAfterMs?: number): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cli, 'index', '--provider', 'fake', '--corpus', c.corpusDir, '--index', indexDir], { stdio: 'ignore' });
    const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - started, code });
    });
  });
}

/** The documents the index serves, checked whole (every segment and deletion file verifies). */
async function servedDocuments(): Promise<string[]> {
  const index = await loadIndex(indexDir);
  try {
    assert.equal(index.fallbackReason, undefined);
    const { documents, passages } = readAll(index);
    assert.equal(passages.length, index.manifest.counts.passages);
    return documents.map((d) => d.path).sort();
  } finally {
    releaseIndex(index);
  }
}

test('an index killed at random moments of segment writes and merges always loads whole', async () => {
  const rnd = prng(20261130);
  await c.write(100);
  const timed = await run();
  assert.equal(timed.code, 0);
  let expected = await servedDocuments();
  assert.ok(expected.includes('gen-100.txt'));
  for (let round = 0; round < 8; round++) {
    // Each round changes the corpus (an article added, one edited, one removed) and kills the
    // run somewhere between its start and a little past the time a whole run took.
    const before = expected;
    await c.write(101 + round);
    await c.write(round * 3, 1);
    await c.remove(round * 3 + 1);
    await run(Math.round(timed.ms * (0.2 + rnd() * 1.0)));
    const served = await servedDocuments();
    const afterRun = [...before.filter((p) => p !== `gen-${String(round * 3 + 1).padStart(3, '0')}.txt`), `gen-${101 + round}.txt`].sort();
    assert.ok(JSON.stringify(served) === JSON.stringify(before) || JSON.stringify(served) === JSON.stringify(afterRun), `round ${round}: ${served.length} documents`);
    expected = afterRun;
    // Bring it to the new state before the next round: the run after a kill takes over the lock.
    assert.equal((await run()).code, 0);
    assert.deepEqual(await servedDocuments(), expected);
  }
  const index = await loadIndex(indexDir);
  try {
    assert.equal(pickMerge(index.manifest.segments), null, 'merges caught up');
  } finally {
    releaseIndex(index);
  }
  assert.deepEqual((await readdir(indexDir)).filter((n) => n.startsWith('.tmp-')), []);
});
