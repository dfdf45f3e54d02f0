// Okapi BM25 over pre-tokenised passages, held as compressed-sparse-row postings in typed arrays so
// a million passages fit in memory and a query touches only the postings of its own terms.
// Tokenising is the caller's business (src/text/tokenize.ts): this module only counts.

import { Buffer } from 'node:buffer';

export interface Bm25Options {
  /** Term-frequency saturation. Higher lets repeated terms keep adding score. */
  k1?: number;
  /** Length normalisation, 0 (none) to 1 (full). */
  b?: number;
}

export interface Bm25Hit {
  ord: number;
  score: number;
}

/** Serialised form: versioned, with postings varint-coded and base64-wrapped to stay compact. */
export interface Bm25Json {
  format: 'sanad-bm25';
  version: 1;
  k1: number;
  b: number;
  size: number;
  terms: string[];
  /** Per term, in `terms` order: df, then df pairs of (ord delta, tf), all unsigned varints. */
  postings: string;
  /** Per passage: token count, unsigned varint. */
  lengths: string;
}

export const BM25_DEFAULTS: Readonly<Required<Bm25Options>> = { k1: 1.2, b: 0.75 };

// Term frequencies are stored as 16-bit: past a few dozen repetitions BM25 saturates, so clamping a
// pathological 65,536th repetition changes no ranking while halving the memory of a 32-bit count.
const TF_MAX = 0xffff;

export class Bm25Index {
  readonly k1: number;
  readonly b: number;
  private termIds: Map<string, number>;
  private terms: string[];
  /** Postings of term t are entries `offsets[t] .. offsets[t+1]-1` of `docs`/`tfs`, ords ascending. */
  private offsets: Int32Array;
  private docs: Int32Array;
  private tfs: Uint16Array;
  private lengths: Uint32Array;
  /** k1 * (1 - b + b * len / avgLen), per passage: the length part of the BM25 denominator. */
  private norms: Float32Array;
  // Scratch space reused by every query, allocated on first use: scores per passage (0 = untouched)
  // and the list of touched ords, so a query never scans or clears all passages.
  private acc: Float64Array | null = null;
  private touched: Int32Array | null = null;

  /**
   * Builds the index; the i-th token list is the passage with ordinal i. Any iterable works: a
   * generator that tokenises one passage at a time keeps a large corpus's tokens out of memory
   * (and measurably speeds the build, the strings staying in cache).
   */
  constructor(tokens: Iterable<readonly string[]>, options: Bm25Options = {}) {
    const { k1, b } = checkParams(options.k1 ?? BM25_DEFAULTS.k1, options.b ?? BM25_DEFAULTS.b);
    this.k1 = k1;
    this.b = b;
    const parts = buildParts(tokens);
    this.termIds = parts.termIds;
    this.terms = parts.terms;
    this.offsets = parts.offsets;
    this.docs = parts.docs;
    this.tfs = parts.tfs;
    this.lengths = parts.lengths;
    this.norms = computeNorms(parts.lengths, k1, b);
  }

  /** Swaps in decoded postings; only `fromJSON` uses it, on an index it has just built empty. */
  private install(parts: Parts): void {
    this.termIds = parts.termIds;
    this.terms = parts.terms;
    this.offsets = parts.offsets;
    this.docs = parts.docs;
    this.tfs = parts.tfs;
    this.lengths = parts.lengths;
    this.norms = computeNorms(parts.lengths, this.k1, this.b);
  }

  /** Number of passages (ordinals run 0 .. size-1). */
  get size(): number {
    return this.lengths.length;
  }

  /**
   * Share of the query's tokens that occur anywhere in the index (0 when it has none). A query
   * whose words the corpus does not contain (an English question over Arabic text) can only match
   * by accident, so fusion trusts its lexical ranking this much.
   */
  coverage(queryTokens: readonly string[]): number {
    if (queryTokens.length === 0) return 0;
    let known = 0;
    for (const term of queryTokens) if (this.termIds.has(term)) known++;
    return known / queryTokens.length;
  }

