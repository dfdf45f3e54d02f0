// Writing new segments: a small one right here, large ones in worker threads, one per core, so a
// full build of a large corpus inserts into several HNSW graphs at once and a server's event loop
// never stalls behind a graph build.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { HnswParams } from '../store/manifest.ts';
import type { SegmentInput, WrittenSegment } from '../store/segment-writer.ts';
import type { DocumentMeta, StoredPassage } from '../types.ts';
import { writeSegment } from '../store/segment-writer.ts';

/** Below this many passages a segment is written on the calling thread (a worker costs a start-up). */
export const INLINE_PASSAGES = 2_000;
/** A full build splits into one segment per core only when each part gets at least this many passages. */
export const PARALLEL_PART = 20_000;
/**
 * Largest segment a build writes at once. HNSW insertion slows as a graph grows (the searches
 * made while inserting get longer and leave the CPU caches), so four graphs of 250k cost less in
 * total than two of 500k, at the price of one more graph to search per extra segment.
 */
export const MAX_PART = 250_000;

export interface SegmentJob {
  dir: string;
  name: string;
  input: Omit<SegmentInput, 'vectors'>;
  /** All vectors of the segment in one transferable buffer, `dimension` floats each. */
  flat: Float32Array | null;
  dimension: number | null;
}

export interface SegmentPlan {
  name: string;
  input: SegmentInput;
}

/**
 * Writes the segments (in parallel where they are large) and returns their checksums, in order.
 * `inlineBelow`: segments with fewer passages are written on this thread (tests set it to 0).
 */
export async function writeSegments(dir: string, plans: readonly SegmentPlan[], opts: { inlineBelow?: number } = {}): Promise<WrittenSegment[]> {
  const inlineBelow = opts.inlineBelow ?? INLINE_PASSAGES;
  const out: WrittenSegment[] = new Array(plans.length);
  // At most one worker per core: more would only share the cores and multiply the memory.
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < plans.length; i = next++) {
      const plan = plans[i];
      if (!plan) continue;
      out[i] = plan.input.passages.length < inlineBelow ? writeSegment(dir, plan.name, plan.input) : await inWorker(dir, plan);
    }
  };
  await Promise.all(Array.from({ length: Math.min(plans.length, availableParallelism()) }, lane));
  return out;
}

/** How many segments a set of new passages is cut into: one per core when each part is large, more when parts would exceed MAX_PART. */
export function partsFor(passages: number): number {
  const perCore = Math.max(1, Math.min(availableParallelism(), Math.floor(passages / PARALLEL_PART)));
  return Math.max(perCore, Math.ceil(passages / MAX_PART));
}

/**
 * New documents (sorted by id) and their passages (grouped the same way) as segments: one, or one
 * per core when there are many passages to insert, cut at document boundaries into near-equal parts.
 */
export function planSegments(
  documents: readonly DocumentMeta[],
  passages: readonly StoredPassage[],
  vectors: Float32Array[] | null,
  hnsw: HnswParams | null,
  dimension: number | null,
  nextName: () => string,
): SegmentPlan[] {
  if (documents.length === 0) return [];
  const counts = new Map<string, number>();
  for (const p of passages) counts.set(p.docId, (counts.get(p.docId) ?? 0) + 1);
  const parts = Math.min(documents.length, partsFor(passages.length));
  const plans: SegmentPlan[] = [];
  let d = 0;
  let p = 0;
  for (let part = 0; part < parts; part++) {
    const target = Math.round(((part + 1) * passages.length) / parts);
    const docs: DocumentMeta[] = [];
    const from = p;
    while (d < documents.length && (p < target || docs.length === 0 || part === parts - 1)) {
      const doc = documents[d++];
      if (!doc) break;
      docs.push(doc);
      p += counts.get(doc.id) ?? 0;
    }
    plans.push({
      name: nextName(),
      input: { documents: docs, passages: passages.slice(from, p), vectors: vectors ? vectors.slice(from, p) : null, hnsw, dimension },
    });
  }
  return plans;
}

function inWorker(dir: string, plan: SegmentPlan): Promise<WrittenSegment> {
  const { vectors, ...rest } = plan.input;
  const dimension = rest.dimension;
  let flat: Float32Array | null = null;
  if (vectors && dimension) {
    flat = new Float32Array(vectors.length * dimension);
    vectors.forEach((v, i) => flat?.set(v, i * dimension));
  }
  const job: SegmentJob = { dir, name: plan.name, input: rest, flat, dimension };
  // From a checkout the sources run through tsx (see bin/sanad.js), so the worker registers it
  // before importing its entry; the published package runs the compiled JavaScript as is.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSource ? './segment-worker.ts' : './segment-worker.js', import.meta.url).href;
  const code = fromSource
    ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`
    : `import(${JSON.stringify(entry)});`;
  return new Promise<WrittenSegment>((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: job, transferList: flat ? [flat.buffer as ArrayBuffer] : [] });
    let settled = false;
    worker.once('message', (msg: { ok: true; written: WrittenSegment } | { ok: false; error: string }) => {
      settled = true;
      if (msg.ok) resolve(msg.written);
      else reject(new Error(`building segment ${plan.name} failed: ${msg.error}`));
    });
    worker.once('error', (err) => {
      settled = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the worker building segment ${plan.name} exited with code ${code}`));
    });
  });
}
