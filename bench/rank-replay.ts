// Issue 14's "unexplained ranking changes": replays the two reported sequences and compares a
// batch of searches byte for byte (citations and scores), in a server that stays up throughout
// and in a fresh server after each step: start; a `sanad index` SIGKILLed before it has a staging
// folder; a `sanad index` that finds the index up to date; the reindex tool finding no changes.
// Prints one line per batch ("identical" or "DIFFERENT" against the first) and exits 1 on any
// difference.
//
//   flock /tmp/sanad-heavy.lock node --import tsx bench/rank-replay.ts --model ~/.cache/sanad-dev/multilingual-e5-small
//   node --import tsx bench/rank-replay.ts --provider fake
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const { values } = parseArgs({ options: { model: { type: 'string' }, provider: { type: 'string' }, dev: { type: 'string' }, passages: { type: 'string' } } });
const embedding = values.model ? ['--model', values.model] : ['--provider', values.provider ?? 'fake'];
const dev = values.dev ?? '/work/shared/dev-eval';
const BIN = path.resolve('bin/sanad.js');
const jsonl = (file: string) => readFileSync(path.join(dev, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);

const root = await mkdtemp(path.join(tmpdir(), 'sanad-rank-replay-'));
const corpus = path.join(root, 'corpus');
const index = path.join(root, 'index');
try {
  // The shipped articles plus dev-set passages as articles of their own.
  mkdirSync(corpus);
  cpSync(path.resolve('corpus'), corpus, { recursive: true });
  jsonl('xquad-ar/passages.jsonl')
    .slice(0, Number(values.passages ?? 120))
    .forEach((p, i) => writeFileSync(path.join(corpus, `x${String(i).padStart(3, '0')}.txt`), `${p.text}\n`));
  const queries = [...jsonl('xquad-ar/queries.jsonl').slice(0, 20), ...jsonl('xquad-en-ar/queries.jsonl').slice(0, 10)].map((q) => q.query ?? '');

  const index_ = (extra: string[] = []) => spawnSync(process.execPath, [BIN, 'index', '--corpus', corpus, '--index', index, ...embedding, '--json', ...extra], { encoding: 'utf8' });
  const built = index_();
  if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);

  const open = async (): Promise<Client> => {
    const c = new Client({ name: 'rank-replay', version: '1' });
    await c.connect(new StdioClientTransport({ command: process.execPath, args: [BIN, 'serve', '--corpus', corpus, '--index', index, ...embedding], stderr: 'ignore' }));
    return c;
  };
  const batch = async (c: Client): Promise<string> => {
    const out: unknown[] = [];
    for (const query of queries) {
      const r = (await c.callTool({ name: 'search', arguments: { query, k: 10 } })) as { structuredContent?: { mode: string; results: Array<{ citation: string; score: number }> } };
      out.push({ mode: r.structuredContent?.mode, results: r.structuredContent?.results.map((x) => `${x.citation} ${x.score}`) });
    }
    return JSON.stringify(out);
  };

  const batches: Array<[string, string]> = [];
  const long = await open();
  // The model loads after the handshake; compare hybrid rankings, not the lexical ones before it.
  for (let i = 0; i < 60; i++) {
    const r = (await long.callTool({ name: 'search', arguments: { query: 'probe', k: 1 } })) as { structuredContent?: { mode: string } };
    if (r.structuredContent?.mode !== 'lexical' || !values.model) break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  const both = async (step: string) => {
    batches.push([`${step}: long-lived server`, await batch(long)]);
    const fresh = await open();
    batches.push([`${step}: fresh server`, await batch(fresh)]);
    await fresh.close();
  };

  await both('start');
  batches.push(['start: long-lived server again', await batch(long)]);

  const killed = spawn(process.execPath, [BIN, 'index', '--corpus', corpus, '--index', index, ...embedding], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 150));
  killed.kill('SIGKILL');
  await new Promise((resolve) => killed.once('exit', resolve));
  const staging = readdirSync(index).filter((f) => f.startsWith('.tmp-'));
  console.error(`sanad index killed after 150 ms; staging folders then: ${staging.join(', ') || 'none'}`);
  await both('after a killed sanad index');

  const again = index_();
  console.error(`sanad index again: ${(JSON.parse(again.stdout) as { rebuilt: boolean }).rebuilt ? 'rebuilt' : 'up to date'}`);
  await both('after an up-to-date sanad index');
  const re = (await long.callTool({ name: 'reindex', arguments: {} })) as { content: Array<{ text: string }> };
  console.error(`reindex tool: ${re.content[0]?.text.split(':')[0] ?? ''}`);
  await both('after an up-to-date reindex tool');
  await long.close();

  const first = batches[0]?.[1];
  const modes = new Set((JSON.parse(first ?? '[]') as Array<{ mode: string }>).map((b) => b.mode));
  console.error(`${queries.length} searches per batch, ranked ${[...modes].join(', ')}`);
  for (const [label, s] of batches) process.stdout.write(`${label}: ${s === first ? 'identical' : 'DIFFERENT'} (${s.length} bytes)\n`);
  process.exitCode = batches.every(([, s]) => s === first) ? 0 : 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
