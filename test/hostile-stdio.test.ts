// Messages over the stdio limit: the session must survive a request of more than 10 MiB (it gets
// an error naming the limit), a notification that size (no reply, a log line), a line that is not
// JSON, and a reply too big for the client (replaced by an error).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { BoundedStdioTransport, headOf, MAX_MESSAGE_BYTES } from '../src/mcp/stdio.ts';
import { makeCorpus, waitFor, type TempCorpus } from './helpers/serve-fixture.ts';

const BIN = path.resolve('bin/sanad.js');
const corpora: TempCorpus[] = [];
after(async () => {
  for (const c of corpora) await c.cleanup();
});

describe('stdio messages over the size limit', () => {
  it('a real server answers an oversized request with an error, skips an oversized notification, and keeps serving', async () => {
    const c = await makeCorpus('sanad-hostile-stdio-');
    corpora.push(c);
    const child = spawn(process.execPath, [BIN, 'serve', '--lexical-only', '--corpus', c.corpusDir, '--index', c.indexDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (code, signal) => resolve([code, signal])));
    const send = (line: string) => child.stdin.write(`${line}\n`);
    const replies = () =>
      stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { id?: number | null; result?: unknown; error?: { code: number; message: string } });
    const reply = (id: number | null) => waitFor(`reply ${id}`, () => replies().find((r) => r.id === id), 30_000);

    send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } }));
    await reply(1);
    send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }));

    const huge = 'ق'.repeat(MAX_MESSAGE_BYTES / 2 + 1000);
    send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'search', arguments: { query: huge } } }));
    const tooBig = await reply(7);
    assert.equal(tooBig.error?.code, -32600);
    assert.match(tooBig.error?.message ?? '', /^the request is \d+ bytes, over the 10485760-byte limit of a stdio message; send shorter arguments$/);

    send(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3, reason: huge } }));
    send('this is not json');
    assert.equal((await reply(null)).error?.code, -32700);

    send(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'search', arguments: { query: 'dockworkers cranes', mode: 'lexical' } } }));
    const ok = (await reply(8)) as { result?: { structuredContent?: { results: Array<{ citation: string }> } } };
    assert.deepEqual(ok.result?.structuredContent?.results.map((r) => r.citation), ['en-port.txt#p1']);

    child.stdin.end();
    assert.deepEqual(await exited, [0, null]);
    // Nothing answered the notification; the log says what was skipped.
    assert.deepEqual(replies().map((r) => r.id), [1, 7, null, 8]);
    assert.match(stderr, /a \d+-byte message \(tools\/call\) is over the 10485760-byte limit and was skipped; the session goes on/);
    assert.match(stderr, /a \d+-byte message \(notifications\/cancelled\) is over the 10485760-byte limit and was skipped/);
  });

  it('a reply over the limit becomes an error the client can read', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const logs: string[] = [];
    const transport = new BoundedStdioTransport(stdin, stdout, { maxMessageBytes: 1000, log: (l) => logs.push(l) });
    await transport.start();
    let written = '';
    stdout.on('data', (d: Buffer) => (written += d.toString('utf8')));
    await transport.send({ jsonrpc: '2.0', id: 4, result: { content: [{ type: 'text', text: 'x'.repeat(5000) }] } } as JSONRPCMessage);
    const sent = JSON.parse(written) as { id: number; error: { message: string } };
    assert.equal(sent.id, 4);
    assert.match(sent.error.message, /^the result is 5\d{3} bytes, over the 1000-byte limit of a stdio message; ask for less/);
    assert.equal(logs.length, 1);
    await transport.close();
  });

  it('reads a message split across chunks and several messages in one chunk', async () => {
    const stdin = new PassThrough();
    const transport = new BoundedStdioTransport(stdin, new PassThrough(), { maxMessageBytes: 200, log: () => undefined });
    const got: unknown[] = [];
    transport.onmessage = (m) => got.push(m);
    await transport.start();
    const a = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });
    const b = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'ping' });
    stdin.write(a.slice(0, 10));
    stdin.write(`${a.slice(10)}\n${b}\n`);
    // 300 bytes in pieces: skipped, then the next message still arrives whole.
    stdin.write(`{"jsonrpc":"2.0","method":"x","params":{"p":"${'y'.repeat(150)}`);
    stdin.write(`${'y'.repeat(150)}"}}\n${a}\n`);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got.map((m) => (m as { id: number }).id), [1, 2, 1]);
    await transport.close();
  });

  it('finds the id of a request only before its params', () => {
    assert.deepEqual(headOf('{"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"id":99'), { id: 12, method: 'tools/call' });
    assert.deepEqual(headOf('{"method":"tools/call","params":{"arguments":{"id":"x"'), { method: 'tools/call' });
    assert.deepEqual(headOf('{"id":"abc","jsonrpc":"2.0"'), { id: 'abc' });
  });
});
