// A segment's quote gram index (`<segment>.qgm`): for each gram bucket (src/quote/grams.ts), the
// passages whose compact folded text has a gram in it that starts there. Eager: the bucket count,
// per bucket its passage count, where its list lies and the list's CRC-32. Lazy: the lists, as
// ascending passage ords in delta varints.
import { compactDocument, GRAM, gramBits, gramBucket } from '../quote/grams.ts';
import { ByteWriter, VarintReader, bytesOf, damaged } from './binary.ts';
import { ContainerReader, ContainerWriter, crc32, type ContainerCheck } from './container.ts';

export const GRAM_KIND = 'QGM1';

/**
 * Per-bucket byte lists grown in fixed chunks from one pool: a segment's gram postings number in
 * the hundreds of millions at scale, far too many for one growable array per bucket.
 */
class ChunkedLists {
  private static readonly CHUNK = 28;
  private pool = new Uint8Array(1 << 20);
  private next = new Int32Array(1 << 20 >> 5);
  private fill = new Uint8Array(1 << 20 >> 5);
  private chunks = 0;
  private readonly head: Int32Array;
  private readonly tail: Int32Array;

  constructor(lists: number) {
    this.head = new Int32Array(lists).fill(-1);
    this.tail = new Int32Array(lists).fill(-1);
  }

  push(list: number, byte: number): void {
    let c = this.tail[list] ?? -1;
    if (c < 0 || (this.fill[c] ?? 0) === ChunkedLists.CHUNK) {
      const fresh = this.allocate();
      if (c < 0) this.head[list] = fresh;
      else this.next[c] = fresh;
      this.tail[list] = fresh;
      c = fresh;
    }
    const f = this.fill[c] ?? 0;
    this.pool[c * 32 + f] = byte;
    this.fill[c] = f + 1;
  }

  /** The bytes of one list, in order. */
  read(list: number, out: ByteWriter): void {
    out.reset();
    for (let c = this.head[list] ?? -1; c >= 0; c = this.next[c] ?? -1) {
      out.bytes(this.pool.subarray(c * 32, c * 32 + (this.fill[c] ?? 0)));
    }
  }

  private allocate(): number {
    const c = this.chunks++;
    if (c >= this.next.length) {
      const pool = new Uint8Array(this.pool.length * 2);
      pool.set(this.pool);
      this.pool = pool;
      const next = new Int32Array(this.next.length * 2);
      next.set(this.next);
      this.next = next;
      const fill = new Uint8Array(this.fill.length * 2);
      fill.set(this.fill);
      this.fill = fill;
    }
    this.next[c] = -1;
    this.fill[c] = 0;
    return c;
  }
}

/** Writes the gram index of documents given as their passage texts, in ord order. */
export function writeGramIndex(file: string, documents: Iterable<readonly string[]>, passages: number): ContainerCheck {
  const bits = gramBits(passages);
  const buckets = 2 ** bits;
  const lists = new ChunkedLists(buckets);
  const df = new Uint32Array(buckets);
  const last = new Int32Array(buckets).fill(-1);
  let ord = 0;
  const pushVarint = (list: number, value: number) => {
    let v = value >>> 0;
    while (v >= 0x80) {
      lists.push(list, (v & 0x7f) | 0x80);
      v >>>= 7;
    }
    lists.push(list, v);
  };
  for (const texts of documents) {
    const { compact, starts } = compactDocument(texts);
    let p = 0;
    for (let i = 0; i + GRAM <= compact.length; i++) {
      while (p + 1 < starts.length && (starts[p + 1] ?? 0) <= i) p++;
      const passage = ord + p;
      const bucket = gramBucket(compact, i, bits);
      const prev = last[bucket] ?? -1;
      if (prev === passage) continue;
      pushVarint(bucket, prev < 0 ? passage : passage - prev);
      last[bucket] = passage;
      df[bucket] = (df[bucket] ?? 0) + 1;
    }
    ord += texts.length;
  }
  if (ord !== passages) throw new Error(`gram index got ${ord} passages, expected ${passages}`);
  const off = new Float64Array(buckets + 1);
  const crc = new Uint32Array(buckets);
  const writer = new ContainerWriter(file, GRAM_KIND);
  try {
    const out = new ByteWriter(1 << 12);
    for (let b = 0; b < buckets; b++) {
      lists.read(b, out);
      const bytes = out.view();
      off[b] = writer.appendLazy(bytes);
      crc[b] = crc32(bytes);
    }
    off[buckets] = writer.lazyLength;
    writer.section('params', new Uint32Array([bits, passages]));
    writer.section('df', bytesOf(df));
    writer.section('off', bytesOf(off));
    writer.section('crc', bytesOf(crc));
    return writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export class GramReader {
  readonly bits: number;
  readonly passages: number;
  private readonly dfs: Uint32Array;
  private readonly off: Float64Array;
  private readonly crc: Uint32Array;

  private constructor(private readonly file: ContainerReader) {
    const params = file.u32('params', 2);
    this.bits = params[0] ?? 0;
    this.passages = params[1] ?? 0;
    if (this.bits > 24) throw damaged(file.file, `${this.bits} bucket bits`);
    const buckets = 2 ** this.bits;
    this.dfs = file.u32('df', buckets);
    this.off = file.f64('off', buckets + 1);
    this.crc = file.u32('crc', buckets);
  }

  static async open(path: string, check: ContainerCheck): Promise<GramReader> {
    return new GramReader(await ContainerReader.open(path, GRAM_KIND, check));
  }

  df(bucket: number): number {
    return this.dfs[bucket] ?? 0;
  }

  /** Ascending passage ords filed under a bucket. */
  postings(bucket: number): Uint32Array {
    const n = this.dfs[bucket] ?? 0;
    const out = new Uint32Array(n);
    if (n === 0) return out;
    const from = this.off[bucket] ?? 0;
    const bytes = this.file.readLazy(from, (this.off[bucket + 1] ?? 0) - from, this.crc[bucket] ?? 0, `gram bucket ${bucket}`);
    const reader = new VarintReader(bytes, `${this.file.file} (gram bucket ${bucket})`);
    let d = 0;
    for (let k = 0; k < n; k++) {
      d = k === 0 ? reader.read(this.passages) : d + reader.read(this.passages);
      if (d >= this.passages) throw damaged(this.file.file, `gram bucket ${bucket} points past the passages`);
      out[k] = d;
    }
    reader.expectEnd();
    return out;
  }

  close(): void {
    this.file.close();
  }
}
