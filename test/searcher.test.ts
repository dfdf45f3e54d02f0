import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { Bm25Index } from '../src/text/bm25.ts';
import { Searcher } from '../src/search/searcher.ts';
import { embeddedSnapshot } from '../src/backend/embedded/open.ts';
import { loadIndex } from '../src/store/index-store.ts';

let root: string;
let searcher: Searcher;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-searcher-'));
  const corpusDir = path.join(root, 'corpus');
  await cp(path.resolve('corpus'), corpusDir, { recursive: true });
  const embedder = createFakeEmbedder();
  await buildIndex({ corpusDir, indexDir: path.join(root, 'index'), embedder });
  searcher = new Searcher(embeddedSnapshot(await loadIndex(path.join(root, 'index'))), embedder);
});
after(() => rm(root, { recursive: true, force: true }));

test('coverage is the share of query tokens the index knows', () => {
  const bm25 = new Bm25Index([['قاعده', 'حميميم'], ['طرطوس']]);
  assert.equal(bm25.coverage(['حميميم', 'طرطوس', 'bases', 'moscow']), 0.5);
  assert.equal(bm25.coverage([]), 0);
});

test('a query whose words the corpus lacks is ranked by the semantic list alone in hybrid mode', async () => {
  const query = 'which bases does moscow want to keep';
  const hybrid = await searcher.search(query, { k: 5, mode: 'hybrid' });
  const semantic = await searcher.search(query, { k: 5, mode: 'semantic' });
  assert.deepEqual(
    hybrid.results.map((h) => h.citation),
    semantic.results.map((h) => h.citation),
  );
});

test('title lines are never search results, in any mode', async () => {
  for (const mode of ['hybrid', 'semantic', 'lexical'] as const) {
    // The words of 000's title line; its body paragraphs share some of them.
    const res = await searcher.search('وزراء سوريون يناقشون التعاون العسكري مع بوتين في روسيا', { k: 20, mode });
    assert.ok(res.results.length > 0, mode);
    assert.deepEqual(res.results.filter((h) => h.citation.endsWith('#p0')), [], mode);
  }
});

test('filters restrict by document and by language', async () => {
  const fa = await searcher.search('سوریه روسیه', { k: 50, mode: 'lexical', langs: ['fa'] });
  assert.deepEqual([...new Set(fa.results.map((h) => h.docId))], ['004_32bf888df57d8f96.txt']);
  const one = await searcher.search('بوتين', { k: 50, mode: 'hybrid', documents: ['001_a84ef65c2610b456.txt'] });
  assert.deepEqual([...new Set(one.results.map((h) => h.docId))], ['001_a84ef65c2610b456.txt']);
});

test('a model that cannot be loaded at search time gives lexical results with the reason', async () => {
  const { EmbedderUnavailableError } = await import('../src/embed/embedder.ts');
  const broken = {
    ...createFakeEmbedder(),
    embedQueries: () => Promise.reject(new EmbedderUnavailableError('Cannot load embedding model "gone"')),
  };
  const res = await new Searcher(searcher.snapshot, broken).search('قاعدة طرطوس البحرية', { k: 1 });
  assert.deepEqual([res.mode, res.requestedMode, res.results[0]?.citation], ['lexical', 'hybrid', '000_a89eda4c32949ba3.txt#p11']);
  assert.equal(res.notice, 'semantic ranking unavailable (Cannot load embedding model "gone"); results are lexical only');
});
