// The HTTP transport against local processes that misbehave: doubled Host/Origin headers, one
// client opening every session slot, sessions left idle.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { duplicatedHeader, startHttpServer, type RunningHttpServer } from '../src/mcp/http.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';
import { createServer } from '../src/mcp/server.ts';
import { makeCorpus, waitFor, type TempCorpus } from './helpers/serve-fixture.ts';

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

let corpus: TempCorpus;
let live: LiveIndex;
const servers: RunningHttpServer[] = [];

before(async () => {
  corpus = await makeCorpus('sanad-hostile-http-');
  await buildIndex({ corpusDir: corpus.corpusDir, indexDir: corpus.indexDir, embedder: null });
  live = await LiveIndex.open({ corpusDir: corpus.corpusDir, indexDir: corpus.indexDir, embedder: createFakeEmbedder(), log: () => {} });
});
after(async () => {
  for (const s of servers) await s.close();
  await live.close();
  await corpus.cleanup();
});

async function serve(extra: Partial<Parameters<typeof startHttpServer>[0]> = {}): Promise<RunningHttpServer> {
  const s = await startHttpServer({ port: 0, createMcpServer: () => createServer({ index: live, log: () => {} }), log: () => {}, ...extra });
  servers.push(s);
  return s;
}

interface Reply {
  status: number;
  session?: string;
  body: string;
}

/** One request with raw headers (a list of [name, value], so a header may be sent twice). */
function send(port: number, opts: { method?: string; headers?: Array<[string, string]>; body?: string; from?: string }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Array<[string, string]> = opts.headers ?? [['host', `127.0.0.1:${port}`]];
    const req = request(
      { host: '127.0.0.1', port, method: opts.method ?? 'POST', path: '/mcp', headers: headers.flat(), ...(opts.from ? { localAddress: opts.from } : {}) },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => {
          const session = res.headers['mcp-session-id'];
          resolve({ status: res.statusCode ?? 0, ...(typeof session === 'string' ? { session } : {}), body });
        });
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const initialize = (port: number, from?: string) =>
  send(port, { headers: [['host', `127.0.0.1:${port}`], ...Object.entries(MCP_HEADERS)], body: INIT, ...(from ? { from } : {}) });

const listTools = (port: number, session: string) =>
  send(port, {
    headers: [['host', `127.0.0.1:${port}`], ['mcp-session-id', session], ['mcp-protocol-version', '2025-06-18'], ...Object.entries(MCP_HEADERS)],
    body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
  });

const message = (r: Reply) => (JSON.parse(r.body) as { error: { message: string } }).error.message;

describe('Host and Origin headers', () => {
  it('a request with two Host headers, one allowed and one foreign, is refused; so is a doubled Origin', async () => {
    const s = await serve();
    const twoHosts = await send(s.port, { headers: [['host', `127.0.0.1:${s.port}`], ['host', 'evil.example'], ...Object.entries(MCP_HEADERS)], body: INIT });
    assert.deepEqual([twoHosts.status, message(twoHosts)], [400, 'Bad Request: the host header is sent more than once']);
    const foreignFirst = await send(s.port, { headers: [['host', 'evil.example'], ['host', `127.0.0.1:${s.port}`]], body: INIT });
    assert.equal(foreignFirst.status, 400);
    const twoOrigins = await send(s.port, {
      headers: [['host', `127.0.0.1:${s.port}`], ['origin', `http://127.0.0.1:${s.port}`], ['origin', 'http://evil.example'], ...Object.entries(MCP_HEADERS)],
      body: INIT,
    });
    assert.deepEqual([twoOrigins.status, message(twoOrigins)], [400, 'Bad Request: the origin header is sent more than once']);
    for (const bad of ['127.0.0.1:99999999', 'exa mple:1', '[::1', `127.0.0.1:${s.port}/x`]) {
      const r = await send(s.port, { headers: [['host', bad]], body: INIT });
      assert.equal(r.status, 403, bad);
    }
    assert.equal(duplicatedHeader(['Host', 'a', 'Accept', 'x', 'HOST', 'b']), 'host');
    assert.equal(duplicatedHeader(['Host', 'a', 'Accept', 'x', 'Accept', 'y']), null);
  });
});

describe('session slots', () => {
  it('one client cannot hold every slot: past its share it gets a 503, other clients still get in', async () => {
    const s = await serve({ maxSessions: 4, maxSessionsPerClient: 2, evictIdleMs: 60_000 });
    const first = await initialize(s.port);
    const second = await initialize(s.port);
    assert.ok(first.session && second.session);
    const third = await initialize(s.port);
    assert.deepEqual([third.status, message(third)], [503, 'this client already has 2 open MCP sessions, the most one client may hold; close one (DELETE /mcp) or reuse it']);
    // Another local address is another client.
    const other = await initialize(s.port, '127.0.0.2');
    assert.equal(other.status, 200);
    assert.equal(s.sessionCount(), 3);
  });

  it('when the server is full, the longest-idle session makes room; busy ones are kept', async () => {
    const s = await serve({ maxSessions: 2, maxSessionsPerClient: 2, evictIdleMs: 150 });
    const a = await initialize(s.port);
    const b = await initialize(s.port);
    assert.ok(a.session && b.session);
    const full = await initialize(s.port);
    assert.equal(full.status, 503);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal((await listTools(s.port, b.session)).status, 200); // b is used again: a is the idlest
    const c = await initialize(s.port);
    assert.equal(c.status, 200);
    assert.equal((await listTools(s.port, a.session)).status, 404);
    assert.equal((await listTools(s.port, b.session)).status, 200);
  });

  it('idle sessions are closed after the idle time', async () => {
    const s = await serve({ sessionIdleMs: 100 });
    const a = await initialize(s.port);
    assert.ok(a.session);
    await waitFor('the idle session to close', () => (s.sessionCount() === 0 ? true : undefined), 5000);
    assert.equal((await listTools(s.port, a.session)).status, 404);
  });
});
