// `npm run bench`: runs the benchmarks as child processes (each in a fresh process, so one
// part's heap and model sessions do not weigh on the next) and saves their JSON under
// bench/results/. Parts:
//
//   throughput      indexing throughput (needs a model)
//   latency         query latency in process and through the MCP server (needs a model); over
//                   --index DIR, or an index of corpus/ built for the run
//   growth          synthetic 10k / 100k (and --sizes …,1000000) passages: build, memory, latency, recall
//   real-vectors    HNSW recall and intrinsic dimension of real embeddings (needs a model, dev sets)
//
// The fusion sweep needs dev-set indexes built first; it runs on its own (see BENCHMARKS.md).
//   npm run bench -- [part ...] [--model DIR] [--index DIR] [--sizes 10000,100000] [--data subspace]
// With no part: throughput, latency and growth when a model is given (--model or SANAD_MODEL),
// growth alone otherwise.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, '..');

function run(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=16000', '--import', 'tsx', path.join(here, script), ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited with code ${code}`))));
  });
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: {
      model: { type: 'string' },
      index: { type: 'string' },
      sizes: { type: 'string' },
      data: { type: 'string' },
      out: { type: 'string' },
    },
    allowPositionals: true,
  });
  const model = values.model ?? process.env.SANAD_MODEL;
  const parts = positionals.length > 0 ? positionals : model ? ['throughput', 'latency', 'growth'] : ['growth'];
  const needsModel = parts.filter((p) => p !== 'growth');
  if (needsModel.length > 0 && !model) {
    throw new Error(`${needsModel.join(', ')} need a model folder: pass --model DIR (or set SANAD_MODEL)`);
  }
  const out = path.resolve(values.out ?? path.join(here, 'results'));
  await mkdir(out, { recursive: true });
  const save = (name: string, text: string) => writeFile(path.join(out, name), text);

  for (const part of parts) {
    console.error(`bench: ${part}`);
    switch (part) {
      case 'throughput':
        await save('throughput.json', await run('embed-throughput.ts', ['--model', model ?? '', '--limit', '96']));
        break;
      case 'latency': {
        let index = values.index;
        let scratch: string | null = null;
        if (!index) {
          scratch = await mkdtemp(path.join(tmpdir(), 'sanad-bench-'));
          index = path.join(scratch, 'index');
          await new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, [path.join(root, 'bin', 'sanad.js'), 'index', '--corpus', path.join(root, 'corpus'), '--index', index ?? '', '--model', model ?? ''], { stdio: 'inherit' });
            child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sanad index exited with code ${code}`))));
          });
        }
        try {
          await save('latency.json', await run('latency.ts', ['--index', index, '--model', model ?? '']));
        } finally {
          if (scratch) await rm(scratch, { recursive: true, force: true });
        }
        break;
      }
      case 'growth':
        process.stdout.write(await run('run-growth.ts', ['--sizes', values.sizes ?? '10000,100000', '--data', values.data ?? 'subspace', '--out', out]));
        break;
      case 'real-vectors':
        await save('real-vectors.json', await run('real-vectors.ts', ['--model', model ?? '']));
        break;
      default:
        throw new Error(`unknown part "${part}": throughput, latency, growth, real-vectors`);
    }
  }
  console.error(`bench: results in ${out}`);
}

await main();
