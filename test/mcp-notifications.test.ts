// What a client hears while the index changes: progress notifications during reindex, a build id
// for a rebuild that outlives the call (followed with index_status), resources/list_changed and a
// log message after every published version whoever caused it (tool, watch, start-up), failures
// and model news in the client log, index_status saying whether the corpus changed since, and
// a version another process published into shared storage served and announced the same way.
// A real LiveIndex and a real SDK Client over an in-memory transport.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import {
  LoggingMessageNotificationSchema,
  ResourceListChangedNotificationSchema,
  type CallToolResult,
  type LoggingMessageNotification,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { EmbedderUnavailableError, type Embedder } from '../src/embed/embedder.ts';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { openEmbeddedSnapshot } from '../src/backend/embedded/open.ts';
import type { IndexStorage } from '../src/backend/storage.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { readCurrentManifest } from '../src/store/index-store.ts';
import { BOOTSTRAP_LEXICAL_REASON, LiveIndex } from '../src/mcp/live-index.ts';
import { createServer } from '../src/mcp/server.ts';
import { watchCorpus } from '../src/mcp/watch.ts';
import { EXTRA, gate, makeCorpus, slowModel, slowPassages, waitFor, type TempCorpus } from './helpers/serve-fixture.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function corpus(built = true): Promise<TempCorpus> {
  const c = await makeCorpus('sanad-notify-');
  cleanups.push(() => c.cleanup());
  if (built) await buildIndex({ corpusDir: c.corpusDir, indexDir: c.indexDir, embedder: createFakeEmbedder() });
  return c;
}

async function live(c: TempCorpus, embedder: Embedder = createFakeEmbedder(), extra: Partial<Parameters<typeof LiveIndex.open>[0]> = {}) {
  const index = await LiveIndex.open({ corpusDir: c.corpusDir, indexDir: c.indexDir, embedder, log: () => {}, ...extra });
  cleanups.push(() => index.close());
  return index;
}

/** A client session with everything it is told recorded. */
async function connect(index: LiveIndex) {
  const server = createServer({ index, log: () => {} });
  const [a, b] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'notify-test', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  const logs: LoggingMessageNotification['params'][] = [];
  let listChanged = 0;
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    logs.push(n.params);
  });
  client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
    listChanged++;
  });
  await client.setLoggingLevel('info');
  await client.listTools();
  const call = async (name: string, args: Record<string, unknown> = {}, onprogress?: (p: Progress) => void) =>
    (await client.callTool({ name, arguments: args }, undefined, onprogress ? { onprogress } : {})) as CallToolResult;
  return { client, logs, listChanged: () => listChanged, call };
}

/** Embeds passages one at a time with a pause between, reporting each: a build long enough to watch. */
function paced(inner: Embedder, ms: number): Embedder {
  return {
    ...inner,
    embedPassages: async (texts, onProgress) => {
      const out: Float32Array[] = [];
      for (const [i, t] of texts.entries()) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        out.push(...(await inner.embedPassages([t])));
        onProgress?.({ done: i + 1, total: texts.length });
      }
      return out;
    },
  };
}

/**
 * Embeds like onnxruntime-node 1.16.3: the work is synchronous and the result comes on
 * process.nextTick, so awaiting one text after another never lets a timer or a request in.
 */
function holdsTheThread(inner: Embedder, msPerText: number, embedded: { count: number }): Embedder {
  const spin = (ms: number) => {
    const until = performance.now() + ms;
    while (performance.now() < until);
  };
  return {
    ...inner,
    embedPassages: async (texts, onProgress) => {
      const out: Float32Array[] = [];
      for (const [i, t] of texts.entries()) {
        spin(msPerText);
        await new Promise<void>((resolve) => process.nextTick(resolve));
        out.push(...(await inner.embedPassages([t])));
        embedded.count++;
        onProgress?.({ done: i + 1, total: texts.length });
      }
      return out;
    },
  };
}

async function addArticles(c: TempCorpus, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    await writeFile(path.join(c.corpusDir, `added-${i}.txt`), `Report ${i} on the zebrafinch census\nVolunteers counted ${i} flocks of zebrafinch along river ${i}.\nA second paragraph, number ${i}, about the count.\n`);
  }
}

