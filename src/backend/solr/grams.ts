// Character 3-grams of folded text, as Solr terms, for quote candidates: a passage's grams (fuzzy
// candidates ranked by how many distinct grams they share with the quote) and a document's grams
// over its folded text with every space removed (a document can hold a quote verbatim or folded,
// even across a paragraph break, only if it holds each of the quote's grams).
import { foldText } from '../../text/normalize.ts';

// Grams are written space-separated for Solr's whitespace tokenizer; the spaces inside a gram are
// written as U+E000, a private-use character that folded text does not contain.
const SPACE_MARK = '\uE000';

export function trigramsOf(folded: string): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= folded.length; i++) grams.add(folded.slice(i, i + 3));
  return grams;
}

/** The grams of a document's folded text with all spaces removed, passages joined without a break. */
export function compactDocumentGrams(texts: readonly string[]): Set<string> {
  return trigramsOf(texts.map((t) => foldText(t)).join('').replace(/\s+/gu, ''));
}

export function gramTerm(gram: string): string {
  return gram.replace(/\s/gu, SPACE_MARK);
}

export function gramField(grams: ReadonlySet<string>): string {
  return [...grams].map(gramTerm).join(' ');
}
