// Where a quote can be, found through each segment's gram index (src/store/gram-file.ts) instead
// of reading the corpus.
//
// Documents: every gram of the quote's core (src/quote/grams.ts) occurs in a document that holds
// the quote verbatim or folded, so intersecting the documents of its rarest grams gives a superset
// of the documents with a match; more grams are intersected while the set is still large.
// Similar passages: passages are counted by how many of the quote's rarer grams they share (the
// common ones, such as "ال", would cost a pass over most of the corpus and rank nothing), within
// a budget of postings; the best few dozen are then ranked by the verifier's own measure
// (distinct folded 3-grams shared, src/quote/prepared.ts) on their text.
import type { SegmentView } from '../../store/index-store.ts';
import { GRAM, gramBuckets, quoteCore } from '../../quote/grams.ts';
import { sharedGrams, trigrams } from '../../quote/prepared.ts';
import { TopK } from '../../text/bm25.ts';
import { foldText } from '../../text/normalize.ts';
import { compareIndexOrder, type SegmentHit } from './segment-hits.ts';

/** Candidate documents are narrowed with more grams until at most this many are left. */
const ENOUGH_DOCUMENTS = 32;
/**
 * Postings read when counting shared grams for fuzzy candidates, over all segments (each gets
 * its share by size): the cost of a fuzzy lookup stays flat as the corpus grows.
 */
const SIMILAR_BUDGET = 200_000;
/** Passages re-ranked on their text for fuzzy candidates. */
const SIMILAR_POOL = 64;

export interface DocRef {
  seg: number;
  d: number;
}

/** Live documents (in `allowed` when given) that may hold the quote; null when the quote is too short to look up. */
export function candidateDocuments(segments: readonly SegmentView[], quote: string, allowed: ((seg: number, d: number) => boolean) | null): DocRef[] | null {
  const core = quoteCore(quote);
  if (core.length < GRAM) return null;
  const out: DocRef[] = [];
  segments.forEach((view, seg) => {
    const { grams, table } = view.reader;
    const buckets = gramBuckets(core, grams.bits).sort((a, b) => grams.df(a) - grams.df(b));
    let docs: Set<number> | null = null;
    for (const [i, bucket] of buckets.entries()) {
      // Two grams narrow most quotes to a handful; more are read only while many remain.
      if (docs !== null && (docs.size === 0 || (i >= 2 && docs.size <= ENOUGH_DOCUMENTS))) break;
      const next = new Set<number>();
      for (const ord of grams.postings(bucket)) {
        const d = table.docOrd[ord] ?? 0;
        if (docs === null || docs.has(d)) next.add(d);
      }
      docs = next;
    }
    for (const d of docs ?? []) {
      if (view.deleted?.[table.docFirst[d] ?? 0] === 1) continue;
      if (allowed && !allowed(seg, d)) continue;
      out.push({ seg, d });
    }
  });
  return out.sort((a, b) => compareIndexOrder(segments, { seg: a.seg, ord: segments[a.seg]?.reader.table.docFirst[a.d] ?? 0, score: 0 }, { seg: b.seg, ord: segments[b.seg]?.reader.table.docFirst[b.d] ?? 0, score: 0 }));
}

/** Texts re-ranked between two turns of the event loop (reading and folding them is the slow part). */
const RERANK_SLICE = 16;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Up to `limit` live passages sharing the most distinct folded 3-grams with the quote, most
 * first, ties in index order (see QuoteCandidates.similar). Other requests get turns between
 * segments and between slices of the re-ranking: each piece takes milliseconds, the whole up to
 * a hundred or more on a corpus of thousands of documents.
 */
export async function similarPassages(
  segments: readonly SegmentView[],
  quote: string,
  limit: number,
  allowed: ((seg: number, ord: number) => boolean) | null,
): Promise<Array<{ hit: SegmentHit; shared: number; text: string }>> {
  const folded = foldText(quote);
  const wanted = trigrams(folded);
  const compact = folded.replaceAll(' ', '');
  const pool: SegmentHit[] = [];
  if (wanted.size === 0 || compact.length < GRAM) {
    // No gram to compare by: the first passages in index order, as a scan would give them.
    segments.forEach((view, seg) => {
      for (let ord = 0; ord < view.reader.table.size && pool.length < SIMILAR_POOL * segments.length; ord++) {
        if (view.deleted?.[ord] !== 1 && (!allowed || allowed(seg, ord))) pool.push({ seg, ord, score: 0 });
      }
    });
  } else {
    const total = segments.reduce((n, v) => n + v.reader.table.size, 0);
    for (const [seg, view] of segments.entries()) {
      await nextTurn();
      pool.push(...countShared(view, seg, compact, allowed, (SIMILAR_BUDGET * view.reader.table.size) / Math.max(1, total)));
    }
  }
  // Counts of the same grams compare across segments: only the best overall are read.
  const best = pool.sort((a, b) => b.score - a.score || compareIndexOrder(segments, a, b)).slice(0, SIMILAR_POOL);
  const read: Array<{ hit: SegmentHit; shared: number; text: string }> = [];
  for (const [i, hit] of best.entries()) {
    if (i % RERANK_SLICE === 0) await nextTurn();
    const text = segments[hit.seg]?.reader.table.text(hit.ord) ?? '';
    read.push({ hit, shared: wanted.size === 0 ? 0 : sharedGrams(foldText(text), wanted), text });
  }
  const ranked = read
    .filter((c) => c.shared > 0 || wanted.size === 0)
    .sort((a, b) => b.shared - a.shared || compareIndexOrder(segments, a.hit, b.hit));
  return ranked.slice(0, limit);
}

/** Grams always counted for fuzzy candidates, however common. */
const ALWAYS_COUNTED = 8;

/** The passages of one segment sharing the most of the quote's rarer grams. */
function countShared(view: SegmentView, seg: number, compact: string, allowed: ((seg: number, ord: number) => boolean) | null, budget: number): SegmentHit[] {
  const { grams } = view.reader;
  const buckets = gramBuckets(compact, grams.bits).sort((a, b) => grams.df(a) - grams.df(b));
  const counts = new Uint16Array(grams.passages);
  const touched: number[] = [];
  let read = 0;
  for (const [i, bucket] of buckets.entries()) {
    const df = grams.df(bucket);
    if (i >= ALWAYS_COUNTED && read + df > budget) break;
    read += df;
    for (const ord of grams.postings(bucket)) {
      if (counts[ord] === 0) touched.push(ord);
      counts[ord] = (counts[ord] ?? 0) + 1;
    }
  }
  // The best few of possibly tens of thousands of touched passages: a bounded heap, not a sort.
  const best = new TopK(SIMILAR_POOL);
  for (const ord of touched) {
    if (view.deleted?.[ord] === 1 || (allowed && !allowed(seg, ord))) continue;
    best.offer(ord, counts[ord] ?? 0);
  }
  return best.sorted().map((h) => ({ seg, ord: h.ord, score: h.score }));
}
