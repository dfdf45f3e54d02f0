// Do translations passed as `variants` help? The cross-language set pairs questions with the same
// question in another language ("Pair: <id>" in their note); each paired question runs alone and
// with its pair(s) as variants, through the real searcher, in hybrid and lexical mode.
//
//   node --import tsx bench/rank-lab/variants.ts --index INDEX_DIR --model DIR [--queries eval/xlang-queries.jsonl]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readQueries } from '../../src/eval/query-set.ts';
import { openSearcher } from '../../src/search/open-searcher.ts';
import type { SearchResponse } from '../../src/types.ts';

const { values } = parseArgs({
  options: { index: { type: 'string' }, model: { type: 'string' }, queries: { type: 'string', default: 'eval/xlang-queries.jsonl' } },
});
if (!values.index || !values.model) throw new Error('usage: variants.ts --index INDEX_DIR --model DIR [--queries FILE]');
const queries = await readQueries(values.queries as string);
// readQueries keeps what scoring needs; the pairing lives in each line's free-text note.
const notes = new Map(
  (await readFile(values.queries as string, 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { id: string; note?: string })
    .map((l) => [l.id, l.note ?? '']),
);
const byId = new Map(queries.map((q) => [q.id, q]));
const searcher = await openSearcher(values.index, { flags: { model: values.model }, env: process.env });

const rank = (r: SearchResponse, gold: readonly string[]) => {
  const i = r.results.findIndex((h) => [h.citation, ...h.alsoIn].some((c) => gold.some((g) => c === g || c.startsWith(`${g}.`))));
  return i < 0 ? 0 : i + 1;
};
const ranks = new Map<string, number[]>();
const push = (key: string, r: number) => (ranks.get(key) ?? ranks.set(key, []).get(key) ?? []).push(r);
for (const q of queries) {
  const pairs = (/Pair: ([^.]+)\./u.exec(notes.get(q.id) ?? '')?.[1] ?? '')
    .split(',')
    .map((id) => byId.get(id.trim()))
    .filter((p) => p !== undefined);
  if (pairs.length === 0) continue;
  for (const mode of ['hybrid', 'lexical'] as const) {
    push(`${mode} alone`, rank(await searcher.search(q.query, { k: 10, mode }), q.gold));
    push(`${mode} + variants`, rank(await searcher.search(q.query, { k: 10, mode, variants: pairs.map((p) => p.query) }), q.gold));
  }
}
for (const [key, rs] of ranks) {
  const r5 = rs.filter((r) => r >= 1 && r <= 5).length / rs.length;
  const mrr = rs.reduce((a, r) => a + (r ? 1 / r : 0), 0) / rs.length;
  process.stdout.write(`${key.padEnd(18)} n ${rs.length}  R@5 ${r5.toFixed(3)}  MRR@10 ${mrr.toFixed(3)}\n`);
}
