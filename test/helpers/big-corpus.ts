// A corpus of thousands of articles for the hostile tests and the latency benchmark: real Arabic
// and Persian paragraphs (the shipped articles, or any folder and paragraph files given), each
// article a title and a few paragraphs drawn and perturbed with a seeded generator, under
// nested folders with realistic file names. Same seed, same corpus.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { perturbedTexts, prng } from '../../bench/synthetic.ts';
import { ingestCorpus } from '../../src/corpus/ingest.ts';

export interface BigCorpusOptions {
  /** Number of articles to write. */
  documents: number;
  /** Paragraphs to draw from (at least one). */
  paragraphs: readonly string[];
  seed?: number;
}

/** Body paragraphs of every article in `dir` (read with the product's own reader). */
export async function paragraphsOf(dir: string): Promise<string[]> {
  const { documents } = await ingestCorpus(dir);
  return documents.flatMap((d) => d.passages.filter((p) => p.kind === 'body').map((p) => p.text));
}

/** Writes the articles under `dir` and returns their ids (paths relative to `dir`). */
export async function writeBigCorpus(dir: string, opts: BigCorpusOptions): Promise<string[]> {
  const seed = opts.seed ?? 14;
  const rand = prng(seed);
  const perDoc = 4;
  const texts = perturbedTexts(opts.paragraphs, opts.documents * (perDoc + 1), seed);
  const ids: string[] = [];
  for (let i = 0; i < opts.documents; i++) {
    const lang = rand() < 0.7 ? 'ar' : 'fa';
    const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
    const id = `${lang}/2025-${month}/${String(i).padStart(5, '0')}_${Math.floor(rand() * 0xffffffff).toString(16).padStart(8, '0')}.txt`;
    const own = texts.slice(i * (perDoc + 1), (i + 1) * (perDoc + 1));
    const title = (own[0] ?? '').split(' ').slice(0, 8).join(' ');
    await mkdir(path.join(dir, path.dirname(id)), { recursive: true });
    await writeFile(path.join(dir, id), `${title}\n\n${own.slice(1).join('\n\n')}\n`);
    ids.push(id);
  }
  return ids;
}
