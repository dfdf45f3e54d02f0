// The OpenAI-compatible provider against a local fake server (node:http on 127.0.0.1, port 0).
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import { EmbedderUnavailableError } from '../src/embed/embedder.ts';
import { createOpenAIEmbedder, embeddingsUrl, parseRetryAfter, redact, type OpenAIEmbedderOptions } from '../src/embed/openai.ts';

const KEY = 'sk-test-7f3a9c1e5b2d4086';

interface Seen {
  path: string;
  auth: string | undefined;
  body: { model?: string; input?: string[]; dimensions?: number; input_type?: string };
}
type Handler = (req: Seen, res: ServerResponse, n: number) => void;

let server: Server;
let baseUrl = '';
let handler: Handler = () => undefined;
let seen: Seen[] = [];
/** Everything the provider said (log lines and error messages): checked for the key. */
let said: string[] = [];

/** A deterministic vector per text: [len, charCode0, 1, 2, …] padded to `dim`. */
function vec(text: string, dim: number): number[] {
  const v = [text.length, ...Array.from(text).map((c) => c.codePointAt(0) ?? 0)].slice(0, dim);
  while (v.length < dim) v.push(1);
  return v;
}

function ok(res: ServerResponse, input: string[], dim = 4, order: 'asc' | 'desc' = 'asc') {
  const data = input.map((t, index) => ({ object: 'embedding', index, embedding: vec(t, dim) }));
  if (order === 'desc') data.reverse();
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ object: 'list', data, model: 'm' }));
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

before(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const s: Seen = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw) as Seen['body'] };
      seen.push(s);
      handler(s, res, seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});
beforeEach(() => {
  seen = [];
  said = [];
  handler = (s, res) => ok(res, s.body.input ?? []);
});

function make(extra: Partial<OpenAIEmbedderOptions> = {}) {
  const delays: number[] = [];
  const e = createOpenAIEmbedder({
    baseUrl,
    model: 'nomic-embed-text',
    apiKey: KEY,
    apiKeySource: 'SANAD_API_KEY',
    retryBaseMs: 8,
    onLog: (l) => said.push(l),
    sleep: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
    ...extra,
  });
  return { e, delays };
}

async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof EmbedderUnavailableError, `expected EmbedderUnavailableError, got ${String(err)}`);
    said.push(err.message);
    return err.message;
  }
  assert.fail('expected a failure');
}

function assertKeyNeverSaid() {
  for (const line of said) assert.equal(line.includes(KEY), false, `key leaked in: ${line}`);
}

test('batches requests, keeps input order, sends model + bearer key, no prefixes by default', async () => {
  handler = (s, res, n) => ok(res, s.body.input ?? [], 4, n === 2 ? 'desc' : 'asc');
  const { e } = make({ batchSize: 2 });
  const progress: string[] = [];
  const texts = ['aa', 'b', 'ccc', 'dddd', 'e'];
  const vectors = await e.embedPassages(texts, (p) => progress.push(`${p.done}/${p.total}`));
  assert.deepEqual(
    seen.map((s) => [s.path, s.auth, s.body.model, s.body.input]),
    [
      ['/v1/embeddings', `Bearer ${KEY}`, 'nomic-embed-text', ['aa', 'b']],
      ['/v1/embeddings', `Bearer ${KEY}`, 'nomic-embed-text', ['ccc', 'dddd']],
      ['/v1/embeddings', `Bearer ${KEY}`, 'nomic-embed-text', ['e']],
    ],
  );
  assert.deepEqual(progress, ['2/5', '4/5', '5/5']);
  // Vectors are vec(text) scaled to unit length, in input order despite the reversed batch 2.
  const expected = texts.map((t) => {
    const v = vec(t, 4);
    const n = Math.hypot(...v);
    return Float32Array.from(v.map((x) => x / n));
  });
  assert.deepEqual(vectors, expected);
  assert.equal(await e.dimension(), 4);
  assert.equal(seen.length, 3, 'dimension() must not probe once known');
  assert.deepEqual(e.info, { provider: 'openai', model: 'nomic-embed-text', queryPrefix: '', passagePrefix: '' });
  assert.match(said[0] ?? '', /looks like nomic-embed-text/);
});

