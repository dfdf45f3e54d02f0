// The live passages of an embedded index with their vectors, in index order (document id, then
// offset): what the Solr benchmarks copy into a collection so both backends hold the same data.
import { hashText } from '../src/store/hash-file.ts';
import type { LoadedIndex } from '../src/store/index-store.ts';
import type { DocumentMeta, StoredPassage } from '../src/types.ts';

export interface LiveContents {
  documents: DocumentMeta[];
  passages: StoredPassage[];
  /** Vector of each passage id (absent when the index is lexical-only). */
  vectors: Map<string, Float32Array>;
}

export function liveContents(index: LoadedIndex): LiveContents {
  const documents: DocumentMeta[] = [];
  const passages: StoredPassage[] = [];
  const vectors = new Map<string, Float32Array>();
  for (const s of index.segments) {
    const { table, vectors: graph } = s.reader;
    table.documents.forEach((doc, d) => {
      const first = table.docFirst[d] ?? 0;
      if (s.deleted?.[first] === 1) return;
      documents.push(doc);
      for (let i = first; i < (table.docFirst[d + 1] ?? 0); i++) {
        const p = table.passage(i);
        passages.push({ ...p, hash: hashText(p.text) });
        if (graph) vectors.set(p.id, graph.vector(i));
      }
    });
  }
  const rank = new Map([...documents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((d, i) => [d.id, i]));
  documents.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
  passages.sort((a, b) => (rank.get(a.docId) ?? 0) - (rank.get(b.docId) ?? 0) || a.start - b.start);
  return { documents, passages, vectors };
}
