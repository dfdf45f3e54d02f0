// The character 3-grams quote candidates are found by. Pure, shared by the index builder and the
// query side so both cut text the same way.
//
// Grams are taken from the *compact* folded text: `foldText` (letter variants, diacritics, digits
// unified) with every space removed, over a whole document at once (its passages in reading order,
// concatenated). That is exactly the text a normalized match is found in (spaces ignored, across
// paragraph breaks), so a document holding a match holds every gram of the match: an index of
// grams gives candidates without ever missing one. Each gram is filed under the passage it starts
// in. Grams are hashed into 2^bits buckets; a collision only adds candidates, which the verifier
// then rejects.
import { foldText } from '../text/normalize.ts';

export const GRAM = 3;

/** The folded passages of a document without spaces, and where each passage starts in it. */
export function compactDocument(texts: readonly string[]): { compact: string; starts: number[] } {
  const starts: number[] = [];
  let compact = '';
  for (const text of texts) {
    starts.push(compact.length);
    compact += foldText(text).replaceAll(' ', '');
  }
  return { compact, starts };
}

/** Bucket of the gram starting at `i` (needs i + 3 <= text.length). */
export function gramBucket(text: string, i: number, bits: number): number {
  let h = Math.imul(text.charCodeAt(i), 0x9e3779b1);
  h = Math.imul(h ^ text.charCodeAt(i + 1), 0x85ebca77);
  h = Math.imul(h ^ text.charCodeAt(i + 2), 0xc2b2ae3d);
  h ^= h >>> 15;
  return bits === 0 ? 0 : h >>> (32 - bits);
}

/** Distinct buckets of a compact text's grams. */
export function gramBuckets(compact: string, bits: number): number[] {
  const out = new Set<number>();
  for (let i = 0; i + GRAM <= compact.length; i++) out.add(gramBucket(compact, i, bits));
  return [...out];
}

/**
 * The part of a quote every occurrence of it must contain, compacted. Folding works on segments
 * (a letter and the marks after it), so a verbatim occurrence folds like the quote except at its
 * ends: leading combining marks belong to a letter before the quote in the source, and the last
 * letter may carry more marks there than in the quote. Both are dropped before folding; what is
 * left is whole segments in the source, and also part of the folded quote itself.
 */
export function quoteCore(quote: string): string {
  const chars = [...quote];
  const mark = (c: string | undefined) => c !== undefined && /\p{M}/u.test(c);
  let from = 0;
  while (from < chars.length && mark(chars[from])) from++;
  let to = chars.length;
  while (to > from && mark(chars[to - 1])) to--;
  return foldText(chars.slice(from, Math.max(from, to - 1)).join('')).replaceAll(' ', '');
}

/** Bucket count for a segment of `passages` passages: room for its distinct grams, bounded. */
export function gramBits(passages: number): number {
  return Math.min(20, Math.max(10, Math.ceil(Math.log2(Math.max(1, passages) * 16))));
}
