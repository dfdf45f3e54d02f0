// The archive-sized corpus of the scale benchmark: N passages as N/10 article files in a folder
// (real seed paragraphs perturbed, see ../synthetic.ts), and an embedder that gives each passage a
// precomputed-like vector at no model cost while naming the real model, so a server started on
// the index embeds its queries with the real model.
import { createHash } from 'node:crypto';
import { appendFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Embedder } from '../../src/embed/embedder.ts';
import type { EmbeddingSpace } from '../../src/store/manifest.ts';
import { perturbedTexts, prng } from '../synthetic.ts';

export const PER_FILE = 10;

/** Writes `n` passages as articles `a/0000123.txt` (a title line, then one paragraph per line). */
export async function writeSyntheticCorpus(dir: string, n: number, baseTexts: readonly string[], seed = 11): Promise<number> {
  const texts = perturbedTexts(baseTexts, n, seed);
  let files = 0;
  for (let i = 0; i < texts.length; i += PER_FILE) {
    const id = i / PER_FILE;
    // 1,000 files per folder: large flat folders slow every file system call down.
    const folder = path.join(dir, String(Math.floor(id / 1000)).padStart(4, '0'));
    if (id % 1000 === 0) await mkdir(folder, { recursive: true });
    const body = texts.slice(i, i + PER_FILE).join('\n');
    await writeFile(path.join(folder, `${String(id).padStart(7, '0')}.txt`), `خبر رقم ${id}\n${body}\n`);
    files++;
  }
  return files;
}

/**
 * Vectors from a fixed 16-dimensional subspace (as in ../synthetic.ts, intrinsic dimension near
 * that of real text embeddings), chosen by a hash of the text: the same text always gets the same
 * vector, like a cache of precomputed embeddings.
 */
export function precomputedEmbedder(space: EmbeddingSpace, intrinsic = 16, seed = 7): Embedder {
  const dim = space.dimension;
  const rand = prng(seed);
  const gauss = () => {
    const u = Math.max(rand(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
  const basis = Float32Array.from({ length: intrinsic * dim }, () => gauss() / Math.sqrt(dim));
  const mean = Float32Array.from({ length: dim }, () => gauss());
  const meanNorm = Math.hypot(...mean);
  for (let j = 0; j < dim; j++) mean[j] = ((mean[j] ?? 0) / meanNorm) * 1.9;
  const vectorOf = (text: string): Float32Array => {
    const h = createHash('sha256').update(text).digest();
    const r = prng(h.readUInt32LE(0) ^ h.readUInt32LE(4));
    const z = Float32Array.from({ length: intrinsic }, () => (r() * 2 - 1) * Math.sqrt(3 / intrinsic));
    const v = new Float32Array(dim);
    let norm = 0;
    for (let j = 0; j < dim; j++) {
      let s = mean[j] ?? 0;
      for (let a = 0; a < intrinsic; a++) s += (z[a] ?? 0) * (basis[a * dim + j] ?? 0);
      v[j] = s;
      norm += s * s;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < dim; j++) v[j] = (v[j] ?? 0) * scale;
    return v;
  };
  const { dimension: _d, baseUrl: _b, location, ...rest } = space;
  return {
    info: { ...rest, ...(location ? { location } : {}) },
    dimension: async () => dim,
    embedQueries: async (texts) => texts.map(vectorOf),
    embedPassages: async (texts, onProgress) => {
      const out = texts.map(vectorOf);
      onProgress?.({ done: texts.length, total: texts.length });
      return out;
    },
  };
}

/**
 * The article the "one changed file" measurements change (always the same one), and a function
 * that appends a new paragraph to it, marked with `tag` so every edit changes its hash.
 */
export async function articleToEdit(corpusDir: string): Promise<(tag: string | number) => Promise<void>> {
  const folder = path.join(corpusDir, (await readdir(corpusDir)).sort()[0] ?? '');
  const file = path.join(folder, (await readdir(folder)).sort()[3] ?? '');
  return (tag) => appendFile(file, `فقرة جديدة رقم ${tag} أضيفت للقياس.\n`);
}
