import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { EmbedderUnavailableError } from '../src/embed/embedder.ts';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { LiveIndex, MODEL_LOADING_NOTICE, VECTORS_PENDING_NOTICE } from '../src/mcp/live-index.ts';
import { IndexLockedError } from '../src/store/lock.ts';
import { corruptCurrent, countingBuild, EXTRA, gate, makeCorpus, slowModel, slowPassages, waitFor, type TempCorpus } from './helpers/serve-fixture.ts';

const open: LiveIndex[] = [];
const corpora: TempCorpus[] = [];

afterEach(async () => {
  for (const live of open.splice(0)) await live.close();
  for (const c of corpora.splice(0)) await c.cleanup();
});

/** A corpus with a hybrid index already built by the fake embedder. */
async function builtCorpus(): Promise<TempCorpus> {
  const c = await makeCorpus();
  corpora.push(c);
  await buildIndex({ corpusDir: c.corpusDir, indexDir: c.indexDir, embedder: createFakeEmbedder() });
  return c;
}

async function openLive(c: TempCorpus, extra: Partial<Parameters<typeof LiveIndex.open>[0]> = {}, logs: string[] = []) {
  const live = await LiveIndex.open({
    corpusDir: c.corpusDir,
    indexDir: c.indexDir,
    embedder: createFakeEmbedder(),
    log: (line) => logs.push(line),
    ...extra,
  });
  open.push(live);
  return live;
}

async function citations(live: LiveIndex, query: string, mode: 'lexical' | 'hybrid' = 'lexical'): Promise<string[]> {
  const r = await live.current().search(query, { k: 5, mode });
  return r.results.map((h) => h.citation);
}

const currentVersion = async (indexDir: string) => (await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim();

describe('LiveIndex opening a stale index', () => {
  test('rebuilds an index segmented by another version, says so, and embeds nothing', async () => {
    const c = await builtCorpus();
    const version = await currentVersion(c.indexDir);
    const manifestFile = path.join(c.indexDir, version, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestFile, JSON.stringify({ ...manifest, segmenterVersion: 0 }));
    const logs: string[] = [];
    const embedder = createFakeEmbedder();
    const live = await openLive(c, { embedder }, logs);
    assert.match(logs[0] ?? '', /cannot be used \(the index at .* was built with segmenter version 0 \(this sanad uses \d+\).*\); rebuilding it from /);
    assert.notEqual(live.status().version, version);
    // Same texts, so every vector was reused and the model was never asked for one.
    assert.equal(embedder.stats.passageTexts, 0);
    const r = await live.current().search('dockworkers', { k: 1 });
    assert.deepEqual([r.mode, r.results[0]?.citation], ['hybrid', 'en-port.txt#p1']);
  });
});

describe('LiveIndex reindex is serialized', () => {
  test('calls made together share one build', async () => {
    const c = await builtCorpus();
    const counter = countingBuild();
    const live = await openLive(c, { build: counter.build });
    const [a, b, d] = [live.reindex(), live.reindex(), live.reindex()];
    assert.equal(a, b);
    assert.equal(b, d);
    const summary = await a;
    assert.equal(counter.count, 1);
    assert.equal(summary.rebuilt, false);
    assert.deepEqual(live.status().lastReindex, summary);
  });

  test('calls arriving during a build share exactly one more build, which sees their change', async () => {
    const c = await builtCorpus();
    const counter = countingBuild();
    const live = await openLive(c, { build: counter.build });
    const held = counter.hold();
    const first = live.reindex();
    await held.paused;
    assert.equal(live.status().reindexing, true);
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);
    const second = live.reindex();
    const third = live.reindex();
    assert.equal(second, third);
    assert.notEqual(first, second);
    held.release();
    const [s1, s2] = await Promise.all([first, second]);
    assert.equal(counter.count, 2);
    assert.deepEqual([s1.rebuilt, s1.added], [false, []]);
    assert.deepEqual([s2.rebuilt, s2.added], [true, [EXTRA.name]]);
    assert.equal(live.status().reindexing, false);
    assert.equal(live.status().documents, 4);
  });
});

