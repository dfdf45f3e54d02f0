// The evidence view as an MCP App, through the protocol: the ui:// resource, the tools' links to
// it, and the app-only view_evidence tool (offered only to clients that declare MCP Apps). The
// rendering itself is tested in a real browser (test/browser/).
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Evidence } from '../src/view/evidence.ts';
import { connectClient, createFixtureIndex, MCP_APPS_CAPABILITIES, type Connected, type FixtureIndex } from './helpers/fixture-index.ts';

const VIEW_URI = 'ui://sanad/evidence.html';

let fx: FixtureIndex;
let plain: Connected;
let apps: Connected;

before(async () => {
  fx = await createFixtureIndex();
  plain = await connectClient(fx.handle);
  apps = await connectClient(fx.handle, MCP_APPS_CAPABILITIES);
});
after(async () => {
  await plain.close();
  await apps.close();
  await fx.cleanup();
});

const original = (doc: string) => readFile(path.join(fx.corpusDir, doc), 'utf8');

async function evidence(args: Record<string, unknown>): Promise<Evidence> {
  const r = (await apps.client.callTool({ name: 'view_evidence', arguments: args })) as CallToolResult;
  assert.notEqual(r.isError, true, JSON.stringify(r.content));
  return r.structuredContent as Evidence;
}

function verdictOf(e: Evidence): NonNullable<Evidence['quote']> {
  assert.ok(e.quote, 'the evidence carries a verdict');
  return e.quote;
}

describe('linking', () => {
  it('search, get_passage, verify_quote and check_answer point at the view; other tools do not', async () => {
    const { tools } = await plain.client.listTools();
    const linked = tools.filter((t) => (t._meta as { ui?: { resourceUri?: string } } | undefined)?.ui?.resourceUri === VIEW_URI).map((t) => t.name);
    assert.deepEqual(linked, ['search', 'get_passage', 'verify_quote', 'check_answer']);
    for (const t of tools.filter((x) => linked.includes(x.name))) assert.equal(t._meta?.['ui/resourceUri'], VIEW_URI, `${t.name} has the older key too`);
  });

  it('view_evidence is offered only to clients that render MCP Apps, and only to the app', async () => {
    const names = (tools: Tool[]) => tools.map((t) => t.name);
    assert.ok(!names((await plain.client.listTools()).tools).includes('view_evidence'));
    const r = (await plain.client.callTool({ name: 'view_evidence', arguments: { citation: 'ar-water-plan.txt#p4' } })) as CallToolResult;
    assert.equal(r.isError, true);
    const tool = (await apps.client.listTools()).tools.find((t) => t.name === 'view_evidence');
    assert.ok(tool, 'listed for an MCP Apps client');
    assert.deepEqual(tool._meta?.ui, { resourceUri: VIEW_URI, visibility: ['app'] });
    assert.deepEqual(tool.annotations, { title: 'Evidence view data', readOnlyHint: true, idempotentHint: true, openWorldHint: false });
  });

  it('tool results are the same whether or not the client renders apps', async () => {
    const args = { name: 'verify_quote', arguments: { quote: 'مخزون نبع الفيجه انخفض', citation: 'ar-water-plan.txt#p4' } };
    assert.deepEqual(await apps.client.callTool(args), await plain.client.callTool(args));
  });
});

describe('the ui:// resource', () => {
  it('is one self-contained HTML page whose policy allows exactly its own inline script and styles', async () => {
    const { contents } = await plain.client.readResource({ uri: VIEW_URI });
    assert.equal(contents.length, 1);
    const [page] = contents;
    assert.ok(page && 'text' in page);
    assert.equal(page.mimeType, 'text/html;profile=mcp-app');
    assert.deepEqual(page._meta, { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } });
    const html = page.text;
    assert.match(html, /^<!doctype html>/u);
    // Nothing is loaded from anywhere: no URL at all, no external script, style or font.
    assert.doesNotMatch(html, /https?:\/\//u);
    assert.doesNotMatch(html, /<(script|link|img|iframe)\b[^>]*\b(src|href)=/iu);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/u.exec(html)?.[1] ?? '';
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/gu)].map((m) => m[1] ?? '');
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/gu)].map((m) => m[1] ?? '');
    assert.equal(scripts.length, 1);
    assert.equal(styles.length, 2);
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    assert.equal(
      csp,
      [
        "default-src 'none'",
        `script-src ${hash(scripts[0] ?? '')}`,
        `style-src ${styles.map(hash).join(' ')}`,
        'font-src data:',
        'img-src data:',
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
    );
    // The fonts travel inside the page.
    assert.equal([...html.matchAll(/src: url\(data:font\/woff2;base64,/gu)].length, 2);
  });
});

