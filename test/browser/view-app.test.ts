// The evidence view as an MCP App, end to end: the HTML is read through the protocol (resources/read
// of the ui:// URI the tools link to), and a host page built on the official host side of MCP Apps
// (AppBridge from @modelcontextprotocol/ext-apps, bundled here with esbuild) renders it in a
// sandboxed iframe, hands it real tool results, and forwards its view_evidence calls to the server.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { build } from 'esbuild';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Frame } from 'playwright-core';
import { createServer } from '../../src/mcp/server.ts';
import { viewPageLoader } from '../../src/view/page.ts';
import { MCP_APPS_CAPABILITIES } from '../helpers/fixture-index.ts';
import { browserMissing, launchBrowser, makeCorpus, screenshot, spans, type Browser, type Corpus } from './helpers.ts';

const skip = browserMissing();
const VIEW_URI = 'ui://sanad/evidence.html';

/** The host page's script: one AppBridge per view, the view in a sandboxed iframe (opaque origin). */
const HOST_SCRIPT = `
import { AppBridge, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
window.hostEvents = [];
window.startHost = async ({ html, toolName, toolInput, toolResult, hostCapabilities }) => {
  const iframe = document.createElement('iframe');
  iframe.setAttribute('sandbox', 'allow-scripts');
  iframe.style.cssText = 'width: 1000px; height: 400px; border: 1px solid #ccc';
  document.body.append(iframe);
  const bridge = new AppBridge(null, { name: 'sanad-test-host', version: '1.0.0' }, hostCapabilities, {
    hostContext: {
      theme: 'light',
      locale: 'en-US',
      displayMode: 'inline',
      availableDisplayModes: ['inline'],
      toolInfo: { tool: { name: toolName, inputSchema: { type: 'object' } } },
    },
  });
  bridge.oncalltool = async (params) => {
    window.hostEvents.push('tools/call ' + params.name);
    return window.hostCallTool(params);
  };
  bridge.onsizechange = ({ height }) => {
    window.hostEvents.push('size');
    if (height) iframe.style.height = height + 'px';
  };
  bridge.oninitialized = () => {
    window.hostEvents.push('initialized');
    void bridge.sendToolInput({ arguments: toolInput }).then(() => bridge.sendToolResult(toolResult));
  };
  await bridge.connect(new PostMessageTransport(iframe.contentWindow, iframe.contentWindow));
  iframe.srcdoc = html;
};
`;

let corpus: Corpus;
let client: Client;
let closeServer: () => Promise<void>;
let hostPage: Server;
let hostUrl: string;
let browser: Browser;
let html: string;

before(async () => {
  corpus = await makeCorpus();
  const server = createServer({ index: corpus.live, log: () => {} });
  const [a, b] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: 'sanad-test-host', version: '1.0.0' }, { capabilities: MCP_APPS_CAPABILITIES });
  await Promise.all([server.connect(a), client.connect(b)]);
  closeServer = () => server.close();
  const { contents } = await client.readResource({ uri: VIEW_URI });
  const page = contents[0];
  assert.ok(page && 'text' in page && page.mimeType === 'text/html;profile=mcp-app');
  html = page.text;
  if (skip) return;

  const bundle = await build({
    stdin: { contents: HOST_SCRIPT, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]?.text ?? '';
  hostPage = createHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html><head><meta charset="utf-8"><title>host</title></head><body><script>${script}</script></body></html>`);
  });
  await new Promise<void>((resolve) => hostPage.listen(0, '127.0.0.1', resolve));
  hostUrl = `http://127.0.0.1:${(hostPage.address() as AddressInfo).port}/`;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await new Promise((resolve) => (hostPage ? hostPage.close(resolve) : resolve(undefined)));
  await client?.close();
  await closeServer?.();
  await corpus?.cleanup();
});

interface Hosted {
  view: Frame;
  events(): Promise<string[]>;
  close(): Promise<void>;
  screenshot(name: string): Promise<string>;
}

