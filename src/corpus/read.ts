// Reads the corpus folder: every .txt, .md, .html and .htm file below it, safely. Files that
// cannot be used are skipped with a one-line reason naming the file; nothing here throws for a
// bad file, only for a corpus folder that cannot be opened at all.
//
// Listing and reading happen at different moments, and the folder may change in between (an
// editor saving, a sync tool, or someone racing the build on purpose). So nothing learnt while
// listing is trusted when reading: each file is opened without following a final symbolic link
// and without blocking (a FIFO would otherwise hang the build), and the open descriptor itself
// must be a regular file, the very file that was listed, and (where the system can tell) still
// inside the corpus folder. Everything else is skipped with a reason.

import { constants, lstatSync, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SkippedFile, SourceDocument } from '../types.ts';
import { decodeSource, isSkipped } from './decode.ts';
import { escapeUnsafeIdChars, unsafeNameCharacter } from './names.ts';
import { workBudget } from '../util/budget.ts';

export { decodeSource, isSkipped } from './decode.ts';

/** Largest file read: 20 MB. Bigger files are skipped, never truncated. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export const CORPUS_EXTENSIONS = ['.txt', '.md', '.html', '.htm'] as const;

export interface ReadCorpusOptions {
  maxBytes?: number;
  onWarn?: (skip: SkippedFile) => void;
  /**
   * Called once the folder has been listed, before any file is read. Tests use it to change the
   * folder at the worst moment; production code has no reason to set it.
   */
  afterListing?: (ids: readonly string[]) => Promise<void> | void;
  /** Called after each file is read: how many of the candidate files are done. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Files the caller already has, judged by size and modification time as listed: they are not
   * read, only reported in `kept` (an incremental build of a large corpus reads only what changed).
   */
  unchanged?: (id: string, size: number, mtimeMs: number) => boolean;
}

/** Files of types the reader does not take, grouped by extension (`.pdf`, or `(none)`). */
export interface UnsupportedType {
  type: string;
  count: number;
  /** Up to a few of their paths, sorted. */
  examples: string[];
}

const UNSUPPORTED_EXAMPLES = 3;

/** One line naming the files left out for their type, e.g. `2 .pdf files (a.pdf, b.pdf)`; empty when none. */
export function unsupportedLine(unsupported: readonly UnsupportedType[]): string {
  if (unsupported.length === 0) return '';
  const parts = unsupported.map((u) => {
    const more = u.count > u.examples.length ? ', …' : '';
    return `${u.count} ${u.type} file${u.count === 1 ? '' : 's'} (${u.examples.join(', ')}${more})`;
  });
  return `not indexed, of types sanad does not read: ${parts.join('; ')}; articles must be ${CORPUS_EXTENSIONS.join(', ')} files`;
}

