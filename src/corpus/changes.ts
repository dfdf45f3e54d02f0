// Has the corpus folder changed since the index was built? The files there are compared with the
// list the index records (path, size, sha256 of the bytes). A size that differs is a change at
// once; a file of the same size is hashed, unless its size and modification time are those it had
// when it was last hashed here (`stamps`, kept by the caller between checks) or those the index
// recorded when it read the file, so a check of an unchanged folder reads no file at all.
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { listCorpusFiles } from './read.ts';

export interface IndexedFile {
  path: string;
  sha256: string;
  bytes: number;
  /** Modification time the build saw, recorded only when it was safely in the past then. */
  mtimeMs?: number;
}

/** What a file looked like when it was last hashed. */
export interface FileStamp {
  bytes: number;
  mtimeMs: number;
  sha256: string;
}

export interface CorpusChanges {
  added: string[];
  changed: string[];
  removed: string[];
  /** Files in the folder that sanad reads. */
  files: number;
  /** How long the check took. */
  ms: number;
}

export function hasChanges(c: CorpusChanges): boolean {
  return c.added.length + c.changed.length + c.removed.length > 0;
}

/**
 * Compares `corpusDir` with the files an index version records. `skipped` are paths that version
 * saw and left out (unreadable, empty): their presence is not a change. Throws when the folder
 * cannot be read.
 */
export async function corpusChanges(
  corpusDir: string,
  indexed: readonly IndexedFile[],
  skipped: readonly string[],
  stamps: Map<string, FileStamp>,
): Promise<CorpusChanges> {
  const started = performance.now();
  const known = new Map(indexed.map((f) => [f.path, f]));
  const seen = new Set<string>();
  const ignored = new Set(skipped);
  const added: string[] = [];
  const changed: string[] = [];
  const files = await listCorpusFiles(corpusDir);
  for (const { id, abs } of files) {
    seen.add(id);
    const before = known.get(id);
    if (!before) {
      if (!ignored.has(id)) added.push(id);
      continue;
    }
    let st;
    try {
      st = await stat(abs);
    } catch {
      changed.push(id); // vanished or unreadable between listing and now: the next build will say which
      continue;
    }
    if (st.size !== before.bytes) {
      changed.push(id);
      continue;
    }
    const stamp = stamps.get(id);
    let sha = stamp && stamp.bytes === st.size && stamp.mtimeMs === st.mtimeMs ? stamp.sha256 : undefined;
    if (sha === undefined && before.mtimeMs !== undefined && before.mtimeMs === st.mtimeMs) sha = before.sha256;
    if (sha === undefined) {
      sha = createHash('sha256').update(await readFile(abs)).digest('hex');
      stamps.set(id, { bytes: st.size, mtimeMs: st.mtimeMs, sha256: sha });
    }
    if (sha !== before.sha256) changed.push(id);
  }
  const removed = indexed.map((f) => f.path).filter((p) => !seen.has(p));
  for (const id of stamps.keys()) if (!seen.has(id)) stamps.delete(id);
  return { added, changed, removed, files: files.length, ms: Math.round(performance.now() - started) };
}
