// @ts-check
// The page itself: the document head, the verdict on a quote, the article with the cited passage and
// the quote marked, and the reprints beside it. Part of the view script.

function render() {
  const app = document.getElementById('app');
  if (!app) return;
  const e = state.evidence;
  const rtl = e ? isRtl(e.document.language) : isRtl(uiLang);
  document.documentElement.dir = rtl ? 'rtl' : 'ltr';
  document.title = e ? `${e.document.title} · sanad` : 'sanad: evidence';
  app.replaceChildren(...[bar(), body()].filter((n) => n !== null));
  notifySize();
}

function bar() {
  const chips = state.items.length > 1
    ? h('nav', { class: 'chips', 'aria-label': 'citations' }, state.items.map((item, i) => {
      const chip = h('button', { type: 'button', class: 'chip', 'aria-pressed': i === state.selected ? 'true' : 'false', title: item.citation }, [iso(item.citation, 'ltr')]);
      chip.addEventListener('click', () => void load(i));
      return chip;
    }))
    : null;
  const full = state.mode === 'app' && state.displayModes.includes('fullscreen')
    ? button(t.fullscreen, () => void bridge.request('ui/request-display-mode', { mode: 'fullscreen' }).catch(() => undefined))
    : null;
  const context = state.tool || state.query
    ? h('span', { class: 'context' }, [state.tool, state.tool && state.query ? ': ' : '', state.query ? iso(state.query) : null])
    : null;
  if (!context && !chips && !full) return null;
  return h('header', { class: 'bar', dir: uiDir() }, [context, chips, full]);
}

function body() {
  if (state.message) return h('p', { class: 'status', dir: uiDir() }, [state.message]);
  if (state.loading && !state.evidence) return h('p', { class: 'status', dir: uiDir() }, [t.loading]);
  if (state.failure) return fallback(state.failure);
  const e = state.evidence;
  if (!e) return h('p', { class: 'status', dir: uiDir() }, [t.loading]);
  const doc = e.document;
  const cited = e.passages.find((/** @type {any} */ p) => p.citation === e.citation);
  const meta = h('ul', { class: 'meta', dir: uiDir() }, [
    doc.outlet ? h('li', {}, [h('span', { class: 'label' }, [t.outlet]), iso(doc.outlet)]) : null,
    doc.published ? h('li', { title: doc.published }, [h('span', { class: 'label' }, [t.published]), iso(formatDate(doc.published))]) : null,
    h('li', { title: doc.language }, [h('span', { class: 'label' }, [t.language]), iso(languageName(doc.language))]),
    h('li', {}, [h('span', { class: 'label' }, [t.document]), iso(doc.id, 'ltr')]),
    h('li', {}, [t.passages(num(e.window.total))]),
  ]);
  const head = h('section', { class: 'doc-head' }, [h('h1', { dir: 'auto', lang: doc.language }, [doc.title]), meta]);
  const columns = h('div', { class: `columns${e.reprints.length ? ' with-reprints' : ''}` }, [article(e, cited), reprints(e)]);
  return h('main', {}, [head, e.quote ? verdict(e) : null, columns, h('p', { class: 'note', dir: uiDir() }, [t.note])]);
}

/** Quote spans to mark in this document: the matches (and their continuations) and, dashed, stronger matches elsewhere. */
function quoteMarks(/** @type {any} */ e) {
  const q = e.quote;
  if (!q) return [];
  /** @type {Array<Span & { level: string, elsewhere?: boolean }>} */
  const out = [];
  const add = (/** @type {Match[]} */ list, /** @type {boolean} */ elsewhere) => {
    for (const m of list) {
      for (const s of [m, ...(Array.isArray(m.continued) ? m.continued : [])]) {
        if (s.document === e.document.id) out.push({ start: s.start, end: s.end, level: elsewhere ? 'elsewhere' : q.level, elsewhere });
      }
    }
  };
  add(q.matches, false);
  if (Array.isArray(q.elsewhere)) add(q.elsewhere, true);
  return out;
}

function verdict(/** @type {any} */ e) {
  const q = e.quote;
  const item = state.items[state.selected];
  const wording = [...q.matches].slice(0, 3).map((/** @type {Match} */ m) => h('li', {}, [h('span', { dir: 'auto', lang: e.document.language }, [[m, ...(m.continued || [])].map((s) => s.text).join(' ')]), ' ', iso(shortId(m.citation), 'ltr')]));
  const elsewhere = Array.isArray(q.elsewhere) && q.elsewhere.length
    ? h('p', { dir: uiDir() }, [t.elsewhere, ' ', ...q.elsewhere.slice(0, 5).map((/** @type {Match} */ m) => button(m.citation, () => openCitation(m.citation, item), { class: 'chip', dir: 'ltr' }))])
    : null;
  return h('section', { class: `verdict level-${q.level}`, 'data-level': q.level }, [
    h('div', { dir: uiDir() }, [h('span', { class: 'level' }, [t[/** @type {'exact'} */ (q.level)] || q.level]), q.level === 'partial' || q.level === 'not_found' ? ` (${t.similarity} ${num(q.similarity)})` : '']),
    h('blockquote', { dir: 'auto' }, [q.checked]),
    wording.length && q.level !== 'exact' ? h('div', { dir: uiDir() }, [t.sourceWording, h('ul', {}, wording)]) : null,
    elsewhere,
  ]);
}