  /** Number of passages containing the term (0 for a term the index lacks). */
  documentFrequency(term: string): number {
    const t = this.termIds.get(term);
    return t === undefined ? 0 : (this.offsets[t + 1] ?? 0) - (this.offsets[t] ?? 0);
  }

  /** Number of distinct terms. */
  get vocabularySize(): number {
    return this.terms.length;
  }

  /**
   * The `k` best passages for the query, score descending, ties by ord ascending. Passages sharing
   * no term with the query are never returned. `accept` filters ords before they compete for the
   * top k (e.g. a language or document filter), so filtering does not shorten the list.
   * A query term repeated counts once per occurrence, as in Lucene.
   */
  search(queryTokens: readonly string[], k: number, accept?: (ord: number) => boolean): Bm25Hit[] {
    const n = this.size;
    const limit = Math.floor(k);
    if (!(limit > 0) || n === 0 || queryTokens.length === 0) return [];
    const weights = new Map<number, number>();
    for (const term of queryTokens) {
      const t = this.termIds.get(term);
      if (t !== undefined) weights.set(t, (weights.get(t) ?? 0) + 1);
    }
    if (weights.size === 0) return [];

    if (this.acc === null || this.touched === null) {
      this.acc = new Float64Array(n);
      this.touched = new Int32Array(n);
    }
    const acc = this.acc;
    const touched = this.touched;
    let nTouched = 0;
    const k1p1 = this.k1 + 1;
    try {
      for (const [t, qtf] of weights) {
        const start = this.offsets[t] ?? 0;
        const end = this.offsets[t + 1] ?? 0;
        const w = qtf * idf(n, end - start) * k1p1;
        for (let p = start; p < end; p++) {
          const d = this.docs[p] ?? 0;
          const tf = this.tfs[p] ?? 0;
          const prev = acc[d] ?? 0;
          if (prev === 0) touched[nTouched++] = d;
          // Every contribution is > 0 (idf > 0, tf >= 1), so 0 reliably means "not touched yet".
          acc[d] = prev + (w * tf) / (tf + (this.norms[d] ?? 0));
        }
      }
      const heap = new TopK(Math.min(limit, nTouched));
      for (let i = 0; i < nTouched; i++) {
        const d = touched[i] ?? 0;
        if (accept !== undefined && !accept(d)) continue;
        heap.offer(d, acc[d] ?? 0);
      }
      return heap.sorted();
    } finally {
      // Cleared even when `accept` throws, or the next query would inherit these scores.
      for (let i = 0; i < nTouched; i++) acc[touched[i] ?? 0] = 0;
    }
  }

  toJSON(): Bm25Json {
    const post = new VarintWriter();
    for (let t = 0; t < this.terms.length; t++) {
      const start = this.offsets[t] ?? 0;
      const end = this.offsets[t + 1] ?? 0;
      post.write(end - start);
      let prev = 0;
      for (let p = start; p < end; p++) {
        const d = this.docs[p] ?? 0;
        post.write(d - prev);
        post.write(this.tfs[p] ?? 0);
        prev = d;
      }
    }
    const lens = new VarintWriter();
    for (const len of this.lengths) lens.write(len);
    return {
      format: 'sanad-bm25',
      version: 1,
      k1: this.k1,
      b: this.b,
      size: this.size,
      terms: [...this.terms],
      postings: post.toBase64(),
      lengths: lens.toBase64(),
    };
  }

  /** Rebuilds an index from `toJSON()` output, checking every field; throws on anything malformed. */
  static fromJSON(json: unknown): Bm25Index {
    if (typeof json !== 'object' || json === null) fail('expected an object');
    const o = json as Record<string, unknown>;
    if (o['format'] !== 'sanad-bm25') fail(`format is ${JSON.stringify(o['format'])}, expected "sanad-bm25"`);
    if (o['version'] !== 1) fail(`version ${JSON.stringify(o['version'])} is not supported (expected 1)`);
    const size = o['size'];
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0) fail('size must be a non-negative integer');
    const k1 = o['k1'];
    const b = o['b'];
    if (typeof k1 !== 'number' || !Number.isFinite(k1) || k1 < 0) fail('k1 must be a finite number >= 0');
    if (typeof b !== 'number' || !(b >= 0 && b <= 1)) fail('b must be a number between 0 and 1');
    const terms = o['terms'];
    if (!Array.isArray(terms) || !terms.every((t): t is string => typeof t === 'string' && t.length > 0)) {
      fail('terms must be an array of non-empty strings');
    }
    const postings = o['postings'];
    const lengthsB64 = o['lengths'];
    if (typeof postings !== 'string' || typeof lengthsB64 !== 'string') fail('postings and lengths must be base64 strings');

