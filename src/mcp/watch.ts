// `serve --watch`: notices corpus files added, changed or removed and asks for a reindex once the
// folder has been quiet for a moment, so copying in a hundred files costs one rebuild, not a
// hundred. The watcher only reports; serializing rebuilds is the live index's job. Nothing here
// may crash the server: every failure becomes a line on stderr.
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { CORPUS_EXTENSIONS } from '../corpus/read.ts';

export const DEFAULT_DEBOUNCE_MS = 500;

export interface WatchOptions {
  corpusDir: string;
  /** Quiet time after the last change before `onChange` runs. */
  debounceMs?: number;
  /** What to do after changes (a reindex); its failure is logged, never thrown. */
  onChange: (changed: string[]) => Promise<unknown>;
  log?: (line: string) => void;
}

export interface CorpusWatcher {
  /** Resolves once the initial scan is done and changes from now on are seen. */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Whether a path (relative to the corpus folder, any separator) is one the indexer reads:
 * no hidden segment, and a corpus extension. Directories pass when `isDir` (their files are
 * checked one by one).
 */
export function isCorpusPath(relative: string, isDir = false): boolean {
  const parts = relative.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p.startsWith('.'))) return false;
  if (isDir) return true;
  const lower = relative.toLowerCase();
  return CORPUS_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export function watchCorpus(opts: WatchOptions): CorpusWatcher {
  const log = opts.log ?? ((line: string) => console.error(line));
  const debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  const root = path.resolve(opts.corpusDir);
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const relative = (p: string) => path.relative(root, path.resolve(root, p));

  const watcher: FSWatcher = watch(root, {
    ignoreInitial: true,
    // Symlinks are not followed: the indexer refuses links that leave the corpus anyway.
    followSymlinks: false,
    // Wait until a file stops growing, so a large copy is not read half-written.
    awaitWriteFinish: { stabilityThreshold: 200, pollInterval: 50 },
    ignored: (p, stats) => {
      const rel = relative(p);
      if (rel === '') return false;
      // Without stats (first call) only hidden paths can be ruled out; with them, files by extension.
      return !isCorpusPath(rel, stats === undefined || stats.isDirectory());
    },
  });

  const fire = () => {
    timer = undefined;
    if (closed || pending.size === 0) return;
    const changed = [...pending].sort();
    pending.clear();
    log(`corpus changed (${changed.length === 1 ? changed[0] : `${changed.length} files`}); reindexing`);
    opts.onChange(changed).catch((err: unknown) => {
      log(`reindex after a corpus change failed: ${err instanceof Error ? err.message : String(err)}`);
    });
  };

  const note = (p: string, isDir: boolean) => {
    const rel = relative(p);
    if (closed || !isCorpusPath(rel, isDir)) return;
    // The corpus folder itself (removed or replaced) shows up as '.'.
    pending.add(rel === '' ? '.' : rel.split(path.sep).join('/'));
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, debounceMs);
  };

  watcher.on('add', (p) => note(p, false));
  watcher.on('change', (p) => note(p, false));
  watcher.on('unlink', (p) => note(p, false));
  // A removed folder takes its files with it; chokidar may not report each of them.
  watcher.on('unlinkDir', (p) => note(p, true));
  watcher.on('error', (err) => log(`watching ${root} failed: ${err instanceof Error ? err.message : String(err)}`));

  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await watcher.close();
    },
  };
}
