// Word tokens for lexical search: the same function for passages and queries, so both sides agree.
import { foldText } from './normalize.ts';
import { lightStem } from './stem.ts';

const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** Splits folded text into runs of letters, digits and combining marks. */
export function splitWords(folded: string): string[] {
  return folded.match(WORD) ?? [];
}

/** Where the words of `splitWords` are: `[start, end)` of each in the folded text, in order. */
export function wordRanges(folded: string): Array<[number, number]> {
  return [...folded.matchAll(WORD)].map((m) => [m.index, m.index + m[0].length]);
}

// Function words only (prepositions, conjunctions, pronouns, particles, copulas, question words and
// their fused forms such as بماذا "with what", چیست "what is", کجاست "where is"): they carry no
// topic, and dropping them keeps long queries from matching on "في" and "the".
// Written in ordinary spelling and folded at load, so they follow any change to the folding.
const ARABIC = `
في من على إلى الى عن مع و ف ب ل ك أو أم ثم بل لكن لكنه حتى إذا اذا إن أن ان إنه أنه كما
هذا هذه ذلك تلك هؤلاء أولئك هنا هناك الذي التي الذين اللذين اللتين اللواتي اللاتي
هو هي هم هن هما أنا نحن أنت أنتم له لها لهم لنا به بها بهم منه منها منهم فيه فيها فيهم عليه عليها عليهم إليه إليها عنه عنها
ما ماذا متى أين كيف لماذا كم أي هل لم لن لا قد لقد كان كانت كانوا يكون تكون ليس ليست
بماذا فماذا وماذا ولماذا وكيف فكيف ومتى وأين وكم بكم وما فما وهل فهل أيّ اذكر
عند عندما بين كل بعض غير مثل منذ خلال بعد قبل لدى نحو ضد حيث أيضا أيضاً وقد وكان وكانت ولا وفي ومن وعلى وهو وهي وأن وإن
`;
const PERSIAN = `
و در به از که با را برای این آن است بود شد شده هست نیست می نمی هم یا اما تا بر هر
چه چی کجا کی چرا چگونه چند کدام کدوم آیا
چیست چیه کیست کجاست کدامند کدامین چقدر چندم چندمین چطور چجوری چجور
او وی ما شما من تو آنها ایشان اینکه آنکه نیز پس یک ای ها های
`;
const ENGLISH = `
a an the of in on at to for from by with and or but nor is are was were be been being am
it its this that these those which who whom whose what when where why how as than then there
their they them he she his her him we our you your i my me do does did not no so if into
about over after before between during also can could would should will may might has have had
many much s
`;

const STOPWORDS: ReadonlySet<string> = new Set(
  [ARABIC, PERSIAN, ENGLISH].flatMap((list) => splitWords(foldText(list))),
);

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

// Persian writes a compound's parts joined by ZWNJ (می‌شود, بین‌المللی, پایگاه‌های), while people
// type a space or nothing. foldText drops ZWNJ (quotes must match either way), so tokenize first
// turns it into a word break, except before a bound ending (ها, های, ی, تر, ترین…), which stays on
// its word for the stemmer: "می‌شود" and "می شود" give the same tokens, "پایگاه‌های" stays one word.
const ZWNJ_BREAK = /\u200c(?!(?:ها|های|هایی|ای|ی|یی|تر|ترین|ام|ات|اش|مان|تان|شان)(?![\p{L}\p{M}]))/gu;

/**
 * Folded, stopword-free, light-stemmed word tokens. Stopwords are dropped before stemming, so the
 * lists match whole words as written (وفي stays a stopword even though و is a stemmable prefix).
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const word of splitWords(foldText(text.replace(ZWNJ_BREAK, ' ')))) {
    if (!STOPWORDS.has(word)) out.push(lightStem(word));
  }
  return out;
}
