// Query latency: in process (Searcher.search per mode, with the share spent embedding the
// query) and end to end through the MCP server over stdio (warm: one server, many calls; cold:
// process start to first result, several fresh servers). Also RSS and the index size on disk.
//
//   node --import tsx bench/latency.ts --index DIR --model MODEL_DIR [--queries FILE.jsonl ...]
//     [--n 200] [--cold 3] [--no-mcp] [--no-inprocess] [--k 8]
//     [--server-node-options "--max-old-space-size=16000"]
import { readdir, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { embedderForSearch } from '../src/embed/for-index.ts';
import { readQueries } from '../src/eval/query-set.ts';
import { medianSpread, round, summarize, type Summary } from '../src/eval/stats.ts';
import { embeddedSnapshot } from '../src/backend/embedded/open.ts';
import { Searcher } from '../src/search/searcher.ts';
import { loadIndex } from '../src/store/index-store.ts';
import type { SearchMode } from '../src/types.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'sanad.js');
const MODES: SearchMode[] = ['hybrid', 'semantic', 'lexical'];
const DEV = '/work/shared/dev-eval';

const ms = (s: Summary) => ({ p50: round(s.p50, 2), p95: round(s.p95, 2), p99: round(s.p99, 2), n: s.n });

export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await dirSize(p) : (await stat(p)).size;
  }
  return total;
}

/** Query texts: the given files, or a mix of the dev sets' questions, or the shipped corpus questions. */
export async function queryTexts(files: string[], n: number): Promise<string[]> {
  const defaults = ['xquad-ar', 'xquad-en-ar', 'persianqa-fa'].map((s) => path.join(DEV, s, 'queries.jsonl')).filter((f) => existsSync(f));
  const sources = files.length > 0 ? files : defaults.length > 0 ? defaults : [path.join(here, '..', 'eval', 'corpus-queries.jsonl')];
  const lists = await Promise.all(sources.map(async (f) => (await readQueries(f)).map((q) => q.query)));
  // Interleave the sets so every slice mixes languages.
  const out: string[] = [];
  for (let i = 0; out.length < n && i < Math.max(...lists.map((l) => l.length)); i++) {
    for (const l of lists) if (l[i] !== undefined && out.length < n) out.push(l[i] ?? '');
  }
  return out;
}

async function inProcess(indexDir: string, model: string, queries: string[], k: number) {
  const rss0 = process.memoryUsage().rss;
  let t = performance.now();
  const index = await loadIndex(indexDir);
  const loadMs = performance.now() - t;
  const embedder = embedderForSearch(index.manifest.embedding, { flags: { model }, env: process.env });
  t = performance.now();
  await embedder?.dimension();
  const modelMs = performance.now() - t;
  const searcher = new Searcher(embeddedSnapshot(index), embedder);
  for (const q of queries.slice(0, 5)) for (const mode of MODES) await searcher.search(q, { k, mode }); // warm-up
  const modes: Record<string, ReturnType<typeof ms>> = {};
  for (const mode of MODES) {
    const times: number[] = [];
    for (const q of queries) {
      const s = performance.now();
      await searcher.search(q, { k, mode });
      times.push(performance.now() - s);
    }
    modes[mode] = ms(summarize(times));
  }
  const embedTimes: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    await embedder?.embedQueries([q]);
    embedTimes.push(performance.now() - s);
  }
  const embed = summarize(embedTimes);
  const result = {
    passages: index.manifest.counts.passages,
    loadIndexMs: round(loadMs, 0),
    loadModelMs: round(modelMs, 0),
    modes,
    embedQuery: ms(embed),
    embedShareOfHybridP50: round(embed.p50 / (modes.hybrid?.p50 ?? Number.NaN), 3),
    rssMB: round(process.memoryUsage().rss / 1048576, 0),
    rssGrowthMB: round((process.memoryUsage().rss - rss0) / 1048576, 0),
  };
  await embedder?.close?.();
  return result;
}

/** Extra NODE_OPTIONS for the server (e.g. a larger heap for a million passages). */
let serverNodeOptions = '';

