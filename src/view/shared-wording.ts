// Which words two passages share, as character spans of each, so the evidence view can mark the
// common wording of an article and its reprint side by side. The unit is the one reprint grouping
// measures similarity with (src/text/shingles.ts): folded word 3-grams. A word is marked when it belongs to a 3-gram
// found in the other text, so a single common word ("دمشق") is not marked, but a run of three or
// more is, whatever the diacritics, letter forms or punctuation around it. Pure.
import { SHINGLE_WORDS } from '../text/shingles.ts';
import { foldWithMap } from '../text/normalize.ts';
import { wordRanges } from '../text/tokenize.ts';

/** `[start, end)` in UTF-16 code units of the text it was computed from. */
export interface Span {
  start: number;
  end: number;
}

interface Words {
  /** Folded words, in order. */
  words: string[];
  /** Where each word is in the original text. */
  spans: Span[];
}

function words(text: string): Words {
  const { folded, map } = foldWithMap(text);
  const ranges = wordRanges(folded);
  const out: Words = { words: [], spans: [] };
  for (const [s, e] of ranges) {
    out.words.push(folded.slice(s, e));
    // map[e] points past any characters folding dropped after the word (diacritics); the span
    // stops at the word's last kept character plus those marks, never at the next word.
    out.spans.push({ start: map[s] ?? 0, end: wordEnd(text, map, e) });
  }
  return out;
}

/** End of a word in the original text: after its last character and the combining marks that follow it. */
function wordEnd(text: string, map: readonly number[], foldedEnd: number): number {
  const last = map[foldedEnd - 1] ?? 0;
  let end = last + 1;
  // A surrogate pair is one character.
  if (end < text.length && /[\uDC00-\uDFFF]/u.test(text[end] ?? '')) end++;
  while (end < text.length && /[\p{M}\u0640]/u.test(text[end] ?? '')) end++;
  return end;
}

function gram(list: readonly string[], i: number): string {
  return list.slice(i, i + SHINGLE_WORDS).join(' ');
}

/** Which words of `a` belong to a shingle that `b` also has. */
function markedWords(a: Words, b: Words): boolean[] {
  const marked = a.words.map(() => false);
  if (a.words.length < SHINGLE_WORDS || b.words.length < SHINGLE_WORDS) {
    // Too short to shingle (a caption, a title): shared only when the words are the same.
    const same = a.words.length > 0 && a.words.join(' ') === b.words.join(' ');
    return marked.map(() => same);
  }
  const grams = new Set<string>();
  for (let i = 0; i + SHINGLE_WORDS <= b.words.length; i++) grams.add(gram(b.words, i));
  for (let i = 0; i + SHINGLE_WORDS <= a.words.length; i++) {
    if (grams.has(gram(a.words, i))) for (let j = i; j < i + SHINGLE_WORDS; j++) marked[j] = true;
  }
  return marked;
}

/** Consecutive marked words become one span, covering the spaces and punctuation between them. */
function runs(w: Words, marked: readonly boolean[]): Span[] {
  const out: Span[] = [];
  let open: Span | null = null;
  w.spans.forEach((span, i) => {
    if (marked[i]) {
      if (open) open.end = span.end;
      else open = { ...span };
    } else if (open) {
      out.push(open);
      open = null;
    }
  });
  if (open) out.push(open);
  return out;
}

/** The wording `a` and `b` share: spans of each, in order, relative to each text. */
export function sharedWording(a: string, b: string): { a: Span[]; b: Span[] } {
  const wa = words(a);
  const wb = words(b);
  return { a: runs(wa, markedWords(wa, wb)), b: runs(wb, markedWords(wb, wa)) };
}