    const lens = new VarintReader(decodeBase64(lengthsB64, 'lengths'), 'lengths');
    const lengths = new Uint32Array(size);
    for (let d = 0; d < size; d++) lengths[d] = lens.read(0xffffffff);
    lens.expectEnd();

    const termIds = new Map<string, number>();
    terms.forEach((t, i) => termIds.set(t, i));
    if (termIds.size !== terms.length) fail('terms contains duplicates');

    const reader = new VarintReader(decodeBase64(postings, 'postings'), 'postings');
    const offsets = new Int32Array(terms.length + 1);
    let docs = new Int32Array(1024);
    let tfs = new Uint16Array(1024);
    let count = 0;
    for (let t = 0; t < terms.length; t++) {
      const df = reader.read(size);
      if (df === 0) fail(`term ${JSON.stringify(terms[t])} has no postings`);
      let d = -1;
      for (let i = 0; i < df; i++) {
        const delta = reader.read(size);
        if (i > 0 && delta === 0) fail(`postings of ${JSON.stringify(terms[t])} repeat a passage`);
        d = i === 0 ? delta : d + delta;
        if (d >= size) fail(`postings of ${JSON.stringify(terms[t])} point past the ${size} passages`);
        const tf = reader.read(TF_MAX);
        if (tf === 0) fail(`postings of ${JSON.stringify(terms[t])} have a zero term frequency`);
        if (count === docs.length) {
          docs = grow(docs, new Int32Array(docs.length * 2));
          tfs = grow(tfs, new Uint16Array(tfs.length * 2));
        }
        docs[count] = d;
        tfs[count] = tf;
        count++;
      }
      offsets[t + 1] = count;
    }
    reader.expectEnd();
    const index = new Bm25Index([], { k1, b });
    index.install({ termIds, terms, offsets, docs: docs.slice(0, count), tfs: tfs.slice(0, count), lengths });
    return index;
  }
}

export interface Parts {
  termIds: Map<string, number>;
  terms: string[];
  offsets: Int32Array;
  docs: Int32Array;
  tfs: Uint16Array;
  lengths: Uint32Array;
}

/**
 * Inverts token lists into compressed-sparse-row postings (ords ascending per term).
 * Two passes: the first maps tokens to term ids and records each passage's distinct (term, tf)
 * pairs; the second scatters those pairs into per-term postings. The string lookups happen once
 * per token, in the first pass; the second touches only integers.
 */
