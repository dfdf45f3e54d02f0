// Readers' holds on index versions. A writer prunes old versions after publishing; a reader that
// read CURRENT a moment before may still be opening the version it named, and two quick publishes
// used to delete it under the reader's feet. A reader therefore leaves a hold file
// (`.readers/<version>~<pid>~<id>`, naming its process) while it loads a version, and pruning
// skips every version with a hold whose owner is alive. A hold left by a process that died is
// ignored and removed.
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, readdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { currentOwner, ownerGone, parseOwner } from './owner.ts';

const HOLDS_DIR = '.readers';
/** A hold whose owner cannot be checked (another host) counts for this long after it was made. */
const FOREIGN_HOLD_MS = 10 * 60_000;

export interface VersionHold {
  release(): Promise<void>;
}

/** Marks `version` as being read by this process until `release`. */
export async function holdVersion(indexDir: string, version: string): Promise<VersionHold> {
  const dir = path.join(indexDir, HOLDS_DIR);
  const file = path.join(dir, `${version}~${process.pid}~${randomUUID()}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(currentOwner()));
  } catch {
    // A read-only index folder: nobody can prune it either, so there is nothing to protect from.
    return { release: async () => undefined };
  }
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await unlink(file).catch(() => undefined);
    },
  };
}

/** Versions some live reader holds; holds of dead readers are removed on the way. */
export async function heldVersions(indexDir: string): Promise<Set<string>> {
  const dir = path.join(indexDir, HOLDS_DIR);
  const held = new Set<string>();
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const version = name.split('~')[0] ?? '';
    const file = path.join(dir, name);
    const [raw, st] = await Promise.all([readFile(file, 'utf8').catch(() => ''), stat(file).catch(() => null)]);
    if (!st) continue;
    let owner = null;
    try {
      owner = parseOwner(JSON.parse(raw));
    } catch {
      // Half-written by a reader killed while creating it, or not ours: judged by age below.
    }
    const gone = owner ? ownerGone(owner) : false;
    const expired = Date.now() - st.mtimeMs > FOREIGN_HOLD_MS && (!owner || owner.host !== currentOwner().host);
    if (gone || expired) await unlink(file).catch(() => undefined);
    else held.add(version);
  }
  return held;
}
