// @ts-check
// Building the page: every node is made here, and text only ever goes in as text (createTextNode,
// never markup), with the highlights of a passage cut by their file offsets. Part of the view script.

/**
 * @param {string} tag
 * @param {Record<string, string | number | boolean | undefined>} [attrs]
 * @param {Array<Node | string | null | undefined | false>} [children]
 * @returns {HTMLElement}
 */
function h(tag, attrs = {}, children = []) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    // Attributes come from this file; none is an event handler or a URL.
    if (/^on/i.test(name) || name === 'href' || name === 'src' || name === 'style') throw new Error(`attribute ${name} is not allowed`);
    el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/** Text that must keep its own direction inside the surrounding line (ids, names, dates). */
function iso(/** @type {string} */ text, /** @type {string} */ dir = 'auto') {
  return h('bdi', { dir }, [text]);
}

function button(/** @type {string} */ label, /** @type {() => void} */ onClick, attrs = {}) {
  const b = h('button', { type: 'button', class: 'button', ...attrs }, [label]);
  b.addEventListener('click', onClick);
  return b;
}

const isRtl = (/** @type {string | undefined} */ lang) => RTL_LANGS.includes(String(lang));
const num = (/** @type {number} */ n) => new Intl.NumberFormat(uiLang).format(n);
const isObj = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (/** @type {unknown} */ v) => (typeof v === 'string' ? v : undefined);

function formatDate(/** @type {string} */ iso8601) {
  const d = new Date(`${iso8601}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso8601;
  try {
    return new Intl.DateTimeFormat(uiLang, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
  } catch {
    return iso8601;
  }
}

function shortId(/** @type {string} */ citation) {
  const at = citation.lastIndexOf('#');
  return at >= 0 ? citation.slice(at) : citation;
}

/**
 * Splits `text` (which starts at file offset `base`) into plain runs, quote marks and shared
 * wording. Marks are cut to the passage; overlapping ones keep the first.
 * @param {HTMLElement} into
 * @param {string} text
 * @param {number} base
 * @param {Array<Span & { level: string, elsewhere?: boolean }>} marks
 * @param {Span[]} shared
 */
function renderText(into, text, base, marks, shared) {
  const end = base + text.length;
  const inside = marks
    .map((m) => ({ ...m, start: Math.max(m.start, base), end: Math.min(m.end, end) }))
    .filter((m) => m.start < m.end)
    .sort((a, b) => a.start - b.start);
  let at = base;
  for (const m of inside) {
    if (m.start < at) continue;
    appendShared(into, text, base, at, m.start, shared);
    const mark = h('mark', {
      class: `quote level-${m.level}${m.elsewhere ? ' elsewhere' : ''}`,
      'data-start': m.start,
      'data-end': m.end,
      'data-level': m.level,
    });
    appendShared(mark, text, base, m.start, m.end, shared);
    into.append(mark);
    at = m.end;
  }
  appendShared(into, text, base, at, end, shared);
}

/** Appends text[from, to) (file offsets), wrapping the shared stretches in span.shared. */
function appendShared(/** @type {HTMLElement} */ into, /** @type {string} */ text, /** @type {number} */ base, /** @type {number} */ from, /** @type {number} */ to, /** @type {Span[]} */ shared) {
  let at = from;
  for (const s of shared) {
    const a = Math.max(s.start, at);
    const b = Math.min(s.end, to);
    if (a >= b) continue;
    if (a > at) into.append(document.createTextNode(text.slice(at - base, a - base)));
    into.append(h('span', { class: 'shared', 'data-start': a, 'data-end': b }, [text.slice(a - base, b - base)]));
    at = b;
  }
  if (at < to) into.append(document.createTextNode(text.slice(at - base, to - base)));
}
