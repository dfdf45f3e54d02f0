// Makes the README's pictures of the evidence view: an Arabic and a Persian citation of the shipped
// corpus, each with a quote checked, as the web page shows them in Debian's chromium.
//   node --import tsx scripts/view-screenshots.ts [--out docs]
// Needs chromium (apt-get install chromium; SANAD_CHROMIUM to point elsewhere). Builds a lexical
// index of corpus/ in a temp folder; writes docs/view-arabic.png and docs/view-persian.png.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startHttpServer } from '../src/mcp/http.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';
import { createViewRoutes } from '../src/view/http-routes.ts';
import { viewPageLoader } from '../src/view/page.ts';

const SHOTS = [
  {
    file: 'view-arabic.png',
    citation: '000_a89eda4c32949ba3.txt#p2',
    quote: 'ركز على القضايا السياسية والاقتصادية والعسكرية ذات الاهتمام المشترك',
  },
  {
    file: 'view-persian.png',
    citation: '004_32bf888df57d8f96.txt#p3',
    // Typed with ZWNJs the source does not have: the view shows the verdict (normalized) and the source's wording.
    quote: 'امروز روابط روسیه و سوریه وارد مرحله‌ی جدیدی می‌شود',
  },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'docs') } } });
const out = path.resolve(values.out ?? 'docs');

const work = await mkdtemp(path.join(tmpdir(), 'sanad-shots-'));
const live = await LiveIndex.open({ corpusDir: path.join(root, 'corpus'), indexDir: path.join(work, 'index'), embedder: null, log: () => {} });
const token = 'screenshots';
const http = await startHttpServer({ port: 0, token, view: createViewRoutes({ index: live, page: viewPageLoader(), log: () => {} }), log: () => {} });
const profile = path.join(work, 'profile');
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.SANAD_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1000, height: 700 },
  locale: 'en-US',
  colorScheme: 'light',
});
try {
  for (const shot of SHOTS) {
    const page = await context.newPage();
    await page.goto(`${http.origin}/?${new URLSearchParams({ citation: shot.citation, quote: shot.quote })}#token=${token}`);
    await page.waitForSelector('mark.quote');
    await page.screenshot({ path: path.join(out, shot.file) });
    console.error(`wrote ${path.join(out, shot.file)}`);
    await page.close();
  }
} finally {
  await context.close();
  await http.close();
  await live.close();
  await rm(work, { recursive: true, force: true });
}