export function buildParts(tokens: Iterable<readonly string[]>): Parts {
  const termIds = new Map<string, number>();
  const terms: string[] = [];
  let df = new Int32Array(1024);
  // Per-passage scratch: where term t sits in the current passage's pair list (valid when
  // seenIn[t] === d), so counting needs no per-passage Map or Set.
  let seenIn = new Int32Array(1024).fill(-1);
  let slotOf = new Int32Array(1024);
  let lengths = new Uint32Array(1024);
  let pairStart = new Int32Array(1025);
  let pairTerm = new Int32Array(1024);
  let pairTf = new Uint16Array(1024);
  let nPairs = 0;

  let n = 0;
  for (const doc of tokens) {
    const d = n++;
    if (d === lengths.length) {
      lengths = grow(lengths, new Uint32Array(d * 2));
      pairStart = grow(pairStart, new Int32Array(d * 2 + 1));
    }
    lengths[d] = doc.length;
    pairStart[d] = nPairs;
    for (let j = 0; j < doc.length; j++) {
      const term = doc[j] ?? '';
      let t = termIds.get(term);
      if (t === undefined) {
        t = terms.length;
        termIds.set(term, t);
        terms.push(term);
        if (t === df.length) {
          df = grow(df, new Int32Array(t * 2));
          seenIn = grow(seenIn, new Int32Array(t * 2).fill(-1));
          slotOf = grow(slotOf, new Int32Array(t * 2));
        }
      }
      if (seenIn[t] === d) {
        const slot = slotOf[t] ?? 0;
        if ((pairTf[slot] ?? 0) < TF_MAX) pairTf[slot] = (pairTf[slot] ?? 0) + 1;
      } else {
        seenIn[t] = d;
        df[t] = (df[t] ?? 0) + 1;
        if (nPairs === pairTerm.length) {
          pairTerm = grow(pairTerm, new Int32Array(nPairs * 2));
          pairTf = grow(pairTf, new Uint16Array(nPairs * 2));
        }
        slotOf[t] = nPairs;
        pairTerm[nPairs] = t;
        pairTf[nPairs] = 1;
        nPairs++;
      }
    }
  }
  pairStart[n] = nPairs;

  const nTerms = terms.length;
  const offsets = new Int32Array(nTerms + 1);
  for (let t = 0; t < nTerms; t++) offsets[t + 1] = (offsets[t] ?? 0) + (df[t] ?? 0);
  const docs = new Int32Array(nPairs);
  const tfs = new Uint16Array(nPairs);
  // Passages are scattered in ord order, so every postings list comes out sorted by ord.
  const cursor = offsets.slice(0, nTerms);
  for (let d = 0; d < n; d++) {
    const end = pairStart[d + 1] ?? 0;
    for (let i = pairStart[d] ?? 0; i < end; i++) {
      const t = pairTerm[i] ?? 0;
      const p = cursor[t] ?? 0;
      cursor[t] = p + 1;
      docs[p] = d;
      tfs[p] = pairTf[i] ?? 0;
    }
  }
  return { termIds, terms, offsets, docs, tfs, lengths: lengths.slice(0, n) };
}

export function grow<A extends Int32Array | Uint16Array | Uint32Array>(old: A, bigger: A): A {
  bigger.set(old);
  return bigger;
}

/** Lucene's BM25 idf: always positive, so a term in every passage still counts a little. */
export function idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

function checkParams(k1: number, b: number): { k1: number; b: number } {
  if (!Number.isFinite(k1) || k1 < 0) throw new Error(`BM25 k1 must be a finite number >= 0, got ${k1}`);
  if (!Number.isFinite(b) || b < 0 || b > 1) throw new Error(`BM25 b must be between 0 and 1, got ${b}`);
  return { k1, b };
}

/**
 * Scores passages from their term frequencies exactly as `Bm25Index.search` does (same float32
 * length norms, same summation order), for a backend that finds candidates elsewhere and must
 * rank them identically. `tfs[i]` is the passage's count of the i-th distinct query term, in
 * the order of first occurrence in the query; `qtf[i]` its count in the query; `df[i]` its
 * document frequency (0: the term is not indexed and adds nothing).
 */
export function bm25Score(
  p: { tfs: readonly number[]; length: number },
  q: { qtf: readonly number[]; df: readonly number[]; n: number; avgLength: number; k1?: number; b?: number },
): number {
  const k1 = q.k1 ?? BM25_DEFAULTS.k1;
  const b = q.b ?? BM25_DEFAULTS.b;
  const norm = Math.fround(k1 * (1 - b + (b * p.length) / q.avgLength));
  let acc = 0;
  for (let i = 0; i < q.qtf.length; i++) {
    const tf = p.tfs[i] ?? 0;
    const df = q.df[i] ?? 0;
    if (tf === 0 || df === 0) continue;
    const w = (q.qtf[i] ?? 0) * idf(q.n, df) * (k1 + 1);
    acc += (w * tf) / (tf + norm);
  }
  return acc;
}

function computeNorms(lengths: Uint32Array, k1: number, b: number): Float32Array {
  const n = lengths.length;
  let sum = 0;
  for (const len of lengths) sum += len;
  return normsFor(lengths, averageLength(sum, n), k1, b);
}

