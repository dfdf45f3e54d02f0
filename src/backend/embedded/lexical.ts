// BM25 over segments with exact global statistics. The passage count, the average length and
// every term's document frequency are those of the live passages of all segments (deleted ones
// subtracted through their deletion marks), and each passage's length norm is computed from that
// average; scores are accumulated in the same order and arithmetic as src/text/bm25.ts. So a
// segmented index ranks exactly like one index built from scratch over the same passages.
import type { Postings } from '../../store/lexicon-file.ts';
import type { SegmentView } from '../../store/index-store.ts';
import { averageLength, BM25_DEFAULTS, idf, normsFor, TopK } from '../../text/bm25.ts';
import type { CompiledFilter } from '../filter.ts';
import { mergeHits, segmentAccept, type SegmentHit } from './segment-hits.ts';

/** Decoded postings kept for repeated query terms; bounded by entries (about 6 bytes each). */
const CACHE_ENTRIES = 4_000_000;

/**
 * Decoded postings by segment and term, least recently used evicted first. Shared by every
 * snapshot of an index folder: a segment's files never change, so entries keyed by its content
 * (fingerprint) never go stale.
 */
export class PostingsCache {
  private readonly map = new Map<string, Postings>();
  private entries = 0;

  get(key: string, load: () => Postings): Postings {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const fresh = load();
    this.map.set(key, fresh);
    this.entries += fresh.ords.length;
    for (const [k, v] of this.map) {
      if (this.entries <= CACHE_ENTRIES || this.map.size <= 1) break;
      this.map.delete(k);
      this.entries -= v.ords.length;
    }
    return fresh;
  }
}

interface Scratch {
  acc: Float64Array;
  touched: Int32Array;
}

export class SegmentedLexicon {
  /** Live passages over all segments. */
  readonly passages: number;
  private readonly norms: Float32Array[];
  private readonly scratch = new Map<number, Scratch>();

  constructor(
    private readonly segments: readonly SegmentView[],
    private readonly cache: PostingsCache,
  ) {
    let n = 0;
    let lengthSum = 0;
    for (const s of segments) {
      n += s.reader.lexicon.size - (s.deletions?.ords.length ?? 0);
      lengthSum += s.reader.lexicon.lengthSum - (s.deletions?.lengthSum ?? 0);
    }
    this.passages = n;
    const avg = averageLength(lengthSum, n);
    this.norms = segments.map((s) => normsFor(s.reader.lexicon.lengths, avg, BM25_DEFAULTS.k1, BM25_DEFAULTS.b));
  }

  /** Live passages containing the term. */
  df(term: string): number {
    let df = 0;
    for (const s of this.segments) df += s.reader.lexicon.df(term) - (s.deletions?.terms.get(term) ?? 0);
    return df;
  }

  /** The best `depth` passages for the query tokens; see src/text/bm25.ts for the semantics. */
  search(tokens: readonly string[], depth: number, filter: CompiledFilter | null): SegmentHit[] {
    const limit = Math.floor(depth);
    if (!(limit > 0) || this.passages === 0 || tokens.length === 0) return [];
    // Query term weights in first-occurrence order, as one index would sum them.
    const qtf = new Map<string, number>();
    for (const t of tokens) qtf.set(t, (qtf.get(t) ?? 0) + 1);
    const k1p1 = BM25_DEFAULTS.k1 + 1;
    const weights: Array<{ term: string; w: number }> = [];
    for (const [term, count] of qtf) {
      const df = this.df(term);
      if (df > 0) weights.push({ term, w: count * idf(this.passages, df) * k1p1 });
    }
    if (weights.length === 0) return [];
    const lists = this.segments.map((view, seg) => this.searchSegment(seg, view, weights, limit, filter));
    return mergeHits(this.segments, lists, limit);
  }

  private searchSegment(seg: number, view: SegmentView, weights: ReadonlyArray<{ term: string; w: number }>, limit: number, filter: CompiledFilter | null): SegmentHit[] {
    const lexicon = view.reader.lexicon;
    const n = lexicon.size;
    if (n === 0) return [];
    const norms = this.norms[seg] ?? new Float32Array(0);
    const { acc, touched } = this.scratchFor(seg, n);
    let nTouched = 0;
    try {
      for (const { term, w } of weights) {
        const i = lexicon.termIndex(term);
        if (i < 0) continue;
        // Keyed by the segment's content (name and file checksums), not its name alone: a rebuild
        // from scratch numbers segments from 1 again, and a server that cached postings of the old
        // seg-000001 would otherwise answer from them (wrong passages, silently).
        const { ords, tfs } = this.cache.get(`${view.reader.fingerprint}\u0000${i}`, () => lexicon.postings(i));
        for (let p = 0; p < ords.length; p++) {
          const d = ords[p] ?? 0;
          const tf = tfs[p] ?? 0;
          const prev = acc[d] ?? 0;
          if (prev === 0) touched[nTouched++] = d;
          // Every contribution is > 0, so 0 reliably means "not touched yet".
          acc[d] = prev + (w * tf) / (tf + (norms[d] ?? 0));
        }
      }
      const accept = segmentAccept(view, filter);
      const heap = new TopK(Math.min(limit, nTouched));
      for (let i = 0; i < nTouched; i++) {
        const d = touched[i] ?? 0;
        if (accept !== undefined && !accept(d)) continue;
        heap.offer(d, acc[d] ?? 0);
      }
      return heap.sorted().map((h) => ({ seg, ord: h.ord, score: h.score }));
    } finally {
      // Cleared even when a read throws, or the next query would inherit these scores.
      for (let i = 0; i < nTouched; i++) acc[touched[i] ?? 0] = 0;
    }
  }

  /** Per-segment accumulators, allocated on first use and reused (searches never interleave). */
  private scratchFor(seg: number, n: number): Scratch {
    let s = this.scratch.get(seg);
    if (!s) {
      s = { acc: new Float64Array(n), touched: new Int32Array(n) };
      this.scratch.set(seg, s);
    }
    return s;
  }
}
