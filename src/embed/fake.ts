// A deterministic stand-in for a model, for tests of indexing and search. Each text becomes a
// hashed bag of its folded words and character 3-grams, so texts sharing words (or word
// fragments, as Arabic clitics make common: والقاعدة / القاعدة) point the same way, and a query
// that shares words with a passage ranks it high. It knows nothing of meaning or translation.

import { foldText } from '../text/normalize.ts';
import type { Embedder, EmbedderInfo, EmbedProgress } from './embedder.ts';
import { chunk, l2Normalize } from './vectors.ts';

export interface FakeEmbedderOptions {
  /** Vector length; 64 unless given. */
  dimension?: number;
  /** Texts per progress report of embedPassages; 32 unless given. */
  batchSize?: number;
}

/** A fake embedder plus counters, so tests can check how much was (re-)embedded. */
export interface FakeEmbedder extends Embedder {
  readonly stats: { queryTexts: number; passageTexts: number; calls: number };
}

const WORD_WEIGHT = 1;
/** Lower than a whole word: fragments should help recall without outvoting exact words. */
const TRIGRAM_WEIGHT = 0.35;

/** FNV-1a over UTF-16 code units; stable across runs and platforms. */
function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Adds ±weight at a hashed position; the sign (from a second hash) keeps collisions from piling up. */
function addFeature(v: Float32Array, feature: string, weight: number): void {
  const h = fnv1a(feature);
  const idx = h % v.length;
  const sign = fnv1a(feature, 0x9747b28c) & 1 ? 1 : -1;
  v[idx] = (v[idx] ?? 0) + sign * weight;
}

/** The words a text is made of, after the project's folding (diacritics, letter variants, case). */
export function fakeTokens(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function fakeVector(text: string, dimension: number): Float32Array {
  const v = new Float32Array(dimension);
  for (const word of fakeTokens(text)) {
    addFeature(v, `w:${word}`, WORD_WEIGHT);
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) addFeature(v, `g:${padded.slice(i, i + 3)}`, TRIGRAM_WEIGHT);
  }
  return l2Normalize(v);
}

export function createFakeEmbedder(opts: FakeEmbedderOptions = {}): FakeEmbedder {
  const dimension = opts.dimension ?? 64;
  const batchSize = opts.batchSize ?? 32;
  if (!Number.isInteger(dimension) || dimension < 2) {
    throw new RangeError(`fake embedder dimension must be an integer >= 2, got ${dimension}`);
  }
  const info: EmbedderInfo = { provider: 'fake', model: `fake-hash-${dimension}`, queryPrefix: '', passagePrefix: '' };
  const stats = { queryTexts: 0, passageTexts: 0, calls: 0 };
  return {
    info,
    stats,
    dimension: () => Promise.resolve(dimension),
    embedQueries(texts) {
      stats.calls++;
      stats.queryTexts += texts.length;
      return Promise.resolve(texts.map((t) => fakeVector(t, dimension)));
    },
    embedPassages(texts, onProgress?: (p: EmbedProgress) => void) {
      stats.calls++;
      stats.passageTexts += texts.length;
      const out: Float32Array[] = [];
      for (const batch of chunk(texts, batchSize)) {
        for (const t of batch) out.push(fakeVector(t, dimension));
        onProgress?.({ done: out.length, total: texts.length });
      }
      return Promise.resolve(out);
    },
    close: () => Promise.resolve(),
  };
}
