// Light (affix-stripping) stemming for Arabic-script tokens, applied after folding. Light stemming
// rather than root extraction: it merges the inflections a reader sees as "the same word"
// (السوري / سوريه / سوريا…) without collapsing unrelated words onto one root.
//
// Tokens are folded first (src/text/normalize.ts), so ة is already ه, ى/ی already ي, ک already ك.

// Arabic rules after Lucene's ArabicStemmer (Larkey, Ballesteros & Connell 2007, "light10"):
// at most one prefix, then every suffix in turn, each only when enough of the word remains.
// One change, measured on every set (BENCHMARKS.md, "Lexical fixes"): the dual/plural ending ان
// must leave four letters, since a shorter remainder is far more often part of the stem (Persian
// آسمان "sky" is not a plural of اسم "name"). Stripping the one-letter proclitics ب/ل as well was
// measured and left out: +0.001 MRR@10 on xquad-ar, -0.014 on the cross-language set (it also
// takes the initial ب/ل of names and Persian words: لبنان, بزرگ).
const AR_PREFIXES = ['ال', 'وال', 'بال', 'كال', 'فال', 'لل', 'و'];
const AR_SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي'];

/** True when every character is an Arabic-script letter (U+0620–U+06FF letters after folding). */
function isArabicScript(token: string): boolean {
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x0620 || c > 0x06ff) return false;
  }
  return token.length > 0;
}

/** Letters a prefix must leave behind. و keeps Lucene's rule (a word of at least 4 letters). */
function prefixRemainder(prefix: string): number {
  return prefix.length === 1 ? 3 : 2;
}

/** Letters a suffix must leave behind. */
function suffixRemainder(suffix: string): number {
  return suffix === 'ان' ? 4 : 2;
}

/** Arabic light stem of a folded token; tokens not in Arabic script come back unchanged. */
export function arabicLightStem(token: string): string {
  if (!isArabicScript(token)) return token;
  let s = token;
  for (const p of AR_PREFIXES) {
    if (s.length - p.length >= prefixRemainder(p) && s.startsWith(p)) {
      s = s.slice(p.length);
      break;
    }
  }
  for (const suf of AR_SUFFIXES) {
    if (s.length - suf.length >= suffixRemainder(suf) && s.endsWith(suf)) s = s.slice(0, -suf.length);
  }
  return s;
}

// Persian: plural and ezafe/comparative endings. Written joined or (after ZWNJ removal) fused,
// these are the forms that split one word across queries and passages.
const FA_SUFFIXES = ['هايي', 'هاي', 'ها', 'ترين', 'اي', 'ي'];
// The verbal prefixes می/نمی ("is doing", "is not doing"), when written joined without ZWNJ
// (میشود): tokenize() splits them off at a ZWNJ (می‌شود) and a query may write them apart (می شود),
// so a joined form must meet the same stem.
const FA_VERB_PREFIX = /^(?:ن?مي)(?=[\u0620-\u06ff]{3,}$)/u;

/** Persian light stem of a folded token: strips a joined verbal prefix and one plural/superlative/ezafe ending. */
export function persianLightStem(token: string): string {
  if (!isArabicScript(token)) return token;
  const word = token.replace(FA_VERB_PREFIX, '');
  for (const suf of FA_SUFFIXES) {
    if (word.length >= suf.length + 2 && word.endsWith(suf)) return word.slice(0, -suf.length);
  }
  return word;
}

/**
 * The stemmer tokenize() applies: Persian endings, then Arabic affixes. One function for both
 * languages because a token alone does not say which it is (folding has unified the letters), and
 * on the dev sets the combination beats either alone on both languages.
 */
export function lightStem(token: string): string {
  return arabicLightStem(persianLightStem(token));
}
