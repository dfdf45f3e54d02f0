import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { makeCorpus, waitFor, type TempCorpus } from './helpers/serve-fixture.ts';

const BIN = path.resolve('bin/sanad.js');
const corpora: TempCorpus[] = [];
afterEach(async () => {
  for (const c of corpora.splice(0)) await c.cleanup();
});

async function corpus(): Promise<TempCorpus> {
  const c = await makeCorpus('sanad-stdio-');
  corpora.push(c);
  return c;
}

const serveArgs = (c: TempCorpus) => [BIN, 'serve', '--provider', 'fake', '--corpus', c.corpusDir, '--index', c.indexDir];

describe('sanad serve over stdio', () => {
  test('an SDK client lists the tools and searches; the protocol stream stays clean', async () => {
    const c = await corpus();
    const transport = new StdioClientTransport({ command: process.execPath, args: serveArgs(c), stderr: 'pipe' });
    let stderr = '';
    transport.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const client = new Client({ name: 'serve-stdio-test', version: '1.0.0' });
    // A non-JSON line on stdout would surface here as a parse error.
    const errors: Error[] = [];
    client.onerror = (err) => errors.push(err);
    await client.connect(transport);
    try {
      const tools = await client.listTools();
      assert.deepEqual(tools.tools.map((t) => t.name).sort(), [
        'check_answer',
        'get_document',
        'get_passage',
        'index_status',
        'list_documents',
        'reindex',
        'search',
        'verify_quote',
      ]);
      const result = await client.callTool({ name: 'search', arguments: { query: 'dockworkers cranes', k: 2, mode: 'lexical' } });
      assert.equal(result.isError, undefined);
      const structured = result.structuredContent as { mode: string; results: Array<{ citation: string }> };
      assert.deepEqual([structured.mode, structured.results.map((r) => r.citation)], ['lexical', ['en-port.txt#p1']]);
    } finally {
      await client.close();
    }
    assert.deepEqual(errors, []);
    assert.match(stderr, /^no index at .* yet; building it from /);
    assert.match(stderr, /\nMCP over stdio; waiting for the client\n/);
  });

  test('stdout carries only JSON-RPC, and the process exits by itself when stdin closes', async () => {
    const c = await corpus();
    const child = spawn(process.execPath, serveArgs(c), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const send = (msg: object) => child.stdin.write(`${JSON.stringify(msg)}\n`);
    send({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
    });
    await waitFor('the initialize response', () => (stdout.includes('"id":1') ? true : undefined), 20_000);
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'search', arguments: { query: 'zebrafinch', mode: 'lexical' } } });
    await waitFor('the search response', () => (stdout.includes('"id":2') ? true : undefined), 20_000);

    const closedAt = Date.now();
    child.stdin.end();
    const { code, signal } = await exited;
    // Well before the 5 s safety exit: nothing may keep the process alive once the client is gone.
    assert.ok(Date.now() - closedAt < 4000, `exited ${Date.now() - closedAt} ms after stdin closed`);
    assert.deepEqual([code, signal], [0, null]);

    const lines = stdout.split('\n').filter((l) => l !== '');
    const messages = lines.map((l) => JSON.parse(l) as { jsonrpc: string; id?: number; method?: string; result?: { structuredContent?: { results: unknown[] } } });
    // Every line is JSON-RPC: the two responses, and notifications (index news in the client log).
    assert.ok(messages.every((m) => m.jsonrpc === '2.0' && (m.id !== undefined || m.method?.startsWith('notifications/'))), stdout);
    const responses = messages.filter((m) => m.id !== undefined);
    assert.deepEqual(responses.map((m) => m.id), [1, 2]);
    assert.deepEqual(responses[1]?.result?.structuredContent?.results, []);
    assert.match(stderr, /\nshutting down \(stdin closed\)\n/);
  });
});
