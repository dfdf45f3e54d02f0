// How long each hostile request holds the server's event loop in one piece — the delay it can
// cause any other request — measured inside the server process, where it happens. A ticker
// re-arms itself with setImmediate and records the longest stretch between two of its turns while
// the request runs through the real MCP server (createServer, an SDK Client over an in-memory
// transport). Reported both as wall time and as this process's CPU time over that stretch: on a
// machine shared with other jobs, wall time stretches with their load while CPU time measures
// the work itself. Run on the index bench/hostile.ts keeps:
//
//   flock /tmp/sanad-heavy.lock node --import tsx bench/hostile.ts --keep /tmp/hb > /dev/null
//   flock /tmp/sanad-heavy.lock node --import tsx bench/hostile-blocking.ts --dir /tmp/hb [--rounds 3]
import { readdir } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';
import { createServer } from '../src/mcp/server.ts';
import { hostileRequests } from './hostile-requests.ts';

const { values } = parseArgs({ options: { dir: { type: 'string' }, rounds: { type: 'string' } } });
if (!values.dir) throw new Error('usage: hostile-blocking.ts --dir DIR (the --keep folder of bench/hostile.ts)');
const rounds = Number(values.rounds ?? 3);
const corpusDir = path.join(values.dir, 'corpus');
const indexDir = path.join(values.dir, 'index');
const ids = (await readdir(corpusDir, { recursive: true })).filter((f) => f.endsWith('.txt')).sort();

const live = await LiveIndex.open({ corpusDir, indexDir, embedder: createFakeEmbedder(), log: () => {} });
await live.startModel();
const server = createServer({ index: live, log: () => {} });
const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
const client = new Client({ name: 'hostile-blocking', version: '1' });
await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
await client.listTools();

/** Longest stretch without an event-loop turn since `reset`, in wall and CPU milliseconds. */
const ticker = (() => {
  let wall = performance.now();
  let cpu = process.cpuUsage();
  let worst = { wall: 0, cpu: 0 };
  const tick = () => {
    const now = performance.now();
    const d = process.cpuUsage(cpu);
    worst = { wall: Math.max(worst.wall, now - wall), cpu: Math.max(worst.cpu, (d.user + d.system) / 1000) };
    wall = now;
    cpu = process.cpuUsage();
    timer = setImmediate(tick);
  };
  let timer = setImmediate(tick);
  return {
    reset() {
      wall = performance.now();
      cpu = process.cpuUsage();
      worst = { wall: 0, cpu: 0 };
    },
    worst: () => worst,
    stop: () => clearImmediate(timer),
  };
})();

// Warm, as a server that has answered ordinary requests.
await client.callTool({ name: 'search', arguments: { query: 'وزير الخارجية' } });
await client.callTool({ name: 'verify_quote', arguments: { quote: 'وزير الخارجية' } });

const rows: Array<{ request: string; requestMs: number[]; blockWallMs: number[]; blockCpuMs: number[] }> = [];
for (const [name, call] of hostileRequests(ids)) {
  const row = { request: name, requestMs: [] as number[], blockWallMs: [] as number[], blockCpuMs: [] as number[] };
  for (let r = 0; r < rounds; r++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    ticker.reset();
    const started = performance.now();
    await call(client);
    row.requestMs.push(Math.round(performance.now() - started));
    const w = ticker.worst();
    row.blockWallMs.push(Math.round(w.wall));
    row.blockCpuMs.push(Math.round(w.cpu));
  }
  console.error(`${name}: request ${row.requestMs.join('/')} ms; longest block ${row.blockWallMs.join('/')} ms wall, ${row.blockCpuMs.join('/')} ms CPU`);
  rows.push(row);
}
ticker.stop();
await client.close();
await live.close();
const worst = (xs: number[]) => Math.max(...xs);
process.stdout.write(
  `${JSON.stringify({
    documents: ids.length,
    rounds,
    loadAverage: loadavg().map((x) => Math.round(x * 10) / 10),
    longestBlockCpuMs: Math.max(...rows.map((r) => worst(r.blockCpuMs))),
    longestBlockWallMs: Math.max(...rows.map((r) => worst(r.blockWallMs))),
    rows,
  })}\n`,
);
