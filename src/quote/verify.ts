// Quote verification: is the sentence an assistant wants to attribute really in the corpus, and
// where? Pure: it works on passages handed to it and returns what it found, with the source's own
// wording and offsets into the original files, so an answer can prove every quote it makes.
//
// Levels, strongest first:
// - exact: the quote is a verbatim substring of a passage (after trimming quotation marks and
//   edge ellipses), or of consecutive passages when only the whitespace between them differs;
// - normalized: found once both sides go through `foldText` (diacritics, tatweel, hamza and alef
//   forms, ی/ي, ک/ك, ة/ه, digits, ZWNJ, quote styles), then, failing that, with spaces ignored
//   (Persian compounds are written with ZWNJ, a space or nothing). Offsets and wording are mapped
//   back to the ORIGINAL text through `foldWithMap`, so the assistant can quote the source as
//   written. A match may run from one paragraph into the next;
// - partial: the best fuzzy window (edit distance on folded text, see fuzzy.ts), with a similarity
//   in [0, 1], when it reaches `threshold` (0.6 by default: below that, windows on the fixtures
//   and seeds are mostly shared function words and place names, not the same sentence);
// - not_found.
// A quote with gaps (line breaks, … or ...) that is not found whole is checked part by part; the
// verdict is then the weakest part's.
import { foldWithMap } from '../text/normalize.ts';
import { bestWindow, similarity } from './fuzzy.ts';
import { cleanQuote, splitQuote } from './quote-text.ts';

export type QuoteLevel = 'exact' | 'normalized' | 'partial' | 'not_found';

/** A passage as the verifier needs it; `StoredPassage` fits. */
export interface QuoteSource {
  /** Citation id. */
  id: string;
  docId: string;
  /** Offset of the passage in its original file. */
  start: number;
  text: string;
}

/** A stretch of one passage: its citation, offsets into the original file and exact wording. */
export interface QuoteSpan {
  citation: string;
  document: string;
  start: number;
  end: number;
  text: string;
}

export interface QuoteMatch extends QuoteSpan {
  /** 1 for exact and normalized matches; the window's similarity for partial ones. */
  similarity: number;
  /** When the match runs on into the following passages: the rest of it, one span per passage. */
  continued?: QuoteSpan[];
}

export interface QuotePart {
  quote: string;
  level: QuoteLevel;
  similarity: number;
  matches: QuoteMatch[];
}

export interface QuoteVerdict {
  level: QuoteLevel;
  /** 1 for exact/normalized; best window similarity otherwise (0 when nothing comparable). */
  similarity: number;
  /** The text looked for: the quote without surrounding quotation marks and ellipses. */
  checked: string;
  matches: QuoteMatch[];
  /** Present when the quote was checked in parts (it has gaps and was not found whole). */
  parts?: QuotePart[];
  /** Stronger matches outside the requested scope (the quote is attributed to the wrong passage). */
  elsewhere?: QuoteMatch[];
}

export interface QuoteScope {
  citation?: string;
  document?: string;
}

export interface VerifyOptions {
  scope?: QuoteScope;
  /** Minimum similarity for `partial`; default 0.6. */
  threshold?: number;
  /** Most matches reported per level; default 10. */
  maxMatches?: number;
  /** Passages whose neighbourhood gets the fuzzy search; default 8. */
  maxCandidates?: number;
}

export const PARTIAL_THRESHOLD = 0.6;
const DEFAULT_MAX_MATCHES = 10;
const DEFAULT_MAX_CANDIDATES = 8;
/** Partial matches are reported from at most this many documents (best first). */
const MAX_PARTIAL_MATCHES = 3;

interface Prepared extends QuoteSource {
  folded: string;
  map: number[];
  /** Offset of this passage's folded text inside its document's joined folded text. */
  joinedStart: number;
  doc: PreparedDoc;
  /** Position in `doc.passages`. */
  pos: number;
}

interface PreparedDoc {
  id: string;
  passages: Prepared[];
  /** Folded passages joined by one space: matches may cross paragraph boundaries. */
  joined: string;
  /** `joined` without spaces, built on first use (see foldedMatches). */
  compact?: { text: string; map: Int32Array };
}

/** Folded passages grouped by document; build once per index snapshot and reuse. */
export interface QuoteCorpus {
  readonly docs: readonly PreparedDoc[];
  readonly byId: ReadonlyMap<string, Prepared>;
}

