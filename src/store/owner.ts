// Which process owns something in the index folder (the writer lock, a reader's hold on a version),
// and whether that process is provably gone. A pid alone is not enough: after a crash the number
// is reused, so on Linux the process's start time and the boot it belongs to are recorded too.
// On another host nothing can be checked, and callers fall back to a heartbeat (file age).
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface Owner {
  pid: number;
  host: string;
  /** Linux boot id, when known: a different boot means every process of the old one is gone. */
  boot?: string;
  /** Start time of the process in clock ticks since boot (Linux), when known. */
  started?: number;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Start time of `pid` in clock ticks since boot, or undefined where /proc is unavailable. */
export function processStart(pid: number): number | undefined {
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // Field 2 (the command) is in parentheses and may contain spaces: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

export function bootId(): string | undefined {
  return readText('/proc/sys/kernel/random/boot_id')?.trim() || undefined;
}

export function currentOwner(): Owner {
  const boot = bootId();
  const started = processStart(process.pid);
  return { pid: process.pid, host: hostname(), ...(boot ? { boot } : {}), ...(started !== undefined ? { started } : {}) };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM means the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `owner` is certainly not running: same host, and its pid is free, belongs to a
 * process started at another time, or to another boot. False when it runs or cannot be checked
 * (another host).
 */
export function ownerGone(owner: Owner): boolean {
  if (owner.host !== hostname()) return false;
  const boot = bootId();
  if (owner.boot && boot && owner.boot !== boot) return true;
  if (!isAlive(owner.pid)) return true;
  const started = processStart(owner.pid);
  return owner.started !== undefined && started !== undefined && owner.started !== started;
}

/** Parses an owner written by `JSON.stringify(currentOwner())`, or null when it is not one. */
export function parseOwner(value: unknown): Owner | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || !Number.isInteger(v.pid) || v.pid <= 0 || typeof v.host !== 'string') return null;
  return {
    pid: v.pid,
    host: v.host,
    ...(typeof v.boot === 'string' ? { boot: v.boot } : {}),
    ...(typeof v.started === 'number' ? { started: v.started } : {}),
  };
}
