// Character-level helpers shared by the corpus modules. Kept local on purpose: the ingester's
// decisions (what is a title, what is furniture) must not shift when the search-side text
// normaliser is tuned.

/** A half-open character range into a document's text. */
export interface Range {
  start: number;
  end: number;
}

/**
 * Characters trimmed from the ends of a passage: everything `String.prototype.trim` removes,
 * plus invisible joiners and bidi controls, which pages scatter at line edges and which would
 * otherwise make a citation start with an invisible character.
 */
export function isTrimmableCode(c: number): boolean {
  return isSpaceCode(c) || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || c === 0x2060 || (c >= 0x2066 && c <= 0x2069);
}

export function isTrimmable(ch: string): boolean {
  return ch.length > 0 && isTrimmableCode(ch.charCodeAt(0));
}

/** Exactly the characters `\s` matches (ECMAScript WhiteSpace + LineTerminator), by code. */
export function isSpaceCode(c: number): boolean {
  return (
    (c >= 9 && c <= 13) || c === 32 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/** Shrinks [start, end) so it neither starts nor ends with whitespace; may return an empty range. */
export function trimRange(text: string, start: number, end: number): Range {
  let s = start;
  let e = end;
  while (s < e && isTrimmableCode(text.charCodeAt(s))) s++;
  while (e > s && isTrimmableCode(text.charCodeAt(e - 1))) e--;
  return { start: s, end: e };
}

/** Sentence-final marks: Latin, Arabic question mark, Urdu/Persian full stop, ellipsis. */
export const SENTENCE_FINAL = new Set(['.', '!', '?', '؟', '۔', '…']);

/** Closing quotes and brackets that may follow a sentence-final mark ("…قال." » ) ). */
export const CLOSERS = new Set(['"', "'", '»', '”', '’', ')', ']', '›', '」']);

/** True when the text ends a sentence, looking through trailing quotes and brackets. */
export function endsWithSentencePunct(s: string): boolean {
  let i = s.length - 1;
  while (i >= 0 && (CLOSERS.has(s.charAt(i)) || isTrimmable(s.charAt(i)))) i--;
  return i >= 0 && SENTENCE_FINAL.has(s.charAt(i));
}

/** Whitespace-separated word count; linear, no array allocation. */
export function countWords(s: string): number {
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const space = isSpaceCode(s.charCodeAt(i));
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

const LETTER = /\p{L}/u;

export function hasLetter(s: string): boolean {
  return LETTER.test(s);
}

/** Maps Arabic-Indic (٠-٩) and Persian (۰-۹) digits to ASCII so numbers parse the same. */
export function toAsciiDigits(s: string): string {
  return s.replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => {
    const code = d.charCodeAt(0);
    return String(code >= 0x06f0 ? code - 0x06f0 : code - 0x0660);
  });
}

/** Any digit the corpus may write numbers with. */
export const DIGIT = '[0-9\\u0660-\\u0669\\u06f0-\\u06f9]';

/**
 * Minimal letter folding for matching fixed phrases (month names, furniture phrases): hamza
 * carriers to bare alef, Persian/Arabic ya and kaf variants together, teh marbuta to heh,
 * harakat and tatweel removed, ZWNJ to space, lower case. Not a search normaliser.
 */
export function foldForMatch(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\u064b-\u065f\u0670\u0640]/g, '')
    .replace(/[أإآٱ]/g, 'ا')
    .replace(/[ىیئ]/g, 'ي')
    .replace(/ک/g, 'ك')
    .replace(/ة/g, 'ه')
    .replace(/ؤ/g, 'و')
    .replace(/\u200c/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