/** Folds every passage once. Passages of a document must be consecutive and in reading order. */
export function prepareQuoteCorpus(passages: readonly QuoteSource[]): QuoteCorpus {
  const docs: PreparedDoc[] = [];
  const byId = new Map<string, Prepared>();
  let doc: PreparedDoc | null = null;
  let parts: string[] = [];
  let offset = 0;
  const close = () => {
    if (doc) doc.joined = parts.join(' ');
  };
  for (const p of passages) {
    if (!doc || doc.id !== p.docId) {
      close();
      doc = { id: p.docId, passages: [], joined: '' };
      docs.push(doc);
      parts = [];
      offset = 0;
    }
    const { folded, map } = foldWithMap(p.text);
    const prepared: Prepared = { id: p.id, docId: p.docId, start: p.start, text: p.text, folded, map, joinedStart: offset, doc, pos: doc.passages.length };
    doc.passages.push(prepared);
    byId.set(p.id, prepared);
    parts.push(folded);
    offset += folded.length + 1;
  }
  close();
  return { docs, byId };
}

export function verifyQuote(corpus: QuoteCorpus, quote: string, opts: VerifyOptions = {}): QuoteVerdict {
  const checked = cleanQuote(quote);
  if (checked.length === 0) {
    throw new RangeError('the quote is empty once quotation marks and ellipses are removed; send the words to check');
  }
  const scoped = scopePassages(corpus, opts.scope);
  const settings = {
    threshold: opts.threshold ?? PARTIAL_THRESHOLD,
    maxMatches: opts.maxMatches ?? DEFAULT_MAX_MATCHES,
    maxCandidates: opts.maxCandidates ?? DEFAULT_MAX_CANDIDATES,
  };

  let verdict: QuoteVerdict = { checked, ...findLevel(scoped, checked, settings, true) };
  if (verdict.level !== 'exact' && verdict.level !== 'normalized') {
    const pieces = splitQuote(checked);
    if (pieces.length > 1) {
      const parts = pieces.map((piece) => ({ quote: piece, ...findLevel(scoped, piece, settings, true) }));
      const weakest = parts.reduce((w, p) => (rank(p.level) > rank(w.level) ? p : w));
      // Parts win when they make at least as strong a claim: "A … B" with A and B both verbatim is
      // an exact quote with a gap, stronger than a fuzzy match of the whole.
      if (rank(weakest.level) <= rank(verdict.level)) {
        verdict = {
          checked,
          level: weakest.level,
          similarity: Math.min(...parts.map((p) => p.similarity)),
          matches: parts.flatMap((p) => p.matches.slice(0, 1)),
          parts,
        };
      }
    }
  }
  // A quote missing from the passage it is attributed to may well be elsewhere: say where,
  // when the rest of the corpus holds a strictly stronger match (fuzzy only when the scope had none).
  if (opts.scope && (opts.scope.citation || opts.scope.document) && rank(verdict.level) >= rank('partial')) {
    const wide = findLevel(scopePassages(corpus), checked, settings, verdict.level === 'not_found');
    // (Matches may start in the scoped passage: a quote running on into the next paragraph.)
    if (rank(wide.level) < rank(verdict.level) && wide.matches.length > 0) verdict.elsewhere = wide.matches;
  }
  return verdict;
}

function rank(level: QuoteLevel): number {
  return ['exact', 'normalized', 'partial', 'not_found'].indexOf(level);
}

interface Settings {
  threshold: number;
  maxMatches: number;
  maxCandidates: number;
}

interface Scoped {
  passages: Prepared[];
  /** Whether matches may run from a passage into the next (false when scoped to one citation). */
  crossing: boolean;
}

function scopePassages(corpus: QuoteCorpus, scope?: QuoteScope): Scoped {
  if (scope?.citation) {
    const p = corpus.byId.get(scope.citation);
    return { passages: p ? [p] : [], crossing: false };
  }
  if (scope?.document) {
    const doc = corpus.docs.find((d) => d.id === scope.document);
    return { passages: doc ? [...doc.passages] : [], crossing: true };
  }
  return { passages: corpus.docs.flatMap((d) => d.passages), crossing: true };
}

type Found = Omit<QuoteVerdict, 'checked' | 'parts' | 'elsewhere'>;

