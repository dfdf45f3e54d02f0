// @ts-check
// The evidence view: cited passages inside their article, quotes highlighted by their offsets,
// reprints side by side. One script, assembled from labels.js, dom.js, bridge.js, render.js and this
// file (in that order, inside one function scope: src/view/page.ts), runs in two places:
// - inside an MCP host (an iframe): it speaks the MCP Apps protocol (JSON-RPC over postMessage)
//   with the host, receives the tool result it was opened for, and asks for article context
//   through the app-only `view_evidence` tool;
// - as a local web page (`sanad view`, or `serve --http`): it reads ?citation=&quote= and fetches
//   GET /api/evidence from its own origin.
// Article text is data: it only ever reaches the page through textContent / createTextNode,
// never as markup, and no link is built from it.
// This file: the state and flow (what to show, fetching the evidence, moving between paragraphs).

const APP_INFO = { name: 'sanad-evidence-view', version: '1.0.0' };
const EVIDENCE_TOOL = 'view_evidence';
const MAX_ITEMS = 50;
const MAX_ALSO_IN = 20;
const RTL_LANGS = ['ar', 'fa'];
/** What a citation id looks like (`<document>#p<n>`, `#p<n>.<part>`). */
const CITATION = /#p\d+(?:\.\d+)?$/;

/** @typedef {{ start: number, end: number }} Span */
/** @typedef {{ citation: string, document?: string, start: number, end: number, text?: string, continued?: Array<any> }} Match */
/** @typedef {{ citation: string, quote?: string, scope?: string, alsoIn?: string[], known?: any }} Item */

const state = {
  /** @type {'app' | 'web'} */ mode: window.parent !== window ? 'app' : 'web',
  /** @type {Item[]} */ items: [],
  selected: 0,
  /** @type {any} */ evidence: null,
  /** @type {string | null} */ current: null,
  /** The tool whose result is shown, and its query (app mode). */
  tool: '',
  query: '',
  /** @type {string | null} */ message: null,
  /** @type {string | null} */ failure: null,
  loading: false,
  token: '',
  /** @type {Record<string, unknown>} */ args: {},
  /** @type {any} */ hostCaps: {},
  /** @type {string[]} */ displayModes: [],
};

/**
 * The citations a tool result names, with the quote to check at each. Understands a verify_quote
 * verdict and a check_answer report; otherwise collects every object with a `citation` (search,
 * get_passage) or a `citations` list, with the object's `quote` when it has one.
 * @param {any} structured
 * @param {Record<string, unknown>} args
 * @returns {Item[]}
 */
function itemsFromResult(structured, args) {
  /** @type {Item[]} */
  const items = [];
  const seen = new Set();
  const add = (/** @type {Item} */ item) => {
    const key = `${item.citation}\u0000${item.quote || ''}`;
    if (!item.citation || seen.has(key) || items.length >= MAX_ITEMS) return;
    seen.add(key);
    items.push(item);
  };
  if (!isObj(structured)) return items;
  if (typeof structured.level === 'string' && Array.isArray(structured.matches) && typeof structured.checked === 'string') {
    const quote = str(args.quote) || structured.checked;
    const scope = isObj(structured.scope) ? str(structured.scope.kind) : undefined;
    for (const m of [...structured.matches, ...(Array.isArray(structured.elsewhere) ? structured.elsewhere : [])]) {
      if (isObj(m) && str(m.citation)) add({ citation: m.citation, quote, scope: scope || 'corpus' });
    }
    const asked = str(args.citation);
    if (items.length === 0 && asked) add({ citation: asked, quote, scope: 'citation' });
    return items;
  }
  if (Array.isArray(structured.sentences) && isObj(structured.counts)) {
    answerItems(structured.sentences, add);
    return items;
  }
  const walk = (/** @type {unknown} */ node, /** @type {number} */ depth) => {
    if (depth > 6 || items.length >= MAX_ITEMS) return;
    if (Array.isArray(node)) {
      for (const v of node) walk(v, depth + 1);
      return;
    }
    if (!isObj(node)) return;
    const o = /** @type {Record<string, any>} */ (node);
    const quote = str(o.quote);
    const citation = str(o.citation);
    if (citation && CITATION.test(citation)) {
      const alsoIn = Array.isArray(o.also_in) ? o.also_in.filter((x) => typeof x === 'string').slice(0, MAX_ALSO_IN) : undefined;
      add({ citation, ...(quote ? { quote, scope: 'citation' } : {}), ...(alsoIn && alsoIn.length ? { alsoIn } : {}), known: o });
    }
    // A list of ids, as an answer check reports the citations of a sentence.
    if (Array.isArray(o.citations)) {
      for (const id of o.citations) if (typeof id === 'string' && CITATION.test(id)) add({ citation: id, ...(quote ? { quote, scope: 'citation' } : {}) });
    }
    for (const [key, v] of Object.entries(o)) if (key !== 'also_in' && key !== 'citations') walk(v, depth + 1);
  };
  walk(structured, 0);
  return items;
}