describe('LiveIndex swaps snapshots atomically', () => {
  test('searches during a reindex answer from the old snapshot, after it from the new one', async () => {
    const c = await builtCorpus();
    const counter = countingBuild();
    const live = await openLive(c, { build: counter.build });
    await live.startModel();
    const oldVersion = live.status().version;
    const heldSearcher = live.current();
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);

    const held = counter.hold();
    const pending = live.reindex();
    await held.paused;
    // The new version is published on disk, but not yet swapped in.
    assert.notEqual(await currentVersion(c.indexDir), oldVersion);
    assert.equal(live.status().version, oldVersion);
    assert.deepEqual(await citations(live, 'zebrafinch'), []);
    assert.equal(live.current(), heldSearcher);
    held.release();
    const summary = await pending;

    assert.equal(live.status().version, summary.version);
    assert.equal(await currentVersion(c.indexDir), summary.version);
    assert.deepEqual(await citations(live, 'zebrafinch'), ['en-zebra.txt#p1']);
    assert.deepEqual((await live.current().search('zebrafinch', { k: 2 })).mode, 'hybrid');
    // A searcher taken before the swap keeps answering from its own version.
    assert.deepEqual((await heldSearcher.search('zebrafinch', { k: 5, mode: 'lexical' })).results, []);
  });
});

describe('LiveIndex with a damaged index', () => {
  test('falls back to the older version with a warning, and reindex repairs it', async () => {
    const c = await builtCorpus();
    const older = await currentVersion(c.indexDir);
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);
    await buildIndex({ corpusDir: c.corpusDir, indexDir: c.indexDir, embedder: createFakeEmbedder() });
    const damaged = await corruptCurrent(c.indexDir);
    const logs: string[] = [];
    const live = await openLive(c, {}, logs);

    const status = live.status();
    assert.equal(status.version, older);
    assert.equal(status.documents, 3);
    assert.match(status.warning ?? '', new RegExp(`current index ${damaged} is unreadable \\(.*seg-\\d+\\.psg is damaged \\(not a sanad index file\\).*\\); serving the older ${older}`));
    assert.equal(logs.some((l) => l.startsWith('warning: the current index')), true);
    assert.deepEqual(await citations(live, 'zebrafinch'), []);

    const summary = await live.reindex();
    assert.equal(summary.rebuilt, true);
    assert.deepEqual(summary.added, [EXTRA.name]);
    const repaired = live.status();
    assert.equal(repaired.warning, undefined);
    assert.equal(repaired.version, summary.version);
    assert.equal(repaired.documents, 4);
    assert.deepEqual(await citations(live, 'zebrafinch'), ['en-zebra.txt#p1']);
  });

  test('with no older version to fall back to, open rebuilds it from the corpus', async () => {
    const c = await builtCorpus();
    const damaged = await corruptCurrent(c.indexDir);
    const logs: string[] = [];
    const counter = countingBuild();
    const live = await openLive(c, { build: counter.build }, logs);
    assert.equal(counter.count, 1);
    assert.match(logs[0] ?? '', /^the index at .* cannot be used \(the index at .* is damaged: .*seg-\d+\.psg is damaged \(not a sanad index file\)/);
    const status = live.status();
    assert.notEqual(status.version, damaged);
    assert.deepEqual([status.documents, status.warning], [3, undefined]);
    assert.deepEqual(await citations(live, 'dockworkers cranes'), ['en-port.txt#p1']);
  });
});

describe('LiveIndex and the writer lock', () => {
  test('a second LiveIndex whose reindex meets the lock reports it, keeps answering, and reloads when the winner publishes', async () => {
    const c = await builtCorpus();
    const release = gate();
    const embedding = gate();
    const first = await openLive(c, { embedder: slowPassages(createFakeEmbedder(), release.wait, embedding.open) });
    const logs: string[] = [];
    const second = await openLive(c, { lockPollMs: 20 }, logs);
    const before = second.status().version;
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);

    const building = first.reindex();
    await embedding.wait; // the first build now holds the lock
    try {
      await assert.rejects(second.reindex(), (err: unknown) => {
        assert.ok(err instanceof IndexLockedError);
        assert.equal(err.holderPid, process.pid);
        return true;
      });
      const status = second.status();
      assert.match(
        status.lastReindexError ?? '',
        /^reindex postponed: the index at .* is being rebuilt by another sanad process \(pid \d+ .*; searches keep answering from version v-.*, and this server rebuilds and reloads once that build ends$/,
      );
      assert.equal(status.reindexing, false);
      assert.deepEqual(await citations(second, 'dockworkers cranes'), ['en-port.txt#p1']);
      assert.equal(second.status().version, before);
    } finally {
      release.open();
    }
    const summary = await building;
    assert.deepEqual(summary.added, [EXTRA.name]);
    // Nobody calls reindex on the second one again: it notices the lock is free and catches up.
    await waitFor('the second server to load the published version', () => (second.status().version === summary.version ? true : undefined));
    await waitFor('the catch-up rebuild to finish', () => (second.status().lastReindex ? true : undefined));
    assert.deepEqual([second.status().lastReindex?.rebuilt, second.status().lastReindexError], [false, undefined]);
    assert.deepEqual(await citations(second, 'zebrafinch'), ['en-zebra.txt#p1']);
    assert.ok(logs.some((l) => l.startsWith('the other build has ended; rebuilding')));
  });
});

