// Reranking through the protocol: a real LiveIndex over the MCP fixture corpus with a reranker on
// a local fake /rerank server whose rule is "longer passages are more relevant", and a real SDK
// Client. The reranked order is predicted exactly from the fused order (the same index searched
// without a reranker); a failing server leaves the fused order with a notice, then is paused
// (announced to the client, skipped, reported by index_status), and the API key is never shown.
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { LoggingMessageNotificationSchema, type CallToolResult, type LoggingMessageNotification } from '@modelcontextprotocol/sdk/types.js';
import { openEmbeddedSnapshot } from '../src/backend/embedded/open.ts';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';
import { createServer } from '../src/mcp/server.ts';
import { createHttpReranker } from '../src/rerank/http.ts';
import { RerankStage } from '../src/rerank/stage.ts';
import { capPerDocument } from '../src/search/diversity.ts';
import { Searcher } from '../src/search/searcher.ts';
import { answer, lengthScore, send, startFakeRerankServer, type FakeRerankServer } from './helpers/fake-rerank-server.ts';
import { FIXTURE_CORPUS } from './helpers/fixture-index.ts';

const KEY = 'rk-mcp-3f9a51c07e';
const TOP = 4;
const QUERY = 'خطة المياه في دمشق';

let root: string;
let fake: FakeRerankServer;
let live: LiveIndex;
let fused: Searcher;
let client: Client;
let closeServer: () => Promise<void>;
const heard: LoggingMessageNotification['params'][] = [];

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-mcp-rerank-'));
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  await cp(FIXTURE_CORPUS, corpusDir, { recursive: true });
  const embedder = createFakeEmbedder();
  await buildIndex({ corpusDir, indexDir, embedder });
  fake = await startFakeRerankServer();
  const reranker = new RerankStage(
    createHttpReranker({ baseUrl: fake.url, model: 'fake-reranker', apiKey: KEY, apiKeySource: 'SANAD_RERANK_API_KEY', retryBaseMs: 1 }),
    { top: TOP, timeoutMs: 2000 },
  );
  live = await LiveIndex.open({ corpusDir, indexDir, embedder, reranker, log: () => {} });
  await live.startModel();
  // The same index without a reranker: the fused order every expectation is derived from.
  fused = new Searcher(await openEmbeddedSnapshot(indexDir), embedder);

  const server = createServer({ index: live, log: () => {} });
  const [a, b] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'rerank-test', version: '1' });
  await Promise.all([server.connect(b), client.connect(a)]);
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
    heard.push(n.params);
  });
  await client.setLoggingLevel('info');
  await client.listTools();
  closeServer = async () => {
    await client.close();
    await server.close();
  };
});
after(async () => {
  await closeServer();
  await live.close();
  await fake.close();
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  fake.seen = [];
  fake.handler = (req, res) => answer(req, res);
});

async function call(name: string, args: Record<string, unknown>): Promise<{ structured: Record<string, unknown>; text: string }> {
  const r = (await client.callTool({ name, arguments: args })) as CallToolResult;
  assert.notEqual(r.isError, true);
  const first = r.content[0];
  return { structured: r.structuredContent ?? {}, text: first?.type === 'text' ? first.text : '' };
}

type Result = { citation: string; text: string; document: string; rerank_score?: number };

/** The fused heads, best first, with every document's passages (no cap, no reranking). */
async function fusedHeads(): Promise<Array<{ citation: string; text: string; docId: string }>> {
  const r = await fused.search(QUERY, { k: 50, perDocument: 50 });
  return r.results.map((h) => ({ citation: h.citation, text: h.text, docId: h.docId }));
}

