// Pooling as the feature-extraction pipeline does it, for the direct onnxruntime-node path.

/** Mean over unmasked tokens, then L2 norm: what the pipeline's pooling:'mean', normalize:true does. */
export function meanPoolNormalize(hidden: Float32Array, dims: readonly number[], mask: BigInt64Array): Float32Array[] {
  const [batch = 0, seq = 0, width = 0] = dims;
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(width);
    let count = 0;
    for (let t = 0; t < seq; t++) {
      if (mask[b * seq + t] === 0n) continue;
      count++;
      const base = (b * seq + t) * width;
      for (let j = 0; j < width; j++) v[j] = (v[j] ?? 0) + (hidden[base + j] ?? 0);
    }
    let norm = 0;
    for (let j = 0; j < width; j++) {
      v[j] = (v[j] ?? 0) / Math.max(1, count);
      norm += (v[j] ?? 0) ** 2;
    }
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < width; j++) v[j] = (v[j] ?? 0) * inv;
    out.push(v);
  }
  return out;
}
