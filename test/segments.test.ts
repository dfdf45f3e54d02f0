// Segments, deletions and merges change how an index is stored, never what it answers: an index
// grown by many incremental rebuilds (and merged) ranks exactly like one built at once from the
// same corpus, scores included.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openEmbeddedSnapshot } from '../src/backend/embedded/open.ts';
import type { IndexSnapshot } from '../src/backend/snapshot.ts';
import { mkdir } from 'node:fs/promises';
import { ingestCorpus } from '../src/corpus/ingest.ts';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { planSegments, writeSegments } from '../src/indexer/segment-builds.ts';
import { hashText } from '../src/store/hash-file.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { MERGE_FACTOR, pickMerge } from '../src/indexer/merge-policy.ts';
import { mergeSoon } from '../src/indexer/merge.ts';
import { verifyQuote } from '../src/quote/verify.ts';
import { Searcher } from '../src/search/searcher.ts';
import { readCurrentManifest } from '../src/store/index-store.ts';
import type { Manifest } from '../src/store/manifest.ts';
import { tokenize } from '../src/text/tokenize.ts';
import { changingCorpus, type ChangingCorpus } from './helpers/segment-corpus.ts';

const embedder = createFakeEmbedder();
// efSearch above the passage count makes every HNSW search exhaustive, so "the same results" is
// a property of the merge, not of approximate search luck.
const hnsw = { space: 'cosine' as const, m: 16, efConstruction: 100, efSearch: 5000 };
let c: ChangingCorpus;

before(async () => {
  c = await changingCorpus('sanad-segments-');
});
after(() => c.cleanup());

const build = (indexDir: string) => buildIndex({ corpusDir: c.corpusDir, indexDir, embedder, hnsw, merge: false });
const manifestOf = async (indexDir: string) => (await readCurrentManifest(indexDir))?.manifest as Manifest;

/** Everything a client can observe, asked of both indexes; they must agree exactly. */
async function assertSameAnswers(a: IndexSnapshot, b: IndexSnapshot): Promise<void> {
  const sa = new Searcher(a, embedder);
  const sb = new Searcher(b, embedder);
  const queries = c.sentences.filter((_, i) => i % 3 === 0).map((s) => s.split(/\s+/u).slice(0, 6).join(' '));
  queries.push('قاعدة حميميم', 'Putin Syria', 'سوریه روسیه', 'wheat imports');
  for (const q of queries) {
    for (const mode of ['lexical', 'semantic', 'hybrid'] as const) {
      for (const opts of [{ k: 10 }, { k: 5, langs: ['fa' as const] }, { k: 3, variants: ['الطبعة 2'] }]) {
        const ra = await sa.search(q, { mode, ...opts });
        const rb = await sb.search(q, { mode, ...opts });
        assert.deepEqual(ra, rb, `${mode} ${JSON.stringify(opts)}: ${q}`);
      }
    }
    const tokens = tokenize(q);
    assert.deepEqual(await a.backend.termStats(tokens), await b.backend.termStats(tokens));
  }
  for (const quote of c.sentences.filter((_, i) => i % 7 === 0)) {
    const garbled = quote.replace(/ا/gu, 'أ').slice(0, 60);
    assert.deepEqual(await verifyQuote(a.backend, quote), await verifyQuote(b.backend, quote), quote);
    assert.deepEqual(await verifyQuote(a.backend, garbled), await verifyQuote(b.backend, garbled), garbled);
  }
  const pa = await a.backend.listDocuments({ limit: 1000 });
  const pb = await b.backend.listDocuments({ limit: 1000 });
  assert.deepEqual(pa, pb);
}

async function freshSingle(name: string): Promise<IndexSnapshot> {
  const dir = path.join(c.root, name);
  await build(dir);
  assert.equal((await manifestOf(dir)).segments.length, 1);
  return openEmbeddedSnapshot(dir);
}