/** Groups paths by lower-cased extension, largest group first, then by type. */
export function groupUnsupported(paths: readonly string[]): UnsupportedType[] {
  const groups = new Map<string, string[]>();
  for (const p of paths) {
    const name = p.slice(p.lastIndexOf('/') + 1);
    const dot = name.lastIndexOf('.');
    const type = dot > 0 ? name.slice(dot).toLowerCase() : '(none)';
    const list = groups.get(type);
    if (list) list.push(p);
    else groups.set(type, [p]);
  }
  return [...groups]
    .map(([type, list]) => ({ type, count: list.length, examples: [...list].sort().slice(0, UNSUPPORTED_EXAMPLES) }))
    .sort((a, b) => b.count - a.count || (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
}

function hasCorpusExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return CORPUS_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

function errorCode(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') return err.code;
  return err instanceof Error ? err.message : String(err);
}

function isInside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** What a directory entry is, in words, when it is neither a file nor a folder. */
function specialKind(st: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string | null {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return null;
}

interface Candidate {
  id: string;
  /** The path to open: the entry itself, or the real path a symbolic link inside the corpus names. */
  abs: string;
  /** Identity of the file when it was listed (checked when the opened file's path is unknown). */
  dev: number;
  ino: number;
  /** Size and modification time when it was listed. */
  size: number;
  mtimeMs: number;
}

/**
 * Lists candidate files. Hidden entries (leading dot) are ignored. A symlink is followed only
 * when its target resolves inside the corpus folder, and only to a file.
 */
async function walk(root: string, rootReal: string, skipped: SkippedFile[], unsupported: string[] = []): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const skip = (id: string, why: string) => skipped.push({ path: id, reason: `${id}: skipped, ${why}` });
  // Files are looked at with lstatSync, between which the walk lets other requests run every
  // 20 ms: awaiting one asynchronous lstat per file cost 2.3-2.6 s for an archive of 100,000 files,
  // the synchronous calls 0.3-0.4 s, and every rebuild walks the whole corpus.
  const slices = workBudget({ message: 'the corpus walk has no limit' });

  const visit = async (dirAbs: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dirAbs, { withFileTypes: true });
    } catch (err) {
      const id = relative(root, dirAbs).split(sep).join('/');
      skip(`${id}/`, `folder unreadable (${errorCode(err)}); check its permissions`);
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = join(dirAbs, e.name);
      const id = relative(root, abs).split(sep).join('/');
      const bad = unsafeNameCharacter(e.name);
      if (bad) {
        if (e.isDirectory() || hasCorpusExtension(e.name)) {
          const shown = `"${escapeUnsafeIdChars(id)}"${e.isDirectory() ? '/' : ''}`;
          skip(shown, `its name contains ${bad}, which would break every citation of it; rename it`);
        }
        continue;
      }
      if (e.isSymbolicLink()) {
        const target = await linkTarget(root, rootReal, abs, id, e.name, skip);
        if (target) out.push({ id, ...target });
        continue;
      }
      const kind = specialKind(e);
      if (kind) {
        if (hasCorpusExtension(e.name)) skip(id, `it is ${kind}, not a regular file`);
        continue;
      }
      if (e.isDirectory()) {
        // Checked again right before listing: a folder swapped for a link since its parent was
        // listed is not descended (and a file read through one is refused when opened).
        const st = await lstat(abs).catch(() => undefined);
        if (st?.isDirectory()) await visit(abs);
        continue;
      }
      if (!e.isFile()) continue;
      if (!hasCorpusExtension(e.name)) {
        unsupported.push(id);
        continue;
      }
      await slices.pause();
      const st = lstatNow(abs);
      if (!st) continue; // removed since the folder was listed
      if (!st.isFile()) {
        skip(id, `it is ${specialKind(st) ?? 'no longer a regular file'}, not a regular file`);
        continue;
      }
      out.push({ id, abs, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs });
    }
  };

  await visit(root);
  return out;
}

