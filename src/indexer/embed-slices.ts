// Embedding a build's passages without holding the event loop. onnxruntime-node 1.16.3 runs a
// model synchronously and resolves `run` on process.nextTick, so an embedder awaiting one run after
// another never lets timers or I/O in: a server embedding 1,400 passages answered no request (not
// even a ping, nor the reindex call that should have returned after wait_seconds) for a minute and
// a half. Handing the embedder a few texts at a time, with an event-loop turn between, lets
// requests in every SLICE_TARGET_MS or so. The texts per call follow the measured cost per
// character, so a fast model (or a remote server) still gets whole batches.
import type { Embedder, EmbedProgress } from '../embed/embedder.ts';
import { nextTurn } from '../util/budget.ts';

/** About how long the embedder may hold the thread before other requests get a turn. */
export const SLICE_TARGET_MS = 200;
/** Most texts handed over at once, so one slice's estimate cannot run away. */
const MAX_SLICE = 256;

/**
 * How many of `texts`, from `from`, fit the next slice at `msPerChar` (measured on the previous
 * slice): at least one, at most MAX_SLICE. Counted in characters, because a text's cost follows its
 * length: sized per text, a slice after short texts overshot (628 ms for a 200 ms target).
 */
export function nextSliceSize(texts: readonly string[], from: number, msPerChar: number): number {
  const budget = msPerChar > 0 ? SLICE_TARGET_MS / msPerChar : Infinity;
  let n = 0;
  let chars = 0;
  while (from + n < texts.length && n < MAX_SLICE) {
    chars += texts[from + n]?.length ?? 0;
    if (n > 0 && chars > budget) break;
    n++;
  }
  return Math.max(1, n);
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
    const chars = slice.reduce((n, t) => n + t.length, 0);
    size = nextSliceSize(texts, out.length, (performance.now() - started) / Math.max(1, chars));
    await nextTurn();
  }
  return out;
}
