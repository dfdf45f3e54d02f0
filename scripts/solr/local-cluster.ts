// A local SolrCloud for tests, benchmarks and development: builds the Java launcher in
// solr/launcher with Maven when needed, starts ZooKeeper and N Solr nodes (one JVM each), and can
// SIGKILL a node and start it again. Everything it starts ends with it: the launcher's children
// exit when their stdin pipe closes.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const LAUNCHER_DIR = fileURLToPath(new URL('../../solr/launcher/', import.meta.url));
const CLASSES = path.join(LAUNCHER_DIR, 'target', 'classes');
const CLASSPATH_FILE = path.join(LAUNCHER_DIR, 'target', 'classpath.txt');

export interface NodeInfo {
  index: number;
  url: string;
  port: number;
  pid: number;
  alive: boolean;
}

export interface LocalClusterOptions {
  nodes?: number;
  /** Heap of each Solr JVM (default 256m). */
  heap?: string;
  /** ZooKeeper session timeout of the nodes: how long a killed node still looks live (default 8 s). */
  zkTimeoutMs?: number;
  /** Working folder (default: a fresh one under the OS temp folder, removed by stop()). */
  dir?: string;
  log?: (line: string) => void;
}

interface Event {
  event: string;
  [key: string]: unknown;
}

/** Builds the launcher when its classes or classpath are missing or older than its sources. */
export function ensureLauncherBuilt(log: (line: string) => void = (l) => console.error(l)): void {
  if (existsSync(CLASSPATH_FILE) && existsSync(CLASSES) && newestSource() <= statSync(CLASSPATH_FILE).mtimeMs) return;
  log('building the Solr launcher with Maven (the first build downloads about 125 MB into ~/.m2)…');
  // Maven's output is kept and shown only when the build fails: stdout may carry a protocol.
  const mvn = spawnSync('mvn', ['-q', '-B', '-Dstyle.color=never', '-f', path.join(LAUNCHER_DIR, 'pom.xml'), 'package', '-DskipTests'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (mvn.error) throw new Error(`could not run Maven (mvn): ${mvn.error.message}; install Java 17 and Maven`);
  if (mvn.status !== 0) {
    throw new Error(`the Solr launcher did not build (mvn exited ${mvn.status}):\n${`${mvn.stdout}${mvn.stderr}`.slice(-4000)}`);
  }
  // The classpath file is only rewritten when it changes; its time marks this build as current.
  const now = new Date();
  utimesSync(CLASSPATH_FILE, now, now);
}

function newestSource(): number {
  let newest = statSync(path.join(LAUNCHER_DIR, 'pom.xml')).mtimeMs;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(path.join(LAUNCHER_DIR, 'src'));
  return newest;
}

export class LocalCluster {
  readonly nodes: NodeInfo[] = [];
  private pending: Array<{ match: (e: Event) => boolean; resolve: (e: Event) => void; reject: (err: Error) => void }> = [];
  private exited = false;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly dir: string,
    private readonly ownDir: boolean,
    readonly zkHost: string,
    nodes: NodeInfo[],
  ) {
    this.nodes.push(...nodes);
  }

  static async start(opts: LocalClusterOptions = {}): Promise<LocalCluster> {
    const log = opts.log ?? ((line: string) => console.error(line));
    ensureLauncherBuilt(log);
    const ownDir = opts.dir === undefined;
    const dir = opts.dir ?? (await mkdtemp(path.join(tmpdir(), 'sanad-solr-')));
    const classpath = `${CLASSES}:${(await readFile(CLASSPATH_FILE, 'utf8')).trim()}`;
    const args = [
      '-Xmx96m',
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Xlog:disable',
      '-Xlog:all=warning:stderr',
      '-cp',
      classpath,
      'sanad.solr.Launcher',
      'cluster',
      '--dir',
      dir,
      '--nodes',
      String(opts.nodes ?? 3),
      '--heap',
      opts.heap ?? '256m',
      '--zk-timeout-ms',
      String(opts.zkTimeoutMs ?? 8000),
    ];
    const child = spawn('java', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (chunk: Buffer) => log(`solr launcher: ${chunk.toString().trimEnd()}`));
    const lines = createInterface({ input: child.stdout });
    const first = await new Promise<Event>((resolve, reject) => {
      const onLine = (line: string) => {
        const event = parseEvent(line);
        if (event?.event === 'cluster-ready') {
          lines.off('line', onLine);
          resolve(event);
        } else if (event?.event === 'error') reject(new Error(String(event.message)));
      };
      lines.on('line', onLine);
      child.once('exit', (code) => reject(new Error(`the Solr launcher exited (${code}) before the cluster was ready; logs in ${dir}`)));
      child.once('error', (err) => reject(new Error(`could not start java: ${err.message}; install Java 17`)));
    });
    const nodes = (first.nodes as Array<Omit<NodeInfo, 'alive'>>).map((n) => ({ ...n, alive: true }));
    const cluster = new LocalCluster(child, dir, ownDir, String(first.zkHost), nodes);
    lines.on('line', (line) => cluster.onEvent(parseEvent(line)));
    child.once('exit', () => {
      cluster.exited = true;
      for (const p of cluster.pending.splice(0)) p.reject(new Error('the Solr launcher exited'));
    });
    log(`local SolrCloud ready in ${Number(first.ms) / 1000} s: ${cluster.urls().join(', ')} (ZooKeeper ${cluster.zkHost})`);
    return cluster;
  }

  /** Base URLs of the nodes that are running. */
  urls(): string[] {
    return this.nodes.filter((n) => n.alive).map((n) => n.url);
  }

  /** SIGKILLs node `i` and waits until the process is gone. */
  async kill(i: number): Promise<void> {
    await this.command(`kill ${i}`, (e) => e.event === 'node-killed' && e.index === i);
    const node = this.nodes[i];
    if (node) node.alive = false;
  }

  /** Starts node `i` again on its old port (so it rejoins as the same node) and waits until it is up. */
  async restart(i: number): Promise<void> {
    const e = await this.command(`start ${i}`, (ev) => ev.event === 'node-ready' && ev.index === i);
    const node = this.nodes[i];
    if (node) {
      node.alive = true;
      node.pid = Number(e.pid);
    }
  }

  /** Log file of node `i` (or of ZooKeeper for 'zk'), for messages when something fails. */
  logFile(i: number | 'zk'): string {
    return path.join(this.dir, i === 'zk' ? 'zk.log' : `node-${i}.log`);
  }

  async stop(): Promise<void> {
    if (!this.exited) {
      const done = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.stdin.end('stop\n');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    }
    if (this.ownDir) await rm(this.dir, { recursive: true, force: true });
  }

  private command(line: string, match: (e: Event) => boolean): Promise<Event> {
    if (this.exited) return Promise.reject(new Error('the Solr launcher has exited'));
    return new Promise((resolve, reject) => {
      this.pending.push({ match, resolve, reject });
      this.child.stdin.write(`${line}\n`);
    });
  }

  private onEvent(event: Event | null): void {
    if (!event) return;
    if (event.event === 'error') {
      this.pending.shift()?.reject(new Error(String(event.message)));
      return;
    }
    const i = this.pending.findIndex((p) => p.match(event));
    if (i >= 0) this.pending.splice(i, 1)[0]?.resolve(event);
  }
}

function parseEvent(line: string): Event | null {
  if (!line.startsWith('{')) return null;
  try {
    return JSON.parse(line) as Event;
  } catch {
    return null;
  }
}
