// Folded passages grouped by document: the form the matchers in match.ts work on. Built per
// request for the few documents a quote can be in (the backend names them), never for a corpus.
import { foldWithMap } from '../text/normalize.ts';

/** A passage as the verifier needs it; `Passage` fits. */
export interface QuoteSource {
  /** Citation id. */
  id: string;
  docId: string;
  /** Offset of the passage in its original file. */
  start: number;
  text: string;
}

export interface Prepared extends QuoteSource {
  folded: string;
  map: number[];
  /** Offset of this passage's folded text inside its document's joined folded text. */
  joinedStart: number;
  doc: PreparedDoc;
  /** Position in `doc.passages`. */
  pos: number;
}

export interface PreparedDoc {
  id: string;
  passages: Prepared[];
  /** Folded passages joined by one space: matches may cross paragraph boundaries. */
  joined: string;
  /** `joined` without spaces, built on first use (see foldedMatches). */
  compact?: { text: string; map: Int32Array };
}

/** Folds passages once, grouped by document. Passages of a document must be consecutive and in reading order. */
export function prepareDocuments(passages: readonly QuoteSource[]): PreparedDoc[] {
  const docs: PreparedDoc[] = [];
  let doc: PreparedDoc | null = null;
  let parts: string[] = [];
  let offset = 0;
  const close = () => {
    if (doc) doc.joined = parts.join(' ');
  };
  for (const p of passages) {
    if (!doc || doc.id !== p.docId) {
      close();
      doc = { id: p.docId, passages: [], joined: '' };
      docs.push(doc);
      parts = [];
      offset = 0;
    }
    const { folded, map } = foldWithMap(p.text);
    doc.passages.push({ id: p.id, docId: p.docId, start: p.start, text: p.text, folded, map, joinedStart: offset, doc, pos: doc.passages.length });
    parts.push(folded);
    offset += folded.length + 1;
  }
  close();
  return docs;
}

/** The distinct character 3-grams of a folded text: what fuzzy candidates are ranked by. */
export function trigrams(folded: string): Set<string> {
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= folded.length; i++) grams.add(folded.slice(i, i + 3));
  return grams;
}

/** How many of `grams` occur in `text`. */
export function sharedGrams(text: string, grams: ReadonlySet<string>): number {
  const seen = new Set<string>();
  for (let i = 0; i + 3 <= text.length; i++) {
    const g = text.slice(i, i + 3);
    if (grams.has(g)) seen.add(g);
  }
  return seen.size;
}
