// Readable text from an HTML page. For .html/.htm sources this extracted text IS the document
// text: passage offsets index into it, not into the markup.
//
// Kept: text of block elements, one per line; `<img alt>` and `<figcaption>` as caption lines
// (`[image: …]`, which the segmenter turns into caption passages). Dropped with their content:
// head, scripts, styles, nav, aside, footer, forms and other page chrome.
//
// The scanner follows the HTML tokenizer's rules for tags, attributes, comments and raw text,
// and never looks at a character twice: a position only moves forward. A regex that tries to
// match a whole tag at every "<" rescans the rest of the file for each unterminated "<a", which
// made a 200 KB crafted page take minutes. Open elements to drop are counted per name, so a
// closing tag costs the same however deep the nesting.

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

/** One tag as the scanner read it. */
export interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** Attribute values by lower-case name (first occurrence wins, as in browsers). */
  attrs: Map<string, string>;
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d;
const isAsciiLetter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);

/**
 * Reads the tag starting at `html[at] === '<'` (followed by a letter, or "/" and a letter) and
 * returns it with the position after its ">". A tag cut off by the end of the file is dropped,
 * as browsers do: null, and the scan ends.
 */
export function readTag(html: string, at: number): { tag: Tag; end: number } | null {
  const n = html.length;
  let i = at + 1;
  const closing = html.charCodeAt(i) === 0x2f;
  if (closing) i++;
  const nameStart = i;
  while (i < n && !isSpace(html.charCodeAt(i)) && html[i] !== '/' && html[i] !== '>') i++;
  const name = html.slice(nameStart, i).toLowerCase();
  const attrs = new Map<string, string>();
  let selfClosing = false;
  for (;;) {
    while (i < n && (isSpace(html.charCodeAt(i)) || html[i] === '/')) {
      selfClosing = html[i] === '/' && html[i + 1] === '>';
      i++;
    }
    if (i >= n) return null;
    if (html[i] === '>') return { tag: { name, closing, selfClosing, attrs }, end: i + 1 };
    selfClosing = false;
    // An attribute name may start with "="; it ends at space, "/", ">" or "=".
    const attrStart = i;
    i++;
    while (i < n && !isSpace(html.charCodeAt(i)) && html[i] !== '/' && html[i] !== '>' && html[i] !== '=') i++;
    const attrName = html.slice(attrStart, i).toLowerCase();
    let j = i;
    while (j < n && isSpace(html.charCodeAt(j))) j++;
    let value = '';
    if (html[j] === '=') {
      j++;
      while (j < n && isSpace(html.charCodeAt(j))) j++;
      const quote = html[j];
      if (quote === '"' || quote === "'") {
        const close = html.indexOf(quote, j + 1);
        if (close < 0) return null;
        value = html.slice(j + 1, close);
        j = close + 1;
      } else {
        const valueStart = j;
        while (j < n && !isSpace(html.charCodeAt(j)) && html[j] !== '>') j++;
        value = html.slice(valueStart, j);
      }
      i = j;
    }
    if (!attrs.has(attrName)) attrs.set(attrName, decodeEntities(value));
  }
}

/** Position just past the end tag `</name …>` that closes raw text opened before `from`, or the end. */
function skipRawText(html: string, from: number, name: string): number {
  for (let at = html.indexOf('</', from); at >= 0; at = html.indexOf('</', at + 2)) {
    const after = html.charCodeAt(at + 2 + name.length);
    if (html.slice(at + 2, at + 2 + name.length).toLowerCase() === name && (Number.isNaN(after) || isSpace(after) || after === 0x2f || after === 0x3e)) {
      return readTag(html, at)?.end ?? html.length;
    }
  }
  return html.length;
}

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

  // Open elements whose content is dropped, in order, and how many of each name are open.
  const dropStack: string[] = [];
  const dropOpen = new Map<string, number>();
  const closeDropped = (name: string) => {
    if (!dropOpen.get(name)) return;
    for (let top = dropStack.pop(); top !== undefined; top = dropStack.pop()) {
      dropOpen.set(top, (dropOpen.get(top) ?? 1) - 1);
      if (top === name) break;
    }
  };
  let inFigcaption = false;
  let i = 0;
  const n = html.length;
  while (i < n) {
    const lt = html.indexOf('<', i);
    const textEnd = lt < 0 ? n : lt;
    if (dropStack.length === 0 && textEnd > i) line += decodeEntities(html.slice(i, textEnd));
    if (lt < 0) break;
    i = lt;

    if (html.startsWith('<!--', i)) {
      // "<!-->" and "<!--->" are complete (empty) comments.
      const close = html.startsWith('>', i + 4) ? i + 2 : html.startsWith('->', i + 4) ? i + 3 : html.indexOf('-->', i + 4);
      i = close < 0 ? n : close + 3;
      continue;
    }
    const next = html.charCodeAt(i + 1);
    const endTag = next === 0x2f && isAsciiLetter(html.charCodeAt(i + 2));
    if (next === 0x21 || next === 0x3f || (next === 0x2f && !endTag)) {
      // <!DOCTYPE …>, <?xml …?>, and "</" not followed by a letter: bogus comments up to ">".
      const close = html.indexOf('>', i + 1);
      i = close < 0 ? n : close + 1;
      continue;
    }
    if (!endTag && !isAsciiLetter(next)) {
      // A lone "<" in text ("3 < 4"): literal.
      if (dropStack.length === 0) line += '<';
      i++;
      continue;
    }
    const read = readTag(html, i);
    if (!read) break;
    i = read.end;
    const { name, closing, attrs } = read.tag;
    const selfClosing = read.tag.selfClosing || VOID.has(name);

    if (!closing && RAW_TEXT.has(name)) {
      // Skip to the matching end tag without parsing what is inside.
      i = skipRawText(html, i, name);
      continue;
    }
    if (DROP.has(name)) {
      if (closing) closeDropped(name);
      else if (!selfClosing) {
        dropStack.push(name);
        dropOpen.set(name, (dropOpen.get(name) ?? 0) + 1);
      }
      continue;
    }
    if (dropStack.length > 0) continue;

    if (name === 'img' && !closing) {
      const alt = attrs.get('alt') ?? '';
      if (alt.trim().length > 0) caption(alt);
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
