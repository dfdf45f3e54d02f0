// Small vector helpers shared by the providers.

/** Tolerance on |v| before a vector is renormalised; q8 models drift by ~1e-4 after pooling. */
const NORM_TOLERANCE = 1e-3;

/**
 * Returns `v` scaled to unit length (in place when it needs it). Callers compare vectors by dot
 * product, which is the cosine only for unit vectors, so every provider funnels through here.
 * An all-zero vector stays zero: there is no direction to keep, and its dot product with
 * anything is 0, which ranks it last instead of producing NaN.
 */
export function l2Normalize(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const norm = Math.sqrt(sum);
  if (norm === 0 || !Number.isFinite(norm) || Math.abs(norm - 1) <= NORM_TOLERANCE) return v;
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}

/** Dot product; the cosine similarity for unit vectors. */
export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`vector lengths differ (${a.length} vs ${b.length}); were they made by the same model?`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}

/** Splits `items` into consecutive slices of at most `size` (size >= 1). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a positive integer, got ${size}`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** First line of an error's message, trimmed to a length that fits in one log line. */
export function oneLine(err: unknown, max = 300): string {
  const raw = err instanceof Error ? err.message : String(err);
  const first = raw.split(/\r?\n/).find((l) => l.trim() !== '') ?? raw;
  // Trailing periods go: callers end the sentence themselves.
  const line = first.trim().replace(/[.\s]+$/, '');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
