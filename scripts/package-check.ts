// The client half of the packed-tarball test (scripts/package-test.sh): connects a real SDK
// Client over stdio to the `sanad serve` installed from the tarball in APP_DIR, and checks the
// handshake, the tool list, a search with citations, a passage lookup and a quote check; then the
// evidence view from the installed files: the MCP App resource, and `sanad view`'s page and data.
//
//   node --import tsx scripts/package-check.ts APP_DIR
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const app = path.resolve(process.argv[2] ?? '.');
const bin = path.join(app, 'node_modules', 'sanad', 'bin', 'sanad.js');
const transport = new StdioClientTransport({
  command: process.execPath,
  args: [bin, 'serve', '--corpus', path.join(app, 'corpus'), '--index', path.join(app, 'index')],
  cwd: app,
  stderr: 'inherit',
});
// Large segments are written in worker threads: the compiled worker must start from the package.
const builds = (await import(path.join(app, 'node_modules', 'sanad', 'dist', 'indexer', 'segment-builds.js'))) as typeof import('../src/indexer/segment-builds.ts');
const scratch = await mkdtemp(path.join(tmpdir(), 'sanad-package-worker-'));
try {
  const doc = { id: 'a.txt', path: 'a.txt', title: 't', lang: 'en' as const, dates: [], sha256: '0'.repeat(64), bytes: 4, passageCount: 1 };
  const passage = { id: 'a.txt#p1', docId: 'a.txt', para: 1, kind: 'body' as const, start: 0, end: 4, text: 'text', lang: 'en' as const, hash: '1'.repeat(64) };
  const [written] = await builds.writeSegments(scratch, [{ name: 'seg-000001', input: { documents: [doc], passages: [passage], vectors: null, hnsw: null, dimension: null } }], { inlineBelow: 0 });
  assert.equal(Object.keys(written?.checksums ?? {}).length, 4);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

const client = new Client({ name: 'sanad-package-check', version: '1.0.0' });
await client.connect(transport);
try {
  const info = client.getServerVersion();
  assert.equal(info?.name, 'sanad');
  const tools = (await client.listTools()).tools.map((t) => t.name);
  for (const name of ['search', 'get_passage', 'verify_quote', 'list_documents', 'index_status']) assert.ok(tools.includes(name), `tool ${name} missing: ${tools.join(', ')}`);

  const search = await client.callTool({ name: 'search', arguments: { query: 'قاعدة حميميم الجوية وقاعدة طرطوس البحرية', k: 3 } });
  assert.equal(search.isError, undefined, JSON.stringify(search.content));
  const results = (search.structuredContent as { results: Array<{ citation: string; text: string }> }).results;
  const hit = results.find((r) => r.text.includes('حميميم'));
  assert.ok(hit, `no result mentions Hmeimim: ${results.map((r) => r.citation).join(', ')}`);

  const passage = await client.callTool({ name: 'get_passage', arguments: { ids: [hit.citation] } });
  assert.equal((passage.structuredContent as { passages: Array<{ text: string }> }).passages[0]?.text, hit.text);

  const verdict = await client.callTool({ name: 'verify_quote', arguments: { quote: 'قاعدة حميميم الجوية', citation: hit.citation } });
  assert.equal((verdict.structuredContent as { level: string }).level, 'exact');

  const status = (await client.callTool({ name: 'index_status', arguments: {} })).structuredContent as { documents: number; mode: string };
  assert.equal(status.documents, 5);
  console.error(`package check: ${info?.name} ${info?.version}, ${tools.length} tools, ${status.documents} documents (${status.mode}); top hit ${hit.citation}`);

  const view = await client.readResource({ uri: 'ui://sanad/evidence.html' });
  const page = view.contents[0];
  assert.ok(page && 'text' in page && page.mimeType === 'text/html;profile=mcp-app', 'the evidence view resource');
  assert.match(page.text, /src: url\(data:font\/woff2;base64,/u, 'the view carries its font');
  await checkViewCommand(hit.citation, page.text);
} finally {
  await client.close();
}

/** `sanad view` from the installed package: the same page, and the evidence for a citation. */
async function checkViewCommand(citation: string, resourceHtml: string): Promise<void> {
  const child = spawn(process.execPath, [bin, 'view', citation, '--quote', 'قاعدة حميميم الجوية', '--corpus', path.join(app, 'corpus'), '--index', path.join(app, 'index')], {
    cwd: app,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const lines = createInterface({ input: child.stdout });
    const address = await new Promise<string>((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`sanad view exited (${code}) before printing its address`)));
    });
    const url = new URL(address);
    const token = new URLSearchParams(url.hash.slice(1)).get('token') ?? '';
    const pageRes = await fetch(new URL('/', url));
    assert.equal(pageRes.status, 200);
    assert.match(pageRes.headers.get('content-security-policy') ?? '', /^default-src 'none'; script-src 'sha256-/u);
    assert.equal(await pageRes.text(), resourceHtml, 'sanad view serves the page the MCP App resource holds');
    const api = new URL('/api/evidence', url);
    for (const [key, value] of url.searchParams) api.searchParams.set(key, value);
    const evidence = (await (await fetch(api, { headers: { authorization: `Bearer ${token}` } })).json()) as { citation: string; quote?: { level: string } };
    assert.equal(evidence.citation, citation);
    assert.equal(evidence.quote?.level, 'exact');
    console.error(`package check: sanad view served ${citation} with its quote (exact)`);
  } finally {
    child.kill('SIGTERM');
  }
}
