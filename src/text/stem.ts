// Light (affix-stripping) stemming for Arabic-script tokens, applied after folding. Light stemming
// rather than root extraction: it merges the inflections a reader sees as "the same word"
// (السوري / سوريه / سوريا…) without collapsing unrelated words onto one root.
//
// Tokens are folded first (src/text/normalize.ts), so ة is already ه, ى/ی already ي, ک already ك.

// Arabic rules after Lucene's ArabicStemmer (Larkey, Ballesteros & Connell 2007, "light10"):
// at most one prefix, then every suffix in turn, each only when enough of the word remains.
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

/** Arabic light stem of a folded token; tokens not in Arabic script come back unchanged. */
export function arabicLightStem(token: string): string {
  if (!isArabicScript(token)) return token;
  let s = token;
  for (const p of AR_PREFIXES) {
    // A one-letter prefix (و) needs a word of at least 4 letters, longer ones leave at least 2.
    const minLen = p.length === 1 ? 4 : p.length + 2;
    if (s.length >= minLen && s.startsWith(p)) {
      s = s.slice(p.length);
      break;
    }
  }
  for (const suf of AR_SUFFIXES) {
    if (s.length >= suf.length + 2 && s.endsWith(suf)) s = s.slice(0, -suf.length);
  }
  return s;
}

// Persian: plural and ezafe/comparative endings. Written joined or (after ZWNJ removal) fused,
// these are the forms that split one word across queries and passages.
const FA_SUFFIXES = ['هايي', 'هاي', 'ها', 'ترين', 'اي', 'ي'];

/** Persian light stem of a folded token: strips one plural/superlative/ezafe ending. */
export function persianLightStem(token: string): string {
  if (!isArabicScript(token)) return token;
  for (const suf of FA_SUFFIXES) {
    if (token.length >= suf.length + 2 && token.endsWith(suf)) return token.slice(0, -suf.length);
  }
  return token;
}

/**
 * The stemmer tokenize() applies: Persian endings, then Arabic affixes. One function for both
 * languages because a token alone does not say which it is (folding has unified the letters), and
 * on the dev sets the combination beats either alone on both languages.
 */
export function lightStem(token: string): string {
  return arabicLightStem(persianLightStem(token));
}
