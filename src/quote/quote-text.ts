// What an assistant sends as a "quote" is rarely bare source text: it comes wrapped in quotation
// marks, with ellipses where it skipped words, sometimes over two paragraphs. These helpers turn
// it into the text to look for, and into parts when the whole cannot be found in one piece.

/** Quotation marks an assistant may wrap a quote in (ASCII, curly, guillemets, CJK corners). */
const QUOTE_MARKS = `"'\u201c\u201d\u201e\u201f\u2018\u2019\u00ab\u00bb\u2039\u203a\u300c\u300d`;
const EDGE = new RegExp(`^(?:[\\s${QUOTE_MARKS}]|\\.{3}|\u2026|\\[(?:\\.{3}|\u2026)\\])+|(?:[\\s${QUOTE_MARKS}]|\\.{3}|\u2026|\\[(?:\\.{3}|\u2026)\\])+$`, 'gu');
/** Where a quote skips text or crosses a paragraph: line breaks and ellipses (…, ..., […]). */
const GAP = /\s*(?:\[(?:\.{3}|\u2026)\]|\.{3}|\u2026)\s*|\s*[\r\n]+\s*/u;

/**
 * Removes surrounding whitespace, quotation marks and leading/trailing ellipses. Marks inside the
 * quote stay: the source may quote someone itself.
 */
export function cleanQuote(quote: string): string {
  let out = quote;
  // Repeat: `«"…"»` peels in layers, and a regex alternation alone stops at the first layer mix.
  for (let prev = ''; prev !== out; ) {
    prev = out;
    out = out.replace(EDGE, '');
  }
  return out;
}

/**
 * The pieces of a quote between line breaks and ellipses, cleaned, empty ones dropped. One piece
 * means the quote has no gap.
 */
export function splitQuote(quote: string): string[] {
  return quote
    .split(new RegExp(GAP.source, 'gu'))
    .map(cleanQuote)
    .filter((p) => p.length > 0);
}