describe('search with a reranker, through MCP', () => {
  test('the first TOP fused results come back longest first (the fake rule), the rest in fused order, then the per-document cap', async () => {
    const heads = await fusedHeads();
    assert.ok(heads.length > TOP, `the fixture gives ${heads.length} results; the test needs more than ${TOP}`);
    const window = heads.slice(0, TOP);
    // Stable: equal lengths keep their fused order.
    const reranked = [...window.map((h, i) => ({ h, i }))].sort((a, b) => lengthScore(b.h.text) - lengthScore(a.h.text) || a.i - b.i).map((x) => x.h);
    const expectedAll = [...reranked, ...heads.slice(TOP)];
    assert.notDeepEqual(expectedAll.map((h) => h.citation), heads.map((h) => h.citation), 'the rule must change the order, or this test proves nothing');

    const { structured, text } = await call('search', { query: QUERY, k: 10, per_document: 50 });
    const results = structured.results as Result[];
    assert.deepEqual(results.map((r) => r.citation), expectedAll.slice(0, 10).map((h) => h.citation));
    assert.deepEqual(results.slice(0, TOP).map((r) => r.rerank_score), reranked.map((h) => lengthScore(h.text)));
    assert.equal(results.slice(TOP).some((r) => r.rerank_score !== undefined), false);
    assert.deepEqual(structured.rerank, { by: `http cohere fake-reranker at ${fake.url}/rerank`, applied: true, candidates: TOP });
    assert.equal(structured.notice, undefined);
    assert.match(text, new RegExp(`^\\d+ results \\(ranked hybrid; the first ${TOP} reranked by http cohere fake-reranker at `));
    // One request: the question and the window's texts in fused order.
    assert.deepEqual(fake.seen.map((s) => s.body), [{ model: 'fake-reranker', query: QUERY, documents: window.map((h) => h.text), top_n: TOP }]);
    assert.equal(fake.seen[0]?.auth, `Bearer ${KEY}`);

    // With the default cap of one passage per article, the cap applies to the reranked order.
    const capped = await call('search', { query: QUERY, k: 10 });
    const expectedCapped = capPerDocument(expectedAll, 1).slice(0, 10);
    assert.deepEqual((capped.structured.results as Result[]).map((r) => r.citation), expectedCapped.map((h) => h.citation));
  });

  test('the server instructions say that results are reranked', () => {
    assert.match(client.getInstructions() ?? '', /\nEach search's first 4 results are reordered by a reranker \(http fake-reranker\); when it fails, the search keeps the fused order and says so in its notice\.$/);
  });

  test('index_status reports the reranker', async () => {
    const { structured, text } = await call('index_status', {});
    assert.deepEqual(structured.reranker, {
      provider: 'http',
      model: 'fake-reranker',
      api: 'cohere',
      url: `${fake.url}/rerank`,
      top: TOP,
      timeout_ms: 2000,
      state: 'ready',
      failures: 0,
    });
    assert.match(text, /\nReranker: http cohere fake-reranker, top 4 results, ready\./);
  });

  test('a failing server leaves the fused order with a notice, is paused after two failures and skipped, and never shows the key', async () => {
    fake.handler = (req, res) => send(res, 500, JSON.stringify({ error: `model crashed (auth ${req.auth ?? ''})` }));
    const heads = await fusedHeads();
    const expected = capPerDocument(heads, 1).slice(0, 5).map((h) => h.citation);

    const first = await call('search', { query: QUERY, k: 5 });
    assert.deepEqual((first.structured.results as Result[]).map((r) => r.citation), expected);
    assert.deepEqual(first.structured.rerank, { by: `http cohere fake-reranker at ${fake.url}/rerank`, applied: false, candidates: TOP });
    const notice = String(first.structured.notice);
    assert.match(
      notice,
      new RegExp(`^reranking failed, so these results keep the fused order: Rerank server ${fake.url.replace(/\./g, '\\.')}/rerank \\(model "fake-reranker"\\): HTTP 500: model crashed \\(auth Bearer \\*\\*\\*\\) after 3 attempts\\.`),
    );
    assert.ok(first.text.includes(`Notice: ${notice}`));

    await call('search', { query: QUERY, k: 5 });
    const requests = fake.seen.length;
    assert.equal(requests, 6, 'two searches, three attempts each');
    const skipped = await call('search', { query: QUERY, k: 5 });
    assert.equal(fake.seen.length, requests, 'a paused reranker is not called');
    assert.deepEqual((skipped.structured.results as Result[]).map((r) => r.citation), expected);
    assert.match(String(skipped.structured.notice), /^reranking skipped, so these results keep the fused order: the reranker failed 2 time\(s\) in a row \(it is tried again after \d{4}-/);

    const status = (await call('index_status', {})).structured.reranker as Record<string, unknown>;
    assert.equal(status.state, 'paused');
    assert.equal(status.failures, 2);
    assert.match(String(status.retry_at), /^\d{4}-\d\d-\d\dT/);
    assert.match(String(status.last_error), /HTTP 500: model crashed \(auth Bearer \*\*\*\)/);

    await waitForLog(/^reranker paused until /);
    for (const said of [notice, String(skipped.structured.notice), JSON.stringify(status), JSON.stringify(heard)]) {
      assert.equal(said.includes(KEY), false, `key leaked in: ${said}`);
    }
  });
});

async function waitForLog(pattern: RegExp): Promise<void> {
  for (let i = 0; i < 100 && !heard.some((h) => pattern.test(String(h.data))); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(heard.some((h) => h.level === 'warning' && pattern.test(String(h.data))), `no client log matching ${pattern}: ${JSON.stringify(heard)}`);
}
