// Does a serving process keep answering while a reindex embeds? Through the real stdio server
// (`bin/sanad.js serve` of each checkout given, so two builds of sanad are measured side by side in
// one run, alternating): an index of corpus/ with the model, an article of N new passages dropped
// in, then `reindex` with a progressToken and `wait_seconds`, while the same client pings every
// 100 ms. Reports when reindex answered (it should be close to wait_seconds), the ping latencies
// during the build, the progress notifications received and the build time.
//
//   flock /tmp/sanad-heavy.lock node --import tsx bench/reindex-responsiveness.ts \
//     --model ~/.cache/sanad-dev/multilingual-e5-small --passages ../shared/dev-eval/xquad-ar/passages.jsonl \
//     [--count 100] [--wait 2] [--rounds 2] [--checkout DIR]...   (default: this checkout)
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    passages: { type: 'string' },
    count: { type: 'string', default: '100' },
    wait: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
    checkout: { type: 'string', multiple: true },
  },
});
if (!values.model || !values.passages) throw new Error('usage: reindex-responsiveness.ts --model DIR --passages FILE.jsonl [--count N] [--wait S] [--rounds R] [--checkout DIR]...');
const model = values.model;
const count = Number(values.count);
const waitSeconds = Number(values.wait);
const checkouts = (values.checkout ?? [root]).map((c) => path.resolve(c));
const texts = (await readFile(values.passages, 'utf8'))
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => (JSON.parse(l) as { text: string }).text);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

/** One round for one checkout: a fresh index, a server, one article of `count` new passages. */
async function measure(checkout: string, round: number) {
  const dir = await mkdtemp(path.join(tmpdir(), 'sanad-bench-responsive-'));
  const bin = path.join(checkout, 'bin', 'sanad.js');
  try {
    await cp(path.join(root, 'corpus'), path.join(dir, 'corpus'), { recursive: true, filter: (src) => !src.endsWith('.md') });
    execFileSync(process.execPath, [bin, 'index', '--corpus', path.join(dir, 'corpus'), '--index', path.join(dir, 'index'), '--model', model], { stdio: 'ignore' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, 'serve', '--no-update', '--corpus', path.join(dir, 'corpus'), '--index', path.join(dir, 'index')],
      stderr: 'ignore',
    });
    const client = new Client({ name: 'bench-responsiveness', version: '1' });
    let modelReady = false;
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      if (String(n.params.data).startsWith('embedding model ready')) modelReady = true;
    });
    await client.connect(transport);
    await client.setLoggingLevel('info');
    for (let i = 0; i < 600 && !modelReady; i++) await sleep(100);
    if (!modelReady) throw new Error(`${checkout}: the model did not load within a minute`);
    // Rotated by the round, so no round finds its passages' vectors in a cache.
    const picked = Array.from({ length: count }, (_, i) => texts[(i + round * count) % texts.length] ?? '').map((t) => `${t} (${round})`);
    await writeFile(path.join(dir, 'corpus', 'bench-added.txt'), `Bench article ${round}\n${picked.join('\n')}\n`);

    const pings: number[] = [];
    let building = true;
    const pinger = (async () => {
      while (building) {
        const t = performance.now();
        await client.ping();
        pings.push(performance.now() - t);
        await sleep(100);
      }
    })();
    let progress = 0;
    const started = performance.now();
    const r = await client.callTool({ name: 'reindex', arguments: { wait_seconds: waitSeconds } }, undefined, {
      onprogress: () => progress++,
      resetTimeoutOnProgress: true,
      timeout: 600_000,
    });
    const answeredMs = performance.now() - started;
    const out = r.structuredContent as { build_id: string; state: string; summary?: { embedded: number } };
    let embedded = out.summary?.embedded ?? 0;
    for (let state = out.state; state !== 'done'; ) {
      await sleep(200);
      const s = (await client.callTool({ name: 'index_status', arguments: { build_id: out.build_id } })).structuredContent as {
        build: { state: string; passages_embedded?: number; error?: string };
      };
      state = s.build.state;
      embedded = s.build.passages_embedded ?? embedded;
      if (state === 'failed') throw new Error(`${checkout}: the build failed: ${s.build.error}`);
    }
    const buildMs = performance.now() - started;
    building = false;
    await pinger;
    await client.close();
    return {
      checkout,
      round,
      reindex_answered_ms: Math.round(answeredMs),
      reindex_state: out.state,
      build_ms: Math.round(buildMs),
      passages_embedded: embedded,
      progress_notifications: progress,
      pings: pings.length,
      ping_median_ms: Math.round(quantile(pings, 0.5)),
      ping_p95_ms: Math.round(quantile(pings, 0.95)),
      ping_max_ms: Math.round(Math.max(...pings)),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const results = [];
for (let round = 0; round < Number(values.rounds); round++) {
  for (const checkout of checkouts) {
    const m = await measure(checkout, round);
    console.error(JSON.stringify(m));
    results.push(m);
  }
}
process.stdout.write(`${JSON.stringify({ model, count, wait_seconds: waitSeconds, results }, null, 2)}\n`);
