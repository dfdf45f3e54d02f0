// Drives the growth benchmark over several corpus sizes (one child process each), writes the
// results as JSON and draws latency and memory against N as an SVG.
//
//   node --import tsx bench/run-growth.ts [--sizes 10000,100000,1000000] [--data uniform|clustered|subspace]
//     [--intrinsic 16] [--queries 200] [--efs 10,20,40,80,100,200,400,800] [--out bench/results]
//     [--max-minutes 240] [--tag NAME]
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runGrowthChild, type GrowthOptions, type GrowthResult } from './growth.ts';
import { baseParagraphs } from './synthetic-index.ts';
import { lineChart } from './svg-plot.ts';

export function growthChart(results: readonly GrowthResult[], title: string): string {
  const pts = (f: (r: GrowthResult) => number | undefined) =>
    results.flatMap((r) => {
      const y = f(r);
      return y === undefined || !Number.isFinite(y) ? [] : [{ x: r.n, y }];
    });
  const at98 = (r: GrowthResult) => r.vector.efs.find((e) => e.ef === r.vector.efFor98);
  return lineChart(
    [
      { label: 'HNSW p95 ms, ef for recall 0.98', axis: 'left', points: pts((r) => at98(r)?.p95) },
      { label: 'HNSW p95 ms, search as shipped', axis: 'left', points: pts((r) => r.vector.production.p95) },
      { label: 'BM25 p95 ms', axis: 'left', points: pts((r) => r.lexical?.p95) },
      // hnswlib keeps its own copy of the vectors: the graph's RSS is the whole vector index.
      { label: 'HNSW index MB', axis: 'right', dashed: true, points: pts((r) => r.vector.graphRssMB) },
      { label: 'BM25 MB', axis: 'right', dashed: true, points: pts((r) => r.lexical?.rssMB) },
      { label: 'process RSS MB', axis: 'right', dashed: true, points: pts((r) => r.rssMB) },
    ],
    { title, xLabel: 'passages (N, log scale)', leftLabel: 'query latency, ms', rightLabel: 'memory, MB' },
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      data: { type: 'string' },
      queries: { type: 'string' },
      efs: { type: 'string' },
      out: { type: 'string' },
      'max-minutes': { type: 'string' },
      'base-dir': { type: 'string' },
      tag: { type: 'string' },
      intrinsic: { type: 'string' },
    },
  });
  const sizes = (values.sizes ?? '10000,100000').split(',').map(Number);
  const data = values.data === 'clustered' || values.data === 'subspace' ? values.data : 'uniform';
  const intrinsic = Number(values.intrinsic ?? 16);
  const out = path.resolve(values.out ?? 'bench/results');
  const tag = values.tag ?? data;
  const baseTexts = await baseParagraphs(values['base-dir'] ?? 'corpus');
  const results: GrowthResult[] = [];
  await mkdir(out, { recursive: true });
  for (const n of sizes) {
    const opts: GrowthOptions = {
      n,
      dim: 384,
      // Exact search over 1M vectors costs seconds per query: fewer queries at that size.
      queries: Number(values.queries ?? (n >= 1_000_000 ? 100 : 200)),
      efs: (values.efs ?? '10,20,40,80,100,200,400,800').split(',').map(Number),
      seed: 7,
      data,
      intrinsic,
      m: 16,
      efConstruction: 200,
      baseTexts,
    };
    const started = performance.now();
    console.error(`growth: n=${n} (${data}) …`);
    const r = await runGrowthChild(opts, ['--max-old-space-size=16000'], Number(values['max-minutes'] ?? 240) * 60_000);
    console.error(`growth: n=${n} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    results.push(r);
    await writeFile(path.join(out, `growth-${tag}.json`), `${JSON.stringify(results, null, 2)}\n`);
    const kind = data === 'subspace' ? `vectors of intrinsic dimension ${intrinsic}` : `${data} vectors`;
    await writeFile(path.join(out, `growth-${tag}.svg`), growthChart(results, `sanad growth (${kind}, dim 384, M 16, efConstruction 200)`));
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
