// Every tool through the MCP protocol, on the shipped corpus, served by the embedded backend and
// by a Solr collection on a real 3-node SolrCloud (2 shards × 2 replicas): the answers must be the
// same (same citations in the same order, up to score ties; the same verification verdicts, the
// same documents, pages, resources and reindex summaries).
import { ResourceListChangedNotificationSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CollectionMismatchError, initCollection } from '../../src/backend/solr/admin.ts';
import { comparePassages } from '../../src/backend/backend.ts';
import { SolrError, type SolrClient } from '../../src/backend/solr/client.ts';
import { quoteCandidates } from '../../src/backend/solr/quotes.ts';
import { solrStorage } from '../../src/backend/solr/storage.ts';
import { buildSolrIndex } from '../../src/backend/solr/writer.ts';
import { ingestCorpus } from '../../src/corpus/ingest.ts';
import { createFakeEmbedder } from '../../src/embed/fake.ts';
import { probeSpace } from '../../src/indexer/embed-new.ts';
import { LiveIndex } from '../../src/mcp/live-index.ts';
import { sharedGrams, trigrams } from '../../src/quote/prepared.ts';
import { foldText } from '../../src/text/normalize.ts';
import { connectClient } from '../helpers/fixture-index.ts';
import type { LocalCluster } from '../../scripts/solr/local-cluster.ts';
import { clientFor, serveEmbedded, serveSolr, SHIPPED_CORPUS, startCluster, type Served } from './helpers.ts';

let cluster: LocalCluster;
let client: SolrClient;
let embedded: Served;
let solr: Served;

before(async () => {
  cluster = await startCluster();
  client = clientFor(cluster);
  [embedded, solr] = await Promise.all([serveEmbedded(SHIPPED_CORPUS), serveSolr(client, 'parity', SHIPPED_CORPUS)]);
});
after(async () => {
  await Promise.allSettled([embedded?.close(), solr?.close()]);
  await cluster?.stop();
});

async function call(s: Served, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await s.mcp.client.callTool({ name, arguments: args })) as CallToolResult;
}

/** Calls the tool on both servers; returns both answers (structured content, or the error text). */
async function both(name: string, args: Record<string, unknown> = {}): Promise<[unknown, unknown]> {
  const [a, b] = await Promise.all([call(embedded, name, args), call(solr, name, args)]);
  const view = (r: CallToolResult) => (r.isError ? { error: r.content[0]?.type === 'text' ? r.content[0].text : '' } : r.structuredContent);
  return [view(a), view(b)];
}

/**
 * Asserts two search answers agree: same fields, same citations in the same order, scores within
 * 1e-5 (cosines are computed in float32 by Lucene, in float64 by hnswlib) and results whose
 * scores are that close count as ties, so their order may differ.
 */
function assertSameSearch(actual: unknown, expected: unknown, what: string): void {
  type Hit = { citation: string; score: number };
  const a = actual as { results?: Hit[] };
  const e = expected as { results?: Hit[] };
  if (!a.results || !e.results) return assert.deepEqual(actual, expected, what);
  const scoreless = (o: { results: Hit[] }) => ({ ...o, results: tieOrder(o.results).map(({ score: _s, ...rest }) => rest) });
  assert.deepEqual(scoreless(a as { results: Hit[] }), scoreless(e as { results: Hit[] }), what);
  const scores = new Map(e.results.map((r) => [r.citation, r.score]));
  for (const r of a.results) assert.ok(Math.abs(r.score - (scores.get(r.citation) ?? NaN)) <= 1e-5, `${what}: score of ${r.citation}`);
}

/** Runs of results whose neighbouring scores differ by at most 1e-5, each sorted by citation. */
function tieOrder<T extends { citation: string; score: number }>(results: readonly T[]): T[] {
  const out: T[] = [];
  let run: T[] = [];
  const flush = () => {
    out.push(...run.sort((x, y) => (x.citation < y.citation ? -1 : x.citation > y.citation ? 1 : 0)));
    run = [];
  };
  for (const r of results) {
    const last = run.at(-1);
    if (last && Math.abs(last.score - r.score) > 1e-5) flush();
    run.push(r);
  }
  flush();
  return out;
}