test('explicit prefixes are sent; dimension() probes once when unknown; dimensions is forwarded', async () => {
  handler = (s, res) => ok(res, s.body.input ?? [], 3);
  const { e } = make({ profile: { queryPrefix: 'search_query: ', passagePrefix: 'search_document: ' }, dimensions: 3 });
  assert.equal(await e.dimension(), 3);
  await e.embedQueries(['x']);
  assert.deepEqual(
    seen.map((s) => [s.body.input, s.body.dimensions]),
    [
      [['search_document: dimension probe'], 3],
      [['search_query: x'], 3],
    ],
  );
});

test('a 500 is retried after a jittered backoff, then succeeds', async () => {
  handler = (s, res, n) => (n === 1 ? send(res, 500, '{"error":{"message":"model loading"}}') : ok(res, s.body.input ?? []));
  const { e, delays } = make();
  const [v] = await e.embedQueries(['hi']);
  assert.equal(v?.length, 4);
  assert.equal(seen.length, 2);
  assert.equal(delays.length, 1);
  assert.ok((delays[0] ?? 0) >= 4 && (delays[0] ?? 0) <= 8, `delay ${delays[0]} outside [base/2, base]`);
  assert.match(said.at(-1) ?? '', /^embedding request failed \(HTTP 500: model loading\); retry 1\/3 in \d+ ms$/);
});

test('429 honours Retry-After (seconds), capped by maxRetryDelayMs', async () => {
  handler = (s, res, n) => (n <= 2 ? send(res, 429, '{}', { 'retry-after': n === 1 ? '2' : '120' }) : ok(res, s.body.input ?? []));
  const { e, delays } = make({ maxRetryDelayMs: 5000 });
  await e.embedQueries(['hi']);
  assert.deepEqual(delays, [2000, 5000]);
  assert.equal(seen.length, 3);
});

test('retries give up after maxRetries with the last reason', async () => {
  handler = (_s, res) => send(res, 503, 'upstream down');
  const { e, delays } = make({ maxRetries: 2 });
  const msg = await failure(e.embedQueries(['x']));
  assert.equal(msg, `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): HTTP 503: upstream down after 3 attempts. The server keeps failing; check its logs.`);
  assert.equal(delays.length, 2);
  assert.equal(seen.length, 3);
});

test('a request that hangs times out, is retried, then fails with a hint', async () => {
  handler = () => undefined; // never answers
  const { e } = make({ timeoutMs: 150, maxRetries: 1, sleep: undefined, retryBaseMs: 1 });
  const started = Date.now();
  const msg = await failure(e.embedQueries(['x']));
  assert.equal(msg, `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): no answer within 150 ms after 2 attempts. Raise --embed-timeout or use a smaller --batch-size.`);
  assert.equal(seen.length, 2);
  assert.ok(Date.now() - started < 2000);
});

test('a vector of another dimension in a later batch is an error', async () => {
  handler = (s, res, n) => ok(res, s.body.input ?? [], n === 1 ? 4 : 3);
  const { e } = make({ batchSize: 1 });
  const msg = await failure(e.embedPassages(['a', 'b']));
  assert.equal(msg, `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): returned a 3-dimensional vector after earlier 4-dimensional ones; the server may have switched models. Make sure one model serves all requests.`);
});

test('malformed JSON fails at once, without retries', async () => {
  handler = (_s, res) => send(res, 200, '<html>proxy login</html>');
  const { e, delays } = make();
  const msg = await failure(e.embedQueries(['x']));
  assert.equal(msg, `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): returned malformed JSON ("<html>proxy login</html>"). Is --embed-url pointing at an OpenAI-compatible API?`);
  assert.deepEqual([seen.length, delays.length], [1, 0]);
});

test('the wrong number of vectors is an error', async () => {
  handler = (s, res) => ok(res, (s.body.input ?? []).slice(1));
  const { e } = make();
  const msg = await failure(e.embedPassages(['a', 'b', 'c']));
  assert.equal(msg, `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): returned 2 vectors for 3 inputs. Try a smaller --batch-size; some servers cap the batch.`);
});

test('401 without a key says none is set; with a wrong key names the variable, never the key', async () => {
  handler = (s, res) => send(res, 401, JSON.stringify({ error: { message: `Incorrect API key provided: ${s.auth?.slice(7) ?? ''}` } }));
  const noKey = make({ apiKey: undefined });
  assert.equal(
    await failure(noKey.e.embedQueries(['x'])),
    `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): HTTP 401: the server wants an API key and none is set. Put it in $SANAD_API_KEY (or name another variable with --api-key-env).`,
  );
  assert.equal(seen[0]?.auth, undefined);
  const wrong = make();
  assert.equal(
    await failure(wrong.e.embedQueries(['x'])),
    `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): HTTP 401: the server rejected the API key from $SANAD_API_KEY; it is wrong or lacks access to this model. Set a valid key there.`,
  );
  assert.equal(seen.length, 2, '401 must not be retried');
  assertKeyNeverSaid();
});

