// Reads the corpus folder: every .txt, .md, .html and .htm file below it, safely. Files that
// cannot be used are skipped with a one-line reason naming the file; nothing here throws for a
// bad file, only for a corpus folder that cannot be opened at all.

import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SkippedFile, SourceDocument } from '../types.ts';
import { decodeSource, isSkipped } from './decode.ts';

export { decodeSource, isSkipped } from './decode.ts';

/** Largest file read: 20 MB. Bigger files are skipped, never truncated. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

export const CORPUS_EXTENSIONS = ['.txt', '.md', '.html', '.htm'] as const;

export interface ReadCorpusOptions {
  maxBytes?: number;
  onWarn?: (skip: SkippedFile) => void;
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

interface Candidate {
  id: string;
  abs: string;
}

/**
 * Lists candidate files. Hidden entries (leading dot) are ignored. A symlink is followed only
 * when its target resolves inside the corpus folder, and only to a file.
 */
async function walk(root: string, skipped: SkippedFile[]): Promise<Candidate[]> {
  const rootReal = await realpath(root);
  const out: Candidate[] = [];

  const visit = async (dirAbs: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dirAbs, { withFileTypes: true });
    } catch (err) {
      const id = relative(root, dirAbs).split(sep).join('/');
      skipped.push({ path: id, reason: `${id}/: skipped, folder unreadable (${errorCode(err)}); check its permissions` });
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const abs = join(dirAbs, e.name);
      const id = relative(root, abs).split(sep).join('/');
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = await realpath(abs);
        } catch (err) {
          if (hasCorpusExtension(e.name)) {
            skipped.push({ path: id, reason: `${id}: skipped, broken symbolic link (${errorCode(err)}); fix or remove the link` });
          }
          continue;
        }
        if (!isInside(rootReal, target)) {
          const st = await stat(target).catch(() => undefined);
          if (st?.isDirectory() || hasCorpusExtension(e.name)) {
            skipped.push({ path: id, reason: `${id}: skipped, symbolic link points outside the corpus folder (${target}); copy the file into the corpus instead` });
          }
          continue;
        }
        // A link to a folder inside the corpus only repeats files read under their real path
        // (or loops back to an ancestor): not descended. A link to a file is read.
        const st = await stat(target).catch(() => undefined);
        isDir = false;
        isFile = st?.isFile() ?? false;
      }
      if (isDir) await visit(abs);
      else if (isFile && hasCorpusExtension(e.name)) out.push({ id, abs });
    }
  };

  await visit(root);
  return out;
}

/**
 * Every readable article under `dir`, sorted by path (code-unit order, locale independent), and
 * the files skipped with their reasons. Throws only when `dir` itself cannot be read.
 */
export async function readCorpus(
  dir: string,
  opts: ReadCorpusOptions = {},
): Promise<{ files: SourceDocument[]; skipped: SkippedFile[] }> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const skipped: SkippedFile[] = [];
  let candidates: Candidate[];
  try {
    candidates = await walk(dir, skipped);
  } catch (err) {
    throw new Error(`Cannot read the corpus folder ${dir} (${errorCode(err)}); check that it exists and is readable.`, { cause: err });
  }
  candidates.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const files: SourceDocument[] = [];
  for (const c of candidates) {
    let result: SourceDocument | SkippedFile;
    try {
      // stat follows a symlink, which walk() has already checked stays inside the corpus.
      const size = (await stat(c.abs)).size;
      if (size > maxBytes) {
        result = {
          path: c.id,
          reason: `${c.id}: skipped, ${formatSize(size)} is over the ${formatSize(maxBytes)} limit; split the file or raise maxBytes`,
        };
      } else {
        result = decodeSource(c.id, await readFile(c.abs));
      }
    } catch (err) {
      result = { path: c.id, reason: `${c.id}: skipped, unreadable (${errorCode(err)}); check its permissions` };
    }
    if (isSkipped(result)) skipped.push(result);
    else files.push(result);
  }
  skipped.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const s of skipped) opts.onWarn?.(s);
  return { files, skipped };
}