describe('LiveIndex model loading', () => {
  test('open does not wait for the model; searches wait a bounded time, then answer lexically', async () => {
    const c = await builtCorpus();
    const loaded = gate();
    const live = await openLive(c, { embedder: slowModel(createFakeEmbedder(), loaded.wait), modelWaitMs: 30 });
    assert.equal(live.status().modelState, 'none');
    const starting = live.startModel();
    assert.equal(live.status().modelState, 'loading');
    assert.match(live.status().semanticUnavailable ?? '', /^the embedding model is loading; semantic searches wait up to 0 s/);

    const early = await live.current().search('dockworkers', { k: 2 });
    assert.deepEqual([early.mode, early.requestedMode, early.notice], ['lexical', 'hybrid', MODEL_LOADING_NOTICE]);
    assert.deepEqual(early.results.map((h) => h.citation), ['en-port.txt#p1']);

    // A search that is waiting when the model arrives gets hybrid ranking.
    const patient = await openLive(c, { embedder: slowModel(createFakeEmbedder(), loaded.wait), modelWaitMs: 5000 });
    const waiting = patient.current().search('dockworkers', { k: 2 });
    loaded.open();
    await starting;
    assert.equal((await waiting).mode, 'hybrid');
    assert.deepEqual([live.status().modelState, live.status().mode, live.status().semanticUnavailable], ['ready', 'hybrid', undefined]);
    const late = await live.current().search('dockworkers', { k: 2 });
    assert.deepEqual([late.mode, late.notice], ['hybrid', undefined]);
  });

  test('a model that fails to load leaves lexical search with the reason in status', async () => {
    const c = await builtCorpus();
    const failure = new EmbedderUnavailableError('model files missing; run once online or set SANAD_MODEL to a local folder');
    const live = await openLive(c, { embedder: slowModel(createFakeEmbedder(), Promise.resolve(), failure) });
    await live.startModel();
    const status = live.status();
    assert.deepEqual([status.modelState, status.mode], ['failed', 'lexical']);
    assert.equal(status.semanticUnavailable, `the embedding model could not be loaded: ${failure.message}`);
    const r = await live.current().search('dockworkers', { k: 1 });
    assert.deepEqual([r.mode, r.results.map((h) => h.citation)], ['lexical', ['en-port.txt#p1']]);
  });

  test('a missing index is built lexical-first, then gets vectors once the model is ready', async () => {
    const c = await makeCorpus();
    corpora.push(c);
    const counter = countingBuild();
    const logs: string[] = [];
    const live = await openLive(c, { build: counter.build }, logs);
    assert.equal(counter.count, 1);
    assert.match(logs[0] ?? '', /^no index at .* yet; building it from /);
    assert.deepEqual(
      [live.status().mode, live.status().model, live.status().semanticUnavailable],
      ['lexical', undefined, 'this index has no vectors yet; they are added in the background once the model has loaded'],
    );
    const early = await live.current().search('dockworkers', { k: 1 });
    assert.deepEqual([early.mode, early.notice, early.results.map((h) => h.citation)], ['lexical', VECTORS_PENDING_NOTICE, ['en-port.txt#p1']]);
    await live.startModel();
    const upgrade = await live.reindex(); // joins the background upgrade that startModel scheduled
    assert.equal(counter.count, 2);
    assert.deepEqual([upgrade.rebuilt, upgrade.mode, upgrade.embedded], [true, 'hybrid', 7]);
    const status = live.status();
    assert.deepEqual([status.mode, status.model, status.dimension, status.documents, status.passages], ['hybrid', 'fake:fake-hash-64', 64, 3, 7]);
  });
});
