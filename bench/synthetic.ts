// Synthetic data for the growth benchmark: seeded random unit vectors (the vector part), text
// made by perturbing real paragraphs (the lexical part), and exact nearest neighbours to measure
// HNSW recall against. Seeded, so two runs build the same corpus.

/** mulberry32: a small, fast, seeded PRNG; plenty for benchmark data. Returns [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box–Muller. */
function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

/**
 * `n` unit vectors of `dim` components in one flat buffer (row i at i*dim), and a view per row.
 * `uniform`: directions uniform on the sphere, the hardest case for HNSW (no structure at all).
 * `clustered`: points scattered around n/100 random centres, closer to how text embeddings
 * bunch by topic; `spread` is the noise scale relative to the centre (unit) vector.
 */
export function unitVectors(
  n: number,
  dim: number,
  seed: number,
  kind: 'uniform' | 'clustered' = 'uniform',
  spread = 0.8,
): { flat: Float32Array; rows: Float32Array[] } {
  const rand = prng(seed);
  const normal = gaussian(rand);
  const flat = new Float32Array(n * dim);
  let centres: Float32Array | null = null;
  let nCentres = 0;
  if (kind === 'clustered') {
    nCentres = Math.max(1, Math.round(n / 100));
    centres = new Float32Array(nCentres * dim);
    for (let c = 0; c < nCentres; c++) fillUnit(centres.subarray(c * dim, (c + 1) * dim), normal);
  }
  const noiseScale = spread / Math.sqrt(dim);
  for (let i = 0; i < n; i++) {
    const row = flat.subarray(i * dim, (i + 1) * dim);
    if (centres) {
      const c = Math.floor(rand() * nCentres);
      for (let j = 0; j < dim; j++) row[j] = (centres[c * dim + j] ?? 0) + noiseScale * normal();
      normalize(row);
    } else {
      fillUnit(row, normal);
    }
  }
  const rows: Float32Array[] = [];
  for (let i = 0; i < n; i++) rows.push(flat.subarray(i * dim, (i + 1) * dim));
  return { flat, rows };
}

function fillUnit(row: Float32Array, normal: () => number): void {
  for (let j = 0; j < row.length; j++) row[j] = normal();
  normalize(row);
}

function normalize(row: Float32Array): void {
  let s = 0;
  for (let j = 0; j < row.length; j++) s += (row[j] ?? 0) ** 2;
  const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
  for (let j = 0; j < row.length; j++) row[j] = (row[j] ?? 0) * inv;
}

/**
 * Exact top-k by inner product (= cosine for unit vectors) over the flat buffer, best first,
 * ties by lower index: the ground truth HNSW recall is measured against.
 */
export function exactTopK(flat: Float32Array, dim: number, query: Float32Array, k: number): number[] {
  const n = flat.length / dim;
  const ids: number[] = [];
  const scores: number[] = [];
  let worst = -Infinity;
  for (let i = 0; i < n; i++) {
    let s = 0;
    const base = i * dim;
    for (let j = 0; j < dim; j++) s += (flat[base + j] ?? 0) * (query[j] ?? 0);
    if (ids.length < k || s > worst) {
      // Insertion into a short sorted list: k is 10, so this beats a heap.
      let pos = ids.length;
      while (pos > 0 && (scores[pos - 1] ?? 0) < s) pos--;
      ids.splice(pos, 0, i);
      scores.splice(pos, 0, s);
      if (ids.length > k) {
        ids.pop();
        scores.pop();
      }
      worst = ids.length === k ? (scores[k - 1] ?? -Infinity) : -Infinity;
    }
  }
  return ids;
}

/** Share of the true top-k found in the approximate top-k, averaged over queries. */
export function recallAtK(approx: readonly (readonly number[])[], exact: readonly (readonly number[])[], k: number): number {
  if (approx.length !== exact.length) throw new Error(`recall needs one exact list per query: ${approx.length} vs ${exact.length}`);
  if (exact.length === 0) return Number.NaN;
  let found = 0;
  exact.forEach((truth, q) => {
    const got = new Set((approx[q] ?? []).slice(0, k));
    for (const id of truth.slice(0, k)) if (got.has(id)) found++;
  });
  return found / (exact.length * k);
}

/**
 * Synthetic paragraph texts from real ones: each copies a base paragraph, replaces a share of
 * its words with words from a synthetic vocabulary that grows with the corpus (as real
 * vocabularies do) and drops a few, so postings lists are not exact copies of one another.
 */
