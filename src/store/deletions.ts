// Deletion marks of a segment in one published version (`<segment>.del-<generation>`): which of
// its passages are gone, and what they contributed to BM25 statistics (passage count, token
// count, document frequency per term), so global statistics stay exact without re-reading the
// postings. A segment's files never change; a new generation of marks replaces the old one.
import { bytesOf, damaged } from './binary.ts';
import { ContainerReader, ContainerWriter, type ContainerCheck } from './container.ts';

export const DELETIONS_KIND = 'DEL1';

export interface Deletions {
  /** Deleted passage ords of the segment, ascending. */
  ords: Uint32Array;
  /** Sum of their token counts. */
  lengthSum: number;
  /** Per term, how many deleted passages contain it. */
  terms: Map<string, number>;
}

export function writeDeletions(file: string, del: Deletions): ContainerCheck {
  const writer = new ContainerWriter(file, DELETIONS_KIND);
  try {
    writer.section('ords', bytesOf(del.ords));
    writer.section('lensum', new Float64Array([del.lengthSum]));
    writer.section('terms', new TextEncoder().encode(JSON.stringify([...del.terms])));
    return writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

export async function readDeletions(file: string, check: ContainerCheck, passages: number): Promise<Deletions> {
  const reader = await ContainerReader.open(file, DELETIONS_KIND, check);
  try {
    const ords = Uint32Array.from(reader.u32('ords'));
    for (let i = 0; i < ords.length; i++) {
      if ((ords[i] ?? 0) >= passages || (i > 0 && (ords[i] ?? 0) <= (ords[i - 1] ?? 0))) throw damaged(file, 'its deleted passages are out of order or range');
    }
    const lengthSum = reader.f64('lensum', 1)[0] ?? 0;
    const parsed: unknown = JSON.parse(Buffer.from(reader.bytes('terms')).toString('utf8'));
    if (!Array.isArray(parsed) || !parsed.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Number.isInteger(e[1]))) {
      throw damaged(file, 'its term counts are malformed');
    }
    return { ords, lengthSum, terms: new Map(parsed as Array<[string, number]>) };
  } finally {
    reader.close();
  }
}

/** A bitset view of deleted ords for filtering in searches. */
export function deletedMask(del: Deletions | null, passages: number): Uint8Array | null {
  if (!del || del.ords.length === 0) return null;
  const mask = new Uint8Array(passages);
  for (const ord of del.ords) mask[ord] = 1;
  return mask;
}
