// Ranking lab, shared pieces: loads the pools and query vectors that prepare.ts cached and scores
// rankings. Similarities are exact (brute force) and BM25 lists complete: the pools are small, so
// every variant sees the whole score distribution and nothing depends on HNSW recall.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface LabPassage {
  ord: number;
  id: string;
  docId: string;
  lang: string;
  kind: string;
  text: string;
  vec: Float32Array;
}
export interface LabPool {
  name: string;
  passages: LabPassage[];
  /** For passage-set pools: index document id → the set's passage id (gold ids name those). */
  poolIdOfDoc: Map<string, string>;
}
export interface LabQuery {
  id: string;
  lang: string;
  query: string;
  gold: string[];
  xlang?: boolean;
  vec: Float32Array;
}
export interface LabSet {
  name: string;
  pool: LabPool;
  queries: LabQuery[];
}
/** A query set and the pool it runs on: `NAME=QUERIES.jsonl@POOL`. */
export interface SetSpec {
  name: string;
  file: string;
  pool: string;
}

export function parseSetSpec(spec: string): SetSpec {
  const m = /^([^=]+)=(.+)@([a-z]+)$/u.exec(spec);
  if (!m) throw new Error(`expected NAME=QUERIES.jsonl@POOL, got ${spec}`);
  return { name: m[1] as string, file: m[2] as string, pool: m[3] as string };
}

/** Every cached set; a set over a one-language dev pool also runs on the mixed pool, as `mixed:NAME`. */
export function loadLab(dir: string): LabSet[] {
  const pools = new Map<string, LabPool>();
  const pool = (name: string): LabPool => {
    let p = pools.get(name);
    if (!p) {
      const raw = JSON.parse(readFileSync(path.join(dir, `pool-${name}.json`), 'utf8')) as {
        passages: Array<Omit<LabPassage, 'vec' | 'ord'>>;
        vectors: number[][];
        poolIdOfDoc: Record<string, string>;
      };
      p = {
        name,
        passages: raw.passages.map((x, ord) => ({ ...x, ord, vec: Float32Array.from(raw.vectors[ord] ?? []) })),
        poolIdOfDoc: new Map(Object.entries(raw.poolIdOfDoc)),
      };
      pools.set(name, p);
    }
    return p;
  };
  const vectors = JSON.parse(readFileSync(path.join(dir, 'query-vectors.json'), 'utf8')) as Record<string, number[]>;
  const specs = (JSON.parse(readFileSync(path.join(dir, 'sets.json'), 'utf8')) as string[]).map(parseSetSpec);
  const sets: LabSet[] = [];
  for (const spec of specs) {
    const raw = readFileSync(spec.file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as Omit<LabQuery, 'vec'>);
    const queries = raw.map((q) => {
      const v = vectors[q.query];
      if (!v) throw new Error(`no vector for ${q.id}: run prepare.ts with this set`);
      return { ...q, vec: Float32Array.from(v) };
    });
    sets.push({ name: spec.name, pool: pool(spec.pool), queries });
    if (spec.pool === 'xquad' || spec.pool === 'pqa') sets.push({ name: `mixed:${spec.name}`, pool: pool('mixed'), queries });
  }
  return sets;
}

/** 1-based rank of the first hit that credits a gold id (document-level for passage sets), 0 if none in the first 10. */
export function firstGoldRank(set: LabSet, q: LabQuery, ranked: readonly LabPassage[]): number {
  const gold = new Set(q.gold);
  const isPassageSet = set.pool.poolIdOfDoc.size > 0;
  for (let i = 0; i < Math.min(10, ranked.length); i++) {
    const p = ranked[i] as LabPassage;
    if (isPassageSet) {
      if (gold.has(set.pool.poolIdOfDoc.get(p.docId) ?? '')) return i + 1;
    } else if (q.gold.some((g) => p.id === g || p.id.startsWith(`${g}.`) || p.docId === g)) return i + 1;
  }
  return 0;
}

export interface Metrics {
  n: number;
  r1: number;
  r5: number;
  r10: number;
  mrr: number;
}
export function metrics(ranks: number[]): Metrics {
  const n = ranks.length;
  const at = (k: number) => ranks.filter((r) => r >= 1 && r <= k).length / n;
  return { n, r1: at(1), r5: at(5), r10: at(10), mrr: ranks.reduce((a, r) => a + (r >= 1 && r <= 10 ? 1 / r : 0), 0) / n };
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[i] ?? 0);
  return s;
}