function findLevel(scoped: Scoped, quote: string, s: Settings, fuzzy: boolean): Found {
  const exact = exactMatches(scoped.passages, quote, s.maxMatches);
  if (exact.length > 0) return { level: 'exact', similarity: 1, matches: exact };
  const { folded } = foldWithMap(quote);
  if (folded.length === 0) return { level: 'not_found', similarity: 0, matches: [] };
  let normalized = foldedMatches(scoped, folded, s.maxMatches, false);
  if (normalized.length === 0) normalized = foldedMatches(scoped, folded, s.maxMatches, true);
  if (normalized.length > 0) {
    // Verbatim across a paragraph break (only the whitespace between the paragraphs differs) is exact.
    const verbatim = normalized.filter((m) => m.continued !== undefined && verbatimAcross(quote, [m, ...m.continued]));
    return verbatim.length > 0 ? { level: 'exact', similarity: 1, matches: verbatim } : { level: 'normalized', similarity: 1, matches: normalized };
  }
  if (!fuzzy) return { level: 'not_found', similarity: 0, matches: [] };
  const partial = partialMatches(scoped, folded, s);
  const best = partial[0]?.similarity ?? 0;
  if (best >= s.threshold) return { level: 'partial', similarity: best, matches: partial.filter((m) => m.similarity >= s.threshold) };
  return { level: 'not_found', similarity: best, matches: [] };
}

/** Whether the quote is the spans' texts in order, with only whitespace (or nothing) between them. */
function verbatimAcross(quote: string, spans: readonly QuoteSpan[]): boolean {
  let rest = quote;
  for (const [i, s] of spans.entries()) {
    if (i > 0) rest = rest.replace(/^\s+/u, '');
    if (!rest.startsWith(s.text)) return false;
    rest = rest.slice(s.text.length);
  }
  return rest.length === 0;
}

function exactMatches(passages: readonly Prepared[], quote: string, max: number): QuoteMatch[] {
  const out: QuoteMatch[] = [];
  for (const p of passages) {
    const at = p.text.indexOf(quote);
    if (at < 0) continue;
    out.push({ ...span(p, at, at + quote.length), similarity: 1 });
    if (out.length >= max) break;
  }
  return out;
}

/**
 * Occurrences of the folded quote in the joined folded text of each document in scope. With
 * `spaceless`, spaces are ignored on both sides: Persian writes سه‌شنبه, سه شنبه and سهشنبه alike,
 * and folding turns the ZWNJ of the first into nothing, not into a space.
 */
