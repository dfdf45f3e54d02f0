// The HTTP reranker against a local fake /rerank server: both request formats, batching, the
// errors a user can act on, timeouts, 429 with Retry-After, deadlines, and a key never said.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { createHttpReranker, rerankUrl, type HttpRerankerOptions } from '../src/rerank/http.ts';
import { RerankerUnavailableError } from '../src/rerank/reranker.ts';
import { answer, lengthScore, send, startFakeRerankServer, type FakeRerankServer } from './helpers/fake-rerank-server.ts';

const KEY = 'rk-test-91c3e0a7d24b';
const PASSAGES = ['قاعدة حميميم الجوية', 'Harbour cranes idle', 'آلودگی هوای تهران به ۱۸۵ رسید', 'short'];

let fake: FakeRerankServer;
/** Everything the provider said (log lines and error messages): checked for the key. */
let said: string[] = [];

before(async () => {
  fake = await startFakeRerankServer();
});
after(() => fake.close());
beforeEach(() => {
  fake.seen = [];
  fake.handler = (req, res) => answer(req, res);
  said = [];
});

function make(extra: Partial<HttpRerankerOptions> = {}) {
  const delays: number[] = [];
  const r = createHttpReranker({
    baseUrl: fake.url,
    model: 'bge-reranker-v2-m3',
    apiKey: KEY,
    apiKeySource: 'SANAD_RERANK_API_KEY',
    retryBaseMs: 8,
    onLog: (l) => said.push(l),
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
  return { r, delays };
}

async function failure(p: Promise<unknown>): Promise<RerankerUnavailableError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RerankerUnavailableError, `expected RerankerUnavailableError, got ${String(err)}`);
    said.push(err.message);
    return err;
  }
  assert.fail('expected a failure');
}

function assertKeyNeverSaid() {
  for (const line of said) assert.equal(line.includes(KEY), false, `key leaked in: ${line}`);
}

test('cohere format: model, query, documents and top_n go out with the bearer key; scores come back in input order', async () => {
  const { r } = make();
  const scores = await r.score('where is the air base', PASSAGES);
  assert.deepEqual(scores, PASSAGES.map(lengthScore));
  assert.deepEqual(fake.seen, [
    {
      path: '/rerank',
      auth: `Bearer ${KEY}`,
      body: { model: 'bge-reranker-v2-m3', query: 'where is the air base', documents: PASSAGES, top_n: 4 },
    },
  ]);
  assert.deepEqual(r.info, { provider: 'http', model: 'bge-reranker-v2-m3', api: 'cohere', url: `${fake.url}/rerank` });
});

test('tei format: query, texts and truncate, no model field; the bare list answer is read', async () => {
  const { r } = make({ api: 'tei', baseUrl: `${fake.url}/rerank`, model: undefined, apiKey: undefined });
  assert.deepEqual(await r.score('q', PASSAGES), PASSAGES.map(lengthScore));
  assert.deepEqual(fake.seen[0], { path: '/rerank', auth: undefined, body: { query: 'q', texts: PASSAGES, truncate: true } });
  assert.equal(r.info.model, 'server default');
});

test('batches of --rerank-batch-size keep the input order across batches', async () => {
  const { r } = make({ batchSize: 3 });
  const many = ['a', 'bbbb', 'cc', 'dddddd', 'eee', 'f', 'gggggggg'];
  assert.deepEqual(await r.score('q', many), many.map(lengthScore));
  assert.deepEqual(
    fake.seen.map((s) => s.body.documents),
    [
      ['a', 'bbbb', 'cc'],
      ['dddddd', 'eee', 'f'],
      ['gggggggg'],
    ],
  );
});

test('an answer with fewer scores than passages says the server caps the batch', async () => {
  fake.handler = (req, res) => send(res, 200, JSON.stringify({ results: [{ index: 0, relevance_score: 1 }, { index: 2, relevance_score: 0.5 }] }));
  const { r } = make();
  const err = await failure(r.score('q', PASSAGES));
  assert.equal(
    err.message,
    `Rerank server ${fake.url}/rerank (model "bge-reranker-v2-m3"): returned scores for 2 of 4 passages; the server may cap documents per request: lower --rerank-batch-size.`,
  );
});

test('the other format, a duplicated or out-of-range index, and malformed JSON are clear errors, not retried', async () => {
  const cases: Array<[string, string]> = [
    [JSON.stringify([{ index: 0, score: 1 }]).replace('[', '{"x":['), 'returned malformed JSON'],
    [JSON.stringify({ data: 'nope' }), 'the response is not a list of scores (expected {"results": [{index, relevance_score}]}); if the server speaks the other format, pass --rerank-api tei.'],
    [JSON.stringify({ results: [{ index: 0, relevance_score: 1 }, { index: 0, relevance_score: 2 }] }), 'passage 0 was scored twice.'],
    [JSON.stringify({ results: [{ index: 9, relevance_score: 1 }] }), 'result 0 has no valid "index" (0–1).'],
    [JSON.stringify({ results: [{ index: 0, relevance_score: 'high' }] }), 'result 0 has no numeric "relevance_score" or "score".'],
  ];
  for (const [body, expected] of cases) {
    fake.seen = [];
    fake.handler = (_req, res) => send(res, 200, body);
    const { r, delays } = make();
    const err = await failure(r.score('q', ['a', 'b']));
    assert.ok(err.message.includes(expected), `${err.message} should include ${expected}`);
    assert.deepEqual([fake.seen.length, delays.length], [1, 0]);
  }
});