describe('reindex progress and long rebuilds', () => {
  test('a progressToken gets progress notifications, rising to 100, through every stage', async () => {
    const c = await corpus();
    const index = await live(c, paced(createFakeEmbedder(), 15));
    await index.startModel();
    const s = await connect(index);
    await addArticles(c, 4);
    const seen: Progress[] = [];
    const r = await s.call('reindex', { wait_seconds: 30 }, (p) => seen.push(p));
    assert.notEqual(r.isError, true, JSON.stringify(r.content));
    const out = r.structuredContent as { state: string; build_id: string; summary: { added: string[]; embedded: number } };
    assert.equal(out.state, 'done');
    assert.equal(out.summary.added.length, 4);
    assert.ok(out.summary.embedded >= 8, `embedded ${out.summary.embedded}`);
    assert.ok(seen.length >= 4, `only ${seen.length} progress notifications`);
    for (let i = 1; i < seen.length; i++) assert.ok((seen[i]?.progress ?? 0) > (seen[i - 1]?.progress ?? 0), 'progress rises strictly');
    assert.ok(seen.every((p) => p.total === 100));
    assert.equal(seen.at(-1)?.progress, 100);
    const messages = seen.map((p) => p.message ?? '');
    assert.ok(messages.some((m) => /^reading files \d+ of 7 \(\d+%\)$/.test(m)), messages.join(' | '));
    assert.ok(messages.some((m) => /^embedding passages \d+ of \d+ \(\d+%/.test(m)), messages.join(' | '));
    assert.ok(messages.some((m) => /^(building the search structures|writing the new version|loading the new version)/.test(m)), messages.join(' | '));
    // The new version was announced to the session too.
    await waitFor('list_changed', () => (s.listChanged() === 1 ? true : undefined));
    assert.match(String(s.logs.at(-1)?.data), /^Reindexed in \d+ ms: 4 added, 0 changed, 0 removed, 0 skipped; \d+ passages embedded/);
  });

  test('a rebuild longer than wait_seconds answers with its build id; index_status follows it to the end', async () => {
    const c = await corpus();
    const hold = gate();
    let started = false;
    const index = await live(c, slowPassages(createFakeEmbedder(), hold.wait, () => (started = true)));
    await index.startModel();
    const s = await connect(index);
    await addArticles(c, 2);
    const r = await s.call('reindex', { wait_seconds: 0 });
    const out = r.structuredContent as { state: string; build_id: string; progress?: { state: string } };
    assert.deepEqual([out.state, out.progress?.state], ['running', 'running']);
    const text = r.content[0]?.type === 'text' ? r.content[0].text : '';
    assert.match(text, new RegExp(`^Rebuild ${out.build_id} is still running: .*Call index_status with build_id "${out.build_id}" to follow it`));

    await waitFor('the embedding to start', () => (started ? true : undefined));
    const during = (await s.call('index_status', { build_id: out.build_id })).structuredContent as {
      reindexing: boolean;
      build: { id: string; state: string; stage: string; percent: number; files_read: number; files_total: number; passages_to_embed: number; passages_embedded: number };
    };
    assert.equal(during.reindexing, true);
    assert.deepEqual(
      [during.build.id, during.build.state, during.build.stage, during.build.files_read, during.build.files_total, during.build.passages_embedded, during.build.percent],
      [out.build_id, 'running', 'embedding', 5, 5, 0, 10],
    );
    assert.ok(during.build.passages_to_embed >= 4);
    // Searches answer from the old version meanwhile.
    const search = (await s.call('search', { query: 'zebrafinch', mode: 'lexical' })).structuredContent as { results: unknown[] };
    assert.deepEqual(search.results, []);

    hold.open();
    await waitFor('the new version', () => (s.listChanged() === 1 ? true : undefined));
    const after = (await s.call('index_status', { build_id: out.build_id })).structuredContent as { build: { state: string; percent: number } };
    assert.deepEqual([after.build.state, after.build.percent], ['done', 100]);
    const unknown = await s.call('index_status', { build_id: 'build-999' });
    assert.equal(unknown.isError, true);
    assert.match(unknown.content[0]?.type === 'text' ? unknown.content[0].text : '', /^index_status: unknown build id "build-999"/);
  });

  test('a model that never yields the thread still lets requests in: reindex answers while the passages are embedded', async () => {
    const c = await corpus();
    const embedded = { count: 0 };
    // About 1.5 s of embedding: the one-second wait ends in the middle of it.
    const index = await live(c, holdsTheThread(createFakeEmbedder(), 50, embedded));
    await index.startModel();
    const s = await connect(index);
    await addArticles(c, 10);
    const r = await s.call('reindex', { wait_seconds: 1 });
    const atAnswer = embedded.count;
    const out = r.structuredContent as { state: string; build_id: string };
    assert.equal(out.state, 'running');
    await waitFor('the new version', () => (s.listChanged() === 1 ? true : undefined));
    const total = embedded.count;
    assert.ok(total >= 20, `embedded ${total}`);
    // Answered from inside the embedding (the wait_seconds timer got a turn between slices), not
    // once the thread was free again after the last passage.
    assert.ok(atAnswer < total, `answered after ${atAnswer} of ${total} passages`);
  });
});

describe('announcements after every published version', () => {
  test('start-up: files added while stopped are reported by index_status, then indexed and announced', async () => {
    const c = await corpus();
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);
    await writeFile(path.join(c.corpusDir, 'en-port.txt'), 'Harbour cranes idle\nThe strike ended on Tuesday.\n');
    const index = await live(c);
    const s = await connect(index);
    const before = (await s.call('index_status')).structuredContent as { corpus: { changed: boolean; added: string[]; changed_files: string[]; removed: string[] } };
    assert.deepEqual(before.corpus, { ...before.corpus, changed: true, added: [EXTRA.name], changed_files: ['en-port.txt'], removed: [] });
    await index.updateAtStart();
    assert.equal(s.listChanged(), 1);
    assert.match(String(s.logs.at(-1)?.data), /^Reindexed in \d+ ms: 1 added, 1 changed, 0 removed/);
    const after = (await s.call('index_status')).structuredContent as { corpus: { changed: boolean } };
    assert.equal(after.corpus.changed, false);
    // Nothing changed since: start-up only checks, and announces nothing.
    await index.updateAtStart();
    assert.equal(s.listChanged(), 1);
  });

  test('watch mode: a dropped file reaches every session as list_changed and a log message', async () => {
    const c = await corpus();
    const index = await live(c);
    const [one, two] = [await connect(index), await connect(index)];
    const watcher = watchCorpus({ corpusDir: c.corpusDir, debounceMs: 50, onChange: () => index.reindex('watch'), log: () => {} });
    cleanups.push(() => watcher.close());
    await watcher.ready;
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);
    await waitFor('both sessions told', () => (one.listChanged() === 1 && two.listChanged() === 1 ? true : undefined));
    for (const s of [one, two]) assert.match(String(s.logs.at(-1)?.data), /^Reindexed in \d+ ms: 1 added/);
  });

  test('a rebuild that changes nothing is logged but not announced as a list change', async () => {
    const c = await corpus();
    const s = await connect(await live(c));
    const r = await s.call('reindex');
    assert.equal((r.structuredContent as { summary: { rebuilt: boolean } }).summary.rebuilt, false);
    await waitFor('the log message', () => (s.logs.length > 0 ? true : undefined));
    assert.match(String(s.logs.at(-1)?.data), /^No changes; kept version/);
    assert.equal(s.listChanged(), 0);
  });

  test('a failed rebuild and a model that cannot load reach the client log', async () => {
    const c = await corpus();
    const hold = gate();
    const index = await live(c, slowModel(createFakeEmbedder(), hold.wait, new EmbedderUnavailableError('no model in this test')), {
      build: () => Promise.reject(new Error('disk full')),
    });
    const s = await connect(index);
    const failed = await s.call('reindex');
    assert.equal(failed.isError, true);
    await waitFor('the error log', () => s.logs.find((l) => l.level === 'error'));
    assert.match(String(s.logs.find((l) => l.level === 'error')?.data), /^reindex failed: disk full; searches keep answering from version v-/);
    const loading = index.startModel();
    hold.open();
    await loading;
    await waitFor('the warning', () => s.logs.find((l) => l.level === 'warning'));
    assert.equal(s.logs.find((l) => l.level === 'warning')?.data, 'embedding model unavailable, searches are lexical only: no model in this test');
  });
});

