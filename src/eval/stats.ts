// Order statistics for timings. Benchmarks on a shared two-core machine are noisy, so every
// number is reported as a median with its spread, never as one run or a mean alone.

/** The p-th percentile (0..100) by nearest rank on a sorted copy; NaN for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be between 0 and 100, got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  // Nearest-rank: the smallest value with at least p% of the values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  const mean = n === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / n;
  return {
    n,
    min: n === 0 ? Number.NaN : Math.min(...values),
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: n === 0 ? Number.NaN : Math.max(...values),
    mean,
  };
}

/** Median and the range of repeated measurements of one quantity: "12.3 (11.9–13.0)". */
export function medianSpread(values: readonly number[], digits = 1): string {
  if (values.length === 0) return 'n/a';
  const s = summarize(values);
  return values.length === 1 ? s.p50.toFixed(digits) : `${s.p50.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/** Rounds for JSON output so reports diff cleanly. */
export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
