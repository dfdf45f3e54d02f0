// One writer at a time per index folder. Readers never take the lock: they read a published,
// immutable version.
//
// The lock file appears with its content in one step: the content is written to a private file
// first, then hard-linked to `.lock`, which fails if `.lock` exists. (Creating `.lock` and then
// writing into it left a moment where a second writer found an empty file, called it stale,
// deleted it and took the lock too.) A lock is stale only when its owner is provably gone —
// same host and a free or reused pid, or another boot — or, for an owner on another host (which
// cannot be checked), when its heartbeat has stopped for FOREIGN_STALE_MS. An unreadable lock is
// never stale by that fact alone. Breaking a stale lock is itself exclusive (`.lock.break`), and
// re-checks that the file it deletes is the one it judged, so two writers that find the same
// stale lock cannot both take over.
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readdir, unlink, utimes, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { currentOwner, ownerGone, parseOwner, type Owner } from './owner.ts';

const LOCK_FILE = '.lock';
const BREAK_FILE = '.lock.break';
/** How often a holder touches its lock file, so writers on other hosts can tell it is alive. */
export const HEARTBEAT_MS = 10_000;
/** A lock whose owner cannot be checked (another host) is stale after this long without a heartbeat. */
export const FOREIGN_STALE_MS = 5 * 60_000;
/** A `.lock.break` left by a breaker that died is stale after this long (breaking takes milliseconds). */
const BREAK_STALE_MS = 30_000;

export class IndexLockedError extends Error {
  constructor(
    message: string,
    readonly holderPid: number,
  ) {
    super(message);
    this.name = 'IndexLockedError';
  }
}

export interface WriterLock {
  release(): Promise<void>;
}

interface LockInfo extends Owner {
  since: string;
  /** Unique per acquisition: a holder deletes the lock only while it still carries its token. */
  token: string;
}

interface Holder {
  info: LockInfo | null;
  ino: number;
  mtimeMs: number;
  raw: string;
}

function lockInfo(): LockInfo {
  return { ...currentOwner(), since: new Date().toISOString(), token: randomUUID() };
}

/**
 * Creates `file` holding `content`, atomically and exclusively: false when it already exists.
 * Where hard links are not supported the file is created exclusively and then written, which is
 * safe here because an unreadable lock never counts as stale.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(tmp, content, { flag: 'wx' });
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  try {
    await writeFile(file, content, { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Largest lock file read; ours are a few hundred bytes, anything bigger is not ours. */
const MAX_LOCK_BYTES = 64 * 1024;

async function readHolder(file: string): Promise<Holder | null> {
  let handle;
  try {
    // One descriptor for both: the identity and the content must be of the same file.
    handle = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const st = await handle.stat();
    const buf = Buffer.alloc(Math.min(st.size, MAX_LOCK_BYTES));
    const { bytesRead } = st.isFile() ? await handle.read(buf, 0, buf.length, 0) : { bytesRead: 0 };
    const raw = buf.toString('utf8', 0, bytesRead);
    let info: LockInfo | null = null;
    try {
      const parsed: unknown = JSON.parse(raw);
      const owner = parseOwner(parsed);
      const extra = parsed as { since?: unknown; token?: unknown };
      if (owner && typeof extra.token === 'string') {
        info = { ...owner, since: typeof extra.since === 'string' ? extra.since : 'unknown', token: extra.token };
      }
    } catch {
      // Not ours, or damaged: it stays a lock (see isStale).
    }
    return { info, ino: st.ino, mtimeMs: st.mtimeMs, raw: st.size > MAX_LOCK_BYTES ? `${raw}…(${st.size} bytes)` : raw };
  } finally {
    await handle.close();
  }
}

function isStale(h: Holder, foreignStaleMs: number): boolean {
  const silentFor = Date.now() - h.mtimeMs;
  if (!h.info) return silentFor > foreignStaleMs;
  if (h.info.host !== hostname()) return silentFor > foreignStaleMs;
  return ownerGone(h.info);
}

export interface LockOptions {
  /** Heartbeat interval; default HEARTBEAT_MS. */
  heartbeatMs?: number;
  /** Staleness of locks whose owner cannot be checked; default FOREIGN_STALE_MS. */
  foreignStaleMs?: number;
}

