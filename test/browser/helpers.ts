// What the browser tests share: Debian's chromium driven by playwright-core (never a downloaded
// browser), a corpus of the shipped articles, the MCP fixtures and two made-up ones (a hostile
// article, a long one), served by a real LiveIndex, and a folder for screenshots.
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { LiveIndex } from '../../src/mcp/live-index.ts';

export const CHROMIUM = process.env.SANAD_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  return existsSync(CHROMIUM) ? null : `no browser at ${CHROMIUM} (apt-get install chromium, or set SANAD_CHROMIUM)`;
}

/** The flags the team runs chromium with: nothing phones home, nothing is kept between runs. */
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** A new page that records script errors and CSP violations. */
  page(): Promise<Page & { problems: string[] }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = await mkdtemp(path.join(tmpdir(), 'sanad-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 800 },
    locale: 'en-US',
  });
  return {
    context,
    async page() {
      const page = Object.assign(await context.newPage(), { problems: [] as string[] });
      page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`));
      page.on('console', (msg) => {
        if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`);
      });
      return page;
    },
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Screenshots land here (SANAD_ARTIFACTS overrides): CI keeps them, git ignores them. */
export const ARTIFACTS = process.env.SANAD_ARTIFACTS ?? fileURLToPath(new URL('../../artifacts/browser/', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** An article that tries everything: markup, script, javascript: links, bidi overrides. */
export const HOSTILE = {
  file: 'hostile.txt',
  title: 'بيان <img src=x onerror="window.__pwned=1"> عاجل \u202Eمقلوب',
  lines: [
    'نص عادي في البداية <script>window.__pwned = 1</script> ثم يتابع الكلام.',
    'اضغط <a href="javascript:window.__pwned=1">هنا</a> أو افتح javascript:window.__pwned=1 مباشرة.',
    'سطر فيه \u202Eكلام معكوس بلا إغلاق وبعده <iframe src="javascript:window.__pwned=1"></iframe> نهاية.',
    'الفقرة التالية يجب أن تبقى سليمة من أي تجاوز للاتجاه \u2066isolate\u2069 وكذلك <style>body{display:none}</style>.',
  ],
};

export interface Corpus {
  corpusDir: string;
  indexDir: string;
  live: LiveIndex;
  /** The original text of a corpus file, which every offset indexes into. */
  original(doc: string): Promise<string>;
  cleanup(): Promise<void>;
}

/** The shipped articles, the MCP fixtures, a hostile and a long article; indexed lexically. */
export async function makeCorpus(): Promise<Corpus> {
  const root = await mkdtemp(path.join(tmpdir(), 'sanad-view-'));
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  await mkdir(corpusDir);
  await cp(path.join(ROOT, 'corpus'), corpusDir, { recursive: true, filter: (src) => !src.endsWith('.md') });
  await cp(path.join(ROOT, 'test/fixtures/mcp-corpus'), corpusDir, { recursive: true });
  await writeFile(path.join(corpusDir, HOSTILE.file), `${HOSTILE.title}\n\n${HOSTILE.lines.join('\n')}\n`);
  // Long enough that the view shows it in windows.
  const long = ['تقرير طويل عن شبكات المياه'];
  for (let i = 1; i <= 130; i++) long.push(`الفقرة رقم ${i} من التقرير تتحدث عن الحي ${i} وعن مواعيد الضخ فيه خلال الأسبوع ${i % 7}.`);
  await writeFile(path.join(corpusDir, 'long-report.txt'), `${long.join('\n')}\n`);
  const live = await LiveIndex.open({ corpusDir, indexDir, embedder: null, log: () => {} });
  return {
    corpusDir,
    indexDir,
    live,
    original: (doc) => readFile(path.join(corpusDir, doc), 'utf8'),
    async cleanup() {
      await live.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Text and file offsets of every element matching `selector` (marks, shared spans, passages). */
export function spans(page: Page | ReturnType<Page['frames']>[number], selector: string) {
  return page.$$eval(selector, (els) =>
    els.map((el) => ({
      text: el.textContent ?? '',
      start: Number(el.getAttribute('data-start')),
      end: Number(el.getAttribute('data-end')),
      level: el.getAttribute('data-level'),
      citation: el.closest('[data-citation]')?.getAttribute('data-citation') ?? null,
    })),
  );
}