describe('build summaries', () => {
  test('files of types sanad does not read are named by type; a first-start index says why it is lexical', async () => {
    const c = await corpus(false);
    await writeFile(path.join(c.corpusDir, 'scan.pdf'), '%PDF-1.4');
    await writeFile(path.join(c.corpusDir, 'photo.png'), 'png');
    await writeFile(path.join(c.corpusDir, 'other.pdf'), '%PDF-1.4');
    const hold = gate();
    const index = await live(c, slowModel(createFakeEmbedder(), hold.wait));
    assert.equal(index.current().snapshot.info().semanticUnavailable, BOOTSTRAP_LEXICAL_REASON);
    const s = await connect(index);
    hold.open();
    await index.startModel();
    const r = await s.call('reindex');
    const out = r.structuredContent as { summary: { unsupported: unknown[] } };
    assert.deepEqual(out.summary.unsupported, [
      { type: '.pdf', count: 2, examples: ['other.pdf', 'scan.pdf'] },
      { type: '.png', count: 1, examples: ['photo.png'] },
    ]);
    const text = r.content[0]?.type === 'text' ? r.content[0].text : '';
    assert.ok(
      text.endsWith('not indexed, of types sanad does not read: 2 .pdf files (other.pdf, scan.pdf); 1 .png file (photo.png); articles must be .txt, .md, .html, .htm files'),
      text,
    );
  });
});