test('server messages that echo the key are redacted, and so are secret URL parameters', async () => {
  handler = (s, res) => send(res, 400, JSON.stringify({ error: `bad request from ${s.auth ?? ''} at ${s.path}` }));
  const { e } = make({ baseUrl: `${baseUrl}?api_key=${KEY}` });
  const msg = await failure(e.embedQueries(['x']));
  assert.equal(
    msg,
    `Embedding server ${baseUrl}/embeddings?api_key=*** (model "nomic-embed-text"): HTTP 400: bad request from Bearer *** at /v1/embeddings?api_key=***`,
  );
  assert.equal(seen[0]?.path, `/v1/embeddings?api_key=${KEY}`);
  assertKeyNeverSaid();
});

test('credentials in the URL are refused at creation, without echoing them', () => {
  assert.throws(
    () => make({ baseUrl: baseUrl.replace('http://', `http://user:${KEY}@`) }),
    (err: unknown) => {
      assert.ok(err instanceof EmbedderUnavailableError);
      assert.equal(
        err.message,
        `Embedding URL "${baseUrl.replace('http://', 'http://***@')}/embeddings" contains credentials: remove them from --embed-url / SANAD_EMBED_URL and put the API key in SANAD_API_KEY (or the variable named by --api-key-env).`,
      );
      return true;
    },
  );
});

test('an unreachable endpoint is retried, then reported with a hint', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const { e, delays } = make({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 1 });
  const msg = await failure(e.dimension());
  assert.match(
    msg,
    new RegExp(`^Embedding server http://127\\.0\\.0\\.1:${port}/v1/embeddings \\(model "nomic-embed-text"\\): cannot connect \\(ECONNREFUSED: .*\\) after 2 attempts\\. Is the server running at that address\\? Check --embed-url / SANAD_EMBED_URL\\.$`),
  );
  assert.equal(delays.length, 1);
  assertKeyNeverSaid();
});

test('404 says to check the /v1 root and the model name', async () => {
  handler = (_s, res) => send(res, 404, '{"error":"model \\"nomic-embed-text\\" not found, try pulling it first"}');
  const { e } = make();
  assert.equal(
    await failure(e.embedQueries(['x'])),
    `Embedding server ${baseUrl}/embeddings (model "nomic-embed-text"): HTTP 404: model "nomic-embed-text" not found, try pulling it first. Check that --embed-url ends with the API root (usually /v1) and that the server has model "nomic-embed-text" (Ollama: \`ollama pull\` it).`,
  );
});

test('helpers: embeddingsUrl, parseRetryAfter, redact', () => {
  assert.equal(embeddingsUrl('http://h:1/v1/'), 'http://h:1/v1/embeddings');
  assert.equal(embeddingsUrl('http://h:1/v1/embeddings'), 'http://h:1/v1/embeddings');
  assert.equal(embeddingsUrl('https://h/openai/v1?api-version=2'), 'https://h/openai/v1/embeddings?api-version=2');
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 5000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(redact(`https://a:b@x.io/v1?token=abc&x=1 and ${KEY}`, KEY), 'https://***@x.io/v1?token=***&x=1 and ***');
  assert.throws(() => createOpenAIEmbedder({ baseUrl: 'ftp://x/v1', model: 'm' }), /is not an http\(s\) URL/);
});

test('input_type is sent only when configured, with the query or passage value', async () => {
  const { e } = make();
  await e.embedQueries(['q']);
  assert.equal(seen[0]?.body.input_type, undefined);
  const typed = make({ inputType: { query: 'query', passage: 'passage' } }).e;
  await typed.embedQueries(['where are the bases']);
  await typed.embedPassages(['Hmeimim air base']);
  assert.deepEqual(seen.slice(1).map((r) => [r.body.input_type, r.body.input]), [
    ['query', ['where are the bases']],
    ['passage', ['Hmeimim air base']],
  ]);
  assert.equal(typed.info.inputType, 'query:passage');
});
