import assert from 'node:assert/strict';
import { request, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { hostPolicy, parseListen, startHttpServer, tokenMatches, type RunningHttpServer } from '../src/mcp/http.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';
import { createServer } from '../src/mcp/server.ts';
import { makeCorpus, waitFor, type TempCorpus } from './helpers/serve-fixture.ts';

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let corpus: TempCorpus;
let live: LiveIndex;
const servers: RunningHttpServer[] = [];

before(async () => {
  corpus = await makeCorpus('sanad-http-');
  await buildIndex({ corpusDir: corpus.corpusDir, indexDir: corpus.indexDir, embedder: createFakeEmbedder() });
  live = await LiveIndex.open({ corpusDir: corpus.corpusDir, indexDir: corpus.indexDir, embedder: createFakeEmbedder(), log: () => {} });
  await live.startModel();
});
after(async () => {
  for (const s of servers) await s.close();
  await live.close();
  await corpus.cleanup();
});

async function serve(extra: Partial<Parameters<typeof startHttpServer>[0]> = {}): Promise<RunningHttpServer> {
  const s = await startHttpServer({
    port: 0,
    createMcpServer: () => createServer({ index: live, log: () => {} }),
    health: () => ({ mode: live.status().mode }),
    log: () => {},
    ...extra,
  });
  servers.push(s);
  return s;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A request with full control over headers (fetch will not let a test forge Host). */
function raw(port: number, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/mcp', headers: opts.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    if (opts.chunks) {
      for (const c of opts.chunks) req.write(c);
      req.end();
    } else req.end(opts.body);
  });
}

const errorMessage = (r: RawResponse) => (JSON.parse(r.body) as { error: { message: string } }).error.message;