test('a 503 is retried with backoff, then succeeds; the retry is logged without the key', async () => {
  fake.handler = (req, res, n) => (n === 1 ? send(res, 503, JSON.stringify({ error: `overloaded, key ${KEY}` })) : answer(req, res));
  const { r, delays } = make();
  assert.deepEqual(await r.score('q', ['a', 'bb']), [1, 2]);
  assert.equal(delays.length, 1);
  assert.ok((delays[0] ?? 0) >= 4 && (delays[0] ?? 0) <= 8, `delay ${delays[0]} outside [base/2, base]`);
  assert.match(said[0] ?? '', /^rerank request failed \(HTTP 503: overloaded, key \*\*\*\); retry 1\/2 in \d+ ms$/);
  assertKeyNeverSaid();
});

test('429 honours Retry-After; when it does not fit before the deadline the call gives up and reports the wait', async () => {
  fake.handler = (req, res, n) => (n === 1 ? send(res, 429, '{}', { 'retry-after': '1' }) : answer(req, res));
  const ok = make();
  await ok.r.score('q', ['a']);
  assert.deepEqual(ok.delays, [1000]);

  fake.seen = [];
  fake.handler = (_req, res) => send(res, 429, '{"error":"slow down"}', { 'retry-after': '30' });
  const cut = make();
  const err = await failure(cut.r.score('q', ['a'], { deadline: Date.now() + 2000 }));
  assert.equal(err.retryAfterMs, 30_000);
  assert.equal(
    err.message,
    `Rerank server ${fake.url}/rerank (model "bge-reranker-v2-m3"): HTTP 429: slow down after 1 attempt (the server asks to wait 30 s, past the time limit). The server keeps failing; check its logs.`,
  );
  assert.deepEqual([fake.seen.length, cut.delays.length], [1, 0]);
});

test('a server that never answers is cut at the deadline, not at the (longer) request timeout', async () => {
  fake.handler = () => undefined;
  const { r } = make({ timeoutMs: 60_000, sleep: undefined, retryBaseMs: 1 });
  const started = Date.now();
  const err = await failure(r.score('q', ['a'], { deadline: Date.now() + 200 }));
  const took = Date.now() - started;
  assert.ok(took < 2000, `took ${took} ms`);
  assert.match(err.message, /: no answer within \d+ ms after \d attempts?( \(no time left to retry\))?\. Raise --rerank-timeout or lower --rerank-top\.$/);
});

test('401 names the variable, never the key; 404 says where the path or model may be wrong', async () => {
  fake.handler = (req, res) => send(res, 401, JSON.stringify({ error: { message: `invalid key ${req.auth?.slice(7) ?? ''}` } }));
  assert.equal(
    (await failure(make().r.score('q', ['a']))).message,
    `Rerank server ${fake.url}/rerank (model "bge-reranker-v2-m3"): HTTP 401: the server rejected the API key from $SANAD_RERANK_API_KEY; it is wrong or lacks access to this model. Set a valid key there.`,
  );
  assert.equal(
    (await failure(make({ apiKey: undefined }).r.score('q', ['a']))).message,
    `Rerank server ${fake.url}/rerank (model "bge-reranker-v2-m3"): HTTP 401: the server wants an API key and none is set. Put it in $SANAD_RERANK_API_KEY (or name another variable with --rerank-api-key-env).`,
  );
  fake.handler = (_req, res) => send(res, 404, '{"detail":"Not Found"}');
  assert.equal(
    (await failure(make().r.score('q', ['a']))).message,
    `Rerank server ${fake.url}/rerank (model "bge-reranker-v2-m3"): HTTP 404: Not Found. Check that --rerank-url points at the server's API root (e.g. http://127.0.0.1:8080 or …/v1; /rerank is appended) and that the server has model "bge-reranker-v2-m3".`,
  );
  assertKeyNeverSaid();
});

test('secrets in the URL are refused or redacted; the key is never in info, messages or logs', async () => {
  assert.throws(() => make({ baseUrl: fake.url.replace('http://', `http://user:${KEY}@`) }), (err: unknown) => {
    assert.ok(err instanceof RerankerUnavailableError);
    said.push(err.message);
    assert.match(err.message, /contains credentials: remove them from --rerank-url/);
    return true;
  });
  fake.handler = (req, res) => send(res, 400, JSON.stringify({ error: `bad request from ${req.auth ?? ''} at ${req.path}` }));
  const { r } = make({ baseUrl: `${fake.url}/v1?api_key=${KEY}` });
  const err = await failure(r.score('q', ['a']));
  assert.equal(err.message, `Rerank server ${fake.url}/v1/rerank?api_key=*** (model "bge-reranker-v2-m3"): HTTP 400: bad request from Bearer *** at /v1/rerank?api_key=***`);
  said.push(JSON.stringify(r.info));
  assertKeyNeverSaid();
});

test('an unreachable server is retried, then reported with where to look', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const { r, delays } = make({ baseUrl: `http://127.0.0.1:${port}` });
  const err = await failure(r.score('q', ['a']));
  assert.match(err.message, new RegExp(String.raw`^Rerank server http://127\.0\.0\.1:${port}/rerank \(model "bge-reranker-v2-m3"\): cannot connect \(ECONNREFUSED: .*\) after 3 attempts\. Is the server running at that address\? Check --rerank-url / SANAD_RERANK_URL\.$`));
  assert.equal(delays.length, 2);
});

test('rerankUrl appends /rerank once and keeps a query string', () => {
  assert.equal(rerankUrl('http://h:1'), 'http://h:1/rerank');
  assert.equal(rerankUrl('https://api.example.com/v2/'), 'https://api.example.com/v2/rerank');
  assert.equal(rerankUrl('http://h:1/v1/rerank'), 'http://h:1/v1/rerank');
  assert.equal(rerankUrl('https://h/x?api-version=2'), 'https://h/x/rerank?api-version=2');
  assert.throws(() => createHttpReranker({ baseUrl: 'ftp://h/x' }), /is not an http\(s\) URL/);
});
