// Reads a drafted answer the way check_answer needs it: sentences, the citation markers each one
// carries (`[doc.txt#p3]`, several in one bracket separated by commas or semicolons), and the
// spans it quotes («…», “…”, "…"). Pure. Markers and quotes are set aside before the text is cut
// into sentences, so the dots of `report.txt#p3` and a full stop inside a quote do not cut it.

export interface AnswerQuote {
  /** The quoted words, without the marks. */
  text: string;
  /** Offsets of the whole span, marks included, in the answer. */
  start: number;
  end: number;
}

export interface AnswerSentence {
  /** 0-based position among the sentences of the answer. */
  index: number;
  /** The sentence as written (markers and quotes included), trimmed. */
  text: string;
  start: number;
  end: number;
  /** Citation ids in its markers, in order of appearance, without duplicates. */
  citations: string[];
  quotes: AnswerQuote[];
  /**
   * Whether it states something: at least MIN_CLAIM_WORDS words outside markers and quotes, and it
   * is not a question or a heading. Such a sentence without a citation is an uncited claim.
   */
  claim: boolean;
}

/** Fewer words than this is a fragment ("Sources:", "In short:"), not a claim. */
export const MIN_CLAIM_WORDS = 3;

const MARKER = /\[([^[\]\n]{1,2000})\](?!\()/gu;
// Guillemets, curly double quotes, and straight double quotes (paired on one line).
const QUOTE = /«([^«»]{1,4000})»|“([^“”]{1,4000})”|"([^"\n]{1,4000})"/gu;
const TERMINATOR = /[.!?؟۔…]+(?=\s|$)|\n+/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Ids in one marker: `[a.txt#p1, b.txt#p2]`; anything that is not an id is no marker at all. */
export function markerIds(inner: string): string[] {
  const ids = inner
    .split(/[,;،؛]/u)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  // `[1]`, `[source]`, `[sic]`: not a citation of this corpus, so not a marker.
  return ids.length > 0 && ids.every(looksLikeId) ? ids : [];
}

function looksLikeId(s: string): boolean {
  return /#p\d+(?:\.\d+)?$/u.test(s) || /\.(?:txt|md|html?)$/iu.test(s);
}

interface Span {
  start: number;
  end: number;
}

export function parseAnswer(answer: string): AnswerSentence[] {
  const markers: Array<Span & { ids: string[] }> = [];
  for (const m of answer.matchAll(MARKER)) {
    const ids = markerIds(m[1] ?? '');
    if (ids.length > 0) markers.push({ start: m.index, end: m.index + m[0].length, ids });
  }
  const quotes: AnswerQuote[] = [];
  for (const m of answer.matchAll(QUOTE)) {
    const start = m.index;
    const end = start + m[0].length;
    if (markers.some((k) => start < k.end && end > k.start)) continue;
    const text = (m[1] ?? m[2] ?? m[3] ?? '').trim();
    if (text.length > 0) quotes.push({ text, start, end });
  }
  // Sentence ends outside markers and quotes.
  const protectedSpans: Span[] = [...markers, ...quotes];
  const inside = (i: number) => protectedSpans.some((s) => i >= s.start && i < s.end);
  const cuts: number[] = [];
  for (const m of answer.matchAll(TERMINATOR)) if (!inside(m.index)) cuts.push(m.index + m[0].length);

  const segments: Span[] = [];
  let from = 0;
  for (const cut of [...cuts, answer.length]) {
    if (cut > from) segments.push({ start: from, end: cut });
    from = cut;
  }
  // Markers that open a segment on the same line belong to the sentence before them:
  // "… coast. [a.txt#p11] The Persian report …".
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i];
    const prev = segments[i - 1];
    if (!seg || !prev || answer.slice(prev.start, seg.start).endsWith('\n')) continue;
    let at = seg.start;
    for (;;) {
      while (at < seg.end && /[ \t]/u.test(answer[at] ?? '')) at++;
      const marker = markers.find((k) => k.start === at);
      if (!marker) break;
      at = marker.end;
    }
    if (at > seg.start && answer.slice(seg.start, at).trim() !== '') {
      prev.end = at;
      seg.start = at;
    }
  }

  const out: AnswerSentence[] = [];
  for (const seg of segments) {
    const raw = answer.slice(seg.start, seg.end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text === '') continue;
    const start = seg.start + lead;
    const end = start + text.length;
    const within = <T extends Span>(list: readonly T[]) => list.filter((s) => s.start >= start && s.start < end);
    const citations = [...new Set(within(markers).flatMap((k) => k.ids))];
    const own = within(quotes);
    // Words of the sentence itself: markers, quotes and markdown list/heading marks set aside.
    let bare = text;
    for (const s of [...within(markers), ...own].sort((a, b) => b.start - a.start)) {
      bare = bare.slice(0, s.start - start) + ' ' + bare.slice(s.end - start);
    }
    const words = (bare.match(WORD) ?? []).length + own.reduce((n, q) => n + (q.text.match(WORD) ?? []).length, 0);
    const heading = /^#{1,6}\s/u.test(text);
    const question = /[?؟]\s*$/u.test(bare.trim());
    out.push({ index: out.length, text, start, end, citations, quotes: own, claim: words >= MIN_CLAIM_WORDS && !heading && !question });
  }
  return out;
}
