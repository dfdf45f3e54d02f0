// The client side of the scale benchmark: a `sanad serve --http` child process measured through
// the MCP protocol (real sockets, real SDK clients): cold start, latency, throughput with
// concurrent clients, verify_quote per kind of quote, and memory (RSS of the server process).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { round, summarize } from '../../src/eval/stats.ts';

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'sanad.js');

export interface Served {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the HTTP endpoint listening. */
  listeningMs: number;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `sanad serve --http 127.0.0.1:0` and waits until it listens. */
export async function startServe(indexDir: string, corpusDir: string, extraArgs: string[] = []): Promise<Served> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, 'serve', '--http', '127.0.0.1:0', '--index', indexDir, '--corpus', corpusDir, ...extraArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      const m = /MCP over Streamable HTTP at (http:\/\/\S+)/.exec(err);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before listening:\n${err.slice(-2000)}`)));
  });
  return {
    url,
    child,
    listeningMs: performance.now() - started,
    stderr: () => err,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function connect(url: string): Promise<Client> {
  const client = new Client({ name: 'sanad-scale-bench', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  // Closing a client does not end its HTTP session: DELETE it, as a well-behaved client does.
  const close = client.close.bind(client);
  client.close = async () => {
    await transport.terminateSession().catch(() => undefined);
    await close();
  };
  return client;
}

export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await client.callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
  if (res.isError) throw new Error(`${name} failed: ${JSON.stringify(res.content).slice(0, 300)}`);
  return (res.structuredContent ?? {}) as Record<string, unknown>;
}

/** Resident memory of a process, in MB (Linux /proc). */
export function rssMB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return round(kb / 1024, 0);
}

export const ms = (times: number[]) => {
  const s = summarize(times);
  return { p50: round(s.p50, 1), p95: round(s.p95, 1), p99: round(s.p99, 1), n: s.n };
};

/** Runs `tasks` on `clients` concurrently (each client takes the next task when free); returns queries/s and latencies. */
export async function throughput(clients: Client[], tasks: Array<(c: Client) => Promise<unknown>>): Promise<{ qps: number; latency: ReturnType<typeof ms> }> {
  let next = 0;
  const times: number[] = [];
  const started = performance.now();
  await Promise.all(
    clients.map(async (c) => {
      for (;;) {
        const task = tasks[next++];
        if (!task) return;
        const t = performance.now();
        await task(c);
        times.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { qps: round(tasks.length / seconds, 1), latency: ms(times) };
}
