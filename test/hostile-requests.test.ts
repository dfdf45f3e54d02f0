// Requests crafted to stall the server, each within the tools' declared limits, sent to a real
// `sanad serve` process over stdio on a corpus of 600 articles. Each must come back with
// the right answer (or a clear error saying what to shorten) while a second client's pings keep
// being answered promptly. The 100 ms target on 5,000 documents is measured by the hostile
// benchmark (BENCHMARKS.md); here the bound is loose because the machine is shared, but still far
// below what the unbounded code took (seconds to minutes).
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildIndex } from '../src/indexer/build-index.ts';
import { paragraphsOf, writeBigCorpus } from './helpers/big-corpus.ts';
import { probe, type Probed } from './helpers/ping-probe.ts';

const BIN = path.resolve('bin/sanad.js');
const DOCUMENTS = 600;
/**
 * Generous: the machine is shared (load averages of 8 on 2 cores happen), and 80 ms of work then
 * takes 300 ms. The unbounded handlers blocked pings for 2–20 s on this corpus; the 100 ms
 * target is measured quietly by the benchmark.
 */
const PING_BOUND_MS = 1000;
/** Raised by how slow an ordinary search is right now, so a loaded machine does not fail the test. */
let pingBound = PING_BOUND_MS;

let root = '';
let ids: string[] = [];
let worker: Client;
let pinger: Client;
const stderr: string[] = [];

async function connect(corpusDir: string, indexDir: string): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'serve', '--lexical-only', '--corpus', corpusDir, '--index', indexDir],
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const client = new Client({ name: 'hostile', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-hostile-requests-'));
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  ids = await writeBigCorpus(corpusDir, { documents: DOCUMENTS, paragraphs: await paragraphsOf('corpus') });
  await buildIndex({ corpusDir, indexDir, embedder: null });
  // Two processes would not share an event loop: the pinger talks to the same server process
  // through the same stdio connection, as a second request would.
  worker = await connect(corpusDir, indexDir);
  pinger = worker;
  // A server that has answered ordinary requests: the hostile ones are measured warm, not on
  // first-use costs (JIT, lookup tables) that any request would pay.
  await worker.callTool({ name: 'search', arguments: { query: 'وزير الخارجية', mode: 'lexical' } });
  await worker.callTool({ name: 'verify_quote', arguments: { quote: 'وزير الخارجية' } });
  await worker.callTool({ name: 'get_passage', arguments: { ids: [`${ids[0] ?? ''}#p1`] } });
  const started = performance.now();
  await worker.callTool({ name: 'search', arguments: { query: 'التعاون العسكري', mode: 'lexical' } });
  pingBound = PING_BOUND_MS + 10 * (performance.now() - started);
});

