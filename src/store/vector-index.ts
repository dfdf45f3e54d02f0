// A thin wrapper over hnswlib-node: labels are passage ordinals, scores are cosine similarities.
// hnswlib reads its file without validation, so callers verify the file's checksum first
// (a truncated graph file can crash the process inside the native code).
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
    const hnsw = new HierarchicalNSW('cosine', dimension);
    // hnswlib refuses an index of capacity 0; an empty corpus still gets a valid (empty) graph.
    hnsw.initIndex({ maxElements: Math.max(1, vectors.length), m: params.m, efConstruction: params.efConstruction, randomSeed: 100 });
    vectors.forEach((v, ord) => {
      if (v.length !== dimension) throw new Error(`vector ${ord} has ${v.length} dimensions, expected ${dimension}`);
      hnsw.addPoint(Array.from(v), ord);
    });
    hnsw.setEf(params.efSearch);
    return new VectorIndex(hnsw, dimension, vectors.length, params);
  }

  static load(file: string, dimension: number, size: number, params: HnswParams): VectorIndex {
    const hnsw = new HierarchicalNSW('cosine', dimension);
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

  /** Nearest passages to `query`, best first. `accept` filters by ordinal inside the graph walk. */
  search(query: Float32Array, k: number, accept?: (ord: number) => boolean, ef?: number): VectorHit[] {
    if (query.length !== this.dimension) {
      throw new RangeError(`a ${query.length}-dimensional query cannot search ${this.dimension}-dimensional vectors; the index was built with another model`);
    }
    const n = Math.min(k, this.size);
    if (n <= 0) return [];
    // ef must be at least k for hnswlib to return k results.
    this.hnsw.setEf(Math.max(ef ?? this.params.efSearch, n));
    const res = accept
      ? this.hnsw.searchKnn(Array.from(query), n, accept)
      : this.hnsw.searchKnn(Array.from(query), n);
    const hits = res.neighbors.map((ord, i) => ({ ord, score: 1 - (res.distances[i] ?? 1) }));
    // hnswlib returns closest first already; sort again to make ties deterministic by ordinal.
    return hits.sort((a, b) => b.score - a.score || a.ord - b.ord);
  }

  vector(ord: number): Float32Array {
    return Float32Array.from(this.hnsw.getPoint(ord));
  }
}
