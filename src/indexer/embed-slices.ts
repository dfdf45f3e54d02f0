// Embedding a build's passages without holding the event loop. onnxruntime-node 1.16.3 runs a
// model synchronously and resolves `run` on process.nextTick, so an embedder awaiting one run after
// another never lets timers or I/O in: a server embedding 1,400 passages answered no request (not
// even a ping, nor the reindex call that should have returned after wait_seconds) for a minute and
// a half. Handing the embedder a few texts at a time, with an event-loop turn between, lets
// requests in every SLICE_TARGET_MS or so. The number of texts per call follows the measured cost
// per text, so a fast model (or a remote server) still gets whole batches.
import type { Embedder, EmbedProgress } from '../embed/embedder.ts';
import { nextTurn } from '../util/budget.ts';

/** About how long the embedder may hold the thread before other requests get a turn. */
export const SLICE_TARGET_MS = 200;
/** Most texts handed over at once, so one slice's estimate cannot run away. */
const MAX_SLICE = 256;

/** Texts for the next call: as many as fit the slice at the cost per text measured so far. */
export function nextSliceSize(msPerText: number): number {
  if (!(msPerText > 0)) return MAX_SLICE;
  return Math.max(1, Math.min(MAX_SLICE, Math.floor(SLICE_TARGET_MS / msPerText)));
}

/**
 * `embedder.embedPassages(texts, onProgress)`, in slices with an event-loop turn between them.
 * Vectors are the same: every provider's vector depends only on its text (batch-variant models
 * embed one text per run), so how the texts are grouped into calls changes nothing but the timing.
 */
export async function embedInSlices(embedder: Embedder, texts: readonly string[], onProgress?: (p: EmbedProgress) => void): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  let size = 1;
  while (out.length < texts.length) {
    const slice = texts.slice(out.length, out.length + size);
    const before = out.length;
    const started = performance.now();
    const vectors = await embedder.embedPassages(slice, (p) => onProgress?.({ done: before + p.done, total: texts.length }));
    if (vectors.length !== slice.length) throw new Error(`the embedder returned ${vectors.length} vectors for ${slice.length} passages`);
    out.push(...vectors);
    size = nextSliceSize((performance.now() - started) / slice.length);
    await nextTurn();
  }
  return out;
}