export function perturbedTexts(base: readonly string[], n: number, seed: number, replaceShare = 0.3): string[] {
  if (base.length === 0) throw new Error('perturbedTexts needs at least one base paragraph');
  const rand = prng(seed);
  const words = base.map((t) => t.split(/\s+/).filter(Boolean));
  // Vocabulary size by Heaps' law (K·n^0.5), Zipf-like draws from it.
  const vocab = Math.max(1000, Math.round(40 * Math.sqrt(n * 60)));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const src = words[Math.floor(rand() * words.length)] ?? [];
    const kept: string[] = [];
    for (const w of src) {
      const r = rand();
      if (r < 0.05) continue;
      if (r < 0.05 + replaceShare) kept.push(syntheticWord(Math.floor(vocab ** rand())));
      else kept.push(w);
    }
    out.push(kept.join(' '));
  }
  return out;
}

const LETTERS = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي';

/** A pronounceable-looking Arabic-script word per id, so the tokenizer treats it like a word. */
function syntheticWord(id: number): string {
  let s = '';
  let x = id + 1;
  while (x > 0) {
    s += LETTERS[x % LETTERS.length];
    x = Math.floor(x / LETTERS.length);
  }
  return s.length < 3 ? s + 'ات' : s;
}

/**
 * Unit vectors that vary along only `intrinsic` random directions of the `dim`-dimensional
 * space (plus a little isotropic noise): a stand-in for text embeddings, whose intrinsic
 * dimension is far below their length. Measure it on real vectors with `twoNN`.
 */
export function subspaceVectors(
  n: number,
  dim: number,
  intrinsic: number,
  seed: number,
  opts: { noise?: number; meanWeight?: number } = {},
): { flat: Float32Array; rows: Float32Array[] } {
  const noise = opts.noise ?? 0.05;
  // 1.9 puts the cosine of unrelated vectors near 0.78, as measured on multilingual-e5-small.
  const meanWeight = opts.meanWeight ?? 1.9;
  const rand = prng(seed);
  const normal = gaussian(rand);
  const basis = new Float32Array(intrinsic * dim);
  // Basis directions and z of about unit length: the varying part has norm ~1 next to the
  // shared mean direction of norm meanWeight.
  for (let i = 0; i < basis.length; i++) basis[i] = normal() / Math.sqrt(dim);
  // A shared offset, as real embeddings share a mean direction (their cosines are all positive).
  const mean = new Float32Array(dim);
  fillUnit(mean, normal);
  const flat = new Float32Array(n * dim);
  const z = new Float32Array(intrinsic);
  for (let i = 0; i < n; i++) {
    const row = flat.subarray(i * dim, (i + 1) * dim);
    for (let a = 0; a < intrinsic; a++) z[a] = normal() / Math.sqrt(intrinsic);
    for (let j = 0; j < dim; j++) {
      let s = meanWeight * (mean[j] ?? 0) + (noise * normal()) / Math.sqrt(dim);
      for (let a = 0; a < intrinsic; a++) s += (z[a] ?? 0) * (basis[a * dim + j] ?? 0);
      row[j] = s;
    }
    normalize(row);
  }
  const rows: Float32Array[] = [];
  for (let i = 0; i < n; i++) rows.push(flat.subarray(i * dim, (i + 1) * dim));
  return { flat, rows };
}

/**
 * Intrinsic dimension by TwoNN (Facco et al. 2017): from each point's distances to its first and
 * second nearest neighbours, d = N / Σ ln(r2 / r1). Exact neighbours; O(N²·dim), for N ≤ ~10k.
 */
export function twoNN(flat: Float32Array, dim: number): number {
  const n = flat.length / dim;
  let sum = 0;
  let used = 0;
  for (let i = 0; i < n; i++) {
    let d1 = Infinity;
    let d2 = Infinity;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += (flat[i * dim + k] ?? 0) * (flat[j * dim + k] ?? 0);
      const d = Math.sqrt(Math.max(0, 2 - 2 * dot));
      if (d < d1) {
        d2 = d1;
        d1 = d;
      } else if (d < d2) {
        d2 = d;
      }
    }
    // Duplicates (d1 = 0) carry no scale information.
    if (d1 > 1e-6 && Number.isFinite(d2)) {
      sum += Math.log(d2 / d1);
      used++;
    }
  }
  return used / sum;
}