function article(/** @type {any} */ e, /** @type {any} */ cited) {
  const marks = quoteMarks(e);
  const shared = e.reprints.flatMap((/** @type {any} */ r) => r.shared_in_cited).sort((/** @type {Span} */ a, /** @type {Span} */ b) => a.start - b.start);
  const merged = mergeSpans(shared);
  const lang = e.document.language;
  const nodes = e.passages.map((/** @type {any} */ p) => {
    const isCited = p.citation === e.citation;
    const text = h('p', { class: 'text', dir: 'auto', lang });
    renderText(text, p.text, p.start, marks, isCited ? merged : []);
    const div = h('div', {
      class: `passage kind-${p.kind}${isCited ? ' cited' : ''}${p.citation === state.current ? ' current' : ''}`,
      'data-citation': p.citation,
      'data-start': p.start,
      'data-end': p.end,
      tabindex: -1,
    }, [h('div', { class: 'pid' }, [iso(shortId(p.citation), 'ltr'), isCited ? h('span', { class: 'tag' }, [t.cited]) : null]), text]);
    div.addEventListener('click', () => {
      state.current = p.citation;
      render();
    });
    return div;
  });
  const first = e.window.first;
  const last = first + e.passages.length;
  const children = [
    first > 0 ? button(t.earlier, () => void load(state.selected, e.passages[0].citation, e.passages[0].citation), { class: 'button more', dir: uiDir() }) : null,
    ...nodes,
    last < e.window.total ? button(t.later, () => void load(state.selected, e.passages[e.passages.length - 1].citation, e.passages[e.passages.length - 1].citation), { class: 'button more', dir: uiDir() }) : null,
    h('div', { class: 'nav', dir: uiDir() }, [
      button(t.prev, () => move(-1), { disabled: !canMove(e, -1) }),
      button(t.next, () => move(1), { disabled: !canMove(e, 1) }),
    ]),
  ];
  return h('article', { class: 'article', dir: isRtl(lang) ? 'rtl' : 'ltr', lang, 'aria-label': cited ? cited.citation : e.citation }, children);
}

function canMove(/** @type {any} */ e, /** @type {number} */ step) {
  const at = e.passages.findIndex((/** @type {any} */ p) => p.citation === state.current);
  const inDoc = e.window.first + at + step;
  return at >= 0 && inDoc >= 0 && inDoc < e.window.total;
}

function mergeSpans(/** @type {Span[]} */ spans) {
  /** @type {Span[]} */
  const out = [];
  for (const s of spans) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

function reprints(/** @type {any} */ e) {
  if (!e.reprints.length) return h('aside', { class: 'reprints' }, [h('p', { class: 'legend', dir: uiDir() }, [t.noReprints])]);
  const cards = e.reprints.map((/** @type {any} */ r) => {
    const text = h('p', { class: 'text', dir: 'auto', lang: r.language });
    renderText(text, r.text, r.start, [], r.shared);
    return h('section', { class: 'reprint', 'data-citation': r.citation, 'data-start': r.start, 'data-end': r.end }, [
      h('h3', { dir: 'auto', lang: r.language }, [r.title]),
      h('ul', { class: 'meta', dir: uiDir() }, [
        r.outlet ? h('li', {}, [iso(r.outlet)]) : null,
        r.published ? h('li', { title: r.published }, [iso(formatDate(r.published))]) : null,
        h('li', {}, [iso(r.citation, 'ltr')]),
        h('li', {}, [`${t.similarity} ${num(Math.round(r.similarity * 100))}%`]),
      ]),
      text,
      button(t.open, () => openCitation(r.citation, undefined), { dir: uiDir() }),
    ]);
  });
  return h('aside', { class: 'reprints', 'aria-label': t.reprints }, [
    h('h2', { dir: uiDir() }, [t.reprints]),
    h('p', { class: 'legend', dir: uiDir() }, [h('span', { class: 'shared' }, [t.legend])]),
    ...cards,
  ]);
}

/** Without the article (the host cannot call tools, or the call failed): what the result itself says. */
function fallback(/** @type {string} */ reason) {
  const item = state.items[state.selected];
  const known = item && isObj(item.known) ? item.known : null;
  const parts = [h('p', { class: 'error', role: 'alert', dir: uiDir() }, [`${t.noContext}: `, reason])];
  if (known && typeof known.text === 'string') {
    const text = h('p', { class: 'text', dir: 'auto', lang: str(known.language) || '' });
    if (typeof known.start === 'number') renderText(text, known.text, known.start, [], []);
    else text.append(known.text);
    parts.push(h('div', { class: 'passage cited', 'data-citation': item.citation }, [
      h('div', { class: 'pid' }, [iso(item.citation, 'ltr'), h('span', { class: 'tag' }, [t.cited])]),
      str(known.title) ? h('h1', { dir: 'auto' }, [known.title]) : null,
      text,
    ]));
  }
  return h('main', {}, parts);
}
