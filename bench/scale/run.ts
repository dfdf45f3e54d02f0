// The scale benchmark (issue 13's targets), one run per size:
//
//   flock /tmp/sanad-heavy.lock node --import tsx bench/scale/run.ts --n 1000000 --dir /tmp/scale-1m \
//     --model ~/.cache/sanad-dev/multilingual-e5-small [--skip-build]
//
// 1. a corpus of N passages as N/10 article files (kept in DIR/corpus between runs);
// 2. a full build with precomputed vectors (synthetic-corpus.ts: no model time), timed by stage;
// 3. one changed file: the incremental rebuild, in process, as `sanad index` and as a server's
//    reindex (published and swapped in);
// 4. `sanad serve --http` on the index, through the MCP protocol: cold start to first hybrid
//    answer, warm hybrid search latency with one client, throughput with 1 and 8 clients,
//    verify_quote per kind of quote, RSS at rest and after 50 more sessions.
// Results: bench/results/scale-<N>.json and a summary on stdout.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readQueries } from '../../src/eval/query-set.ts';
import { round } from '../../src/eval/stats.ts';
import { buildIndex, type BuildStage } from '../../src/indexer/build-index.ts';
import { LiveIndex } from '../../src/mcp/live-index.ts';
import { baseParagraphs, spaceOfModel } from '../synthetic-index.ts';
import { sampleQuotes, type QuoteKind } from './quotes.ts';
import { callTool, connect, ms, rssMB, startServe, throughput } from './serve-probe.ts';
import { articleToEdit, precomputedEmbedder, writeSyntheticCorpus } from './synthetic-corpus.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    dir: { type: 'string' },
    model: { type: 'string' },
    'skip-build': { type: 'boolean' },
    queries: { type: 'string', default: '200' },
    quotes: { type: 'string', default: '40' },
  },
});
if (!values.n || !values.dir || !values.model) throw new Error('usage: run.ts --n N --dir DIR --model MODEL_DIR [--skip-build]');
const n = Number(values.n);
const dir = path.resolve(values.dir);
const corpusDir = path.join(dir, 'corpus');
const indexDir = path.join(dir, 'index');
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const result: Record<string, unknown> = { n, started: new Date().toISOString(), loadavgStart: loadavg().map((x) => round(x, 2)) };
const modelDir = path.resolve(values.model.replace(/^~/, process.env.HOME ?? '~'));
// The folder is part of the record, so a server finds the model there (not on the Hub).
const space = { ...(await spaceOfModel(modelDir)), location: modelDir };
const embedder = precomputedEmbedder(space);

// 1. Corpus.
if (!existsSync(corpusDir)) {
  const t = performance.now();
  const files = await writeSyntheticCorpus(corpusDir, n, await baseParagraphs(path.join(here, '..', '..', 'corpus')));
  log(`corpus: ${files} files in ${round((performance.now() - t) / 1000, 1)} s`);
}

// 2. Full build.
if (!values['skip-build']) {
  await rm(indexDir, { recursive: true, force: true });
  const stages: Partial<Record<BuildStage, number>> = {};
  const t = performance.now();
  let stage: BuildStage | null = null;
  const summary = await buildIndex({
    corpusDir,
    indexDir,
    embedder,
    log,
    onProgress: (p) => {
      if (p.stage !== stage) {
        stage = p.stage;
        stages[p.stage] = round((performance.now() - t) / 1000, 1);
        log(`build: ${p.stage}`);
      }
    },
  });
  result.fullBuild = { seconds: round((performance.now() - t) / 1000, 1), stageStartsAt: stages, segments: summary.segments, passages: summary.passages, rssMB: round(process.memoryUsage().rss / 1048576, 0) };
  log(`full build: ${JSON.stringify(result.fullBuild)}`);
}

// 3. One changed file.
const edit = await articleToEdit(corpusDir);
await edit(1);
let t = performance.now();
await buildIndex({ corpusDir, indexDir, embedder, log, merge: false });
const cliSeconds = round((performance.now() - t) / 1000, 2);
const live = await LiveIndex.open({ corpusDir, indexDir, embedder, log: () => {} });
await edit(2);
t = performance.now();
const served = await live.reindex();
const liveSeconds = round((performance.now() - t) / 1000, 2);
await live.close();
result.oneChangedFile = { sanadIndexSeconds: cliSeconds, serverReindexSeconds: liveSeconds, changed: served.changed, embedded: served.embedded, segments: served.segments };
log(`one changed file: ${JSON.stringify(result.oneChangedFile)}`);

