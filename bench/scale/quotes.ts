// Quotes for the verify_quote benchmark, drawn from the corpus files: verbatim runs of words
// (exact), the same runs respelled the way folding forgives (normalized), runs with a few letters
// changed (partial), and words of unrelated paragraphs put together (not found).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { prng } from '../synthetic.ts';

export type QuoteKind = 'exact' | 'normalized' | 'partial' | 'not_found';

export async function sampleQuotes(corpusDir: string, perKind: number, seed = 5): Promise<Record<QuoteKind, string[]>> {
  const rand = prng(seed);
  const folders = (await readdir(corpusDir)).sort();
  const paragraphs: string[] = [];
  while (paragraphs.length < perKind * 8) {
    const folder = path.join(corpusDir, folders[Math.floor(rand() * folders.length)] ?? '');
    const files = (await readdir(folder)).sort();
    const text = await readFile(path.join(folder, files[Math.floor(rand() * files.length)] ?? ''), 'utf8');
    const lines = text.split('\n').slice(1).filter((l) => l.split(' ').length >= 14);
    const line = lines[Math.floor(rand() * lines.length)];
    if (line) paragraphs.push(line);
  }
  const run = (p: string) => {
    const words = p.split(' ');
    const len = 8 + Math.floor(rand() * 6);
    const at = Math.floor(rand() * Math.max(1, words.length - len));
    return words.slice(at, at + len).join(' ');
  };
  const respell = (q: string) =>
    q
      .replace(/[أإآ]/gu, 'ا')
      .replace(/ة/gu, 'ه')
      .replace(/ي/gu, 'ی')
      .replace(/ك/gu, 'ک')
      .replace(/ /u, '  ');
  const garble = (q: string) => {
    const chars = [...q];
    for (let k = 0; k < 3; k++) {
      const i = 2 + Math.floor(rand() * (chars.length - 4));
      if (chars[i] !== ' ') chars[i] = 'ث';
    }
    return chars.join('');
  };
  const unrelated = () =>
    Array.from({ length: 9 }, () => {
      const words = (paragraphs[Math.floor(rand() * paragraphs.length)] ?? '').split(' ');
      return words[Math.floor(rand() * words.length)] ?? '';
    }).join(' ');
  const exact: string[] = [];
  const normalized: string[] = [];
  const partial: string[] = [];
  const notFound: string[] = [];
  for (let i = 0; i < perKind; i++) {
    exact.push(run(paragraphs[i] ?? ''));
    normalized.push(respell(run(paragraphs[perKind + i] ?? '')));
    partial.push(garble(run(paragraphs[2 * perKind + i] ?? '')));
    notFound.push(unrelated());
  }
  return { exact, normalized, partial, not_found: notFound };
}
