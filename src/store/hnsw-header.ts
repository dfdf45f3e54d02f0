// Validates an hnswlib graph file in TypeScript before the native reader sees it. hnswlib's
// loadIndex trusts every number in the file: a crafted header (element count, sizes, entry point,
// levels) or a neighbour id past the end makes it allocate wildly or read out of bounds, and the
// whole process dies with SIGSEGV or SIGABRT — a checksum does not help once the manifest that
// holds it has been rewritten to match. So the file is read once here, hashing it on the way, and
// every field and link is checked against what the manifest says and against the file's own size.
//
// Layout (hnswlib 0.8, little-endian, size_t = 8 bytes; see hnswalg.h saveIndex):
//   header: offsetLevel0, maxElements, count, sizeDataPerElement, labelOffset, offsetData (size_t),
//           maxLevel (int32), entryPoint (uint32), maxM, maxM0, M (size_t), mult (double),
//           efConstruction (size_t)                                                  — 96 bytes
//   level 0: count × sizeDataPerElement: [links: uint16 n, uint8 flags, uint8, maxM0 × uint32]
//            [vector: dimension × float32] [label: size_t]
//   upper levels, per element: uint32 byteLength, then level × [uint16 n, 2 bytes, maxM × uint32]
// Self-contained (no index layout knowledge beyond this file), so any store can call it.
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export class HnswFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HnswFileError';
  }
}

export interface HnswExpectation {
  /** Vector length the manifest declares. */
  dimension: number;
  /** Number of vectors the manifest declares. */
  count: number;
  /** HNSW M the manifest declares (maxM = M, maxM0 = 2M). */
  m: number;
  /** Largest capacity accepted (hnswlib allocates capacity × element size); default 2·count + 1024. */
  maxCapacity?: number;
}

export interface HnswHeader {
  maxElements: number;
  count: number;
  sizeDataPerElement: number;
  maxLevel: number;
  entryPoint: number;
  maxM: number;
  maxM0: number;
  m: number;
  mult: number;
  efConstruction: number;
}

const HEADER_BYTES = 96;
/** No sane graph is deeper: levels grow as log(count) / log(M). */
const MAX_LEVEL = 64;
const DELETE_MARK = 0x01;
const CHUNK = 1 << 20;

/** A sequential reader over a file descriptor that hashes every byte it hands out. */
class HashingReader {
  private buf = Buffer.alloc(0);
  private pos = 0;
  private fileOffset = 0;
  readonly hash = createHash('sha256');

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  get offset(): number {
    return this.fileOffset - (this.buf.length - this.pos);
  }

  /** The next `n` bytes; throws when the file ends first. */
  async take(n: number): Promise<Buffer> {
    while (this.buf.length - this.pos < n) {
      const chunk = Buffer.allocUnsafe(Math.max(CHUNK, n));
      const { bytesRead } = await this.handle.read(chunk, 0, chunk.length, this.fileOffset);
      if (bytesRead === 0) throw new HnswFileError(`the file ends at byte ${this.offset + (this.buf.length - this.pos)}, inside the data its header announces`);
      this.fileOffset += bytesRead;
      const got = chunk.subarray(0, bytesRead);
      this.hash.update(got);
      this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), got]) : got;
      this.pos = 0;
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function u64(b: Buffer, at: number, what: string): number {
  const v = b.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new HnswFileError(`${what} is ${v}, far beyond any real index`);
  return Number(v);
}

