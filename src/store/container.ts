// The container every binary index file uses. A file has three parts:
//
//   header (64 bytes)  magic "SNDB", kind (4 ASCII), version, where the other parts are
//   lazy region        bulk data read piece by piece on demand: passage texts, postings
//   eager region       a section directory and the sections (columns, dictionaries) read at load
//
// Loading reads the header and the eager region once, hashes them and parses from that same
// buffer; the manifest records that hash. The lazy region is too large to read at every start, so
// each piece of it carries its own CRC-32 (kept in an eager section) and is checked when read.
// Writing streams the lazy region first and ends with the eager one, so a builder never holds a
// whole file in memory.
import { createHash } from 'node:crypto';
import { closeSync, constants, fsyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { damaged } from './binary.ts';
import { IndexFormatError } from './manifest.ts';
import { openRegular, UnsafeIndexFileError } from './safe-read.ts';

/** Index files are opened without following a final link and without blocking (a FIFO in their place). */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const MAGIC = 'SNDB';
const HEADER_BYTES = 64;
const CONTAINER_VERSION = 1;
const DIR_ENTRY = 24;
const FLUSH_AT = 1 << 20;

/** What a manifest records to check a container file at load. */
export interface ContainerCheck {
  /** sha256 (hex) of the header and the eager region. */
  sha256: string;
  /** Size of the whole file. */
  bytes: number;
}

export class ContainerWriter {
  private readonly fd: number;
  private lazyBytes = 0;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private readonly sections: Array<{ name: string; data: Uint8Array }> = [];

  constructor(
    readonly file: string,
    private readonly kind: string,
  ) {
    if (kind.length !== 4) throw new Error(`container kind must be 4 characters, got "${kind}"`);
    this.fd = openSync(file, 'wx');
    writeSync(this.fd, new Uint8Array(HEADER_BYTES), 0, HEADER_BYTES, 0);
  }

  /** Appends to the lazy region; returns the piece's offset within it. */
  appendLazy(data: Uint8Array): number {
    const at = this.lazyBytes;
    this.pending.push(data.slice());
    this.pendingBytes += data.length;
    this.lazyBytes += data.length;
    if (this.pendingBytes >= FLUSH_AT) this.flush();
    return at;
  }

  get lazyLength(): number {
    return this.lazyBytes;
  }

  section(name: string, data: ArrayBufferView): void {
    if (name.length === 0 || name.length > 8 || !/^[\x21-\x7e]+$/.test(name)) throw new Error(`bad section name "${name}"`);
    if (this.sections.some((s) => s.name === name)) throw new Error(`section "${name}" written twice`);
    this.sections.push({ name, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) });
  }

  /** Writes the eager region and the header, fsyncs and closes the file. */
  finish(): ContainerCheck {
    this.flush();
    const eagerStart = HEADER_BYTES + this.lazyBytes;
    // Sections are 8-byte aligned relative to the eager region, which itself is read into a
    // fresh buffer: columns can then be viewed as typed arrays without copying.
    let cursor = align8(this.sections.length * DIR_ENTRY);
    const placed = this.sections.map((s) => {
      const at = cursor;
      cursor = align8(cursor + s.data.length);
      return { ...s, at };
    });
    const eager = new Uint8Array(cursor);
    const dir = new DataView(eager.buffer);
    placed.forEach((s, i) => {
      const base = i * DIR_ENTRY;
      for (let k = 0; k < 8; k++) eager[base + k] = k < s.name.length ? s.name.charCodeAt(k) : 0x20;
      dir.setFloat64(base + 8, s.at, true);
      dir.setFloat64(base + 16, s.data.length, true);
      eager.set(s.data, s.at);
    });
    const header = new Uint8Array(HEADER_BYTES);
    const view = new DataView(header.buffer);
    for (let k = 0; k < 4; k++) header[k] = MAGIC.charCodeAt(k);
    for (let k = 0; k < 4; k++) header[4 + k] = this.kind.charCodeAt(k);
    view.setUint32(8, CONTAINER_VERSION, true);
    view.setUint32(12, placed.length, true);
    view.setFloat64(16, this.lazyBytes, true);
    view.setFloat64(24, eagerStart, true);
    view.setFloat64(32, eager.length, true);
    writeAll(this.fd, eager, eagerStart);
    writeAll(this.fd, header, 0);
    fsyncSync(this.fd);
    closeSync(this.fd);
    const sha256 = createHash('sha256').update(header).update(eager).digest('hex');
    return { sha256, bytes: eagerStart + eager.length };
  }

  /** Closes without finishing (the caller removes the file). */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const joined = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const p of this.pending) {
      joined.set(p, at);
      at += p.length;
    }
    writeAll(this.fd, joined, HEADER_BYTES + this.lazyBytes - this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
  }
}

function writeAll(fd: number, data: Uint8Array, position: number): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, position + done);
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

export class ContainerReader {
  private fd: number | null;

  private constructor(
    readonly file: string,
    fd: number,
    private readonly eager: Uint8Array,
    private readonly sections: Map<string, { at: number; bytes: number }>,
    private readonly lazyBytes: number,
  ) {
    this.fd = fd;
  }

