// The evidence view as one self-contained HTML document: the template, stylesheet and script files
// from assets/view/ (the scripts joined in order inside one function scope), and the Vazirmatn font (Arabic and Latin subsets, SIL OFL 1.1, from the
// @fontsource-variable/vazirmatn package) inlined as data: URLs. The same bytes are the MCP App
// resource and the local web page. Its Content-Security-Policy allows exactly the inline script and
// styles it carries (by hash), fonts and images from data: and requests to its own origin, nothing
// else: even if article text ever reached the page as markup, no other script could run.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ViewPage {
  html: string;
  /** The policy the page declares in its <meta> tag; a web server sends it as a header too. */
  csp: string;
}

/** The view's script files, in the order they run (main.js starts the view). */
const SCRIPTS = ['labels.js', 'dom.js', 'bridge.js', 'render.js', 'main.js'];

/** Every file of assets/view/ the page is made of: the package must ship them all. */
export const VIEW_ASSETS = ['view.html', 'view.css', ...SCRIPTS].map((name) => `assets/view/${name}`);

/** A runtime dependency: the font travels with the package, licence (SIL OFL 1.1) included. */
export const FONT_PACKAGE = '@fontsource-variable/vazirmatn';
/** The subsets the view needs and the code points each serves (as the font package declares them). */
const FONT_SUBSETS = [
  {
    file: 'vazirmatn-arabic-wght-normal.woff2',
    range: 'U+0600-06FF,U+0750-077F,U+0870-088E,U+0890-0891,U+0897-08E1,U+08E3-08FF,U+200C-200E,U+2010-2011,U+204F,U+2E41,U+FB50-FDFF,U+FE70-FE74,U+FE76-FEFC',
  },
  {
    file: 'vazirmatn-latin-wght-normal.woff2',
    range: 'U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD',
  },
];

/** The folder holding package.json: assets sit beside it whether sanad runs from src/ or a build. */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg: unknown = JSON.parse(readFileSync(manifest, 'utf8'));
      if (typeof pkg === 'object' && pkg !== null && 'name' in pkg && pkg.name === 'sanad') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the sanad package folder (package.json) above the view module');
    dir = parent;
  }
}

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** Inline blocks must not close their own element early; the assets are ours, so this is a build check. */
function inline(kind: 'script' | 'style', body: string, name: string): string {
  if (new RegExp(`</${kind}`, 'iu').test(body)) throw new Error(`${name} contains "</${kind}" and cannot be inlined`);
  return body;
}

async function fontFaces(): Promise<string> {
  const require = createRequire(import.meta.url);
  const faces = await Promise.all(
    FONT_SUBSETS.map(async ({ file, range }) => {
      const data = await readFile(require.resolve(`${FONT_PACKAGE}/files/${file}`));
      return [
        '@font-face {',
        "  font-family: 'Vazirmatn';",
        '  font-style: normal;',
        '  font-weight: 100 900;',
        '  font-display: block;',
        `  src: url(data:font/woff2;base64,${data.toString('base64')}) format('woff2');`,
        `  unicode-range: ${range};`,
        '}',
      ].join('\n');
    }),
  );
  return faces.join('\n');
}

/** Reads and assembles the page. Call once and keep the result: the inputs never change while running. */
export async function loadViewPage(): Promise<ViewPage> {
  const dir = path.join(packageRoot(), 'assets', 'view');
  const [template, css, fonts, ...scripts] = await Promise.all([
    readFile(path.join(dir, 'view.html'), 'utf8'),
    readFile(path.join(dir, 'view.css'), 'utf8'),
    fontFaces(),
    ...SCRIPTS.map((name) => readFile(path.join(dir, name), 'utf8')),
  ]);
  // One scope for all files: nothing leaks onto window, and strict mode throughout.
  const js = `(() => {\n'use strict';\n${scripts.join('\n')}\n})();\n`;
  const blocks = {
    fonts: inline('style', fonts, 'the font faces'),
    style: inline('style', css, 'view.css'),
    script: inline('script', js, 'the view script'),
  };
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(blocks.script)}`,
    `style-src ${sha256(blocks.fonts)} ${sha256(blocks.style)}`,
    'font-src data:',
    'img-src data:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const values: Record<string, string> = { ...blocks, csp };
  const html = template.replace(/\{\{(\w+)\}\}/gu, (whole, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`view.html has an unknown placeholder ${whole}`);
    return value;
  });
  return { html, csp };
}

/** A loader that reads the page on first use and then hands out the same one. */
export function viewPageLoader(): () => Promise<ViewPage> {
  let page: Promise<ViewPage> | null = null;
  return () => {
    page ??= loadViewPage().catch((err: unknown) => {
      page = null;
      throw err;
    });
    return page;
  };
}