/** Calls a tool for real (unless given its result), then shows the result in the view inside the test host. */
async function host(
  toolName: string,
  toolInput: Record<string, unknown>,
  hostCapabilities: Record<string, unknown> = { serverTools: {} },
  given?: CallToolResult,
): Promise<Hosted> {
  const toolResult = given ?? ((await client.callTool({ name: toolName, arguments: toolInput })) as CallToolResult);
  assert.notEqual(toolResult.isError, true);
  const page = await browser.page();
  await page.exposeFunction('hostCallTool', (params: { name: string; arguments?: Record<string, unknown> }) => client.callTool(params));
  await page.goto(hostUrl);
  await page.evaluate((args) => (window as unknown as { startHost(a: unknown): Promise<void> }).startHost(args), {
    html,
    toolName,
    toolInput,
    toolResult,
    hostCapabilities,
  });
  const frame = await (await page.waitForSelector('iframe')).contentFrame();
  assert.ok(frame);
  return {
    view: frame,
    events: () => page.evaluate(() => (window as unknown as { hostEvents: string[] }).hostEvents),
    async close() {
      assert.deepEqual(page.problems, []);
      await page.close();
    },
    screenshot: (name) => screenshot(page, name),
  };
}

// Through the protocol only: these run even where there is no browser.
describe('the view a host gets', () => {
  it('is linked from the tools it shows', async () => {
    const { tools } = await client.listTools();
    for (const name of ['search', 'get_passage', 'verify_quote', 'check_answer']) {
      assert.equal((tools.find((t) => t.name === name)?._meta as { ui?: { resourceUri?: string } })?.ui?.resourceUri, VIEW_URI, name);
    }
  });

  it('is the same page the web server serves', async () => {
    assert.equal(html, (await viewPageLoader()()).html);
  });
});

