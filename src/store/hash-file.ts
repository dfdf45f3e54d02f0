// Passage-text hashes of a segment (`<segment>.hsh`), sorted for lookup: a rebuild asks "is there
// already a vector for this text?" for each new passage without holding a million hashes in a Map.
// Only writers read this file.
import { createHash } from 'node:crypto';
import { bytesOf, damaged } from './binary.ts';
import { ContainerReader, ContainerWriter, type ContainerCheck } from './container.ts';

export const HASH_KIND = 'HSH1';

export function writeHashes(file: string, hashes: readonly string[]): ContainerCheck {
  const n = hashes.length;
  const raw = new Uint8Array(n * 32);
  hashes.forEach((h, i) => {
    if (!/^[0-9a-f]{64}$/.test(h)) throw new Error(`passage ${i} has no sha256 text hash`);
    raw.set(Buffer.from(h, 'hex'), i * 32);
  });
  const sorted = new Uint32Array(n);
  for (let i = 0; i < n; i++) sorted[i] = i;
  sorted.sort((a, b) => Buffer.compare(raw.subarray(a * 32, a * 32 + 32), raw.subarray(b * 32, b * 32 + 32)));
  const writer = new ContainerWriter(file, HASH_KIND);
  try {
    writer.section('hash', raw);
    writer.section('sorted', bytesOf(sorted));
    return writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export class HashIndex {
  private constructor(
    private readonly raw: Uint8Array,
    private readonly sorted: Uint32Array,
  ) {}

  static async open(file: string, check: ContainerCheck, passages: number): Promise<HashIndex> {
    const reader = await ContainerReader.open(file, HASH_KIND, check);
    try {
      const raw = reader.u8('hash', passages * 32).slice();
      const sorted = Uint32Array.from(reader.u32('sorted', passages));
      for (const ord of sorted) if (ord >= passages) throw damaged(file, 'its sort order points past the passages');
      return new HashIndex(raw, sorted);
    } finally {
      reader.close();
    }
  }

  /** The hex hash of passage `ord`. */
  hashOf(ord: number): string {
    return Buffer.from(this.raw.subarray(ord * 32, ord * 32 + 32)).toString('hex');
  }

  /** A passage ord whose text has this hash, or -1. */
  find(hex: string): number {
    const want = Buffer.from(hex, 'hex');
    let lo = 0;
    let hi = this.sorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const ord = this.sorted[mid] ?? 0;
      const c = Buffer.compare(this.raw.subarray(ord * 32, ord * 32 + 32), want);
      if (c === 0) return ord;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

export function hashText(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