describe('a segmented index', () => {
  const grown = () => path.join(c.root, 'grown');

  test('grown by rebuilds that add, change and remove documents ranks exactly like one built at once', async () => {
    for (let i = 0; i < 20; i++) await c.write(i);
    await build(grown());
    const rounds: Array<() => Promise<void>> = [
      async () => {
        for (let i = 20; i < 25; i++) await c.write(i);
      },
      async () => {
        await c.write(3, 1);
        await c.write(7, 1);
      },
      async () => {
        await c.remove(5);
        await c.remove(11);
      },
      async () => {
        await c.write(25);
        await c.write(3, 2);
        await c.remove(0);
      },
    ];
    for (const round of rounds) {
      await round();
      const summary = await build(grown());
      assert.equal(summary.rebuilt, true);
    }
    const manifest = await manifestOf(grown());
    // One segment per rebuild that added or changed articles; the removal-only one only marks deletions.
    assert.equal(manifest.segments.length, 4);
    assert.ok(manifest.segments.some((s) => s.deleted > 0), 'some passages are deletion-marked');
    await assertSameAnswers(await openEmbeddedSnapshot(grown()), await freshSingle('single-1'));
  });

  test('merged by the policy, it still ranks exactly like one built at once', async () => {
    // One rebuild per new article: small segments pile up on level 0 until the policy merges them.
    for (let i = 30; i < 30 + MERGE_FACTOR; i++) {
      await c.write(i);
      await build(grown());
    }
    const before = await manifestOf(grown());
    assert.ok(before.segments.length >= MERGE_FACTOR);
    assert.notEqual(pickMerge(before.segments), null);
    const merged = await mergeSoon(grown(), () => {});
    // The ten level-0 segments, and any segment the earlier rounds left at least half deleted.
    assert.ok(merged.some((m) => m.merged.length === MERGE_FACTOR));
    const after = await manifestOf(grown());
    assert.ok(after.segments.length <= before.segments.length - MERGE_FACTOR + 1);
    assert.ok(after.segments.every((s) => s.deleted === 0));
    assert.equal(pickMerge(after.segments), null);
    await assertSameAnswers(await openEmbeddedSnapshot(grown()), await freshSingle('single-2'));
  });

  test('deletions made while a merge runs are carried over to the merged segment', async () => {
    for (let i = 50; i < 50 + MERGE_FACTOR; i++) {
      await c.write(i);
      await build(grown());
    }
    let changedMeanwhile = false;
    const lines: string[] = [];
    const merged = await mergeSoon(grown(), (l) => lines.push(l), undefined, {
      beforeCommit: async () => {
        if (changedMeanwhile) return;
        changedMeanwhile = true;
        // A rebuild lands between the merge's start and its publication: it deletes one of the
        // merged articles and replaces another.
        await c.remove(52);
        await c.write(55, 1);
        await build(grown());
      },
    });
    assert.equal(merged.length, 1, lines.join('\n'));
    const manifest = await manifestOf(grown());
    const into = manifest.segments.find((s) => s.name === merged[0]?.into);
    assert.ok(into && into.deleted > 0, 'the merged segment carries the new deletions');
    await assertSameAnswers(await openEmbeddedSnapshot(grown()), await freshSingle('single-3'));
  });
});

describe('segment writing', () => {
  test('a segment written in a worker thread is byte for byte the one written inline', async () => {
    const { documents } = await ingestCorpus(c.corpusDir);
    const passages = documents.flatMap((d) => d.passages.map((p) => ({ ...p, hash: hashText(p.text) })));
    const vectors = await embedder.embedPassages(passages.map((p) => p.text));
    const plans = planSegments(documents.map((d) => d.meta), passages, vectors, hnsw, 64, () => 'seg-000001');
    const [inlineDir, workerDir] = [path.join(c.root, 'inline'), path.join(c.root, 'worker')];
    await mkdir(inlineDir);
    await mkdir(workerDir);
    const [inline] = await writeSegments(inlineDir, plans, { inlineBelow: Infinity });
    const [worker] = await writeSegments(workerDir, plans, { inlineBelow: 0 });
    assert.deepEqual(worker?.checksums, inline?.checksums);
    assert.equal(Object.keys(inline?.checksums ?? {}).length, 5);
  });
});

describe('merge policy', () => {
  const seg = (name: string, passages: number, deleted = 0) => ({ name, passages, deleted });

  test('merges the oldest ten segments of a level, lowest level first', () => {
    const small = Array.from({ length: 11 }, (_, i) => seg(`s${i}`, 10 + i));
    const mid = Array.from({ length: 10 }, (_, i) => seg(`m${i}`, 5_000));
    assert.deepEqual(pickMerge([...mid, ...small]), small.slice(0, 10).map((s) => s.name));
    assert.deepEqual(pickMerge(mid), mid.map((s) => s.name));
    assert.equal(pickMerge(mid.slice(0, 9)), null);
  });

  test('rewrites a segment that is at least half deleted, alone', () => {
    assert.deepEqual(pickMerge([seg('a', 100_000, 10_000), seg('b', 100_000, 50_000), seg('c', 10, 9)]), ['b']);
    assert.equal(pickMerge([seg('a', 100_000, 49_999)]), null);
  });
});
