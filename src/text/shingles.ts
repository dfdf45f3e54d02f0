// Word shingles: folded word 3-grams, for measuring how much wording two passages share (the
// evidence view marks common wording of an article and its reprints with this unit). Reprint
// grouping in search does not use them: it folds only identical texts (src/search/dedup.ts).
import { foldText } from './normalize.ts';
import { splitWords } from './tokenize.ts';

/** Words per shingle. */
export const SHINGLE_WORDS = 3;

export interface Fingerprint {
  /** Folded words joined by spaces: exact comparison for texts too short to shingle. */
  words: string;
  shingles: Set<string>;
}

export function fingerprint(text: string): Fingerprint {
  const words = splitWords(foldText(text));
  const shingles = new Set<string>();
  for (let i = 0; i + SHINGLE_WORDS <= words.length; i++) shingles.add(words.slice(i, i + SHINGLE_WORDS).join(' '));
  return { words: words.join(' '), shingles };
}

/**
 * Containment of the smaller text's shingles in the larger's, 0–1: 1 when one text's wording is
 * wholly inside the other's. Texts under three words compare by their exact folded words.
 */
export function shingleSimilarity(a: string, b: string): number {
  const fa = fingerprint(a);
  const fb = fingerprint(b);
  const small = fa.shingles.size <= fb.shingles.size ? fa.shingles : fb.shingles;
  const large = small === fa.shingles ? fb.shingles : fa.shingles;
  if (small.size === 0) return fa.words.length > 0 && fa.words === fb.words ? 1 : 0;
  let shared = 0;
  for (const s of small) if (large.has(s)) shared++;
  return shared / small.size;
}
