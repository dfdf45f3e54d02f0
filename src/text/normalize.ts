// The one text folding of sanad. Passages, queries and quote verification all go through it, so a
// query typed with or without diacritics, with Persian or Arabic letter forms, with or without ZWNJ,
// finds the same words, and a quoted sentence can be located in the article it cites.
//
// Folding works per segment (a base code point plus the combining marks after it) rather than on the
// whole string: that is what lets `foldWithMap` say, for every folded character, which original
// character produced it, even where NFKC changes lengths (ligatures, presentation forms, ﷲ).
// `foldText` runs the same loop, so the two can never disagree.

/**
 * Bump whenever the output of `foldText` changes for any input, and also when tokenize.ts or
 * stem.ts change (stopwords, stemming rules): indexes record this number and must be rebuilt
 * when it differs, because their tokens were produced the old way.
 */
export const NORMALIZER_VERSION = 2;

/** Characters dropped outright: Arabic diacritics, Quranic marks, tatweel, joiners, bidi and other format controls. */
function isRemoved(cp: number): boolean {
  return (
    (cp >= 0x064b && cp <= 0x065f) || // harakat, tanwin, shadda, sukun, hamza/madda above and below
    cp === 0x0670 || // superscript (dagger) alef
    (cp >= 0x06d6 && cp <= 0x06ed) || // Quranic annotation marks
    cp === 0x0640 || // tatweel: pure elongation, carries no letter
    cp === 0x200c || // ZWNJ: Persian compounds are written with and without it (میشود / می‌شود)
    cp === 0x200d || // ZWJ
    cp === 0x200e || // LRM
    cp === 0x200f || // RLM
    cp === 0x061c || // Arabic letter mark
    cp === 0xfeff || // BOM / zero-width no-break space
    cp === 0x00ad || // soft hyphen
    cp === 0x2060 || // word joiner
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings and overrides
    (cp >= 0x2066 && cp <= 0x2069) || // bidi isolates
    (cp >= 0x0600 && cp <= 0x0605) // Arabic number signs (format characters)
  );
}

/**
 * Whitespace for collapsing: the characters of JS `\s` (U+FEFF aside, removed above) plus ZWSP,
 * which text uses as an invisible word break. Spelled out because a regex per character is slow.
 */
function isSpace(cp: number): boolean {
  if (cp < 0x80) return cp === 0x20 || (cp >= 0x09 && cp <= 0x0d);
  return (
    cp === 0x00a0 ||
    cp === 0x1680 ||
    (cp >= 0x2000 && cp <= 0x200b) ||
    cp === 0x2028 ||
    cp === 0x2029 ||
    cp === 0x202f ||
    cp === 0x205f ||
    cp === 0x3000
  );
}

// Letter and symbol variants folded to one form. Applied to the NFKC output, so presentation forms
// (ﻷ, ﺑ, …) have already become the plain letters listed here.
const CHAR_MAP: ReadonlyMap<string, string> = new Map<string, string>([
  // alef with hamza, madda or wasla, and the wavy-hamza alefs
  ['\u0623', '\u0627'],
  ['\u0625', '\u0627'],
  ['\u0622', '\u0627'],
  ['\u0671', '\u0627'],
  ['\u0672', '\u0627'],
  ['\u0673', '\u0627'],
  // hamza on a carrier folds to the carrier
  ['\u0624', '\u0648'],
  ['\u0626', '\u064a'],
  // alef maqsura, Arabic yeh and Persian yeh are written interchangeably in the region's press
  ['\u0649', '\u064a'],
  ['\u06cc', '\u064a'],
  // Persian and swash kaf
  ['\u06a9', '\u0643'],
  ['\u06aa', '\u0643'],
  // teh marbuta and the heh family (Persian ۀ ezafe, Kurdish-style ە seen in the Persian seed)
  ['\u0629', '\u0647'],
  ['\u06c0', '\u0647'],
  ['\u06c1', '\u0647'],
  ['\u06c2', '\u0647'],
  ['\u06be', '\u0647'],
  ['\u06d5', '\u0647'],
  // Arabic percent and decimal/thousands separators
  ['\u066a', '%'],
  ['\u066b', '.'],
  ['\u066c', ','],
  // curly quotes, guillemets and primes to ASCII quotes
  ['\u201c', '"'],
  ['\u201d', '"'],
  ['\u201e', '"'],
  ['\u201f', '"'],
  ['\u00ab', '"'],
  ['\u00bb', '"'],
  ['\u2018', "'"],
  ['\u2019', "'"],
  ['\u201a', "'"],
  ['\u201b', "'"],
  ['\u2039', "'"],
  ['\u203a', "'"],
  ['\u2032', "'"],
  // hyphens and dashes to ASCII hyphen-minus
  ['\u2010', '-'],
  ['\u2012', '-'],
  ['\u2013', '-'],
  ['\u2014', '-'],
  ['\u2015', '-'],
  ['\u2212', '-'],
]);

function foldChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0x0660 && cp <= 0x0669) return String.fromCharCode(0x30 + cp - 0x0660); // Arabic-Indic digits
  if (cp >= 0x06f0 && cp <= 0x06f9) return String.fromCharCode(0x30 + cp - 0x06f0); // Persian digits
  return CHAR_MAP.get(ch) ?? ch.toLowerCase();
}

// NFKC of a lone code point, memoised: almost every segment is one code point and the set of
// distinct characters in a corpus is small, so this removes nearly all normalize() calls.
const nfkcCache = new Map<number, string>();
function nfkcSingle(cp: number): string {
  let out = nfkcCache.get(cp);
  if (out === undefined) {
    out = String.fromCodePoint(cp).normalize('NFKC');
    nfkcCache.set(cp, out);
  }
  return out;
}

// Per-code-point classification, cached for the BMP: a regex test per character would dominate
// indexing time on a large corpus.
const MARK = /^\p{M}$/u;
const KNOWN = 1;
const IS_MARK = 2;
const BMP_CLASS = new Uint8Array(0x10000);
function isMark(cp: number): boolean {
  if (cp < 0x0300) return false;
  if (cp > 0xffff) return MARK.test(String.fromCodePoint(cp));
  let c = BMP_CLASS[cp] ?? 0;
  if (c === 0) {
    c = KNOWN | (MARK.test(String.fromCharCode(cp)) ? IS_MARK : 0);
    BMP_CLASS[cp] = c;
  }
  return (c & IS_MARK) !== 0;
}

/** Shared loop of foldText and foldWithMap; `map` is filled only when given. */
function foldCore(text: string, map: number[] | null): string {
  const out: string[] = [];
  let outLen = 0;
  // Index of the first whitespace of a pending run, or -1. A space is written only when a visible
  // character follows, which both collapses runs and trims the ends.
  let pendingSpace = -1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const segStart = i;
    const cp0 = text.codePointAt(i) ?? 0;
    i += cp0 > 0xffff ? 2 : 1;
    // Extend the segment over following combining marks (fast exit for ASCII / Arabic letters).
    let multi = false;
    while (i < n) {
      const cp = text.codePointAt(i) ?? 0;
      if (!isMark(cp)) break;
      multi = true;
      i += cp > 0xffff ? 2 : 1;
    }
    const normalized = multi ? text.slice(segStart, i).normalize('NFKC') : nfkcSingle(cp0);
    for (const ch of normalized) {
      const cp = ch.codePointAt(0) ?? 0;
      if (isRemoved(cp)) continue;
      if (isSpace(cp)) {
        if (pendingSpace < 0) pendingSpace = segStart;
        continue;
      }
      const folded = foldChar(ch);
      if (folded.length === 0) continue;
      if (pendingSpace >= 0) {
        if (outLen > 0) {
          out.push(' ');
          map?.push(pendingSpace);
          outLen += 1;
        }
        pendingSpace = -1;
      }
      out.push(folded);
      outLen += folded.length;
      if (map) for (let k = 0; k < folded.length; k++) map.push(segStart);
    }
  }
  map?.push(n);
  return out.join('');
}

/**
 * Folds text for matching: NFKC, lowercase, Arabic diacritics/tatweel removed, Arabic/Persian
 * letter variants unified (alef forms, ى/ی→ي, ک→ك, ة/ۀ/ە→ه, ؤ→و, ئ→ي), ZWNJ and other format
 * characters removed, Arabic-Indic and Persian digits to ASCII, typographic quotes and dashes to
 * ASCII, whitespace runs collapsed to one space and the ends trimmed.
 */
export function foldText(text: string): string {
  return foldCore(text, null);
}

/**
 * `foldText` plus an offset map: `map[i]` is the index in `text` of the character (segment) that
 * produced folded character `i`, and `map[folded.length] === text.length`. A match at folded
 * `[s, e)` covers the original `text.slice(map[s], map[e])`, which includes any characters the
 * folding dropped inside or right after the match (diacritics, ZWNJ, extra spaces).
 */
export function foldWithMap(text: string): { folded: string; map: number[] } {
  const map: number[] = [];
  const folded = foldCore(text, map);
  return { folded, map };
}
