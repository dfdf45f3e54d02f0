// The evidence view as a web page (what `sanad view` and `serve --http` serve), in a real headless
// chromium: Arabic and Persian citations and quotes, highlights equal to the original text at their
// offsets, right-to-left layout and the bundled font, reprints side by side, paging and
// navigation, and an article that tries to run script. Screenshots go to artifacts/browser/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startHttpServer, type RunningHttpServer } from '../../src/mcp/http.ts';
import { createViewRoutes } from '../../src/view/http-routes.ts';
import { viewPageLoader } from '../../src/view/page.ts';
import { browserMissing, HOSTILE, launchBrowser, makeCorpus, screenshot, spans, type Browser, type Corpus } from './helpers.ts';

const skip = browserMissing();
if (skip) console.error(`browser tests skipped: ${skip}`);

const TOKEN = 'browser-test-token';
let corpus: Corpus;
let http: RunningHttpServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  corpus = await makeCorpus();
  http = await startHttpServer({
    port: 0,
    token: TOKEN,
    view: createViewRoutes({ index: corpus.live, page: viewPageLoader(), log: () => {} }),
    log: () => {},
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await http?.close();
  await corpus?.cleanup();
});

function address(params: Record<string, string>, token: string | null = TOKEN): string {
  return `${http.origin}/?${new URLSearchParams(params)}${token ? `#token=${token}` : ''}`;
}

async function open(params: Record<string, string>): Promise<Page & { problems: string[] }> {
  const page = await browser.page();
  await page.goto(address(params));
  await page.waitForSelector('.passage.cited');
  return page;
}

/** Each shown passage's text and offsets, from the page. */
function passages(page: Page) {
  return page.$$eval('.passage', (els) =>
    els.map((el) => ({
      citation: el.getAttribute('data-citation') ?? '',
      start: Number(el.getAttribute('data-start')),
      end: Number(el.getAttribute('data-end')),
      text: el.querySelector('.text')?.textContent ?? '',
      cited: el.classList.contains('cited'),
      current: el.classList.contains('current'),
    })),
  );
}

/** The fonts chromium actually drew a node's text with (DevTools protocol). */
async function fontsOf(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument');
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts.filter((f) => f.glyphCount > 0).map((f) => f.familyName);
}

