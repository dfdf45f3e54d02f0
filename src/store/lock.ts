// One writer at a time per index folder. Readers never take the lock: they read a published,
// immutable version. A lock left by a process that died is taken over rather than blocking forever.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { isAlive } from './files.ts';

const LOCK_FILE = '.lock';

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

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

export async function acquireWriterLock(indexDir: string): Promise<WriterLock> {
  await mkdir(indexDir, { recursive: true });
  const file = path.join(indexDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      const info: LockInfo = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      await handle.writeFile(JSON.stringify(info));
      await handle.close();
      let released = false;
      return {
        release: async () => {
          if (released) return;
          released = true;
          await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await readLock(file);
      const stale = holder === null || (holder.host === hostname() && !isAlive(holder.pid));
      if (stale) {
        await rm(file, { force: true });
        continue;
      }
      throw new IndexLockedError(
        `the index at ${indexDir} is being rebuilt by another sanad process (pid ${holder.pid} on ${holder.host}, ` +
          `since ${holder.since}); wait for it to finish, or delete ${file} if that process is gone`,
        holder.pid,
      );
    }
  }
  throw new Error(`could not take the index lock ${file}; delete it if no sanad process is running`);
}

async function readLock(file: string): Promise<LockInfo | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'pid' in parsed &&
      typeof parsed.pid === 'number' &&
      'host' in parsed &&
      typeof parsed.host === 'string'
    ) {
      const since = 'since' in parsed && typeof parsed.since === 'string' ? parsed.since : 'unknown';
      return { pid: parsed.pid, host: parsed.host, since };
    }
    return null;
  } catch {
    // A lock file that is empty or half-written comes from a writer killed while creating it.
    return null;
  }
}