export function parseHnswHeader(b: Buffer): HnswHeader & { offsetLevel0: number; labelOffset: number; offsetData: number } {
  if (b.length < HEADER_BYTES) throw new HnswFileError(`the file is ${b.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  return {
    offsetLevel0: u64(b, 0, 'the level-0 offset'),
    maxElements: u64(b, 8, 'the capacity'),
    count: u64(b, 16, 'the element count'),
    sizeDataPerElement: u64(b, 24, 'the element size'),
    labelOffset: u64(b, 32, 'the label offset'),
    offsetData: u64(b, 40, 'the data offset'),
    maxLevel: b.readInt32LE(48),
    entryPoint: b.readUInt32LE(52),
    maxM: u64(b, 56, 'maxM'),
    maxM0: u64(b, 64, 'maxM0'),
    m: u64(b, 72, 'M'),
    mult: b.readDoubleLE(80),
    efConstruction: u64(b, 88, 'efConstruction'),
  };
}

/**
 * Checks the graph file against `expect` and returns its sha256 (hex) and header. Throws
 * HnswFileError naming the first inconsistency. Reads the file once, O(its size).
 */
export async function inspectHnswFile(file: string, expect: HnswExpectation): Promise<{ sha256: string; header: HnswHeader }> {
  const handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new HnswFileError('it is not a regular file');
    const reader = new HashingReader(handle, st.size);
    const header = await checkGraph(reader, expect);
    if (reader.offset !== st.size) throw new HnswFileError(`${st.size - reader.offset} bytes follow the end of the graph`);
    return { sha256: reader.hash.digest('hex'), header };
  } finally {
    await handle.close();
  }
}

async function checkGraph(reader: HashingReader, expect: HnswExpectation): Promise<HnswHeader> {
  const h = parseHnswHeader(await reader.take(HEADER_BYTES));
  const fail = (what: string): never => {
    throw new HnswFileError(what);
  };
  if (h.offsetLevel0 !== 0) fail(`the level-0 offset is ${h.offsetLevel0}, not 0`);
  if (h.count !== expect.count) fail(`it holds ${h.count} vectors but the manifest lists ${expect.count} passages`);
  const capacityLimit = expect.maxCapacity ?? 2 * expect.count + 1024;
  if (h.maxElements < h.count || h.maxElements > capacityLimit) fail(`its capacity ${h.maxElements} does not fit ${h.count} vectors`);
  if (h.m !== expect.m || h.maxM !== expect.m || h.maxM0 !== 2 * expect.m) {
    fail(`its links (M ${h.m}, maxM ${h.maxM}, maxM0 ${h.maxM0}) do not match the manifest's M ${expect.m}`);
  }
  const level0Links = h.maxM0 * 4 + 4;
  const dataBytes = h.sizeDataPerElement - level0Links - 8;
  if (dataBytes !== expect.dimension * 4) {
    const dims = dataBytes > 0 && dataBytes % 4 === 0 ? `${dataBytes / 4}-dimensional vectors` : `elements of ${h.sizeDataPerElement} bytes`;
    fail(`it holds ${dims} but the manifest says the model has ${expect.dimension} dimensions`);
  }
  if (h.offsetData !== level0Links || h.labelOffset !== level0Links + dataBytes) fail('its data and label offsets do not match its element layout');
  if (!(Number.isFinite(h.mult) && h.mult > 0)) fail(`its level multiplier ${h.mult} is not a positive number`);
  if (h.count === 0) {
    if (h.maxLevel !== -1) fail(`an empty graph has level ${h.maxLevel}`);
  } else {
    if (h.maxLevel < 0 || h.maxLevel > MAX_LEVEL) fail(`its top level ${h.maxLevel} is outside 0–${MAX_LEVEL}`);
    if (h.entryPoint >= h.count) fail(`its entry point ${h.entryPoint} is not one of its ${h.count} vectors`);
  }
  const restMin = h.count * h.sizeDataPerElement + h.count * 4;
  if (reader.size - HEADER_BYTES < restMin) fail(`the file is ${reader.size} bytes, too short for ${h.count} vectors of ${h.sizeDataPerElement} bytes`);

  // Level 0: links and labels of every element.
  const labels = new Uint8Array(Math.ceil(h.count / 8));
  for (let i = 0; i < h.count; i++) {
    const el = await reader.take(h.sizeDataPerElement);
    const n = el.readUInt16LE(0);
    if (n > h.maxM0) fail(`vector ${i} lists ${n} level-0 neighbours, more than ${h.maxM0}`);
    if ((el[2] ?? 0) & ~DELETE_MARK) fail(`vector ${i} has unknown flags`);
    for (let j = 0; j < n; j++) {
      const id = el.readUInt32LE(4 + 4 * j);
      if (id >= h.count) fail(`vector ${i} links to vector ${id}, past the last one`);
    }
    const label = u64(el, h.labelOffset, `the label of vector ${i}`);
    if (label >= h.count) fail(`vector ${i} has label ${label}, outside 0–${h.count - 1}`);
    const bit = 1 << (label & 7);
    if ((labels[label >> 3] ?? 0) & bit) fail(`label ${label} is used twice`);
    labels[label >> 3] = (labels[label >> 3] ?? 0) | bit;
  }

  // Upper levels: each element's link blocks, one per level above 0.
  // A link on level l must lead to a vector that has level l: hnswlib reads that vector's level-l
  // list without checking, and a vector without upper levels has none (a null pointer).
  const blockBytes = h.maxM * 4 + 4;
  const levelOf = new Uint8Array(h.count);
  const upper: number[] = []; // pairs: target id, level
  let entryLevel = h.count === 0 ? -1 : 0;
  for (let i = 0; i < h.count; i++) {
    const size = (await reader.take(4)).readUInt32LE(0);
    if (size % blockBytes !== 0) fail(`vector ${i} has upper links of ${size} bytes, not a whole number of levels`);
    const levels = size / blockBytes;
    if (levels > h.maxLevel) fail(`vector ${i} reaches level ${levels}, above the top level ${h.maxLevel}`);
    if (i === h.entryPoint) entryLevel = levels;
    levelOf[i] = levels;
    if (size > reader.size - reader.offset) fail(`vector ${i} announces ${size} bytes of links past the end of the file`);
    const links = size > 0 ? await reader.take(size) : Buffer.alloc(0);
    for (let l = 0; l < levels; l++) {
      const at = l * blockBytes;
      const n = links.readUInt16LE(at);
      if (n > h.maxM) fail(`vector ${i} lists ${n} neighbours on level ${l + 1}, more than ${h.maxM}`);
      for (let j = 0; j < n; j++) {
        const id = links.readUInt32LE(at + 4 + 4 * j);
        if (id >= h.count) fail(`vector ${i} links to vector ${id} on level ${l + 1}, past the last one`);
        upper.push(id, l + 1);
      }
    }
  }
  for (let k = 0; k < upper.length; k += 2) {
    const id = upper[k] ?? 0;
    const level = upper[k + 1] ?? 0;
    if ((levelOf[id] ?? 0) < level) fail(`a link on level ${level} leads to vector ${id}, which has no level ${level}`);
  }
  if (entryLevel !== h.maxLevel) fail(`its entry point sits on level ${entryLevel}, not on the top level ${h.maxLevel}`);
  return h;
}
