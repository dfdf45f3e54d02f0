// Readable text from an HTML page, in one linear pass. For .html/.htm sources this extracted text
// IS the document text: passage offsets index into it, not into the markup.
//
// Kept: text of block elements, one per line; `<img alt>` and `<figcaption>` as caption lines
// (`[image: …]`, which the segmenter turns into caption passages). Dropped with their content:
// head, scripts, styles, nav, aside, footer, forms and other page chrome.

import { CAPTION_LINE_PREFIX, CAPTION_LINE_SUFFIX } from './remnants.ts';

/** Elements whose whole content is not article text. */
const DROP = new Set([
  'head', 'script', 'style', 'noscript', 'template', 'nav', 'aside', 'footer', 'form', 'button',
  'iframe', 'select', 'svg', 'canvas', 'object', 'dialog', 'menu',
]);
/** Elements whose content is raw text up to the matching end tag (no markup inside). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp']);
/** Elements that end a line of text. */
const BLOCK = new Set([
  'address', 'article', 'blockquote', 'br', 'dd', 'div', 'dl', 'dt', 'figure', 'figcaption',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'ol', 'p', 'pre', 'section',
  'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul', 'caption', 'details', 'summary', 'body',
]);
const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', hellip: '…', mdash: '—',
  ndash: '–', laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', zwnj: '\u200c',
  zwj: '\u200d', rlm: '\u200f', lrm: '\u200e', copy: '©', reg: '®', shy: '\u00ad', middot: '·',
  bull: '•', times: '×', deg: '°', euro: '€',
};

/** Decodes character references; unknown names and invalid code points are left as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z][a-zA-Z0-9]{1,31}));?/g, (m, dec, hex, name) => {
    if (typeof name === 'string') return NAMED_ENTITIES[name] ?? NAMED_ENTITIES[name.toLowerCase()] ?? m;
    const code = typeof dec === 'string' ? Number(dec) : parseInt(String(hex), 16);
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return m;
    return String.fromCodePoint(code);
  });
}

const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/y;
const ALT = /(?:^|\s)alt\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/** Extracts readable text: lines separated by `\n`, whitespace inside a line collapsed. */
export function extractHtmlText(html: string): string {
  const lines: string[] = [];
  let line = '';
  const flush = (): void => {
    const t = line.replace(/[ \t\n\r\f\u00a0]+/g, ' ').trim();
    if (t.length > 0) lines.push(t);
    line = '';
  };
  const caption = (decoded: string): void => {
    const t = decoded.replace(/\s+/g, ' ').trim();
    if (t.length === 0) return;
    flush();
    const l = `${CAPTION_LINE_PREFIX}${t}${CAPTION_LINE_SUFFIX}`;
    // <img alt> and the <figcaption> beside it often repeat the same words: keep one.
    if (lines[lines.length - 1] !== l) lines.push(l);
  };

  const dropStack: string[] = [];
  let inFigcaption = false;
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? html.length : lt;
    if (dropStack.length === 0 && textEnd > i) line += decodeEntities(html.slice(i, textEnd));
    if (lt < 0) break;
    i = lt;

    if (html.startsWith('<!--', i)) {
      const close = html.indexOf('-->', i + 4);
      i = close < 0 ? html.length : close + 3;
      continue;
    }
    if (html.startsWith('<!', i) || html.startsWith('<?', i)) {
      const close = html.indexOf('>', i);
      i = close < 0 ? html.length : close + 1;
      continue;
    }
    TAG.lastIndex = i;
    const m = TAG.exec(html);
    if (!m) {
      // A lone "<" in text ("3 < 4"): literal.
      if (dropStack.length === 0) line += '<';
      i++;
      continue;
    }
    i = TAG.lastIndex;
    const closing = m[1] === '/';
    const name = (m[2] ?? '').toLowerCase();
    const attrs = m[3] ?? '';
    const selfClosing = attrs.trimEnd().endsWith('/') || VOID.has(name);

    if (!closing && RAW_TEXT.has(name)) {
      // Skip to the matching end tag without parsing what is inside.
      const end = new RegExp(`</${name}\\s*>`, 'ig');
      end.lastIndex = i;
      const e = end.exec(html);
      i = e ? end.lastIndex : html.length;
      continue;
    }
    if (DROP.has(name)) {
      if (closing) {
        const at = dropStack.lastIndexOf(name);
        if (at >= 0) dropStack.length = at;
      } else if (!selfClosing) {
        dropStack.push(name);
      }
      continue;
    }
    if (dropStack.length > 0) continue;

    if (name === 'img' && !closing) {
      const a = ALT.exec(attrs);
      const alt = a ? (a[1] ?? a[2] ?? a[3] ?? '') : '';
      if (alt.trim().length > 0) caption(decodeEntities(alt));
      continue;
    }
    if (name === 'figcaption') {
      if (!closing) {
        flush();
        inFigcaption = true;
      } else if (inFigcaption) {
        const text = line;
        line = '';
        caption(text);
        inFigcaption = false;
      }
      continue;
    }
    // Blocks nested in a figcaption (<p>) stay inside the caption line.
    if (BLOCK.has(name)) {
      if (inFigcaption) line += ' ';
      else flush();
    }
  }
  flush();
  return lines.join('\n');
}
