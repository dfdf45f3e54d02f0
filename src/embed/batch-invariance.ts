// Whether a model gives a text the same vector whatever else is in its batch. A float model does
// (padding is masked out: measured difference 0 for multilingual-e5-small fp32). An int8 model
// with dynamic activation quantization does not: each batch's activations share one scale, so a
// text's vector moves with its batch-mates — up to 0.015 per component for multilingual-e5-small
// q8, enough to reorder the top 10 of 14 of 16 corpus questions between an index embedded in
// batches of 16 and the same corpus embedded one text at a time. With such a model a vector would
// depend on the build's history (which passages happened to be new together) and a query's on the
// variants sent with it, so rankings would change with nothing in the corpus changing. Measured
// once per loaded model, not assumed from its dtype.

/** Largest component difference still counted as the same vector (float rounding of the pooling). */
const SAME = 1e-6;

/** Texts of different lengths, so that batching them pads one and shares activations with the other. */
export const PROBE_TEXTS = ['batch probe', 'a longer second text that makes the batch pad the first one and share its activations'] as const;

/** True when `run([a])` and `run([a, b])[0]` (and likewise for b) give the same vectors. */
export async function isBatchInvariant(run: (texts: string[]) => Promise<Float32Array[]>): Promise<boolean> {
  const [a, b] = PROBE_TEXTS;
  const [alone] = await run([a]);
  const [otherAlone] = await run([b]);
  const [together, other] = await run([a, b]);
  return maxDiff(alone, together) <= SAME && maxDiff(otherAlone, other) <= SAME;
}

function maxDiff(x: Float32Array | undefined, y: Float32Array | undefined): number {
  if (!x || !y || x.length !== y.length) return Infinity;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs((x[i] ?? 0) - (y[i] ?? 0)));
  return m;
}