function foldedMatches(scoped: Scoped, folded: string, max: number, spaceless: boolean): QuoteMatch[] {
  const needle = spaceless ? folded.replaceAll(' ', '') : folded;
  if (needle.length === 0) return [];
  const out: QuoteMatch[] = [];
  const allowed = new Set(scoped.passages);
  for (const doc of new Set(scoped.passages.map((p) => p.doc))) {
    const hay = spaceless ? compactOf(doc) : { text: doc.joined, map: null };
    for (let at = hay.text.indexOf(needle); at >= 0; at = hay.text.indexOf(needle, at + 1)) {
      const start = hay.map ? (hay.map[at] ?? 0) : at;
      const end = hay.map ? (hay.map[at + needle.length - 1] ?? 0) + 1 : at + needle.length;
      if (!scoped.crossing && !doc.passages.some((p) => allowed.has(p) && p.joinedStart <= start && end <= p.joinedStart + p.folded.length)) {
        continue;
      }
      const m = joinedRangeToMatch(doc, start, end, 1);
      if (m) out.push(m);
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** The document's joined folded text without spaces, and where each character sits in `joined`. */
function compactOf(doc: PreparedDoc): { text: string; map: Int32Array } {
  if (!doc.compact) {
    const map = new Int32Array(doc.joined.length);
    let text = '';
    let n = 0;
    for (let i = 0; i < doc.joined.length; i++) {
      const ch = doc.joined[i] ?? ' ';
      if (ch === ' ') continue;
      text += ch;
      map[n++] = i;
    }
    doc.compact = { text, map: map.subarray(0, n) };
  }
  return doc.compact;
}

/**
 * Fuzzy search: passages are ranked by how many of the quote's character 3-grams they contain;
 * the best few, with their neighbours (a quote may cross a paragraph break), are merged into runs
 * of consecutive passages and searched once each. Results: the best window per document, best first.
 */
function partialMatches(scoped: Scoped, folded: string, s: Settings): QuoteMatch[] {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= folded.length; i++) grams.add(folded.slice(i, i + 3));
  const ranked = scoped.passages
    .map((p) => ({ p, shared: sharedGrams(p.folded, grams) }))
    .filter((c) => c.shared > 0 || grams.size === 0)
    .sort((a, b) => b.shared - a.shared)
    .slice(0, s.maxCandidates);

  const positions = new Map<PreparedDoc, Set<number>>();
  for (const { p } of ranked) {
    const set = positions.get(p.doc) ?? new Set<number>();
    positions.set(p.doc, set);
    const reach = scoped.crossing ? 1 : 0;
    for (let pos = Math.max(0, p.pos - reach); pos <= Math.min(p.doc.passages.length - 1, p.pos + reach); pos++) set.add(pos);
  }

  const best: Array<{ doc: PreparedDoc; start: number; end: number; distance: number; runStart: number; runEnd: number }> = [];
  for (const [doc, set] of positions) {
    let docBest: (typeof best)[number] | null = null;
    for (const [first, last] of runs([...set].sort((a, b) => a - b))) {
      const a = doc.passages[first];
      const b = doc.passages[last];
      if (!a || !b) continue;
      const runStart = a.joinedStart;
      const runEnd = b.joinedStart + b.folded.length;
      const w = bestWindow(folded, doc.joined.slice(runStart, runEnd));
      if (!docBest || w.distance < docBest.distance) {
        docBest = { doc, start: runStart + w.start, end: runStart + w.end, distance: w.distance, runStart, runEnd };
      }
    }
    if (docBest) best.push(docBest);
  }
  best.sort((a, b) => a.distance - b.distance);

  const out: QuoteMatch[] = [];
  for (const b of best.slice(0, MAX_PARTIAL_MATCHES)) {
    let { start, end } = b;
    const joined = b.doc.joined;
    // Whole words: a window that starts or stops inside a word is widened to the word's edges.
    while (start > b.runStart && isWordChar(joined[start - 1]) && isWordChar(joined[start])) start--;
    while (end < b.runEnd && isWordChar(joined[end - 1]) && isWordChar(joined[end])) end++;
    if (end <= start) continue;
    const m = joinedRangeToMatch(b.doc, start, end, round3(similarity(folded, joined.slice(start, end))));
    if (m) out.push(m);
  }
  return out.sort((x, y) => y.similarity - x.similarity);
}

/** Sorted positions → [first, last] of each run of consecutive ones. */
function runs(sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const n of sorted) {
    const lastRun = out[out.length - 1];
    if (lastRun && n === lastRun[1] + 1) lastRun[1] = n;
    else out.push([n, n]);
  }
  return out;
}

function sharedGrams(text: string, grams: ReadonlySet<string>): number {
  const seen = new Set<string>();
  for (let i = 0; i + 3 <= text.length; i++) {
    const g = text.slice(i, i + 3);
    if (grams.has(g)) seen.add(g);
  }
  return seen.size;
}

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && /[\p{L}\p{N}]/u.test(ch);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Maps `[start, end)` of a document's joined folded text to spans of original passage text. */
function joinedRangeToMatch(doc: PreparedDoc, start: number, end: number, score: number): QuoteMatch | null {
  const spans: QuoteSpan[] = [];
  for (const p of doc.passages) {
    const pStart = p.joinedStart;
    const pEnd = p.joinedStart + p.folded.length;
    const s = Math.max(start, pStart);
    const e = Math.min(end, pEnd);
    if (e <= s) continue;
    const localStart = p.map[s - pStart] ?? 0;
    const localEnd = trimEnd(p.text, localStart, p.map[e - pStart] ?? p.text.length);
    if (localEnd > localStart) spans.push(span(p, localStart, localEnd));
  }
  const [head, ...rest] = spans;
  if (!head) return null;
  return { ...head, similarity: score, ...(rest.length > 0 ? { continued: rest } : {}) };
}

/**
 * The fold map ends a match at the next visible character, so the original slice can end in
 * spaces or format characters (ZWNJ, bidi marks) the folding dropped; they are not part of the
 * quote. Combining marks stay: they belong to the last letter.
 */
function trimEnd(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && /[\s\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\u061c]/u.test(text[e - 1] ?? '')) e--;
  return e;
}

function span(p: Prepared, localStart: number, localEnd: number): QuoteSpan {
  return { citation: p.id, document: p.docId, start: p.start + localStart, end: p.start + localEnd, text: p.text.slice(localStart, localEnd) };
}
