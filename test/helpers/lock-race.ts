// Drives writer-lock races between real processes (lock-contender.ts): contenders told to take the
// same lock at the same moment, on a fresh index folder each round, some rounds with a stale lock
// planted first (a dead pid, or a live pid whose start time says it is another process). Every
// round must have exactly one winner, and the lock file must name it while it holds.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { bootId, currentOwner } from '../../src/store/owner.ts';

const CONTENDER = fileURLToPath(new URL('./lock-contender.ts', import.meta.url));

class Contender {
  readonly child: ChildProcess;
  private readonly queue: string[] = [];
  private waiting: ((line: string) => void) | null = null;

  constructor(args: string[] = []) {
    this.child = spawn(process.execPath, ['--import', 'tsx', CONTENDER, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    if (!this.child.stdout) throw new Error('contender has no stdout');
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiting;
      if (w) {
        this.waiting = null;
        w(line);
      } else this.queue.push(line);
    });
  }

  next(): Promise<string> {
    const line = this.queue.shift();
    if (line !== undefined) return Promise.resolve(line);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  async close(): Promise<void> {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    await exited;
  }
}

export type Planted = 'none' | 'dead-pid' | 'reused-pid';

export interface RaceResult {
  rounds: number;
  /** Rounds with exactly one winner. */
  clean: number;
  /** Descriptions of rounds that had zero or several winners, or a lock naming someone else. */
  failures: string[];
  planted: Record<Planted, number>;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('could not start a process to get a dead pid');
  return child.pid;
}

let dead: Promise<number> | null = null;

async function plant(dir: string, kind: Planted): Promise<void> {
  if (kind === 'none') return;
  const boot = bootId();
  // One exited process serves every round: its pid stays free for the few seconds a race takes.
  dead ??= deadPid();
  const owner =
    kind === 'dead-pid'
      ? { pid: await dead, host: hostname(), ...(boot ? { boot } : {}) }
      : // This very process's pid, but "started" at another time: a reused pid.
        { ...currentOwner(), started: (currentOwner().started ?? 0) + 12345 };
  await writeFile(path.join(dir, '.lock'), JSON.stringify({ ...owner, since: new Date(0).toISOString(), token: 'planted' }));
}

/** `rounds` races between `contenders` long-lived processes; the kinds of planted lock rotate. */
export async function raceLongLived(root: string, rounds: number, contenders = 2): Promise<RaceResult> {
  const procs = Array.from({ length: contenders }, () => new Contender());
  const result: RaceResult = { rounds, clean: 0, failures: [], planted: { none: 0, 'dead-pid': 0, 'reused-pid': 0 } };
  try {
    for (const p of procs) if ((await p.next()) !== 'ready') throw new Error('contender did not start');
    const kinds: Planted[] = ['none', 'dead-pid', 'reused-pid'];
    for (let round = 0; round < rounds; round++) {
      const dir = path.join(root, `r${round}`);
      await mkdir(dir, { recursive: true });
      const kind = kinds[round % kinds.length] ?? 'none';
      await plant(dir, kind);
      result.planted[kind]++;
      for (const p of procs) p.send(`go ${round} ${dir}`);
      const answers = await Promise.all(procs.map((p) => p.next()));
      const winners = procs.filter((_, i) => answers[i]?.startsWith('won '));
      const failure = await checkRound(dir, round, answers, winners.map((w) => w.child.pid ?? 0));
      if (failure) result.failures.push(failure);
      else result.clean++;
      for (const w of winners) {
        w.send(`release ${round}`);
        await w.next();
      }
    }
  } finally {
    await Promise.all(procs.map((p) => p.close()));
  }
  return result;
}

/** `rounds` races between two processes started at the same moment, each trying once. */
export async function raceFreshPairs(root: string, rounds: number): Promise<RaceResult> {
  const result: RaceResult = { rounds, clean: 0, failures: [], planted: { none: 0, 'dead-pid': 0, 'reused-pid': 0 } };
  for (let round = 0; round < rounds; round++) {
    const dir = path.join(root, `f${round}`);
    await mkdir(dir, { recursive: true });
    const kind: Planted = round % 2 === 0 ? 'none' : 'dead-pid';
    await plant(dir, kind);
    result.planted[kind]++;
    const pair = [new Contender(['--once', dir]), new Contender(['--once', dir])];
    const answers = await Promise.all(pair.map((p) => p.next()));
    const winners = pair.filter((_, i) => answers[i]?.startsWith('won '));
    const failure = await checkRound(dir, round, answers, winners.map((w) => w.child.pid ?? 0));
    if (failure) result.failures.push(failure);
    else result.clean++;
    await Promise.all(pair.map((p) => p.close()));
  }
  return result;
}

async function checkRound(dir: string, round: number, answers: string[], winnerPids: number[]): Promise<string | null> {
  if (winnerPids.length !== 1) return `round ${round}: ${winnerPids.length} winners (${answers.join(' | ')})`;
  const holder = JSON.parse(await readFile(path.join(dir, '.lock'), 'utf8')) as { pid: number };
  if (holder.pid !== winnerPids[0]) return `round ${round}: the lock names pid ${holder.pid}, the winner is ${winnerPids[0]}`;
  return null;
}
