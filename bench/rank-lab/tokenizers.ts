// Ranking lab: the tokenizer before the lexical fixes (v1) and with each fix alone, to measure
// every fix on every set. `shipped` is src/text/tokenize.ts; `v1+shipped` applies the fixes that
// shipped and must tokenize exactly like it (run.ts checks that on every passage it indexes).
// The proclitic rule was measured and not shipped.
import { foldText } from '../../src/text/normalize.ts';
import { isStopword, splitWords, tokenize } from '../../src/text/tokenize.ts';

interface Fixes {
  /** ZWNJ is a word break, except before a bound ending. */
  zwnj?: boolean;
  /** Question words and their fused forms are stop words. */
  questionWords?: boolean;
  /** The joined Persian verbal prefix می/نمی is stripped. */
  verbPrefix?: boolean;
  /** The proclitics ب/ل are stripped like و. */
  proclitics?: boolean;
  /** The ending ان must leave four letters. */
  longAn?: boolean;
}

const QUESTION_WORDS = new Set(
  splitWords(
    foldText(`بماذا فماذا وماذا ولماذا وكيف فكيف ومتى وأين وكم بكم وما فما وهل فهل اذكر
چیست چیه کیست کجاست کدامند کدامین چقدر چندم چندمین چطور چجوری چجور many much s`),
  ),
);
const ZWNJ_BREAK = /\u200c(?!(?:ها|های|هایی|ای|ی|یی|تر|ترین|ام|ات|اش|مان|تان|شان)(?![\p{L}\p{M}]))/gu;
const arabicScript = (t: string) => /^[\u0620-\u06ff]+$/u.test(t);

function stem(token: string, f: Fixes): string {
  if (!arabicScript(token)) return token;
  let s = f.verbPrefix ? token.replace(/^(?:ن?مي)(?=[\u0620-\u06ff]{3,}$)/u, '') : token;
  for (const suf of ['هايي', 'هاي', 'ها', 'ترين', 'اي', 'ي']) {
    if (s.length >= suf.length + 2 && s.endsWith(suf)) {
      s = s.slice(0, -suf.length);
      break;
    }
  }
  const prefixes = ['ال', 'وال', 'بال', 'كال', 'فال', 'لل', 'و', ...(f.proclitics ? ['ب', 'ل'] : [])];
  for (const p of prefixes) {
    if (s.length - p.length >= (p.length === 1 ? 3 : 2) && s.startsWith(p)) {
      s = s.slice(p.length);
      break;
    }
  }
  for (const suf of ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي']) {
    if (s.length - suf.length >= (suf === 'ان' && f.longAn ? 4 : 2) && s.endsWith(suf)) s = s.slice(0, -suf.length);
  }
  return s;
}

function withFixes(f: Fixes): (text: string) => string[] {
  return (text) => {
    const words = splitWords(foldText(f.zwnj ? text.replace(ZWNJ_BREAK, ' ') : text));
    // The shipped stop list includes the question words; v1's did not.
    const stop = (w: string) => isStopword(w) && (f.questionWords === true || !QUESTION_WORDS.has(w));
    return words.filter((w) => !stop(w)).map((w) => stem(w, f));
  };
}

const ALL: Fixes = { zwnj: true, questionWords: true, verbPrefix: true, proclitics: true, longAn: true };

export const TOKENIZERS: Record<string, (text: string) => string[]> = {
  shipped: tokenize,
  v1: withFixes({}),
  'v1+zwnj': withFixes({ zwnj: true }),
  'v1+question-words': withFixes({ questionWords: true }),
  'v1+verb-prefix': withFixes({ verbPrefix: true }),
  'v1+proclitics': withFixes({ proclitics: true }),
  'v1+long-an': withFixes({ longAn: true }),
  'v1+all': withFixes(ALL),
  'v1+shipped': withFixes({ ...ALL, proclitics: false }),
};

export function tokenizer(name: string): (text: string) => string[] {
  const t = TOKENIZERS[name];
  if (!t) throw new Error(`unknown tokenizer ${name}: ${Object.keys(TOKENIZERS).join(', ')}`);
  return t;
}
