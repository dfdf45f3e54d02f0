// The matchers of quote verification, over folded passages grouped by document (prepared.ts):
// verbatim, folded (with and without spaces, across paragraph breaks) and fuzzy windows. Pure; the
// caller (verify.ts) decides which documents to hand them and what the levels mean.
import type { WorkBudget } from '../util/budget.ts';
import { bestWindow, similarity } from './fuzzy.ts';
import type { Prepared, PreparedDoc, QuoteSource } from './prepared.ts';
import type { QuoteMatch, QuoteSpan } from './verify.ts';

/** Partial matches are reported from at most this many documents (best first). */
const MAX_PARTIAL_MATCHES = 3;

export interface Scoped {
  passages: Prepared[];
  /** Whether matches may run from a passage into the next (false when scoped to one citation). */
  crossing: boolean;
}

/** A passage ranked for the fuzzy search, with the number of the quote's 3-grams it shares. */
export interface RankedCandidate {
  p: Prepared;
  shared: number;
}

/** Whether the quote is the spans' texts in order, with only whitespace (or nothing) between them. */
export function verbatimAcross(quote: string, spans: readonly QuoteSpan[]): boolean {
  let rest = quote;
  for (const [i, s] of spans.entries()) {
    if (i > 0) rest = rest.replace(/^\s+/u, '');
    if (!rest.startsWith(s.text)) return false;
    rest = rest.slice(s.text.length);
  }
  return rest.length === 0;
}

export function exactMatches(passages: readonly QuoteSource[], quote: string, max: number, budget: WorkBudget): QuoteMatch[] {
  const out: QuoteMatch[] = [];
  for (const p of passages) {
    budget.spend(p.text.length);
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
export function foldedMatches(scoped: Scoped, folded: string, max: number, spaceless: boolean, budget: WorkBudget): QuoteMatch[] {
  const needle = spaceless ? folded.replaceAll(' ', '') : folded;
  if (needle.length === 0) return [];
  const out: QuoteMatch[] = [];
  const allowed = new Set(scoped.passages);
  for (const doc of new Set(scoped.passages.map((p) => p.doc))) {
    // Building the spaceless text once per document costs a few times its length.
    budget.spend(doc.joined.length * (spaceless && !doc.compact ? 4 : 1));
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
 * Fuzzy search: the passages ranked by how many of the quote's character 3-grams they contain
 * (`ranked`, best first), with their neighbours (a quote may cross a paragraph break), are merged
 * into runs of consecutive passages and searched once each. Results: the best window per
 * document, best first.
 */
export async function partialMatches(ranked: readonly RankedCandidate[], crossing: boolean, folded: string, budget: WorkBudget): Promise<QuoteMatch[]> {
  const positions = new Map<PreparedDoc, Set<number>>();
  for (const { p } of ranked) {
    const set = positions.get(p.doc) ?? new Set<number>();
    positions.set(p.doc, set);
    const reach = crossing ? 1 : 0;
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
      // Edit-distance cells cost about an eighth of a scanned character each. A long quote against a
      // run of paragraphs is tens of milliseconds: other requests get a turn between runs.
      budget.spend((folded.length * (runEnd - runStart)) / 8);
      await budget.pause();
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
    budget.spend((folded.length * (end - start)) / 8);
    await budget.pause();
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

function span(p: QuoteSource, localStart: number, localEnd: number): QuoteSpan {
  return { citation: p.id, document: p.docId, start: p.start + localStart, end: p.start + localEnd, text: p.text.slice(localStart, localEnd) };
}
