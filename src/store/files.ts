// Durable file primitives for the index folder. A version directory is written completely and
// fsynced (every file, then the folder) before it is renamed into place, the index folder is
// fsynced so the rename is on disk, and only then is the CURRENT pointer swapped by rename and
// the folder fsynced again: a crash or power cut at any instant leaves either the old or the new
// index readable, never a mixture.
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { heldVersions } from './holds.ts';
import { ownerGone } from './owner.ts';
import { readRegularFile, sha256RegularFile } from './safe-read.ts';

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

/** sha256 of a regular file of the index (a FIFO or link in its place is refused, never waited on). */
export function sha256File(file: string): Promise<string> {
  return sha256RegularFile(file);
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
  // The files are fsynced by their writers; this makes their names in the folder durable too.
  await fsyncPath(stagingDir);
  const name = uniqueVersionName(await listVersions(indexDir));
  await rename(stagingDir, path.join(indexDir, name));
  // The version's own name must be on disk before a durable CURRENT can point at it.
  await fsyncPath(indexDir);
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

/** Longest CURRENT accepted: it holds one version folder name and a newline. */
const MAX_POINTER_BYTES = 256;
/** What a version folder name looks like (see uniqueVersionName). */
const VERSION_NAME = /^v-[0-9A-Za-z-]{1,100}$/;

/**
 * The version CURRENT names, or null when there is none or it is damaged (not a regular file,
 * too long, or not a version folder name). Its content is never returned otherwise: a crafted
 * CURRENT must not end up in messages.
 */
export async function readCurrentPointer(indexDir: string): Promise<string | null> {
  try {
    const name = (await readRegularFile(path.join(indexDir, CURRENT_FILE), MAX_POINTER_BYTES)).toString('utf8').trim();
    return VERSION_NAME.test(name) ? name : null;
  } catch {
    return null;
  }
}

/** How long a replaced version stays, at least, for readers that read CURRENT just before the swap. */
export const PRUNE_GRACE_MS = 60_000;

/**
 * Removes old versions and staging folders left by dead builds. Kept: the current version, the
 * one before it, every version a live reader holds (holds.ts), and every version replaced less
 * than `graceMs` ago (a reader that read CURRENT just before the swap has not made its hold yet).
 */
export async function pruneVersions(indexDir: string, keep: string, graceMs = PRUNE_GRACE_MS): Promise<void> {
  const versions = await listVersions(indexDir);
  const keepSet = new Set([keep]);
  const older = versions.filter((v) => v < keep);
  const previous = older.at(-1);
  if (previous) keepSet.add(previous);
  const held = await heldVersions(indexDir);
  for (const [i, v] of versions.entries()) {
    if (keepSet.has(v) || held.has(v)) continue;
    const successor = versions[i + 1];
    const replacedAt = successor ? (await stat(path.join(indexDir, successor)).catch(() => null))?.mtimeMs : undefined;
    if (replacedAt === undefined || Date.now() - replacedAt < graceMs) continue;
    await rm(path.join(indexDir, v), { recursive: true, force: true });
  }
  await pruneStaging(indexDir);
}

/** Removes staging folders left by builds whose process is gone (killed mid-build). */
export async function pruneStaging(indexDir: string): Promise<void> {
  const entries = await readdir(indexDir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (!e.name.startsWith(TEMP_PREFIX)) continue;
    const pid = Number(e.name.split('-').at(-1));
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && ownerGone({ pid, host: hostname() })) {
      await rm(path.join(indexDir, e.name), { recursive: true, force: true });
    }
  }
}