async function connect(url: string, headers: Record<string, string> = {}) {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'serve-http-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

describe('HTTP helpers', () => {
  test('parseListen reads [HOST:]PORT and refuses anything else', () => {
    assert.deepEqual(parseListen('3000'), { host: '127.0.0.1', port: 3000 });
    assert.deepEqual(parseListen('0.0.0.0:8080'), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(parseListen('[::1]:9000'), { host: '::1', port: 9000 });
    assert.deepEqual(parseListen('localhost:0'), { host: 'localhost', port: 0 });
    for (const bad of ['', 'abc', '70000', 'host:', ':80', 'a:b:80']) {
      assert.throws(() => parseListen(bad), /--http takes \[HOST:\]PORT/, bad);
    }
  });

  test('hostPolicy allows loopback names on the bound port and --allowed-host entries', () => {
    const p = hostPolicy('127.0.0.1', 3000, ['mcp.internal', 'box.lan:8443']);
    const hosts = ['localhost:3000', '127.0.0.1:3000', '[::1]:3000', 'LOCALHOST:3000', 'localhost:3001', 'localhost', 'evil.example:3000', 'mcp.internal', 'mcp.internal:1', 'box.lan:8443', 'box.lan:3000', '', 'a b'];
    assert.deepEqual(
      hosts.map((h) => p.host(h)),
      [true, true, true, true, false, false, false, true, true, true, false, false, false],
    );
    assert.equal(p.host(undefined), false);
    const origins = [undefined, 'http://localhost:3000', 'http://[::1]:3000', 'http://evil.example', 'http://localhost:5173', 'null', 'file:///x', 'https://box.lan:8443'];
    assert.deepEqual(
      origins.map((o) => p.origin(o)),
      [true, true, true, false, false, false, false, true],
    );
    assert.throws(() => hostPolicy('127.0.0.1', 1, ['http://x/']), /--allowed-host takes a host name or host:port/);
  });

  test('tokenMatches needs the exact bearer token', () => {
    assert.deepEqual(
      ['Bearer s3cret', 'bearer s3cret', 'Bearer s3cre', 'Bearer s3cret2', 's3cret', 'Basic s3cret', undefined].map((h) => tokenMatches(h, 's3cret')),
      [true, true, false, false, false, false, false],
    );
  });
});

describe('sanad serve --http', () => {
  test('an SDK client connects to /mcp, calls a tool, and ends its session', async () => {
    const s = await serve();
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { client, transport } = await connect(s.url);
    const result = await client.callTool({ name: 'search', arguments: { query: 'dockworkers cranes', k: 2, mode: 'lexical' } });
    const structured = result.structuredContent as { results: Array<{ citation: string }> };
    assert.deepEqual(structured.results.map((r) => r.citation), ['en-port.txt#p1']);
    assert.equal(s.sessionCount(), 1);
    assert.match(transport.sessionId ?? '', /^[0-9a-f-]{36}$/);
    await transport.terminateSession();
    await client.close();
    await waitFor('the session to close', () => (s.sessionCount() === 0 ? true : undefined));
  });

  test('foreign Origin and Host headers are refused with 403; loopback ones pass', async () => {
    const s = await serve();
    const body = JSON.stringify(INIT);
    const evilOrigin = await raw(s.port, { headers: { ...MCP_HEADERS, origin: 'http://evil.example' }, body });
    assert.deepEqual([evilOrigin.status, errorMessage(evilOrigin)], [403, 'Forbidden: Origin not allowed']);
    const evilHost = await raw(s.port, { headers: { ...MCP_HEADERS, host: `evil.example:${s.port}` }, body });
    assert.deepEqual([evilHost.status, errorMessage(evilHost)], [403, 'Forbidden: Host header not allowed (add it with --allowed-host)']);
    // DNS rebinding also reaches /healthz; it is guarded the same way.
    const evilHealth = await raw(s.port, { method: 'GET', path: '/healthz', headers: { host: `evil.example:${s.port}` } });
    assert.equal(evilHealth.status, 403);
    const local = await raw(s.port, { headers: { ...MCP_HEADERS, host: `localhost:${s.port}`, origin: `http://localhost:${s.port}` }, body });
    assert.equal(local.status, 200);
    assert.match(String(local.headers['mcp-session-id']), /^[0-9a-f-]{36}$/);
  });

  test('--allowed-host admits another name', async () => {
    const s = await serve({ allowedHosts: ['sanad.test'] });
    const r = await raw(s.port, { headers: { ...MCP_HEADERS, host: 'sanad.test', origin: 'https://sanad.test' }, body: JSON.stringify(INIT) });
    assert.equal(r.status, 200);
  });

  test('with a token: missing or wrong gives 401, the right one works', async () => {
    const s = await serve({ token: 's3cret' });
    const body = JSON.stringify(INIT);
    const missing = await raw(s.port, { headers: MCP_HEADERS, body });
    assert.deepEqual([missing.status, missing.headers['www-authenticate']], [401, 'Bearer realm="sanad"']);
    const wrong = await raw(s.port, { headers: { ...MCP_HEADERS, authorization: 'Bearer guess' }, body });
    assert.deepEqual([wrong.status, errorMessage(wrong)], [401, 'Unauthorized: send Authorization: Bearer <SANAD_HTTP_TOKEN>']);
    await assert.rejects(connect(s.url, { authorization: 'Bearer nope' }));
    const { client, transport } = await connect(s.url, { authorization: 'Bearer s3cret' });
    const docs = await client.callTool({ name: 'list_documents', arguments: {} });
    assert.equal(docs.isError, undefined);
    await transport.terminateSession();
    await client.close();
  });

  test('bodies over the limit get 413, declared or streamed', async () => {
    const s = await serve({ maxBodyBytes: 1024 });
    const declared = await raw(s.port, { headers: MCP_HEADERS, body: Buffer.alloc(2048, 0x20) });
    assert.deepEqual([declared.status, errorMessage(declared)], [413, 'request body over 1024 bytes']);
    // Chunked: no content-length to refuse up front; counted while reading.
    const streamed = await raw(s.port, { headers: MCP_HEADERS, chunks: [Buffer.alloc(600, 0x20), Buffer.alloc(600, 0x20)] });
    assert.equal(streamed.status, 413);
    const ok = await raw(s.port, { headers: MCP_HEADERS, body: JSON.stringify(INIT) });
    assert.equal(ok.status, 200);
  });

  test('other paths are 404, bad sessions and bodies are refused, /healthz answers', async () => {
    const s = await serve();
    const other = await raw(s.port, { method: 'GET', path: '/' });
    assert.deepEqual([other.status, errorMessage(other)], [404, 'Not found: the MCP endpoint is /mcp']);
    const unknownSession = await raw(s.port, {
      headers: { ...MCP_HEADERS, 'mcp-session-id': '00000000-0000-0000-0000-000000000000' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    assert.equal(unknownSession.status, 404);
    const noSession = await raw(s.port, { headers: MCP_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    assert.deepEqual([noSession.status, errorMessage(noSession)], [400, 'Bad Request: no mcp-session-id header; start with an initialize request']);
    const notJson = await raw(s.port, { headers: MCP_HEADERS, body: '{"jsonrpc":' });
    assert.deepEqual([notJson.status, (JSON.parse(notJson.body) as { error: { code: number } }).error.code], [400, -32700]);
    const put = await raw(s.port, { method: 'PUT', headers: MCP_HEADERS, body: '{}' });
    assert.deepEqual([put.status, put.headers.allow], [405, 'GET, POST, DELETE']);
    const health = await raw(s.port, { method: 'GET', path: '/healthz' });
    assert.deepEqual([health.status, JSON.parse(health.body)], [200, { ok: true, mode: 'hybrid' }]);
  });
});
