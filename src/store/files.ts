// Durable file primitives for the index folder. A version directory is written completely and
// fsynced before the CURRENT pointer is swapped by rename, so a crash at any instant leaves either
// the old or the new index readable, never a mixture.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export const CURRENT_FILE = 'CURRENT';
const VERSION_PREFIX = 'v-';
const TEMP_PREFIX = '.tmp-';

export async function fsyncPath(p: string): Promise<void> {
  const handle = await open(p, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes a file and fsyncs it; the caller renames or publishes the containing folder. */
export async function writeDurable(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A fresh, unique temporary folder inside the index folder for a build in progress. */
export async function makeStagingDir(indexDir: string): Promise<string> {
  await mkdir(indexDir, { recursive: true });
  const dir = path.join(indexDir, `${TEMP_PREFIX}${Date.now()}-${process.pid}`);
  await mkdir(dir);
  return dir;
}

/**
 * Moves a finished staging folder into place as a version and points CURRENT at it.
 * Both steps are renames within one folder, which POSIX makes atomic.
 */
export async function publishVersion(indexDir: string, stagingDir: string): Promise<string> {
  const name = uniqueVersionName(await listVersions(indexDir));
  await rename(stagingDir, path.join(indexDir, name));
  const pointerTmp = path.join(indexDir, `${TEMP_PREFIX}${CURRENT_FILE}-${process.pid}`);
  await writeDurable(pointerTmp, `${name}\n`);
  await rename(pointerTmp, path.join(indexDir, CURRENT_FILE));
  await fsyncPath(indexDir);
  return name;
}

function uniqueVersionName(existing: string[]): string {
  // Sortable by time; a counter suffix keeps two builds in the same millisecond apart.
  const stamp = new Date().toISOString().replace(/[-:.]/g, '').replace('T', '-').replace('Z', '');
  let name = `${VERSION_PREFIX}${stamp}`;
  for (let i = 1; existing.includes(name); i++) name = `${VERSION_PREFIX}${stamp}-${i}`;
  return name;
}

export async function listVersions(indexDir: string): Promise<string[]> {
  try {
    const entries = await readdir(indexDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && e.name.startsWith(VERSION_PREFIX))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

export async function readCurrentPointer(indexDir: string): Promise<string | null> {
  try {
    const name = (await readFile(path.join(indexDir, CURRENT_FILE), 'utf8')).trim();
    // The pointer names a folder inside the index folder, nothing else.
    if (!name.startsWith(VERSION_PREFIX) || name.includes('/') || name.includes('\\')) return null;
    return name;
  } catch {
    return null;
  }
}

/**
 * Removes versions other than the current one and the one before it (a reader that opened the
 * previous version a moment ago may still be loading it), and staging folders left by dead builds.
 */
export async function pruneVersions(indexDir: string, keep: string): Promise<void> {
  const versions = await listVersions(indexDir);
  const keepSet = new Set([keep]);
  const older = versions.filter((v) => v < keep);
  const previous = older.at(-1);
  if (previous) keepSet.add(previous);
  for (const v of versions) {
    if (!keepSet.has(v)) await rm(path.join(indexDir, v), { recursive: true, force: true });
  }
  const entries = await readdir(indexDir, { withFileTypes: true });
  for (const e of entries) {
    if (!e.name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(e.name.split('-').at(-1));
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) {
      await rm(path.join(indexDir, e.name), { recursive: true, force: true });
    }
  }
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