/**
 * A check_answer report, sentence by sentence: each quote where it verified (or, cited elsewhere or
 * not at all, where it really is), then the sentence's other cited passages. Ids that do not exist
 * are left out: the report names them, the view has nothing to show for them.
 * @param {any[]} sentences
 * @param {(item: Item) => void} add
 */
function answerItems(sentences, add) {
  const shown = new Set();
  const put = (/** @type {Item} */ item) => {
    shown.add(item.citation);
    add(item);
  };
  for (const s of sentences) {
    if (!isObj(s)) continue;
    for (const q of Array.isArray(s.quotes) ? s.quotes : []) {
      if (!isObj(q) || !str(q.quote)) continue;
      const where = str(q.citation) ? [q.citation] : Array.isArray(q.found_in) ? q.found_in : [];
      for (const id of where) if (typeof id === 'string' && CITATION.test(id)) put({ citation: id, quote: q.quote, scope: 'citation' });
    }
    const unknown = new Set((Array.isArray(s.unknown_citations) ? s.unknown_citations : []).map((/** @type {any} */ u) => (isObj(u) ? u.id : '')));
    for (const id of Array.isArray(s.citations) ? s.citations : []) {
      if (typeof id === 'string' && CITATION.test(id) && !unknown.has(id) && !shown.has(id)) put({ citation: id });
    }
  }
}

/** @param {Item} item @param {string | undefined} around */
async function fetchEvidence(item, around) {
  /** @type {Record<string, unknown>} */
  const args = { citation: item.citation };
  if (item.quote) {
    args.quote = item.quote;
    args.quote_scope = item.scope || 'citation';
  }
  if (around) args.around = around;
  if (item.alsoIn && item.alsoIn.length) args.also_in = item.alsoIn;
  if (state.mode === 'app') {
    if (!isObj(state.hostCaps) || !state.hostCaps.serverTools) throw new Error('the host does not let views call server tools');
    const result = await bridge.request('tools/call', { name: EVIDENCE_TOOL, arguments: args });
    if (!isObj(result)) throw new Error('the host returned no result');
    if (result.isError) throw new Error(contentText(result.content) || 'the evidence tool failed');
    return checkEvidence(result.structuredContent);
  }
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(args)) {
    if (Array.isArray(value)) for (const v of value) query.append(key, String(v));
    else query.set(key, String(value));
  }
  const res = await fetch(`/api/evidence?${query}`, {
    headers: state.token ? { authorization: `Bearer ${state.token}` } : {},
    credentials: 'omit',
    cache: 'no-store',
  });
  const body = await res.json().catch(() => ({}));
  if (res.status === 401) throw new Error(t.needToken);
  if (!res.ok) throw new Error(str(body.error) || `HTTP ${res.status}`);
  return checkEvidence(body);
}

/** Refuses anything that is not evidence, so rendering never meets a surprise. */
function checkEvidence(/** @type {any} */ e) {
  if (!isObj(e) || typeof e.citation !== 'string' || !isObj(e.document) || !Array.isArray(e.passages) || !Array.isArray(e.reprints) || !isObj(e.window)) {
    throw new Error('the evidence came back in an unexpected shape');
  }
  return e;
}