/** The average passage length BM25 normalises by (1 for an empty index). */
export function averageLength(sum: number, n: number): number {
  return n > 0 && sum > 0 ? sum / n : 1;
}

/**
 * k1 * (1 - b + b * len / avg) per passage: the length part of the BM25 denominator. A segmented
 * index computes it with the average over all its live passages, so scores equal a single index's.
 */
export function normsFor(lengths: Uint32Array, avg: number, k1: number, b: number): Float32Array {
  const n = lengths.length;
  const norms = new Float32Array(n);
  for (let d = 0; d < n; d++) norms[d] = k1 * (1 - b + (b * (lengths[d] ?? 0)) / avg);
  return norms;
}

function fail(what: string): never {
  throw new Error(`BM25 index data is malformed (${what}); delete the index folder and rebuild it.`);
}

function decodeBase64(s: string, field: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) fail(`${field} is not base64`);
  return Buffer.from(s, 'base64');
}

class VarintWriter {
  private buf = new Uint8Array(1024);
  private len = 0;

  write(value: number): void {
    if (this.len + 5 > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  toBase64(): string {
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.len).toString('base64');
  }
}

class VarintReader {
  private pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly field: string,
  ) {}

  /** Reads one unsigned varint and checks it is at most `max`. */
  read(max: number): number {
    const bytes = this.bytes;
    if (this.pos >= bytes.length) fail(`${this.field} ends early`);
    const first = bytes[this.pos++] ?? 0;
    // Fast path: most deltas and term frequencies fit in one byte.
    let result = first & 0x7f;
    if (first >= 0x80) {
      let shift = 7;
      for (;;) {
        if (this.pos >= bytes.length) fail(`${this.field} ends early`);
        const byte = bytes[this.pos++] ?? 0;
        if (shift === 28 && byte > 0x0f) fail(`${this.field} holds a number too large`);
        result += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
        shift += 7;
      }
    }
    if (result > max) fail(`${this.field} holds ${result} where at most ${max} is allowed`);
    return result;
  }

  expectEnd(): void {
    if (this.pos !== this.bytes.length) fail(`${this.field} has trailing data`);
  }
}

/** Bounded min-heap keeping the k best (score desc, ord asc). */
export class TopK {
  private readonly ords: Int32Array;
  private readonly scores: Float64Array;
  private n = 0;

  constructor(private readonly k: number) {
    this.ords = new Int32Array(k);
    this.scores = new Float64Array(k);
  }

  /** True when (s1, o1) ranks below (s2, o2). */
  private static worse(s1: number, o1: number, s2: number, o2: number): boolean {
    return s1 < s2 || (s1 === s2 && o1 > o2);
  }

  offer(ord: number, score: number): void {
    if (this.k === 0) return;
    if (this.n < this.k) {
      let i = this.n++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        const ps = this.scores[parent] ?? 0;
        const po = this.ords[parent] ?? 0;
        if (!TopK.worse(score, ord, ps, po)) break;
        this.scores[i] = ps;
        this.ords[i] = po;
        i = parent;
      }
      this.scores[i] = score;
      this.ords[i] = ord;
      return;
    }
    // Full: replace the root (the worst kept) only when the newcomer beats it.
    if (!TopK.worse(this.scores[0] ?? 0, this.ords[0] ?? 0, score, ord)) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.n) break;
      const r = l + 1;
      let c = l;
      if (r < this.n && TopK.worse(this.scores[r] ?? 0, this.ords[r] ?? 0, this.scores[l] ?? 0, this.ords[l] ?? 0)) c = r;
      const cs = this.scores[c] ?? 0;
      const co = this.ords[c] ?? 0;
      if (!TopK.worse(cs, co, score, ord)) break;
      this.scores[i] = cs;
      this.ords[i] = co;
      i = c;
    }
    this.scores[i] = score;
    this.ords[i] = ord;
  }

  sorted(): Bm25Hit[] {
    const out: Bm25Hit[] = [];
    for (let i = 0; i < this.n; i++) out.push({ ord: this.ords[i] ?? 0, score: this.scores[i] ?? 0 });
    return out.sort((x, y) => y.score - x.score || x.ord - y.ord);
  }
}