  /**
   * Opens a container: reads the header and the eager region (once), checks them against the
   * manifest's hash and size and the kind expected, and keeps the file open for lazy reads.
   */
  static async open(file: string, kind: string, check: ContainerCheck): Promise<ContainerReader> {
    let opened: Awaited<ReturnType<typeof openRegular>>;
    try {
      opened = await openRegular(file);
    } catch (err) {
      if (err instanceof UnsafeIndexFileError) throw new IndexFormatError(err.message);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw damaged(file, 'the file is missing');
      throw err;
    }
    const { handle } = opened;
    try {
      const st = await handle.stat();
      const size = st.size;
      if (size !== check.bytes) throw damaged(file, `${size} bytes where the manifest lists ${check.bytes}`);
      if (size < HEADER_BYTES) throw damaged(file, 'shorter than its header');
      const header = new Uint8Array(HEADER_BYTES);
      await handle.read(header, 0, HEADER_BYTES, 0);
      const view = new DataView(header.buffer);
      const text = (from: number) => String.fromCharCode(...header.subarray(from, from + 4));
      if (text(0) !== MAGIC) throw damaged(file, 'not a sanad index file');
      if (text(4) !== kind) throw damaged(file, `holds "${text(4)}" data where "${kind}" was expected`);
      if (view.getUint32(8, true) !== CONTAINER_VERSION) throw damaged(file, `container version ${view.getUint32(8, true)}`);
      const count = view.getUint32(12, true);
      const lazyBytes = view.getFloat64(16, true);
      const eagerStart = view.getFloat64(24, true);
      const eagerBytes = view.getFloat64(32, true);
      if (eagerStart !== HEADER_BYTES + lazyBytes || eagerStart + eagerBytes !== size || count * DIR_ENTRY > eagerBytes) {
        throw damaged(file, 'its header does not describe its size');
      }
      const eager = new Uint8Array(new ArrayBuffer(eagerBytes));
      const { bytesRead } = await handle.read(eager, 0, eagerBytes, eagerStart);
      if (bytesRead !== eagerBytes) throw damaged(file, 'ends early');
      const sha256 = createHash('sha256').update(header).update(eager).digest('hex');
      if (sha256 !== check.sha256) throw damaged(file, 'checksum mismatch');
      const dir = new DataView(eager.buffer);
      const sections = new Map<string, { at: number; bytes: number }>();
      for (let i = 0; i < count; i++) {
        const base = i * DIR_ENTRY;
        const name = String.fromCharCode(...eager.subarray(base, base + 8)).trimEnd();
        const at = dir.getFloat64(base + 8, true);
        const bytes = dir.getFloat64(base + 16, true);
        if (!Number.isInteger(at) || !Number.isInteger(bytes) || at % 8 !== 0 || at < 0 || bytes < 0 || at + bytes > eagerBytes) {
          throw damaged(file, `section ${name} lies outside the file`);
        }
        sections.set(name, { at, bytes });
      }
      // A second descriptor, for the synchronous lazy reads: the very file just checked.
      const fd = openSync(file, READ_FLAGS);
      const again = fstatSync(fd);
      if (!again.isFile() || again.ino !== st.ino || again.dev !== st.dev) {
        closeSync(fd);
        throw damaged(file, 'it was replaced while being opened');
      }
      return new ContainerReader(file, fd, eager, sections, lazyBytes);
    } finally {
      await handle.close();
    }
  }

  has(name: string): boolean {
    return this.sections.has(name);
  }

  bytes(name: string): Uint8Array {
    const s = this.sections.get(name);
    if (!s) throw damaged(this.file, `section ${name} is missing`);
    return this.eager.subarray(s.at, s.at + s.bytes);
  }

  u32(name: string, length?: number): Uint32Array {
    return this.typed(name, 4, length, (b, o, n) => new Uint32Array(b, o, n));
  }

  i32(name: string, length?: number): Int32Array {
    return this.typed(name, 4, length, (b, o, n) => new Int32Array(b, o, n));
  }

  u16(name: string, length?: number): Uint16Array {
    return this.typed(name, 2, length, (b, o, n) => new Uint16Array(b, o, n));
  }

  f64(name: string, length?: number): Float64Array {
    return this.typed(name, 8, length, (b, o, n) => new Float64Array(b, o, n));
  }

  u8(name: string, length?: number): Uint8Array {
    const b = this.bytes(name);
    if (length !== undefined && b.length !== length) throw damaged(this.file, `section ${name} has ${b.length} entries, expected ${length}`);
    return b;
  }

  /** Reads a piece of the lazy region and checks it against its CRC-32. */
  readLazy(offset: number, length: number, crc: number, what: string): Buffer {
    if (this.fd === null) throw new Error(`${this.file} was closed while still in use`);
    if (!(offset >= 0 && length >= 0 && offset + length <= this.lazyBytes)) throw damaged(this.file, `${what} lies outside the file`);
    const out = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, out, done, length - done, HEADER_BYTES + offset + done);
      if (n === 0) throw damaged(this.file, `${what} ends early`);
      done += n;
    }
    if (crc32(out) !== crc) throw damaged(this.file, `${what} fails its checksum`);
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Size of the file as opened (for reports). */
  get size(): number {
    return this.fd === null ? 0 : fstatSync(this.fd).size;
  }

  private typed<T>(name: string, width: number, length: number | undefined, make: (b: ArrayBuffer, o: number, n: number) => T): T {
    const b = this.bytes(name);
    if (b.length % width !== 0) throw damaged(this.file, `section ${name} is not a whole number of entries`);
    const n = b.length / width;
    if (length !== undefined && n !== length) throw damaged(this.file, `section ${name} has ${n} entries, expected ${length}`);
    return make(b.buffer as ArrayBuffer, b.byteOffset, n);
  }
}

export { crc32 };
