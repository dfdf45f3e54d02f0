import assert from 'node:assert/strict';
import { mkdir, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';
import { isCorpusPath, watchCorpus, type CorpusWatcher } from '../src/mcp/watch.ts';
import { EXTRA, makeCorpus, waitFor, type TempCorpus } from './helpers/serve-fixture.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function watched(debounceMs = 100) {
  const c: TempCorpus = await makeCorpus('sanad-watch-');
  cleanups.push(c.cleanup);
  await buildIndex({ corpusDir: c.corpusDir, indexDir: c.indexDir, embedder: createFakeEmbedder() });
  const logs: string[] = [];
  const live = await LiveIndex.open({ corpusDir: c.corpusDir, indexDir: c.indexDir, embedder: createFakeEmbedder(), log: (l) => logs.push(l) });
  cleanups.push(() => live.close());
  const batches: string[][] = [];
  const watcher: CorpusWatcher = watchCorpus({
    corpusDir: c.corpusDir,
    debounceMs,
    log: (l) => logs.push(l),
    onChange: (changed) => {
      batches.push(changed);
      return live.reindex();
    },
  });
  cleanups.push(() => watcher.close());
  await watcher.ready;
  return { c, live, logs, batches };
}

const lexical = async (live: LiveIndex, q: string) =>
  (await live.current().search(q, { k: 5, mode: 'lexical' })).results.map((h) => h.citation);

describe('isCorpusPath', () => {
  test('accepts corpus extensions in visible folders only', () => {
    const cases: Array<[string, boolean, boolean]> = [
      ['a.txt', false, true],
      ['sub/b.MD', false, true],
      ['c.html', false, true],
      ['c.htm', false, true],
      ['notes.pdf', false, false],
      ['.hidden.txt', false, false],
      ['.git/x.txt', false, false],
      ['sub/.cache/y.md', false, false],
      ['sub', true, true],
      ['.git', true, false],
    ];
    assert.deepEqual(
      cases.map(([p, dir]) => isCorpusPath(p, dir)),
      cases.map(([, , want]) => want),
    );
  });
});

describe('serve --watch', () => {
  test('a file added to the corpus becomes searchable; ignored files do not count', async () => {
    const { c, live, batches, logs } = await watched();
    await writeFile(path.join(c.corpusDir, '.draft.txt'), 'hidden zebrafinch\n');
    await writeFile(path.join(c.corpusDir, 'scan.pdf'), 'zebrafinch');
    await mkdir(path.join(c.corpusDir, '.git'));
    await writeFile(path.join(c.corpusDir, '.git', 'HEAD.txt'), 'zebrafinch');
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);

    const hits = await waitFor('the new file to be searchable', async () => {
      const found = await lexical(live, 'zebrafinch');
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(hits, ['en-zebra.txt#p1']);
    assert.deepEqual(batches, [[EXTRA.name]]);
    assert.equal(live.status().documents, 4);
    assert.equal(logs.includes(`corpus changed (${EXTRA.name}); reindexing`), true);
  });

  test('a burst of changes is debounced into one reindex, and removals are seen', async () => {
    const { c, live, batches } = await watched(600);
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);
    await mkdir(path.join(c.corpusDir, 'sub'));
    await writeFile(path.join(c.corpusDir, 'sub', 'more.md'), '# Kestrel survey\n\nKestrel pairs nested on the tower.\n');
    await unlink(path.join(c.corpusDir, 'en-port.txt'));

    await waitFor('one reindex with all three changes', () => (live.status().lastReindex?.rebuilt ? true : undefined));
    assert.deepEqual(batches, [['en-port.txt', EXTRA.name, 'sub/more.md']]);
    const summary = live.status().lastReindex;
    assert.deepEqual([summary?.added, summary?.removed], [[EXTRA.name, 'sub/more.md'], ['en-port.txt']]);
    assert.deepEqual(await lexical(live, 'dockworkers'), []);
    assert.deepEqual(await lexical(live, 'kestrel'), ['sub/more.md#p1']);
  });

  test('a failing reindex is logged and watching goes on', async () => {
    const c = await makeCorpus('sanad-watch-fail-');
    cleanups.push(c.cleanup);
    const logs: string[] = [];
    let calls = 0;
    const watcher = watchCorpus({
      corpusDir: c.corpusDir,
      debounceMs: 50,
      log: (l) => logs.push(l),
      onChange: () => {
        calls++;
        return Promise.reject(new Error(`disk full (${calls})`));
      },
    });
    cleanups.push(() => watcher.close());
    await watcher.ready;
    await writeFile(path.join(c.corpusDir, 'a-new.txt'), 'One\nTwo.\n');
    await waitFor('the first failure', () => (calls === 1 && logs.length >= 2 ? true : undefined));
    await writeFile(path.join(c.corpusDir, 'b-new.txt'), 'Three\nFour.\n');
    await waitFor('the second failure', () => (calls === 2 && logs.length >= 4 ? true : undefined));
    assert.deepEqual(logs, [
      'corpus changed (a-new.txt); reindexing',
      'reindex after a corpus change failed: disk full (1)',
      'corpus changed (b-new.txt); reindexing',
      'reindex after a corpus change failed: disk full (2)',
    ]);
  });
});
