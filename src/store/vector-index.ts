// A thin wrapper over hnswlib-node: labels are passage ordinals, scores are cosine similarities.
// hnswlib reads its file without validation, so callers verify the file's checksum first
// (a truncated graph file can crash the process inside the native code).
//
// Cosine is computed as the inner product of unit vectors that this module normalises itself
// (hnswlib's "ip" space), not by hnswlib's "cosine" space, which normalises every vector it is
// given: re-normalising a stored vector when it moves to another segment (a merge, a rebuild that
// reuses it) could change its last bits, and rankings must not depend on where a vector lives.
import hnswlib from 'hnswlib-node';
import type { HnswParams } from './manifest.ts';

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

export const DEFAULT_HNSW: HnswParams = { space: 'cosine', m: 16, efConstruction: 200, efSearch: 100 };

export interface VectorHit {
  ord: number;
  score: number;
}

export class VectorIndex {
  private constructor(
    private readonly hnsw: Hnsw,
    readonly dimension: number,
    readonly size: number,
    readonly params: HnswParams,
  ) {}

  static build(dimension: number, vectors: readonly Float32Array[], params: HnswParams = DEFAULT_HNSW): VectorIndex {
    const hnsw = new HierarchicalNSW('ip', dimension);
    // hnswlib refuses an index of capacity 0; an empty corpus still gets a valid (empty) graph.
    hnsw.initIndex({ maxElements: Math.max(1, vectors.length), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
    vectors.forEach((v, ord) => {
      if (v.length !== dimension) throw new Error(`vector ${ord} has ${v.length} dimensions, expected ${dimension}`);
      hnsw.addPoint(Array.from(unit(v)), ord);
    });
    hnsw.setEf(params.efSearch);
    return new VectorIndex(hnsw, dimension, vectors.length, params);
  }

  static load(file: string, dimension: number, size: number, params: HnswParams): VectorIndex {
    const hnsw = new HierarchicalNSW('ip', dimension);
    hnsw.readIndexSync(file);
    if (hnsw.getCurrentCount() !== size) {
      throw new Error(`${file} holds ${hnsw.getCurrentCount()} vectors but the manifest lists ${size} passages`);
    }
    hnsw.setEf(params.efSearch);
    return new VectorIndex(hnsw, dimension, size, params);
  }

  save(file: string): void {
    this.hnsw.writeIndexSync(file);
  }

  /**
   * Nearest passages to `query`, best first, ties by ordinal. `accept` filters by ordinal inside
   * the graph walk. Passages tied with the k-th are all fetched before the cut, so which of equal
   * vectors (reprints of one paragraph) make the list never depends on the graph's layout.
   */
  search(query: Float32Array, k: number, accept?: (ord: number) => boolean, ef?: number): VectorHit[] {
    if (query.length !== this.dimension) {
      throw new RangeError(`a ${query.length}-dimensional query cannot search ${this.dimension}-dimensional vectors; the index was built with another model`);
    }
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    const q = Array.from(unit(query));
    let want = n;
    for (;;) {
      // ef must be at least the number asked for, for hnswlib to return that many.
      this.hnsw.setEf(Math.max(ef ?? this.params.efSearch, want));
      const res = accept ? this.hnsw.searchKnn(q, want, accept) : this.hnsw.searchKnn(q, want);
      const hits = res.neighbors.map((ord, i) => ({ ord, score: 1 - (res.distances[i] ?? 1) })).sort((a, b) => b.score - a.score || a.ord - b.ord);
      const kth = hits[n - 1]?.score;
      const last = hits.at(-1)?.score;
      if (hits.length < want || want >= this.size || kth === undefined || last === undefined || last < kth) return hits.slice(0, n);
      want = Math.min(this.size, want * 2);
    }
  }

  /** The stored (unit) vector of a passage, bit for bit as it was inserted. */
  vector(ord: number): Float32Array {
    return Float32Array.from(this.hnsw.getPoint(ord));
  }
}

/**
 * The vector scaled to unit length, or the vector itself when it already is one (to float32
 * precision): normalising twice must not move a vector, so a stored vector reinserted elsewhere
 * stays bit-identical.
 */
export function unit(v: Float32Array): Float32Array {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] ?? 0) ** 2;
  if (sum === 0 || Math.abs(sum - 1) < 1e-5) return v;
  const scale = 1 / Math.sqrt(sum);
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] ?? 0) * scale;
  return out;
}