after(async () => {
  await worker?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

function report(name: string, p: Probed<unknown>): void {
  console.error(`${name}: request ${p.requestMs.toFixed(0)} ms, slowest ping ${p.maxPingMs.toFixed(0)} ms (${p.pings} pings)`);
}

function text(r: unknown): string {
  const content = (r as CallToolResult).content ?? [];
  return content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('hostile requests on 600 documents', () => {
  it('an unknown document id of 100,000 characters in a resource read', async () => {
    const p = await probe(pinger, () => worker.readResource({ uri: `sanad://document/${'x'.repeat(100_000)}` }));
    report('resource read 100k id', p);
    assert.match(String(p.error), /unknown document id "x{120}… \(100000 characters\)"/);
    assert.ok(p.maxPingMs < pingBound, `a ping waited ${p.maxPingMs} ms`);
  });

  it('20 unknown 300-character citation ids in get_passage', async () => {
    const near = ids[7] ?? '';
    const unknown = Array.from({ length: 20 }, (_, i) => `${near.slice(0, 20)}${'ی'.repeat(270)}${i}#p1`);
    const p = await probe(pinger, () => worker.callTool({ name: 'get_passage', arguments: { ids: unknown } }));
    report('get_passage 20×300', p);
    assert.match(text(p.value), /unknown citation id/);
    assert.ok(p.maxPingMs < pingBound, `a ping waited ${p.maxPingMs} ms`);
  });

  it('completion of a 100,000-character document id', async () => {
    const p = await probe(pinger, () =>
      worker.complete({ ref: { type: 'ref/resource', uri: 'sanad://document/{id}' }, argument: { name: 'id', value: 'a'.repeat(100_000) } }),
    );
    report('complete 100k', p);
    assert.deepEqual((p.value as { completion: { values: string[] } }).completion.values, []);
    assert.ok(p.maxPingMs < pingBound, `a ping waited ${p.maxPingMs} ms`);
  });

  it('verify_quote with 200 lines of 9 characters', async () => {
    const quote = Array.from({ length: 200 }, (_, i) => `کلمه ${String(i).padStart(3, '0')}`).join('\n');
    const p = await probe(pinger, () => worker.callTool({ name: 'verify_quote', arguments: { quote } }));
    report('verify 200 lines', p);
    assert.equal((p.value as CallToolResult).isError, true);
    assert.match(text(p.value), /^verify_quote: the quote has 200 parts \(pieces between line breaks or ellipses\); at most 20 are checked per call/);
    assert.ok(p.maxPingMs < pingBound, `a ping waited ${p.maxPingMs} ms`);
  });

  it('verify_quote of 2,000 characters of random words, and of 20 such lines, ends within its budget', async () => {
    const words = ['قال', 'الوزير', 'موسكو', 'دمشق', 'التعاون', 'العسكري', 'اتفاق', 'قاعدة'];
    let quote = '';
    for (let i = 0; quote.length < 1990; i++) quote += `${words[(i * 7919) % words.length]} `;
    const lines = Array.from({ length: 20 }, (_, i) => `${words[i % words.length]} کلمه ${i} ${words[(i + 3) % words.length]}`).join('\n');
    for (const q of [quote.trim(), lines]) {
      const p = await probe(pinger, () => worker.callTool({ name: 'verify_quote', arguments: { quote: q } }));
      report(`verify ${q.length} chars`, p);
      const answer = text(p.value);
      // Either a verdict or the budget's error naming what to shorten; never a stall.
      assert.match(answer, /^(not_found|partial|normalized|exact): |^verify_quote stopped: the request needs more than its 1 s of work; verify one sentence at a time/);
      assert.ok(p.requestMs < 2500, `took ${p.requestMs} ms`);
    }
  });

  it('a search with a 1,000-character query and five 1,000-character variants', async () => {
    const long = 'وزير الخارجية السوري موسكو التعاون العسكري '.repeat(30).slice(0, 1000);
    const p = await probe(pinger, () =>
      worker.callTool({ name: 'search', arguments: { query: long, variants: [long, long, long, long, long], k: 50, mode: 'lexical' } }),
    );
    report('search 6×1000', p);
    assert.equal((p.value as CallToolResult).isError, undefined);
    assert.ok(p.maxPingMs < pingBound, `a ping waited ${p.maxPingMs} ms`);
  });

  it('path traversal in ids and resource URIs finds nothing outside the index', async () => {
    for (const id of ['../../../../etc/passwd', '/etc/passwd', '..%2F..%2Fetc%2Fpasswd', 'ar/../../../etc/hostname']) {
      const doc = await worker.callTool({ name: 'get_document', arguments: { id } });
      assert.equal((doc as CallToolResult).isError, true, id);
      assert.match(text(doc), /^get_document: unknown document id/);
      const passage = await worker.callTool({ name: 'get_passage', arguments: { ids: [`${id}#p1`] } });
      assert.match(text(passage), /^get_passage: unknown citation id/);
      const uri = `sanad://document/${encodeURIComponent(id)}`;
      await assert.rejects(worker.readResource({ uri }), /unknown document id/);
      assert.doesNotMatch(text(doc) + text(passage), /root:|localhost/);
    }
    await assert.rejects(worker.readResource({ uri: 'sanad://document/..%2F..%2F..%2Fetc%2Fpasswd' }), /unknown document id "\.\.\/\.\.\/\.\.\/etc\/passwd"/);
  });

  it('list_documents and resources/list over every document', async () => {
    const p = await probe(pinger, () => worker.callTool({ name: 'list_documents', arguments: {} }));
    report('list_documents', p);
    const q = await probe(pinger, () => worker.listResources());
    report('resources/list', q);
    assert.ok(p.maxPingMs < pingBound, `a ping waited ${p.maxPingMs} ms`);
  });
});