// 4. Serving through the protocol.
const devEval = '/work/shared/dev-eval';
const queries = (
  await Promise.all(['xquad-ar', 'xquad-en-ar', 'persianqa-fa'].map((s) => readQueries(path.join(devEval, s, 'queries.jsonl'))))
)
  .flatMap((list) => list.map((q) => q.query))
  .filter((_, i) => i % 7 === 0)
  .slice(0, Number(values.queries));
const cold: number[] = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  const s = await startServe(indexDir, corpusDir, ['--no-update']);
  const c = await connect(s.url);
  const first = await callTool(c, 'search', { query: queries[i] ?? 'سوريا', k: 8 });
  cold.push(performance.now() - start);
  if (first.mode !== 'hybrid') log(`cold start ${i}: answered ${String(first.mode)}`);
  await c.close();
  await s.stop();
}
result.coldStartMs = cold.map((x) => round(x, 0));
log(`cold start: ${JSON.stringify(result.coldStartMs)}`);

const s = await startServe(indexDir, corpusDir, ['--no-update']);
try {
  const one = await connect(s.url);
  for (const q of queries.slice(0, 10)) await callTool(one, 'search', { query: q, k: 8 }); // warm-up
  const times: number[] = [];
  for (const q of queries) {
    const start = performance.now();
    await callTool(one, 'search', { query: q, k: 8 });
    times.push(performance.now() - start);
  }
  result.searchHybridOneClient = ms(times);
  log(`search, one client: ${JSON.stringify(result.searchHybridOneClient)}`);

  const searchTasks = queries.map((q) => (c: Parameters<typeof callTool>[0]) => callTool(c, 'search', { query: q, k: 8 }));
  const eight = [one, ...(await Promise.all(Array.from({ length: 7 }, () => connect(s.url))))];
  const single = await throughput([one], searchTasks);
  const many = await throughput(eight, searchTasks);
  result.throughput = { oneClientQps: single.qps, eightClientsQps: many.qps, ratio: round(many.qps / single.qps, 2), eightClientsLatency: many.latency };
  log(`throughput: ${JSON.stringify(result.throughput)}`);

  const quotes = await sampleQuotes(corpusDir, Number(values.quotes));
  const verify: Record<string, unknown> = {};
  for (const kind of Object.keys(quotes) as QuoteKind[]) {
    const qt: number[] = [];
    const levels: Record<string, number> = {};
    for (const quote of quotes[kind]) {
      const start = performance.now();
      // A refused request (over its work budget) is a result to report, not a reason to stop.
      const level = await callTool(one, 'verify_quote', { quote }).then(
        (v) => String(v.level),
        (err: unknown) => `error: ${err instanceof Error ? err.message.slice(0, 60) : String(err)}`,
      );
      qt.push(performance.now() - start);
      levels[level] = (levels[level] ?? 0) + 1;
    }
    verify[kind] = { ...ms(qt), levels };
  }
  result.verifyQuote = verify;
  log(`verify_quote: ${JSON.stringify(verify)}`);

  // A client address may hold 50 sessions (src/mcp/http.ts): all but one are closed first, and
  // 49 more make 50 open.
  for (const c of eight.slice(1)) await c.close();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const before = rssMB(s.child.pid);
  const sessions = await Promise.all(Array.from({ length: 49 }, () => connect(s.url)));
  for (const c of sessions) await callTool(c, 'search', { query: 'سوريا روسيا', k: 3 });
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const after = rssMB(s.child.pid);
  result.memory = { servingRssMB: before, rssWith50SessionsMB: after, addedBy49MoreSessionsMB: after - before };
  log(`memory: ${JSON.stringify(result.memory)}`);
  for (const c of [one, ...sessions]) await c.close();
} finally {
  await s.stop();
}
result.loadavgEnd = loadavg().map((x) => round(x, 2));
const out = path.join(here, '..', 'results', `scale-${n}.json`);
await mkdir(path.dirname(out), { recursive: true });
await writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result)}\n`);

