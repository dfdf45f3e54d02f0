// Per-language statistics of the normalised passage vectors (count, Σv, Σvvᵀ), kept in one record
// of the collection and updated by every reindex: added for new passages, subtracted for removed
// ones, so they never need a pass over millions of vectors. Stored as base64 float64.
import type { Lang } from '../../types.ts';
import type { LanguageVectorStats, VectorStats } from '../backend.ts';
import type { SolrClient } from './client.ts';
import { termQuery } from './records.ts';

export const VECTOR_STATS_ID = 'sanad:vector-stats';

interface StoredStats {
  dimension: number;
  languages: Partial<Record<Lang, { count: number; sum: string; outer: string }>>;
}

export function emptyStats(dimension: number): VectorStats {
  return { dimension, languages: {} };
}

/** Adds (`sign` 1) or subtracts (`sign` -1) one passage vector, normalised, to its language's stats. */
export function accumulate(stats: VectorStats, lang: Lang, vector: Float32Array, sign: 1 | -1): void {
  const dim = stats.dimension;
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += (vector[i] ?? 0) ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const s = (stats.languages[lang] ??= { count: 0, sum: new Float64Array(dim), outer: new Float64Array(dim * dim) });
  s.count += sign;
  for (let i = 0; i < dim; i++) {
    const vi = (vector[i] ?? 0) * scale;
    s.sum[i] = (s.sum[i] ?? 0) + sign * vi;
    const row = i * dim;
    for (let j = 0; j < dim; j++) s.outer[row + j] = (s.outer[row + j] ?? 0) + sign * vi * (vector[j] ?? 0) * scale;
  }
  if (s.count === 0) delete stats.languages[lang];
}

export function statsRecord(stats: VectorStats): Record<string, unknown> {
  const languages: StoredStats['languages'] = {};
  for (const [lang, s] of Object.entries(stats.languages) as Array<[Lang, LanguageVectorStats]>) {
    languages[lang] = { count: s.count, sum: encode(s.sum), outer: encode(s.outer) };
  }
  return { id: VECTOR_STATS_ID, type: 'stats', stats: JSON.stringify({ dimension: stats.dimension, languages } satisfies StoredStats) };
}

export async function readVectorStats(client: SolrClient, collection: string, dimension: number): Promise<VectorStats> {
  const res = await client.request<{ response?: { docs?: Array<{ stats?: string }> } }>(`${collection}/select`, {
    params: { q: termQuery('id', VECTOR_STATS_ID), fl: 'stats', rows: 1 },
  });
  const raw = res.response?.docs?.[0]?.stats;
  if (!raw) return emptyStats(dimension);
  const stored = JSON.parse(raw) as StoredStats;
  const out = emptyStats(stored.dimension);
  for (const [lang, s] of Object.entries(stored.languages) as Array<[Lang, { count: number; sum: string; outer: string }]>) {
    out.languages[lang] = { count: s.count, sum: decode(s.sum), outer: decode(s.outer) };
  }
  return out;
}

function encode(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function decode(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float64Array(copy.buffer);
}
