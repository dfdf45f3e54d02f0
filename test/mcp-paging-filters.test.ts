// Paged lists (list_documents' next_cursor, resources/list's nextCursor) and the filters search and
// list_documents share (language, outlets, publication and mentioned date ranges), through a real
// SDK client. Filters act before the k cut: a filtered search still returns k results when k
// matching passages exist, even where an unfiltered ranking puts other articles first.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { buildIndex } from '../src/indexer/build-index.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';
import { expandDate } from '../src/mcp/tools/filters.ts';
import { connectClient, fixtureSession } from './helpers/fixture-index.ts';

const session = fixtureSession();
const call = session.call;
const text = (r: CallToolResult) => (r.content[0]?.type === 'text' ? r.content[0].text : '');
const citations = (r: CallToolResult) => (r.structuredContent as { results: Array<{ citation: string }> }).results.map((x) => x.citation);
const ids = (r: CallToolResult) => (r.structuredContent as { documents: Array<{ id: string }> }).documents.map((d) => d.id);

describe('list_documents pages and filters', () => {
  it('pages with next_cursor until the last page, totals over all pages', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    const pages: number[] = [];
    do {
      const r = await call('list_documents', { limit: 2, ...(cursor ? { cursor } : {}) });
      const out = r.structuredContent as { total: number; documents: unknown[]; next_cursor?: string };
      assert.equal(out.total, 5);
      pages.push(out.documents.length);
      seen.push(...ids(r));
      cursor = out.next_cursor;
      if (cursor) assert.ok(text(r).includes(`cursor "${cursor}"`), text(r));
    } while (cursor);
    assert.deepEqual(pages, [2, 2, 1]);
    assert.deepEqual(seen, ['ar-notice-injection.txt', 'ar-water-plan.txt', 'ar-water-reprint.txt', 'en-water-brief.txt', 'fa-tehran-air.txt']);
  });

  it('filters by language, outlet and dates, with the total of what matches', async () => {
    assert.deepEqual(ids(await call('list_documents', { language: 'fa' })), ['fa-tehran-air.txt']);
    // Outlets compare folded: no hamza, ي for ی, whatever the article wrote.
    assert.deepEqual(ids(await call('list_documents', { outlets: ['وكالة سانا', 'خبرگزاری ایرنا'] })), ['ar-water-reprint.txt', 'fa-tehran-air.txt']);
    const dated = await call('list_documents', { published_from: '2025-03', published_to: '2025' });
    assert.deepEqual(ids(dated), ['ar-water-plan.txt']);
    assert.match(text(dated), /^1 document matching published 2025-03-01 to 2025-12-31\./);
    assert.deepEqual(ids(await call('list_documents', { mentioned_from: '2025-03-12', mentioned_to: '2025-03-12' })), ['ar-water-plan.txt']);
    assert.deepEqual(ids(await call('list_documents', { mentioned_to: '2024' })), []);
  });

  it('refuses a bad cursor, a reversed range and a date that is not one, saying what to do', async () => {
    const bad = await call('list_documents', { cursor: 'not-a-cursor' });
    assert.equal(bad.isError, true);
    assert.match(text(bad), /^list_documents: invalid cursor: pass back the nextCursor of the previous page unchanged; or leave cursor out/);
    const reversed = await call('list_documents', { published_from: '2025-12-31', published_to: '2025-01-01' });
    assert.equal(text(reversed), 'list_documents: published_from (2025-12-31) is after published_to (2025-01-01): swap them or widen the range.');
    const notDate = await call('list_documents', { mentioned_from: '2025-02-30' });
    assert.equal(notDate.isError, true);
    assert.match(text(notDate), /mentioned_from must be a date: YYYY-MM-DD, or YYYY-MM \/ YYYY for a whole month or year/);
    const tooMany = await call('list_documents', { limit: 201 });
    assert.match(text(tooMany), /limit is at most 200: page with next_cursor instead/);
  });

  it('expands partial dates to the first or last day they stand for', () => {
    assert.deepEqual(
      [expandDate('2024-02', 'to'), expandDate('2025-02', 'to'), expandDate('2025', 'from'), expandDate('2025-12-31', 'to'), expandDate('2025-13', 'from'), expandDate('25-01-01', 'from')],
      ['2024-02-29', '2025-02-28', '2025-01-01', '2025-12-31', null, null],
    );
  });
});