async function startServer(serveArgs: readonly string[]): Promise<{ client: Client; close: () => Promise<void> }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'serve', ...serveArgs],
    stderr: 'pipe',
    ...(serverNodeOptions ? { env: { ...getDefaultEnvironment(), NODE_OPTIONS: serverNodeOptions } } : {}),
  });
  const client = new Client({ name: 'sanad-bench', version: '0.0.0' });
  await client.connect(transport);
  return { client, close: () => client.close() };
}

interface SearchResult {
  mode?: string;
  results?: unknown[];
}

async function call(client: Client, query: string, mode: SearchMode, k: number): Promise<SearchResult> {
  const res = await client.callTool({ name: 'search', arguments: { query, mode, k } });
  if (res.isError) throw new Error(`search failed: ${JSON.stringify(res.content).slice(0, 300)}`);
  return (res.structuredContent ?? {}) as SearchResult;
}

/** `sanad serve` arguments for an index folder, without a corpus folder to rebuild from. */
export function embeddedServeArgs(indexDir: string, model: string): string[] {
  return ['--index', indexDir, '--corpus', path.join(indexDir, '.no-corpus'), '--model', model];
}

/** Cold start and warm latency of `sanad serve <serveArgs>` through an MCP client over stdio. */
export async function mcp(serveArgs: readonly string[], queries: string[], k: number, coldRuns: number) {
  // Cold: spawn → handshake → first hybrid search answered (the model loads meanwhile; a search
  // waits for it, so this includes loading the model and the index).
  const cold: number[] = [];
  const coldModes: string[] = [];
  for (let i = 0; i < coldRuns; i++) {
    const t = performance.now();
    const server = await startServer(serveArgs);
    const first = await call(server.client, queries[i % queries.length] ?? 'test', 'hybrid', k);
    cold.push(performance.now() - t);
    coldModes.push(first.mode ?? '?');
    await server.close();
  }
  const server = await startServer(serveArgs);
  try {
    for (const q of queries.slice(0, 5)) await call(server.client, q, 'hybrid', k); // warm-up
    const modes: Record<string, ReturnType<typeof ms> & { rankedBy: string[] }> = {};
    for (const mode of MODES) {
      const times: number[] = [];
      const rankedBy = new Set<string>();
      for (const q of queries) {
        const s = performance.now();
        const r = await call(server.client, q, mode, k);
        times.push(performance.now() - s);
        rankedBy.add(r.mode ?? '?');
      }
      modes[mode] = { ...ms(summarize(times)), rankedBy: [...rankedBy] };
    }
    return { coldStartMs: { runs: cold.map((x) => round(x, 0)), median: medianSpread(cold, 0), firstResultMode: coldModes }, warm: modes };
  } finally {
    await server.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      index: { type: 'string' },
      model: { type: 'string' },
      queries: { type: 'string', multiple: true },
      n: { type: 'string' },
      cold: { type: 'string' },
      k: { type: 'string' },
      'no-mcp': { type: 'boolean' },
      'no-inprocess': { type: 'boolean' },
      'server-node-options': { type: 'string' },
    },
  });
  serverNodeOptions = values['server-node-options'] ?? '';
  if (!values.index || !values.model) throw new Error('usage: latency.ts --index DIR --model MODEL_DIR [--queries FILE ...] [--n 200] [--cold 3]');
  const indexDir = path.resolve(values.index);
  const model = path.resolve(values.model);
  const k = Number(values.k ?? 8);
  const queries = await queryTexts(values.queries ?? [], Number(values.n ?? 200));
  const result: Record<string, unknown> = {
    index: indexDir,
    indexMB: round((await dirSize(indexDir)) / 1048576, 1),
    queries: queries.length,
    k,
    loadavgBefore: loadavg().map((x) => round(x, 2)),
  };
  if (!values['no-inprocess']) result.inProcess = await inProcess(indexDir, model, queries, k);
  if (!values['no-mcp']) result.mcp = await mcp(embeddedServeArgs(indexDir, model), queries, k, Number(values.cold ?? 3));
  result.loadavgAfter = loadavg().map((x) => round(x, 2));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
