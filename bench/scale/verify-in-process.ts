// verify_quote in process on a built scale-benchmark index (run.ts), per kind of quote, with no
// budget: how long each kind takes and how much work it does, without the protocol around it.
//
//   node --max-old-space-size=16000 --import tsx bench/scale/verify-in-process.ts --dir /tmp/scale-1m [--quotes 40]
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { round, summarize } from '../../src/eval/stats.ts';
import { LiveIndex } from '../../src/mcp/live-index.ts';
import { verifyQuote } from '../../src/quote/verify.ts';
import { workBudget } from '../../src/util/budget.ts';
import { sampleQuotes } from './quotes.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, quotes: { type: 'string', default: '40' } } });
if (!values.dir) throw new Error('usage: verify-in-process.ts --dir DIR [--quotes N]');
const dir = path.resolve(values.dir);
const live = await LiveIndex.open({ corpusDir: path.join(dir, 'corpus'), indexDir: path.join(dir, 'index'), embedder: null, log: (l) => console.error(l) });
try {
  const backend = live.current().snapshot.backend;
  const out: Record<string, unknown> = { loadavgStart: loadavg().map((x) => round(x, 2)) };
  for (const [kind, list] of Object.entries(await sampleQuotes(path.join(dir, 'corpus'), Number(values.quotes)))) {
    const times: number[] = [];
    const levels: Record<string, number> = {};
    let units = 0;
    for (const quote of list) {
      const budget = workBudget({ message: 'unlimited' });
      const start = performance.now();
      const verdict = await verifyQuote(backend, quote, { budget });
      times.push(performance.now() - start);
      units = Math.max(units, budget.spent);
      levels[verdict.level] = (levels[verdict.level] ?? 0) + 1;
    }
    const s = summarize(times);
    out[kind] = { p50: round(s.p50, 1), p95: round(s.p95, 1), max: round(Math.max(...times), 1), mostUnits: units, levels };
  }
  out.loadavgEnd = loadavg().map((x) => round(x, 2));
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await live.close();
}
