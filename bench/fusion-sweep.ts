// How hybrid ranking depends on its fusion settings, on the dev sets: RRF damping k and the
// weight of the lexical list, fixed or set per query from how many of the query's words the
// index knows ("coverage": an English question over Arabic paragraphs shares almost none).
// Lists are computed once per query (same depth as the searcher: 50) and fused per setting.
// Near-duplicate folding is left out (it groups nothing on these sets; the baseline row equals
// `sanad eval`'s hybrid numbers, which checks that).
//
//   node --import tsx bench/fusion-sweep.ts --model DIR NAME=QUERIES.jsonl=INDEX_DIR ...
import { parseArgs } from 'node:util';
import { embedderForSearch } from '../src/embed/for-index.ts';
import { scoreRankings } from '../src/eval/metrics.ts';
import { EvalPool, passageDirMap, rankedIds } from '../src/eval/pool.ts';
import { readQueries } from '../src/eval/query-set.ts';
import { resolveGold, goldLanguages } from '../src/eval/run-eval.ts';
import { round } from '../src/eval/stats.ts';
import { reciprocalRankFusion } from '../src/search/fusion.ts';
import { loadIndex } from '../src/store/index-store.ts';
import { tokenize } from '../src/text/tokenize.ts';

interface Setting {
  name: string;
  k: number;
  /** Lexical weight for a query of the given coverage (semantic weight is 1). */
  lexicalWeight: (coverage: number) => number;
}

export function settings(): Setting[] {
  const out: Setting[] = [];
  for (const k of [10, 30, 60, 100]) {
    for (const w of [0, 0.25, 0.5, 0.75, 1, 1.5]) out.push({ name: `k=${k} wLex=${w}`, k, lexicalWeight: () => w });
    out.push({ name: `k=${k} wLex=coverage`, k, lexicalWeight: (c) => c });
    out.push({ name: `k=${k} wLex=coverage²`, k, lexicalWeight: (c) => c * c });
    out.push({ name: `k=${k} wLex=coverage≥0.5`, k, lexicalWeight: (c) => (c >= 0.5 ? 1 : 0) });
  }
  return out;
}

const { values, positionals } = parseArgs({ options: { model: { type: 'string' }, depth: { type: 'string' } }, allowPositionals: true });
const depth = Number(values.depth ?? 50);
const rows: Array<Record<string, string | number>> = [];
for (const spec of positionals) {
  const [name, queriesFile, indexDir] = spec.split('=');
  if (!name || !queriesFile || !indexDir) throw new Error(`expected NAME=QUERIES.jsonl=INDEX_DIR, got ${spec}`);
  const index = await loadIndex(indexDir);
  const embedder = embedderForSearch(index.manifest.embedding, { flags: values.model ? { model: values.model } : {}, env: process.env });
  if (!embedder || !index.vectors) throw new Error(`${indexDir} has no vectors: build it with a model`);
  const pool = new EvalPool({ documents: index.documents, passages: index.passages }, passageDirMap(index.documents));
  const queries = await readQueries(queriesFile);
  const resolved = resolveGold(queries, pool);
  const langs = goldLanguages(queries, pool);
  // One query per call, as the searcher embeds them: with a dynamically quantised (q8) model a
  // vector depends slightly on the other texts of its batch.
  const qVectors: Float32Array[] = [];
  for (const q of queries) qVectors.push(...(await embedder.embedQueries([q.query])));
  const known = (token: string) => index.lexical.search([token], 1).length > 0;
  const lists = resolved.map((q, i) => {
    const tokens = tokenize(q.query);
    const coverage = tokens.length === 0 ? 0 : tokens.filter(known).length / tokens.length;
    const vector = qVectors[i];
    if (!vector || !index.vectors) throw new Error('missing query vector');
    return { q, coverage, semantic: index.vectors.search(vector, depth), lexical: index.lexical.search(tokens, depth) };
  });
  const cov = lists.map((l) => l.coverage).sort((x, y) => x - y);
  const at = (p: number) => round(cov[Math.min(cov.length - 1, Math.floor(p * cov.length))] ?? 0, 2);
  rows.push({ set: name, setting: 'coverage p10/p50/p90', 'MRR@10': at(0.1), 'R@10': at(0.5), 'R@1': at(0.9) });
  for (const s of settings()) {
    const rankings = new Map<string, string[]>();
    for (const { q, coverage, semantic, lexical } of lists) {
      const fused = reciprocalRankFusion([semantic, lexical], { k: s.k, weights: [1, s.lexicalWeight(coverage)] });
      const hits = fused.slice(0, 10).map((f) => {
        const p = index.passages[f.ord];
        if (!p) throw new Error(`ordinal ${f.ord} outside the index`);
        return { citation: p.id, docId: p.docId, alsoIn: [] };
      });
      rankings.set(q.id, rankedIds(hits, q.refs, pool));
    }
    const all = scoreRankings(queries, rankings, langs).rows.find((r) => r.pair === 'ALL');
    if (all) rows.push({ set: name, setting: s.name, 'MRR@10': round(all.mrr10), 'R@10': round(all.r10), 'R@1': round(all.r1) });
  }
  await embedder.close?.();
}
for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