describe('versions another process publishes', () => {
  /** The embedded folder behind the storage interface, as a Solr collection is: another build may publish into it. */
  function sharedStorage(c: TempCorpus, failures: { next: number }): IndexStorage {
    return {
      location: `shared index ${c.indexDir}`,
      open: () => openEmbeddedSnapshot(c.indexDir),
      build: (opts) => buildIndex({ ...opts, indexDir: c.indexDir }),
      isLocked: () => false,
      publishedVersion: async () => {
        if (failures.next > 0) {
          failures.next--;
          throw new Error('cluster unreachable');
        }
        return (await readCurrentManifest(c.indexDir))?.version ?? null;
      },
    };
  }

  test('are noticed by polling, served, and announced to every session as list_changed and a log message', async () => {
    const c = await corpus();
    const failures = { next: 0 };
    const lines: string[] = [];
    const index = await live(c, createFakeEmbedder(), { storage: sharedStorage(c, failures), publishedPollMs: 20, log: (l) => lines.push(l) });
    await index.startModel();
    const s = await connect(index);
    const before = index.status().version;
    const zebra = async () => ((await s.call('search', { query: 'zebrafinch', mode: 'lexical' })).structuredContent as { results: Array<{ citation: string }> }).results.map((r) => r.citation);
    assert.deepEqual(await zebra(), []);

    // "Another process": a build into the same place, not through this server.
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);
    const published = await buildIndex({ corpusDir: c.corpusDir, indexDir: c.indexDir, embedder: createFakeEmbedder() });
    assert.notEqual(published.version, before);
    await waitFor('list_changed', () => (s.listChanged() === 1 ? true : undefined));
    assert.equal(index.status().version, published.version);
    assert.equal(index.status().documents, 4);
    const note = `index ${published.version} is now served (4 documents, 9 passages): another process published it after ${before}`;
    assert.deepEqual(s.logs.at(-1), { level: 'info', logger: 'sanad', data: note });
    assert.ok(lines.includes(note));
    assert.deepEqual(await zebra(), ['en-zebra.txt#p1']);
    // Polling on finds nothing newer: no second announcement.
    assert.equal(await index.checkPublished(), false);
    assert.equal(s.listChanged(), 1);

    // An outage of the storage is reported once, and its end once; serving goes on meanwhile.
    failures.next = 3;
    await waitFor('the outage to pass', () => (failures.next === 0 && lines.some((l) => l.startsWith('the index')) ? true : undefined));
    assert.deepEqual(
      lines.filter((l) => /published version|published by another/u.test(l)),
      [
        `could not check for a version published by another process (cluster unreachable); still serving ${published.version}`,
        'the index\'s published version can be read again',
      ],
    );
  });

  test('a build of the server itself is not announced twice', async () => {
    const c = await corpus();
    const index = await live(c, createFakeEmbedder(), { storage: sharedStorage(c, { next: 0 }), publishedPollMs: 10 });
    await index.startModel();
    const s = await connect(index);
    await writeFile(path.join(c.corpusDir, EXTRA.name), EXTRA.text);
    const r = await s.call('reindex', { wait_seconds: 30 });
    assert.equal((r.structuredContent as { state: string }).state, 'done');
    await waitFor('list_changed', () => (s.listChanged() === 1 ? true : undefined));
    assert.equal(await index.checkPublished(), false);
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(s.listChanged(), 1);
    assert.equal(s.logs.filter((l) => String(l.data).includes('another process published')).length, 0);
  });
});
