// Ranking lab, step 1: builds the evaluation pools with a real model once and caches what the
// ranking experiments need (passages with their vectors, every query's vector), so that fusion,
// diversity and tokenizer variants compare in seconds without embedding anything again.
//
//   node --import tsx bench/rank-lab/prepare.ts --model DIR --out DIR [--dev-eval DIR] [--set NAME=QUERIES.jsonl@POOL ...]
//
// Pools: xquad (xquad-ar passages), pqa (persianqa-fa passages), mixed (both in one index),
// corpus (the shipped articles). The three dev sets and eval/corpus-queries.jsonl are always added.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { embedderForBuild } from '../../src/embed/for-index.ts';
import { writePassageCorpus } from '../../src/eval/pool.ts';
import { readPassages, readQueries } from '../../src/eval/query-set.ts';
import { buildIndex } from '../../src/indexer/build-index.ts';
import { comparePassages } from '../../src/backend/backend.ts';
import { loadIndex, releaseIndex } from '../../src/store/index-store.ts';
import type { Passage } from '../../src/types.ts';
import { parseSetSpec } from './lab.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    out: { type: 'string' },
    'dev-eval': { type: 'string', default: '../shared/dev-eval' },
    set: { type: 'string', multiple: true },
    dtype: { type: 'string' },
  },
});
if (!values.model || !values.out) throw new Error('usage: prepare.ts --model DIR --out DIR [--dev-eval DIR] [--set NAME=QUERIES.jsonl@POOL ...]');
const out = path.resolve(values.out);
const D = path.resolve(values['dev-eval'] as string);
await mkdir(out, { recursive: true });
const { embedder } = embedderForBuild({ flags: { model: values.model, ...(values.dtype ? { dtype: values.dtype } : {}) }, env: process.env });

const pools: Array<{ name: string; passages?: string[]; corpus?: string }> = [
  { name: 'xquad', passages: [`${D}/xquad-ar/passages.jsonl`] },
  { name: 'pqa', passages: [`${D}/persianqa-fa/passages.jsonl`] },
  { name: 'mixed', passages: [`${D}/xquad-ar/passages.jsonl`, `${D}/persianqa-fa/passages.jsonl`] },
  { name: 'corpus', corpus: path.resolve('corpus') },
];
for (const spec of pools) {
  const file = path.join(out, `pool-${spec.name}.json`);
  if (existsSync(file)) continue;
  const dir = path.join(out, `build-${spec.name}`);
  const corpusDir = spec.corpus ?? path.join(dir, 'corpus');
  let poolIdOfDoc: Record<string, string> = {};
  if (spec.passages) {
    const all = (await Promise.all(spec.passages.map((f) => readPassages(f)))).flat();
    poolIdOfDoc = Object.fromEntries((await writePassageCorpus(all, corpusDir, { titles: false })).poolIdOfDoc);
  }
  await buildIndex({ corpusDir, indexDir: path.join(dir, 'index'), embedder, log: (l) => console.error(l) });
  const index = await loadIndex(path.join(dir, 'index'));
  // Every live passage with its vector, in index order (document id, then offset).
  const live: Array<{ passage: Passage; vector: number[] }> = [];
  for (const view of index.segments) {
    const { table, vectors } = view.reader;
    if (!vectors) throw new Error(`${spec.name}: the index has no vectors`);
    for (let ord = 0; ord < table.size; ord++) {
      if (view.deleted?.[ord] === 1) continue;
      live.push({ passage: table.passage(ord), vector: Array.from(vectors.vector(ord), (x) => Math.round(x * 1e7) / 1e7) });
    }
  }
  live.sort((a, b) => comparePassages(a.passage, b.passage));
  releaseIndex(index);
  await writeFile(file, JSON.stringify({ passages: live.map((l) => l.passage), vectors: live.map((l) => l.vector), poolIdOfDoc }));
  console.error(`pool ${spec.name}: ${live.length} passages`);
}

const sets = [
  `xquad-ar=${D}/xquad-ar/queries.jsonl@xquad`,
  `xquad-en-ar=${D}/xquad-en-ar/queries.jsonl@xquad`,
  `persianqa-fa=${D}/persianqa-fa/queries.jsonl@pqa`,
  `corpus16=${path.resolve('eval/corpus-queries.jsonl')}@corpus`,
  ...(values.set ?? []).map((s) => {
    const spec = parseSetSpec(s);
    return `${spec.name}=${path.resolve(spec.file)}@${spec.pool}`;
  }),
];
const cacheFile = path.join(out, 'query-vectors.json');
const cache = existsSync(cacheFile) ? (JSON.parse(await readFile(cacheFile, 'utf8')) as Record<string, number[]>) : {};
for (const s of sets) {
  const spec = parseSetSpec(s);
  const queries = await readQueries(spec.file);
  let embedded = 0;
  for (const q of queries) {
    if (cache[q.query]) continue;
    // One query per call, as the searcher embeds them (a q8 model's vector shifts with its batch).
    const [v] = await embedder.embedQueries([q.query]);
    if (!v) throw new Error('the embedder returned no vector');
    cache[q.query] = Array.from(v, (x) => Math.round(x * 1e7) / 1e7);
    embedded++;
  }
  console.error(`${spec.name}: ${queries.length} queries, ${embedded} embedded now`);
  await writeFile(cacheFile, JSON.stringify(cache));
}
await writeFile(path.join(out, 'sets.json'), JSON.stringify(sets));
await embedder.close?.();
