// A corpus that changes over rounds, for the segment tests: the seed articles plus generated ones
// recombining the seeds' sentences (so words, and BM25 statistics, overlap across documents).
import { cp, mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { prng } from '../../bench/synthetic.ts';

export const SEEDS = path.resolve('corpus');

export interface ChangingCorpus {
  root: string;
  corpusDir: string;
  /** Writes generated article `i` (a new version of it when `edition` changes). */
  write(i: number, edition?: number): Promise<void>;
  remove(i: number): Promise<void>;
  /** Sentences of the seed articles, for queries and quotes. */
  sentences: string[];
  cleanup(): Promise<void>;
}

export async function changingCorpus(prefix: string): Promise<ChangingCorpus> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  const corpusDir = path.join(root, 'corpus');
  await mkdir(corpusDir);
  await cp(SEEDS, corpusDir, { recursive: true });
  const sentences: string[] = [];
  for (const name of (await readdir(SEEDS)).sort()) {
    const text = await readFile(path.join(SEEDS, name), 'utf8');
    for (const s of text.split(/(?<=[.!؟?])\s+|\n+/u)) if (s.trim().split(/\s+/u).length >= 5) sentences.push(s.trim());
  }
  const article = (i: number, edition: number) => {
    const rnd = prng(i * 1000 + edition);
    const pick = () => sentences[Math.floor(rnd() * sentences.length)] ?? '';
    const paragraphs = Array.from({ length: 3 + Math.floor(rnd() * 4) }, () => `${pick()} ${pick()}`);
    return `خبر رقم ${i} الطبعة ${edition}\n${paragraphs.join('\n')}\n`;
  };
  const file = (i: number) => path.join(corpusDir, `gen-${String(i).padStart(3, '0')}.txt`);
  return {
    root,
    corpusDir,
    sentences,
    write: (i, edition = 0) => writeFile(file(i), article(i, edition)),
    remove: (i) => unlink(file(i)),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
