// Worker-thread entry: writes one segment (src/store/segment-writer.ts) and reports its checksums.
// Started by segment-builds.ts; nothing here runs unless this file is loaded as a worker.
import { parentPort, workerData } from 'node:worker_threads';
import { writeSegment } from '../store/segment-writer.ts';
import type { SegmentJob } from './segment-builds.ts';

const job = workerData as SegmentJob;
try {
  const { flat, dimension } = job;
  const vectors = flat && dimension ? Array.from({ length: job.input.passages.length }, (_, i) => flat.subarray(i * dimension, (i + 1) * dimension)) : null;
  const written = writeSegment(job.dir, job.name, { ...job.input, vectors });
  parentPort?.postMessage({ ok: true, written });
} catch (err) {
  parentPort?.postMessage({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