describe('the evidence page', { skip: skip ?? false }, () => {
  it('shows an Arabic citation in its article with the quote marked at its offsets, right to left, in the bundled font', async () => {
    const doc = '000_a89eda4c32949ba3.txt';
    const quote = 'لمواصلة تشغيل قاعدة حميميم الجوية وقاعدة طرطوس البحرية';
    const page = await open({ citation: `${doc}#p11`, quote });
    const text = await corpus.original(doc);
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.$eval('article', (el) => getComputedStyle(el).direction), 'rtl');
    const shown = await passages(page);
    assert.equal(shown.length, 17, 'the whole article');
    for (const p of shown) assert.equal(p.text, text.slice(p.start, p.end), p.citation);
    assert.deepEqual(shown.filter((p) => p.cited).map((p) => p.citation), [`${doc}#p11`]);
    const marks = await spans(page, 'mark.quote');
    assert.deepEqual(marks.map((m) => [m.text, m.level, m.citation]), [[quote, 'exact', `${doc}#p11`]]);
    for (const m of marks) assert.equal(m.text, text.slice(m.start, m.end));
    assert.equal(await page.$eval('.verdict', (el) => el.getAttribute('data-level')), 'exact');
    assert.deepEqual(await fontsOf(page, 'mark.quote'), ['Vazirmatn']);
    assert.deepEqual(page.problems, []);
    await screenshot(page, 'arabic-citation');
    await page.close();
  });

  it('shows a Persian citation with a quote typed in other spellings: normalized, marked in the source wording, digits as written', async () => {
    const doc = '004_32bf888df57d8f96.txt';
    const quote = 'ادامه‌ی فعالیت پايگاه هوايي حميميم';
    const page = await open({ citation: `${doc}#p9`, quote });
    const text = await corpus.original(doc);
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    assert.equal(await page.$eval('article', (el) => el.getAttribute('lang')), 'fa');
    const marks = await spans(page, 'mark.quote');
    assert.deepEqual(marks.map((m) => [m.text, m.level]), [['ادامهی فعالیت پایگاه هوایی حمیمیم', 'normalized']]);
    for (const m of marks) assert.equal(m.text, text.slice(m.start, m.end));
    // The date line keeps its Persian digits exactly, drawn by the bundled font.
    const shown = await passages(page);
    const dated = shown.find((p) => p.text.includes('۲۴ دسامبر ۲۰۲۵ (۳ دی ۱۴۰۴ )'));
    assert.ok(dated, 'the passage with Persian digits is shown as written');
    assert.equal(dated.text, text.slice(dated.start, dated.end));
    assert.deepEqual(await fontsOf(page, `.passage[data-citation="${dated.citation}"] .text`), ['Vazirmatn']);
    assert.match(await page.$eval('.verdict', (el) => el.textContent ?? ''), /normalized/u);
    assert.deepEqual(page.problems, []);
    await screenshot(page, 'persian-citation');
    await page.close();
  });

  it('puts a reprint beside the article with the shared wording marked on both sides, and opens it', async () => {
    const page = await open({ citation: 'ar-water-plan.txt#p4' });
    const [plan, reprint] = await Promise.all([corpus.original('ar-water-plan.txt'), corpus.original('ar-water-reprint.txt')]);
    assert.deepEqual(await page.$$eval('.reprint', (els) => els.map((el) => el.getAttribute('data-citation'))), ['ar-water-reprint.txt#p2']);
    const inReprint = await spans(page, '.reprint .shared');
    const inCited = await spans(page, '.passage.cited .shared');
    const common = ['وأكدت وزارة الموارد المائية أن مخزون نبع الفيجة انخفض هذا العام إلى أدنى مستوى له منذ عشرين عاماً بسبب قلة الأمطار، داعيةً', 'إلى ترشيد الاستهلاك'];
    assert.deepEqual(inReprint.map((s) => s.text), common);
    assert.deepEqual(inCited.map((s) => s.text), common);
    for (const s of inReprint) assert.equal(s.text, reprint.slice(s.start, s.end));
    for (const s of inCited) assert.equal(s.text, plan.slice(s.start, s.end));
    // Side by side: in a right-to-left page the reprints sit to the left of the article, level with it.
    const article = await page.$eval('article', (el) => el.getBoundingClientRect().toJSON() as DOMRect);
    const aside = await page.$eval('.reprints', (el) => el.getBoundingClientRect().toJSON() as DOMRect);
    assert.ok(aside.right <= article.left, `reprints (${aside.left}–${aside.right}) left of the article (${article.left}–${article.right})`);
    assert.ok(Math.abs(aside.top - article.top) < 5);
    await screenshot(page, 'reprint-side-by-side');
    await page.click('.reprint button');
    await page.waitForFunction(() => document.querySelector('.passage.cited')?.getAttribute('data-citation') === 'ar-water-reprint.txt#p2');
    assert.equal(new URL(page.url()).searchParams.get('citation'), 'ar-water-reprint.txt#p2');
    assert.deepEqual(await page.$$eval('.reprint', (els) => els.map((el) => el.getAttribute('data-citation'))), ['ar-water-plan.txt#p4']);
    await page.goBack();
    await page.waitForFunction(() => document.querySelector('.passage.cited')?.getAttribute('data-citation') === 'ar-water-plan.txt#p4');
    assert.deepEqual(page.problems, []);
    await page.close();
  });

  it('moves between neighbouring paragraphs and pages through a long article', async () => {
    const page = await open({ citation: '000_a89eda4c32949ba3.txt#p11' });
    const current = () => page.$eval('.passage.current', (el) => el.getAttribute('data-citation'));
    assert.equal(await current(), '000_a89eda4c32949ba3.txt#p11');
    await page.getByRole('button', { name: 'Next paragraph' }).click();
    assert.equal(await current(), '000_a89eda4c32949ba3.txt#p12');
    await page.getByRole('button', { name: 'Previous paragraph' }).click();
    await page.getByRole('button', { name: 'Previous paragraph' }).click();
    assert.equal(await current(), '000_a89eda4c32949ba3.txt#p10');
    // The focus follows the current paragraph, and the arrow keys step too.
    await page.keyboard.press('ArrowUp');
    assert.equal(await current(), '000_a89eda4c32949ba3.txt#p9');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await current(), '000_a89eda4c32949ba3.txt#p11');
    assert.equal(await page.title(), 'وزراء سوريون يناقشون التعاون العسكري مع بوتين في روسيا: تقرير · sanad');
    await page.close();

    const long = await open({ citation: 'long-report.txt#p100' });
    const text = await corpus.original('long-report.txt');
    let shown = await passages(long);
    assert.equal(shown.length, 60);
    assert.equal(shown[0]?.citation, 'long-report.txt#p70');
    await long.getByRole('button', { name: 'Show earlier paragraphs' }).click();
    await long.waitForFunction(() => document.querySelector('.passage')?.getAttribute('data-citation') === 'long-report.txt#p40');
    shown = await passages(long);
    assert.equal(shown[shown.length - 1]?.citation, 'long-report.txt#p99');
    for (const p of shown) assert.equal(p.text, text.slice(p.start, p.end));
    // The reader keeps their place; stepping back from the first passage shown loads the window before it.
    assert.equal(await long.$eval('.passage.current', (el) => el.getAttribute('data-citation')), 'long-report.txt#p70');
    await long.click('.passage[data-citation="long-report.txt#p40"]');
    await long.getByRole('button', { name: 'Previous paragraph' }).click();
    await long.waitForFunction(() => document.querySelector('.passage.current')?.getAttribute('data-citation') === 'long-report.txt#p39');
    assert.deepEqual(long.problems, []);
    await long.close();
  });

  it('treats a hostile article as text: no script runs, no link or element comes from it, overrides stay inside their paragraph', async () => {
    const page = await browser.page();
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        (window as unknown as { reportViolation(v: string): void }).reportViolation(`${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const quote = '<script>window.__pwned = 1</script>';
    await page.goto(address({ citation: `${HOSTILE.file}#p1`, quote }));
    await page.waitForSelector('.passage.cited');
    const text = await corpus.original(HOSTILE.file);
    const shown = await passages(page);
    assert.equal(shown.length, 5);
    for (const p of shown) assert.equal(p.text, text.slice(p.start, p.end), p.citation);
    assert.equal(await page.$eval('h1', (el) => el.textContent), HOSTILE.title);
    const marks = await spans(page, 'mark.quote');
    assert.deepEqual(marks.map((m) => [m.text, m.level]), [[quote, 'exact']]);
    assert.equal(await page.$eval('.verdict blockquote', (el) => el.textContent), quote);
    const dom = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: unknown }).__pwned ?? null,
      scripts: document.scripts.length,
      elements: document.querySelectorAll('img, a, iframe, style:not(head style), object, embed').length,
      withHref: document.querySelectorAll('[href], [src], [onerror], [style]').length,
      visible: getComputedStyle(document.body).display,
    }));
    assert.deepEqual(dom, { pwned: null, scripts: 1, elements: 0, withHref: 0, visible: 'block' });
    // Article text sits in isolated paragraphs: an unterminated override cannot reach the next one.
    assert.deepEqual(await page.$$eval('.passage .text', (els) => [...new Set(els.map((el) => getComputedStyle(el).unicodeBidi))]), ['isolate']);
    assert.equal(await page.$eval('.passage[data-citation$="#p4"] .pid bdi', (el) => el.textContent), '#p4');
    assert.deepEqual(violations, []);
    assert.deepEqual(page.problems, []);
    await screenshot(page, 'hostile-article');
    await page.close();
  });

  it('says how to get in without the token, and shows no corpus text', async () => {
    const page = await browser.page();
    await page.goto(address({ citation: '000_a89eda4c32949ba3.txt#p11' }, null));
    await page.waitForSelector('.error');
    assert.match(await page.$eval('.error', (el) => el.textContent ?? ''), /needs its access token/u);
    assert.equal(await page.$$eval('.passage .text', (els) => els.length), 0);
    await page.close();
  });
});