describe('the evidence view inside an MCP host', { skip: skip ?? false }, () => {
  it('shows a search result: every cited passage one click away, the first in its article with its reprint', async () => {
    const hosted = await host('search', { query: 'مخزون نبع الفيجة انخفض إلى أدنى مستوى', mode: 'lexical', k: 3 });
    const { view } = hosted;
    await view.waitForSelector('.passage.cited');
    const chips = await view.$$eval('.chip', (els) => els.map((el) => el.getAttribute('title')));
    assert.equal(chips.length, 3);
    const cited = await view.$eval('.passage.cited', (el) => el.getAttribute('data-citation'));
    assert.equal(cited, chips[0]);
    assert.ok(cited === 'ar-water-plan.txt#p4' || cited === 'ar-water-reprint.txt#p2', `the top result is one of the reprinted pair (${cited})`);
    const other = cited === 'ar-water-plan.txt#p4' ? 'ar-water-reprint.txt#p2' : 'ar-water-plan.txt#p4';
    assert.deepEqual(await view.$$eval('.reprint', (els) => els.map((el) => el.getAttribute('data-citation'))), [other]);
    const doc = (cited ?? '').split('#')[0] ?? '';
    const text = await corpus.original(doc);
    const shown = await view.$$eval('.passage', (els) => els.map((el) => ({ start: Number(el.getAttribute('data-start')), end: Number(el.getAttribute('data-end')), text: el.querySelector('.text')?.textContent ?? '' })));
    for (const p of shown) assert.equal(p.text, text.slice(p.start, p.end));
    assert.equal(await view.evaluate(() => document.documentElement.dir), 'rtl');
    assert.match(await view.$eval('.context', (el) => el.textContent ?? ''), /^search: مخزون نبع الفيجة/u);
    // The second result, through the host again.
    await view.click(`.chip[title="${chips[1]}"]`);
    await view.waitForFunction((id) => document.querySelector('.passage.cited')?.getAttribute('data-citation') === id, chips[1]);
    const events = await hosted.events();
    assert.equal(events[0], 'initialized');
    assert.equal(events.filter((e) => e === 'tools/call view_evidence').length, 2);
    assert.ok(events.includes('size'), 'the view reports its size');
    // ...and the host sized the frame to the content, not the other way round.
    const content = await view.evaluate(() => Math.ceil(document.body.getBoundingClientRect().height));
    await view.page().waitForFunction((h) => document.querySelector('iframe')?.style.height === `${h}px`, content);
    await hosted.screenshot('app-search');
    await hosted.close();
  });

  it('shows a verify_quote verdict: the matched span and its level', async () => {
    const quote = 'وقال مدير المؤسسة ان';
    const hosted = await host('verify_quote', { quote, citation: 'ar-water-plan.txt#p2' });
    await hosted.view.waitForSelector('mark.quote');
    const text = await corpus.original('ar-water-plan.txt');
    const marks = await spans(hosted.view, 'mark.quote');
    assert.equal(marks.length, 1);
    assert.equal(marks[0]?.level, 'normalized');
    assert.equal(marks[0]?.text, text.slice(marks[0]?.start, marks[0]?.end));
    assert.equal(marks[0]?.text, 'وَقَالَ مُدِيرُ المُؤَسَّسَةِ إِنَّ');
    assert.equal(await hosted.view.$eval('.verdict', (el) => el.getAttribute('data-level')), 'normalized');
    await hosted.screenshot('app-verify-quote');
    await hosted.close();
  });

  it('shows get_passage results in Persian, right to left', async () => {
    const hosted = await host('get_passage', { ids: ['fa-tehran-air.txt#p1'] });
    await hosted.view.waitForSelector('.passage.cited');
    assert.equal(await hosted.view.$eval('article', (el) => getComputedStyle(el).direction), 'rtl');
    assert.equal(await hosted.view.$eval('article', (el) => el.getAttribute('lang')), 'fa');
    const text = await corpus.original('fa-tehran-air.txt');
    const cited = await hosted.view.$eval('.passage.cited', (el) => ({ start: Number(el.getAttribute('data-start')), end: Number(el.getAttribute('data-end')), text: el.querySelector('.text')?.textContent ?? '' }));
    assert.equal(cited.text, text.slice(cited.start, cited.end));
    assert.match(cited.text, /۱۸۵/u);
    await hosted.close();
  });

  it('shows a check_answer report: each quote where it really is, then the other cited passages, never an unknown id', async () => {
    const verified = 'أعلنت المؤسسة العامة لمياه الشرب في دمشق';
    const misattributed = 'مخزون نبع الفيجة انخفض هذا العام';
    const answer =
      `Damascus will repair its old pipes: «${verified}» [ar-water-plan.txt#p1]. ` +
      `The Figeh spring fell to a 20-year low: «${misattributed}» [ar-water-plan.txt#p1]. ` +
      'Tehran closed its primary schools [fa-tehran-air.txt#p1, fa-tehran-air.txt#p9].';
    const hosted = await host('check_answer', { answer });
    const { view } = hosted;
    await view.waitForSelector('mark.quote');
    const chips = await view.$$eval('.chip', (els) => els.map((el) => el.getAttribute('title')));
    // The misattributed quote opens where it is (the plan and its reprint), not at the passage cited.
    assert.deepEqual(
      [chips[0], [...chips.slice(1, 3)].sort(), chips[3], chips.length],
      ['ar-water-plan.txt#p1', ['ar-water-plan.txt#p4', 'ar-water-reprint.txt#p2'], 'fa-tehran-air.txt#p1', 4],
    );
    const plan = await corpus.original('ar-water-plan.txt');
    const first = await spans(view, 'mark.quote');
    assert.deepEqual(first.map((m) => [m.text, m.level]), [[verified, 'exact']]);
    assert.equal(first[0]?.text, plan.slice(first[0]?.start, first[0]?.end));
    await view.click('.chip[title="ar-water-reprint.txt#p2"]');
    await view.waitForFunction(() => document.querySelector('.passage.cited')?.getAttribute('data-citation') === 'ar-water-reprint.txt#p2');
    await view.waitForSelector('mark.quote');
    const reprint = await corpus.original('ar-water-reprint.txt');
    const moved = await spans(view, 'mark.quote');
    assert.deepEqual(moved.map((m) => [m.text, m.level]), [[misattributed, 'exact']]);
    assert.equal(moved[0]?.text, reprint.slice(moved[0]?.start, moved[0]?.end));
    await hosted.screenshot('app-check-answer');
    await hosted.close();
  });

  it('without a host that proxies tool calls, still shows what the result itself holds', async () => {
    const hosted = await host('search', { query: 'آلودگی هوای تهران', mode: 'lexical', k: 1 }, {});
    await hosted.view.waitForSelector('.error');
    assert.match(await hosted.view.$eval('.error', (el) => el.textContent ?? ''), /could not be loaded: the host does not let views call server tools/u);
    const text = await corpus.original('fa-tehran-air.txt');
    const known = await spans(hosted.view, '.passage.cited');
    assert.equal(known.length, 1);
    assert.ok((await hosted.events()).every((e) => !e.startsWith('tools/call')));
    const body = await hosted.view.$eval('.passage.cited .text', (el) => el.textContent ?? '');
    assert.ok(text.includes(body) && body.length > 20);
    await hosted.close();
  });
});