describe('view_evidence', () => {
  it('shows the cited passage in its article, with a quote verdict and a reprint whose shared wording is marked', async () => {
    const e = await evidence({ citation: 'ar-water-plan.txt#p4', quote: 'مخزون نبع الفيجه انخفض' });
    assert.equal(e.citation, 'ar-water-plan.txt#p4');
    assert.equal(e.document.id, 'ar-water-plan.txt');
    assert.equal(e.document.outlet, 'صحيفة الوطن');
    assert.equal(e.document.published, '2025-03-12');
    assert.deepEqual(e.window, { first: 0, total: 5 });
    const text = await original('ar-water-plan.txt');
    assert.deepEqual(
      e.passages.map((p) => p.citation),
      ['p0', 'p1', 'p2', 'p3', 'p4'].map((p) => `ar-water-plan.txt#${p}`),
    );
    for (const p of e.passages) assert.equal(text.slice(p.start, p.end), p.text);
    // The verdict is verify_quote's, for that citation.
    const verdict = (await plain.client.callTool({
      name: 'verify_quote',
      arguments: { quote: 'مخزون نبع الفيجه انخفض', citation: 'ar-water-plan.txt#p4' },
    })) as CallToolResult;
    const quote = verdictOf(e);
    assert.deepEqual(quote, verdict.structuredContent);
    assert.equal(quote.level, 'normalized');
    assert.deepEqual(quote.matches.map((m) => text.slice(m.start, m.end)), ['مخزون نبع الفيجة انخفض']);

    assert.equal(e.reprints.length, 1);
    const [r] = e.reprints;
    assert.ok(r);
    assert.equal(r.citation, 'ar-water-reprint.txt#p2');
    assert.equal(r.outlet, 'وكالة سانا');
    assert.equal(r.similarity, 0.875);
    const reprinted = await original('ar-water-reprint.txt');
    assert.equal(reprinted.slice(r.start, r.end), r.text);
    const slices = (t: string, spans: Array<{ start: number; end: number }>) => spans.map((s) => t.slice(s.start, s.end));
    const common = ['وأكدت وزارة الموارد المائية أن مخزون نبع الفيجة انخفض هذا العام إلى أدنى مستوى له منذ عشرين عاماً بسبب قلة الأمطار، داعيةً', 'إلى ترشيد الاستهلاك'];
    assert.deepEqual(slices(reprinted, r.shared), common);
    assert.deepEqual(slices(text, r.shared_in_cited), common);
  });

  it('finds the same reprint from the other side, and takes known also_in ids', async () => {
    const e = await evidence({ citation: 'ar-water-reprint.txt#p2', also_in: ['ar-water-plan.txt#p4', 'en-water-brief.txt#p1'] });
    // The English brief says the same in other words: not a reprint, even when the caller claims it.
    assert.deepEqual(e.reprints.map((r) => r.citation), ['ar-water-plan.txt#p4']);
  });

  it('reports a quote found under another citation, as verify_quote does', async () => {
    const e = await evidence({ citation: 'fa-tehran-air.txt#p2', quote: 'به ۱۸۵ رسید' });
    assert.equal(verdictOf(e).level, 'not_found');
    assert.deepEqual(verdictOf(e).elsewhere?.map((m) => m.citation), ['fa-tehran-air.txt#p1']);
    const corpus = await evidence({ citation: 'fa-tehran-air.txt#p1', quote: 'به ۱۸۵ رسید', quote_scope: 'corpus' });
    assert.equal(verdictOf(corpus).level, 'exact');
    assert.deepEqual(verdictOf(corpus).scope, { kind: 'corpus' });
    assert.deepEqual(corpus.reprints, []);
  });

  it('turns unknown ids and bad windows into errors that say what to send', async () => {
    const unknown = (await apps.client.callTool({ name: 'view_evidence', arguments: { citation: 'ar-water-plan.txt#p9' } })) as CallToolResult;
    assert.equal(unknown.isError, true);
    assert.match(JSON.stringify(unknown.content), /unknown citation id \\"ar-water-plan.txt#p9\\"; did you mean ar-water-plan.txt#p4/u);
    const around = (await apps.client.callTool({
      name: 'view_evidence',
      arguments: { citation: 'ar-water-plan.txt#p4', around: 'fa-tehran-air.txt#p1' },
    })) as CallToolResult;
    assert.equal(around.isError, true);
    assert.match(JSON.stringify(around.content), /around must be a citation id of ar-water-plan.txt/u);
  });
});