describe('search filters', () => {
  it('filters before the k cut: the reprint from the outlet asked for comes back at k = 1', async () => {
    // Both articles carry the sentence; unfiltered, the other outlet's copy takes the one place.
    const all = await call('search', { query: 'نبع الفيجة ترشيد الاستهلاك', mode: 'lexical', k: 1 });
    assert.deepEqual(citations(all), ['ar-water-plan.txt#p4']);
    const sana = await call('search', { query: 'نبع الفيجة ترشيد الاستهلاك', mode: 'lexical', k: 1, outlets: ['وکاله سانا'] });
    assert.deepEqual(citations(sana), ['ar-water-reprint.txt#p2']);
    const hybrid = await call('search', { query: 'نبع الفيجة ترشيد الاستهلاك', k: 3, published_from: '2025-03-01' });
    assert.ok(citations(hybrid).length > 0 && citations(hybrid).every((c) => c.startsWith('ar-water-plan.txt#')), citations(hybrid).join(', '));
  });

  it('language and mentioned dates narrow semantic search too; no matching article is said plainly', async () => {
    const fa = await call('search', { query: 'water pipes Damascus', mode: 'semantic', k: 5, language: 'fa' });
    assert.ok(citations(fa).length > 0 && citations(fa).every((c) => c.startsWith('fa-tehran-air.txt#')), citations(fa).join(', '));
    const none = await call('search', { query: 'water', k: 5, mentioned_from: '2030' });
    assert.deepEqual(citations(none), []);
    assert.equal(
      (none.structuredContent as { notice?: string }).notice,
      'no article matches the filters (mentioning a date from 2030-01-01 to …); list_documents shows the outlets, dates and languages there are',
    );
  });
});

describe('resources/list pages', () => {
  it('lists the fixed resources first, then documents 100 a page with nextCursor', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sanad-pages-'));
    try {
      const corpusDir = path.join(root, 'corpus');
      await mkdir(corpusDir);
      for (let i = 0; i < 130; i++) {
        await writeFile(path.join(corpusDir, `doc-${String(i).padStart(3, '0')}.txt`), `Title ${i}\nParagraph number ${i} of the paging test.\n`);
      }
      const indexDir = path.join(root, 'index');
      await buildIndex({ corpusDir, indexDir, embedder: null });
      const live = await LiveIndex.open({ corpusDir, indexDir, embedder: null, log: () => {} });
      const c = await connectClient(live);
      try {
        const first = await c.client.listResources();
        const fixed = first.resources.filter((r) => !r.uri.startsWith('sanad://document/')).map((r) => r.uri);
        assert.deepEqual(fixed, ['sanad://status', 'ui://sanad/evidence.html']);
        assert.equal(first.resources.length, 102);
        assert.ok(first.nextCursor);
        const second = await c.client.listResources({ cursor: first.nextCursor });
        assert.equal(second.resources.length, 30);
        assert.equal(second.nextCursor, undefined);
        assert.equal(second.resources.at(-1)?.uri, 'sanad://document/doc-129.txt');
        await assert.rejects(c.client.listResources({ cursor: 'garbage' }), /invalid cursor/);
      } finally {
        await c.close();
        await live.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('search result links', () => {
  it('adds a resource_link per article after the text, each readable, with the structured output unchanged', async () => {
    const r = await call('search', { query: 'المياه دمشق', mode: 'lexical', k: 4 });
    const [first, ...rest] = r.content;
    assert.equal(first?.type, 'text');
    const results = (r.structuredContent as { results: Array<{ document: string; title: string }> }).results;
    const docs = [...new Set(results.map((x) => x.document))];
    assert.ok(docs.length >= 2, docs.join(', '));
    assert.deepEqual(
      rest,
      docs.map((id) => ({ type: 'resource_link', uri: `sanad://document/${encodeURIComponent(id)}`, name: id, title: results.find((x) => x.document === id)?.title, mimeType: 'text/markdown' })),
    );
    const link = rest[0];
    assert.ok(link?.type === 'resource_link');
    const read = await session.conn().client.readResource({ uri: link.uri });
    assert.match((read.contents[0] as { text: string }).text, new RegExp(`- id: ${docs[0]?.replace('.', '\\.')}`));
    assert.deepEqual(Object.keys(r.structuredContent ?? {}).sort(), ['mode', 'query', 'requested_mode', 'results']);
  });
});