const QUERIES = [
  ...readFileSync(path.join(SHIPPED_CORPUS, '..', 'eval', 'corpus-queries.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { query: string }).query),
  'قاعدة حميميم الجوية',
  'پایگاه‌های روسیه در سوریه',
  'Putin Moscow',
  'zzzz no such word',
];

describe('search gives the same answers on both backends', () => {
  for (const mode of ['hybrid', 'lexical', 'semantic'] as const) {
    it(`${mode}: ${QUERIES.length} questions in three languages`, async () => {
      for (const query of QUERIES) {
        const [a, b] = await both('search', { query, mode, k: 10 });
        assertSameSearch(b, a, `${mode} "${query}"`);
      }
    });
  }

  it('with variants, filters by language and by document, and a deep k', async () => {
    const docs = ['000_a89eda4c32949ba3.txt', '004_32bf888df57d8f96.txt'];
    const cases: Array<Record<string, unknown>> = [
      { query: 'Which Russian bases does Moscow want to keep in Syria?', variants: ['قواعد روسيا في سوريا', 'پایگاه روسیه'] },
      { query: 'Russian bases', language: 'fa' },
      { query: 'الأسد', language: 'ar', mode: 'lexical' },
      { query: 'Syria sanctions', documents: docs },
      { query: 'وزير الخارجية', documents: docs, mode: 'lexical', k: 50 },
      { query: 'Moscow', k: 50 },
    ];
    for (const args of cases) {
      const [a, b] = await both('search', args);
      assertSameSearch(b, a, JSON.stringify(args));
    }
  });
});

describe('lookups give the same answers on both backends', () => {
  it('list_documents, get_document (every page), resources', async () => {
    const [list, solrList] = await both('list_documents');
    assert.deepEqual(solrList, list);
    const ids = (list as { documents: Array<{ id: string }> }).documents.map((d) => d.id);
    assert.equal(ids.length, 5);
    for (const id of ids) {
      for (const page of [1, 2]) {
        const [a, b] = await both('get_document', { id, page, page_size: 5 });
        assert.deepEqual(b, a, `${id} page ${page}`);
      }
      const uri = `sanad://document/${encodeURIComponent(id)}`;
      const [ra, rb] = await Promise.all([embedded.mcp.client.readResource({ uri }), solr.mcp.client.readResource({ uri })]);
      assert.deepEqual(rb, ra, uri);
    }
    const [la, lb] = await Promise.all([embedded.mcp.client.listResources(), solr.mcp.client.listResources()]);
    assert.deepEqual(lb, la);
    for (const args of [{ id: '000_a89eda4c32949ba3' }, { id: 'nothing.txt' }, { id: '000_a89eda4c32949ba3.txt', page: 99 }]) {
      const [a, b] = await both('get_document', args);
      assert.deepEqual(b, a, JSON.stringify(args));
    }
  });

  it('get_passage: neighbours, several ids, unknown ids with the same suggestions', async () => {
    const cases: Array<Record<string, unknown>> = [
      { ids: ['000_a89eda4c32949ba3.txt#p11'] },
      { ids: ['000_a89eda4c32949ba3.txt#p11', '004_32bf888df57d8f96.txt#p0'], before: 2, after: 5 },
      { ids: ['003_70dde455d680a0f4.txt#p1'], before: 5 },
      { ids: ['000_a89eda4c32949ba3.txt#p99'] },
      { ids: ['000_a89eda4c32949ba4.txt#p3'] },
      { ids: ['000_a89eda4c32949ba3.txt'] },
    ];
    for (const args of cases) {
      const [a, b] = await both('get_passage', args);
      assert.deepEqual(b, a, JSON.stringify(args));
    }
  });

  it('verify_quote: exact, folded, partial, across paragraphs, scoped, elsewhere, not found', async () => {
    const p11 = '000_a89eda4c32949ba3.txt#p11';
    const cases: Array<Record<string, unknown>> = [
      { quote: 'لمواصلة تشغيل قاعدة حميميم الجوية وقاعدة طرطوس البحرية', citation: p11 },
      { quote: 'لمواصلة تشغيل قاعده حميميم الجويه  وقاعدة طرطوس' },
      { quote: 'تأمل موسكو في تأمين اتفاقيات لتشغيل قاعدة حميميم الجوية وقاعدة طرطوس' },
      { quote: 'قاعدة حميميم الجوية', document: '004_32bf888df57d8f96.txt' },
      { quote: 'قاعدة حميميم الجوية', citation: '000_a89eda4c32949ba3.txt#p1' },
      { quote: 'پایگاه هوایی حمیمیم' },
      { quote: 'the moon is made of cheese' },
      { quote: 'سوريا' },
      { quote: 'بو' },
    ];
    for (const args of cases) {
      const [a, b] = await both('verify_quote', args);
      assert.deepEqual(b, a, JSON.stringify(args));
    }
  });

  it('index_status reports the same counts, mode and model', async () => {
    const [a, b] = await both('index_status');
    const pick = (s: unknown) => {
      const o = s as Record<string, unknown>;
      return { mode: o.mode, model: o.model, dimension: o.dimension, documents: o.documents, passages: o.passages };
    };
    assert.deepEqual(pick(b), pick(a));
  });
});

describe('reindex', () => {
  it('applies added, changed and removed files the same way, and repeating it changes nothing; another server on the collection follows', async (t) => {
    // A second server over the same collection, with its own client (as another process would be).
    const lines: string[] = [];
    const follower = await LiveIndex.open({
      corpusDir: solr.corpusDir,
      indexDir: path.join(solr.corpusDir, 'unused'),
      embedder: createFakeEmbedder(),
      storage: solrStorage(clientFor(cluster), 'parity'),
      publishedPollMs: 200,
      log: (l) => lines.push(l),
    });
    await follower.startModel();
    const watching = await connectClient(follower);
    t.after(async () => {
      await watching.close();
      await follower.close();
    });
    let listChanged = 0;
    watching.client.setNotificationHandler(ResourceListChangedNotificationSchema, () => {
      listChanged++;
    });
    const before = follower.status().version;
    for (const s of [embedded, solr]) {
      await writeFile(path.join(s.corpusDir, 'new-report.txt'), 'تقرير جديد عن مطار دمشق\nأعلنت الوزارة إعادة فتح مطار دمشق الدولي أمام الرحلات.\n');
      await writeFile(path.join(s.corpusDir, '003_70dde455d680a0f4.txt'), 'نص معدل بالكامل\nقال الشيباني إن المنازل المدمرة ستعاد بناؤها.\n');
      await rm(path.join(s.corpusDir, '002_17bceafa204b5619.txt'));
    }
    const args = { wait_seconds: 50 };
    const [a, b] = await both('reindex', args);
    // Build ids count each server's own builds; versions and times differ by nature.
    const strip = (out: unknown) => {
      const { state, summary } = out as { state: string; summary?: Record<string, unknown> };
      const { version: _v, ms: _ms, ...rest } = summary ?? {};
      return { state, summary: rest };
    };
    assert.deepEqual(strip(b), strip(a));
    assert.deepEqual(strip(b).summary.added, ['new-report.txt']);
    for (const query of ['مطار دمشق', 'المنازل المدمرة', 'Who led the Syrian military delegation to Moscow in October?']) {
      for (const mode of ['hybrid', 'lexical'] as const) {
        const [x, y] = await both('search', { query, mode });
        assertSameSearch(y, x, `${mode} "${query}" after reindex`);
      }
    }
    const [again, againSolr] = await both('reindex', args);
    assert.equal(strip(againSolr).summary.rebuilt, false);
    assert.deepEqual(strip(againSolr), strip(again));

    // The other server noticed the new version, serves it and told its client.
    const deadline = Date.now() + 30_000;
    while (listChanged === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.equal(listChanged, 1, lines.join('\n'));
    const published = solr.live.status().version;
    assert.notEqual(published, before);
    assert.equal(follower.status().version, published);
    assert.equal(follower.status().documents, solr.live.status().documents);
    assert.ok(lines.some((l) => l.startsWith(`index ${published} is now served`)), lines.join('\n'));
    for (const query of ['مطار دمشق', 'المنازل المدمرة']) {
      const args = { query, mode: 'hybrid' };
      const [mine, theirs] = await Promise.all([watching.client.callTool({ name: 'search', arguments: args }), solr.mcp.client.callTool({ name: 'search', arguments: args })]);
      assert.deepEqual(mine.structuredContent, theirs.structuredContent, query);
    }
  });
});

describe('quote candidates beyond Lucene\'s clause limit', () => {
  it('rank by every distinct gram of a quote with more than 1,000, exactly as counting them all does', async () => {
    // A 1,500-letter quote (about 1,240 distinct grams). One passage holds just the grams that an
    // evenly spaced sample of 1,000 would leave out, more of the quote's grams than any other
    // passage; forty others hold 200-letter slices of the quote. Ranking on any sample that skips
    // the first passage's grams puts it below the forty; counting all of them puts it first.
    const letters = 'بتثجحخدذرزسشصضطع';
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const quote = Array.from({ length: 1500 }, () => letters[Math.floor(random() * letters.length)]).join('');
    const grams = [...trigrams(quote)];
    assert.ok(grams.length > 1200);
    const sampled = new Set(Array.from({ length: 1000 }, (_, i) => grams[Math.floor((i * grams.length) / 1000)]));
    const root = await mkdtemp(path.join(tmpdir(), 'sanad-solr-grams-'));
    const dir = path.join(root, 'corpus');
    await mkdir(dir);
    try {
      await writeFile(path.join(dir, 'hidden.txt'), `ملف مخفي\n${grams.filter((g) => !sampled.has(g)).join(' ')}\n`);
      for (let f = 0; f < 4; f++) {
        const slices = Array.from({ length: 10 }, (_, k) => quote.slice((f * 10 + k) * 31, (f * 10 + k) * 31 + 200));
        await writeFile(path.join(dir, `slices-${f}.txt`), `ملف شرائح ${f}\n${slices.join('\n')}\n`);
      }
      const embedder = createFakeEmbedder();
      const { space } = await probeSpace({ embedder }, null, () => {});
      assert.ok(space);
      await initCollection(client, { collection: 'grams', shards: 1, replicas: 1, space });
      await buildSolrIndex({ client, collection: 'grams', corpusDir: dir, embedder });
      const { documents } = await ingestCorpus(dir);
      const all = new Set(grams);
      const expected = documents
        .flatMap((d) => d.passages)
        .map((p) => ({ id: p.id, shared: sharedGrams(foldText(p.text), all), p }))
        .filter((c) => c.shared > 0)
        .sort((a, b) => b.shared - a.shared || comparePassages(a.p, b.p))
        .slice(0, 12)
        .map(({ id, shared }) => ({ id, shared }));
      assert.equal(expected[0]?.id, 'hidden.txt#p1');
      const { similar, documents: none } = await quoteCandidates(client, 'grams', { quote, similar: 12, only: 'similar' });
      assert.deepEqual(
        similar.map((c) => ({ id: c.passage.id, shared: c.shared })),
        expected,
      );
      assert.deepEqual(none, [], 'only the fuzzy candidates were asked for');
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('refusals', () => {
  it('a record or query Solr refuses for what it is fails at once with Solr\'s reason; nothing is retried', async () => {
    const fresh = clientFor(cluster);
    await assert.rejects(fresh.request('parity/update', { json: [{ id: 'bad.txt#p0', type: 'passage', doc_id: 'bad.txt', vector: [1, 2, 3] }] }), (err: unknown) => {
      assert.ok(err instanceof SolrError);
      assert.match(err.message, /^Solr (refused parity\/update|failed on parity\/update because of the request itself, so it was not retried) \(HTTP (400|500): ERROR: \[doc=bad\.txt#p0\] Error adding field 'vector'/u);
      return true;
    });
    const clauses = Array.from({ length: 1100 }, (_, i) => `g${i}`);
    const params: Record<string, string> = { q: `{!bool ${clauses.map((g) => `should=$${g}`).join(' ')}}` };
    for (const g of clauses) params[g] = `{!term f=grams}${g}`;
    await assert.rejects(fresh.request('parity/select', { params }), /because of the request itself, so it was not retried \(HTTP 500: maxClauseCount is set to 1024\)/u);
    assert.equal(fresh.retries, 0);
    // Real-time get sees uncommitted records too: nothing of the refused one was kept.
    const got = await fresh.request<{ doc: unknown }>('parity/get', { params: { id: 'bad.txt#p0' } });
    assert.equal(got.doc, null);
  });

  it('a collection made for another embedding space is refused by init and by indexing', async () => {
    const other = createFakeEmbedder({ dimension: 48 });
    const { space } = await probeSpace({ embedder: other }, null, () => {});
    assert.ok(space);
    await assert.rejects(initCollection(client, { collection: 'parity', shards: 2, replicas: 2, space }), (err: unknown) => {
      assert.ok(err instanceof CollectionMismatchError);
      assert.match(err.message, /dimension 64 ≠ 48|holds vectors of/);
      return true;
    });
    await assert.rejects(buildSolrIndex({ client, collection: 'parity', corpusDir: solr.corpusDir, embedder: other }), CollectionMismatchError);
  });

  it('a collection created by hand from the configset is taken over by init when its dimension fits, refused otherwise', async () => {
    await client.request('admin/collections', {
      params: { action: 'CREATE', name: 'byhand', 'collection.configName': 'sanad', numShards: 1, replicationFactor: 1, 'property.sanad.vector.dimension': 48, waitForFinalState: true },
    });
    const { space: wrong } = await probeSpace({ embedder: createFakeEmbedder() }, null, () => {});
    const { space: right } = await probeSpace({ embedder: createFakeEmbedder({ dimension: 48 }) }, null, () => {});
    assert.ok(wrong && right);
    await assert.rejects(initCollection(client, { collection: 'byhand', shards: 1, replicas: 1, space: wrong }), /dimension 48 but/);
    const adopted = await initCollection(client, { collection: 'byhand', shards: 1, replicas: 1, space: right });
    assert.equal(adopted.created, false);
    assert.equal(adopted.manifest.embedding?.dimension, 48);
  });
});