export async function acquireWriterLock(indexDir: string, opts: LockOptions = {}): Promise<WriterLock> {
  await mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, LOCK_FILE);
  const foreignStaleMs = opts.foreignStaleMs ?? FOREIGN_STALE_MS;
  const mine = lockInfo();
  const content = JSON.stringify(mine);
  for (let attempt = 0; attempt < 20; attempt++) {
    if (await createExclusive(file, content)) {
      await removeDeadTemps(indexDir);
      return holdLock(file, mine.token, opts.heartbeatMs ?? HEARTBEAT_MS);
    }
    const holder = await readHolder(file);
    if (!holder) continue; // released meanwhile: try again
    if (!isStale(holder, foreignStaleMs)) throw lockedError(indexDir, file, holder);
    await breakStale(indexDir, file, holder);
  }
  throw new Error(`could not take the index lock ${file} (it kept changing hands); try again, or delete it if no sanad process is running`);
}

function lockedError(indexDir: string, file: string, h: Holder): IndexLockedError {
  if (!h.info) {
    return new IndexLockedError(
      `the index at ${indexDir} has a lock file sanad cannot read (${file}); ` +
        'delete it if no sanad process is rebuilding this index',
      0,
    );
  }
  return new IndexLockedError(
    `the index at ${indexDir} is being rebuilt by another sanad process (pid ${h.info.pid} on ${h.info.host}, ` +
      `since ${h.info.since}); wait for it to finish, or delete ${file} if that process is gone`,
    h.info.pid,
  );
}

/** Deletes the stale lock `judged`, unless another writer got there first. */
async function breakStale(indexDir: string, file: string, judged: Holder): Promise<void> {
  const breakFile = path.join(indexDir, BREAK_FILE);
  const mine = lockInfo();
  if (!(await createExclusive(breakFile, JSON.stringify(mine)))) {
    const breaker = await readHolder(breakFile);
    if (breaker && (Date.now() - breaker.mtimeMs > BREAK_STALE_MS || (breaker.info !== null && ownerGone(breaker.info)))) {
      await unlink(breakFile).catch(() => undefined);
    } else {
      await new Promise((resolve) => setTimeout(resolve, 20)); // someone is breaking it right now
    }
    return;
  }
  try {
    const now = await readHolder(file);
    // Only the very file judged stale: a fresh lock taken meanwhile has another inode or content.
    if (now && now.ino === judged.ino && now.raw === judged.raw) await unlink(file).catch(() => undefined);
  } finally {
    await unlinkIfMine(breakFile, mine.token);
  }
}

async function unlinkIfMine(file: string, token: string): Promise<void> {
  const h = await readHolder(file).catch(() => null);
  if (h?.info?.token === token) await unlink(file).catch(() => undefined);
}

function holdLock(file: string, token: string, heartbeatMs: number): WriterLock {
  // The heartbeat tells writers on other hosts the holder is alive; on this host they check the pid.
  const beat = setInterval(() => {
    void (async () => {
      const h = await readHolder(file).catch(() => null);
      if (h?.info?.token === token) {
        const now = new Date();
        await utimes(file, now, now).catch(() => undefined);
      }
    })();
  }, heartbeatMs);
  beat.unref();
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      clearInterval(beat);
      await unlinkIfMine(file, token);
    },
  };
}

/** Private files of lock attempts (`.lock.<pid>.<uuid>.tmp`) left by processes killed mid-attempt. */
async function removeDeadTemps(indexDir: string): Promise<void> {
  const names = await readdir(indexDir).catch(() => [] as string[]);
  for (const name of names) {
    const m = /^\.lock(?:\.break)?\.(\d+)\.[0-9a-f-]+\.tmp$/.exec(name);
    const pid = Number(m?.[1]);
    if (m && pid !== process.pid && ownerGone({ pid, host: hostname() })) await unlink(path.join(indexDir, name)).catch(() => undefined);
  }
}

/**
 * Resolves once no live writer holds the lock of `indexDir` (it released it, died, or its lock went
 * stale), polling every `pollMs`; rejects with `signal`'s reason when aborted.
 */
export async function waitForLockRelease(indexDir: string, opts: { pollMs?: number; signal?: AbortSignal; foreignStaleMs?: number } = {}): Promise<void> {
  const file = path.join(indexDir, LOCK_FILE);
  for (;;) {
    opts.signal?.throwIfAborted();
    const holder = await readHolder(file).catch(() => null);
    if (!holder || isStale(holder, opts.foreignStaleMs ?? FOREIGN_STALE_MS)) return;
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 500));
  }
}