/** lstat without waiting for the thread pool; undefined when the entry is gone or unreadable. */
function lstatNow(abs: string): Stats | undefined {
  try {
    return lstatSync(abs, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Where a symbolic link inside the corpus leads, when it is a file to read; otherwise why not (via `skip`). */
async function linkTarget(
  root: string,
  rootReal: string,
  abs: string,
  id: string,
  name: string,
  skip: (id: string, why: string) => void,
): Promise<Omit<Candidate, 'id'> | null> {
  let target: string;
  try {
    target = await realpath(abs);
  } catch (err) {
    if (hasCorpusExtension(name)) skip(id, `broken symbolic link (${errorCode(err)}); fix or remove the link`);
    return null;
  }
  const st = await stat(target).catch(() => undefined);
  if (!isInside(rootReal, target)) {
    if (st?.isDirectory() || hasCorpusExtension(name)) {
      skip(id, `symbolic link points outside the corpus folder (${target}); copy the file into the corpus instead`);
    }
    return null;
  }
  if (st?.isDirectory()) {
    // Not descended: its files are read under their real path, and a link to an ancestor would loop.
    const where = relative(rootReal, target).split(sep).join('/');
    const ancestor = isInside(target, join(rootReal, relative(root, abs)));
    skip(
      id,
      ancestor
        ? `symbolic link to ${where === '' ? 'the corpus folder itself' : `its ancestor folder ${where}/`}, which would loop; not followed`
        : `symbolic link to the folder ${where}/ inside the corpus, whose files are read under that path; not followed`,
    );
    return null;
  }
  if (!hasCorpusExtension(name)) return null;
  if (!st?.isFile()) {
    skip(id, `symbolic link to ${st ? (specialKind(st) ?? 'something') : 'nothing readable'}, not a regular file`);
    return null;
  }
  return { abs: target, dev: st.dev, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
}

/**
 * The files under `dir` that `readCorpus` would read (same rules: corpus extensions, no hidden
 * entries, links only within the folder), as ids and paths to open, sorted by id. Throws when
 * `dir` cannot be read.
 */
export async function listCorpusFiles(dir: string): Promise<Array<{ id: string; abs: string }>> {
  const files = await walk(dir, await realpath(dir), []);
  return files.map(({ id, abs }) => ({ id, abs })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Every readable article under `dir`, sorted by path (code-unit order, locale independent), and
 * the files skipped with their reasons. Throws only when `dir` itself cannot be read.
 */
export async function readCorpus(
  dir: string,
  opts: ReadCorpusOptions = {},
): Promise<{ files: SourceDocument[]; skipped: SkippedFile[]; unsupported: UnsupportedType[]; kept: string[] }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const skipped: SkippedFile[] = [];
  const unsupportedPaths: string[] = [];
  let candidates: Candidate[];
  let rootReal: string;
  try {
    rootReal = await realpath(dir);
    candidates = await walk(dir, rootReal, skipped, unsupportedPaths);
  } catch (err) {
    throw new Error(`Cannot read the corpus folder ${dir} (${errorCode(err)}); check that it exists and is readable.`, { cause: err });
  }
  candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  await opts.afterListing?.(candidates.map((c) => c.id));

  const files: SourceDocument[] = [];
  const kept: string[] = [];
  let done = 0;
  for (const c of candidates) {
    if (opts.unchanged?.(c.id, c.size, c.mtimeMs)) {
      kept.push(c.id);
      opts.onProgress?.(++done, candidates.length);
      continue;
    }
    const result = await readCandidate(c, rootReal, maxBytes);
    if (isSkipped(result)) skipped.push(result);
    else files.push(result);
    opts.onProgress?.(++done, candidates.length);
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const s of skipped) opts.onWarn?.(s);
  return { files, skipped, unsupported: groupUnsupported(unsupportedPaths), kept };
}

// O_NOFOLLOW: a file swapped for a symbolic link is not followed (ELOOP). O_NONBLOCK: opening a
// FIFO returns at once instead of waiting for a writer. Both are 0 where the system lacks them.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

async function readCandidate(c: Candidate, rootReal: string, maxBytes: number): Promise<SourceDocument | SkippedFile> {
  const skip = (why: string): SkippedFile => ({ path: c.id, reason: `${c.id}: skipped, ${why}` });
  const changed = (what: string) => skip(`${what} while the corpus was being read; not read (index again once the folder is stable)`);
  let handle: FileHandle;
  try {
    handle = await open(c.abs, OPEN_FLAGS);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ELOOP') return changed('it was replaced by a symbolic link');
    if (code === 'ENOENT') return changed('it was removed');
    return skip(`unreadable (${code}); check its permissions`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return changed(`it was replaced by ${specialKind(st) ?? 'something that is not a regular file'}`);
    // Where the kernel can say which file the descriptor is, being inside the corpus is what
    // matters (an editor's atomic save legitimately replaces the file); elsewhere it must be the
    // very file that was listed.
    const where = await openedPath(handle);
    if (where !== null) {
      if (!isInside(rootReal, where)) return changed(`a folder on its path was swapped for a link leading outside the corpus (${where})`);
    } else if (st.dev !== c.dev || st.ino !== c.ino) {
      return changed('it was replaced by another file');
    }
    if (st.size > maxBytes) {
      return skip(`${formatSize(st.size)} is over the ${formatSize(maxBytes)} limit; split the file or raise maxBytes`);
    }
    const bytes = await readAtMost(handle, maxBytes + 1);
    if (bytes.length > maxBytes) return skip(`it grew past the ${formatSize(maxBytes)} limit while being read; split the file or raise maxBytes`);
    const decoded = decodeSource(c.id, bytes);
    return isSkipped(decoded) ? decoded : { ...decoded, mtimeMs: st.mtimeMs };
  } catch (err) {
    return skip(`unreadable (${errorCode(err)}); check its permissions`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/**
 * The path the kernel has for an open descriptor (Linux: /proc/self/fd), or null where that is
 * not available. Unlike a path resolved beforehand, it cannot be changed under us.
 */
async function openedPath(handle: FileHandle): Promise<string | null> {
  try {
    return await readlink(`/proc/self/fd/${handle.fd}`);
  } catch {
    return null;
  }
}

/** Reads up to `limit` bytes: a file that grows while read cannot make us allocate without bound. */
async function readAtMost(handle: FileHandle, limit: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  while (total < limit) {
    const buf = Buffer.allocUnsafe(Math.min(1024 * 1024, limit - total));
    const { bytesRead } = await handle.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    total += bytesRead;
  }
  return Buffer.concat(chunks, total);
}