function contentText(/** @type {unknown} */ content) {
  if (!Array.isArray(content)) return '';
  return content.filter((c) => isObj(c) && c.type === 'text' && typeof c.text === 'string').map((c) => c.text).join('\n');
}

/**
 * Fetches and shows the evidence for item `index`, optionally the window around another passage.
 * @param {number} index
 * @param {string} [around]
 * @param {string} [focus]
 */
async function load(index, around, focus) {
  const item = state.items[index];
  if (!item) return;
  state.selected = index;
  state.loading = true;
  state.failure = null;
  render();
  try {
    state.evidence = await fetchEvidence(item, around);
    state.current = focus || state.evidence.citation;
  } catch (err) {
    state.evidence = null;
    state.failure = err instanceof Error ? err.message : String(err);
  }
  state.loading = false;
  render();
  focusCurrent();
}

/** Shows another citation (a reprint, a stronger match): added to the chips and selected. */
function openCitation(/** @type {string} */ citation, /** @type {Item | undefined} */ from) {
  let index = state.items.findIndex((i) => i.citation === citation && i.quote === from?.quote);
  if (index < 0) {
    state.items.push({ citation, ...(from?.quote ? { quote: from.quote, scope: 'citation' } : {}) });
    index = state.items.length - 1;
  }
  if (state.mode === 'web') {
    const url = new URL(location.href);
    url.search = '';
    url.searchParams.set('citation', citation);
    if (from?.quote) url.searchParams.set('quote', from.quote);
    history.pushState({ index }, '', url);
  }
  void load(index);
}

function move(/** @type {number} */ step) {
  const e = state.evidence;
  if (!e) return;
  const at = e.passages.findIndex((/** @type {any} */ p) => p.citation === state.current);
  const next = e.passages[at + step];
  if (next) {
    state.current = next.citation;
    render();
    focusCurrent();
    return;
  }
  // Past the window's edge: load the window around the edge passage, then step.
  const edge = e.passages[at];
  const inDoc = e.window.first + at + step;
  if (edge && inDoc >= 0 && inDoc < e.window.total) {
    void load(state.selected, edge.citation, edge.citation).then(() => move(step));
  }
}

function focusCurrent() {
  if (!state.current) return;
  const el = [...document.querySelectorAll('.passage')].find((n) => n.getAttribute('data-citation') === state.current);
  if (el instanceof HTMLElement) {
    el.focus({ preventScroll: true });
    el.scrollIntoView({ block: 'nearest' });
  }
}

/** Up and down arrows step through the paragraphs while one has the focus (it has after a load). */
function onKey(/** @type {KeyboardEvent} */ event) {
  if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
  if (!(event.target instanceof HTMLElement) || !event.target.classList.contains('passage')) return;
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  event.preventDefault();
  move(event.key === 'ArrowDown' ? 1 : -1);
}

// ---- The web page: the citation and quote come from the address.
function startWeb() {
  const hash = new URLSearchParams(location.hash.slice(1));
  const fromHash = hash.get('token');
  if (fromHash) {
    sessionStorage.setItem('sanad-token', fromHash);
    // Keep the token out of the address bar, history and anything copied from it.
    history.replaceState(history.state, '', location.pathname + location.search);
  }
  state.token = fromHash || sessionStorage.getItem('sanad-token') || '';
  const fromUrl = () => {
    const q = new URLSearchParams(location.search);
    setLocale(q.get('lang') || navigator.language);
    const citation = q.get('citation');
    if (!citation) {
      state.items = [];
      state.message = t.needCitation;
      render();
      return;
    }
    const quote = q.get('quote') || undefined;
    const alsoIn = q.getAll('also_in').slice(0, MAX_ALSO_IN);
    state.items = [{ citation, ...(quote ? { quote, scope: q.get('scope') || 'citation' } : {}), ...(alsoIn.length ? { alsoIn } : {}) }];
    state.message = null;
    void load(0);
  };
  window.addEventListener('popstate', fromUrl);
  fromUrl();
}

setLocale(navigator.language);
document.addEventListener('keydown', onKey);
if (state.mode === 'app') {
  startApp().catch((err) => {
    state.message = err instanceof Error ? err.message : String(err);
    render();
  });
} else {
  startWeb();
}
