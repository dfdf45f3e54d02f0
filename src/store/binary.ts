// Growable byte buffers with unsigned varints, for the binary index files. Readers check every
// bound and throw `IndexFormatError`: a damaged file must give a clear error, never a wrong answer.
import { IndexFormatError } from './manifest.ts';

export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initial = 1024) {
    this.buf = new Uint8Array(Math.max(16, initial));
  }

  get length(): number {
    return this.len;
  }

  private reserve(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  varint(value: number): void {
    if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`varint out of range: ${value}`);
    this.reserve(5);
    let v = value >>> 0;
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  /** The bytes written so far (a view: copy it before writing more if it must survive). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }
}

/** Reads unsigned varints from `bytes`, each checked against a maximum. */
export class VarintReader {
  pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly where: string,
  ) {}

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  read(max: number): number {
    const bytes = this.bytes;
    if (this.pos >= bytes.length) throw damaged(this.where, 'ends early');
    const first = bytes[this.pos++] ?? 0;
    // Fast path: most ordinal deltas and frequencies fit in one byte.
    let result = first & 0x7f;
    if (first >= 0x80) {
      let shift = 7;
      for (;;) {
        if (this.pos >= bytes.length) throw damaged(this.where, 'ends early');
        const byte = bytes[this.pos++] ?? 0;
        if (shift === 28 && byte > 0x0f) throw damaged(this.where, 'holds a number too large');
        result += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) break;
        shift += 7;
      }
    }
    if (result > max) throw damaged(this.where, `holds ${result} where at most ${max} is allowed`);
    return result;
  }

  expectEnd(): void {
    if (this.pos !== this.bytes.length) throw damaged(this.where, 'has trailing data');
  }
}

export function damaged(where: string, what: string): IndexFormatError {
  return new IndexFormatError(`${where} is damaged (${what}); rebuild the index with \`sanad index\``);
}

/** Copies a typed array's bytes (for writing a column). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}
