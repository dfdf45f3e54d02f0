// A segment's BM25 postings (`<segment>.lex`), binary. Eager: passage lengths, the sorted term
// dictionary (one UTF-8 blob with offsets), document frequencies and where each term's postings
// lie. Lazy: the postings, per term a run of (ord delta, tf) varints with its CRC-32, read only
// for the terms of a query. Statistics across segments are summed by the reader of the index
// (src/backend/embedded/lexical.ts), so scores are those of one index over all live passages.
import { buildParts, type Parts } from '../text/bm25.ts';
import { ByteWriter, VarintReader, bytesOf, damaged } from './binary.ts';
import { ContainerReader, ContainerWriter, crc32, type ContainerCheck } from './container.ts';

export const LEXICON_KIND = 'LEX1';
const TF_MAX = 0xffff;
const encoder = new TextEncoder();

export interface Postings {
  ords: Int32Array;
  tfs: Uint16Array;
}

/** Inverts the token lists (the i-th is passage i) and writes the file. */
export function writeLexicon(file: string, tokens: Iterable<readonly string[]>): ContainerCheck {
  return writeParts(file, buildParts(tokens));
}

function writeParts(file: string, parts: Parts): ContainerCheck {
  // Sorted in JavaScript string order; the reader compares the same way.
  const order = parts.terms.map((_, i) => i).sort((a, b) => {
    const x = parts.terms[a] ?? '';
    const y = parts.terms[b] ?? '';
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const v = order.length;
  const blob = new ByteWriter(1 << 16);
  const termOff = new Uint32Array(v + 1);
  const df = new Uint32Array(v);
  const postOff = new Float64Array(v + 1);
  const postCrc = new Uint32Array(v);
  const writer = new ContainerWriter(file, LEXICON_KIND);
  try {
    const run = new ByteWriter(1 << 12);
    order.forEach((t, i) => {
      blob.bytes(encoder.encode(parts.terms[t] ?? ''));
      termOff[i + 1] = blob.length;
      const start = parts.offsets[t] ?? 0;
      const end = parts.offsets[t + 1] ?? 0;
      df[i] = end - start;
      run.reset();
      let prev = 0;
      for (let p = start; p < end; p++) {
        const d = parts.docs[p] ?? 0;
        run.varint(d - prev);
        run.varint(parts.tfs[p] ?? 0);
        prev = d;
      }
      const bytes = run.view();
      postOff[i] = writer.appendLazy(bytes);
      postCrc[i] = crc32(bytes);
    });
    postOff[v] = writer.lazyLength;
    writer.section('lengths', bytesOf(parts.lengths));
    writer.section('terms', blob.view());
    writer.section('termOff', bytesOf(termOff));
    writer.section('df', bytesOf(df));
    writer.section('postOff', bytesOf(postOff));
    writer.section('postCrc', bytesOf(postCrc));
    return writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export class LexiconReader {
  readonly lengths: Uint32Array;
  readonly lengthSum: number;
  private readonly blob: Buffer;
  private readonly termOff: Uint32Array;
  private readonly dfs: Uint32Array;
  private readonly postOff: Float64Array;
  private readonly postCrc: Uint32Array;

  private constructor(private readonly file: ContainerReader) {
    this.lengths = file.u32('lengths');
    const blob = file.bytes('terms');
    this.blob = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
    this.termOff = file.u32('termOff');
    const v = this.termOff.length - 1;
    this.dfs = file.u32('df', v);
    this.postOff = file.f64('postOff', v + 1);
    this.postCrc = file.u32('postCrc', v);
    let sum = 0;
    for (const len of this.lengths) sum += len;
    this.lengthSum = sum;
    for (let i = 0; i < v; i++) {
      if ((this.termOff[i] ?? 0) > (this.termOff[i + 1] ?? 0) || (this.postOff[i] ?? 0) > (this.postOff[i + 1] ?? 0)) {
        throw damaged(file.file, 'its term offsets run backwards');
      }
      if ((this.dfs[i] ?? 0) === 0 || (this.dfs[i] ?? 0) > this.lengths.length) throw damaged(file.file, `term ${i} has an impossible frequency`);
    }
    if ((this.termOff[v] ?? 0) !== this.blob.length) throw damaged(file.file, 'its term dictionary has trailing bytes');
  }

  static async open(path: string, check: ContainerCheck): Promise<LexiconReader> {
    return new LexiconReader(await ContainerReader.open(path, LEXICON_KIND, check));
  }

  /** Number of passages. */
  get size(): number {
    return this.lengths.length;
  }

  get vocabularySize(): number {
    return this.dfs.length;
  }

  /** The dictionary index of a term, or -1. */
  termIndex(term: string): number {
    let lo = 0;
    let hi = this.dfs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = this.blob.toString('utf8', this.termOff[mid] ?? 0, this.termOff[mid + 1] ?? 0);
      if (t === term) return mid;
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  df(term: string): number {
    const i = this.termIndex(term);
    return i < 0 ? 0 : (this.dfs[i] ?? 0);
  }

  /** The postings of dictionary entry `i`, read from disk and decoded. */
  postings(i: number): Postings {
    const from = this.postOff[i] ?? 0;
    const bytes = this.file.readLazy(from, (this.postOff[i + 1] ?? 0) - from, this.postCrc[i] ?? 0, `the postings of term ${i}`);
    const n = this.dfs[i] ?? 0;
    const size = this.lengths.length;
    const ords = new Int32Array(n);
    const tfs = new Uint16Array(n);
    const reader = new VarintReader(bytes, `${this.file.file} (postings of term ${i})`);
    let d = 0;
    for (let k = 0; k < n; k++) {
      const delta = reader.read(size);
      if (k > 0 && delta === 0) throw damaged(this.file.file, `the postings of term ${i} repeat a passage`);
      d = k === 0 ? delta : d + delta;
      if (d >= size) throw damaged(this.file.file, `the postings of term ${i} point past the passages`);
      ords[k] = d;
      const tf = reader.read(TF_MAX);
      if (tf === 0) throw damaged(this.file.file, `the postings of term ${i} have a zero frequency`);
      tfs[k] = tf;
    }
    reader.expectEnd();
    return { ords, tfs };
  }

  close(): void {
    this.file.close();
  }
}
