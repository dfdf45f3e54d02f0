// Shared pieces for the server tests: a small three-language corpus in a temp folder, builds that
// can be counted and held mid-way, and gates to pace an embedder.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Embedder } from '../../src/embed/embedder.ts';
import { buildIndex, type BuildOptions, type BuildSummary } from '../../src/indexer/build-index.ts';

/** Each file: a title line, then one paragraph per line. Words are distinct per file on purpose. */
export const ARTICLES: Record<string, string> = {
  'ar-water.txt':
    'خطة لإصلاح شبكة المياه في دمشق\n' +
    'أعلنت المؤسسة العامة لمياه الشرب عن خطة لإصلاح الأنابيب القديمة قبل الصيف.\n' +
    'وقال المدير إن الأحياء المحرومة من المياه ستكون أولاً.\n',
  'en-port.txt':
    'Harbour cranes idle as dockworkers strike\n' +
    'Dockworkers at the harbour stopped the cranes on Monday over unpaid wages.\n',
  'fa-air.txt':
    'آلودگی هوای تهران مدارس را تعطیل کرد\n' +
    'شاخص کیفیت هوای تهران به ۱۸۵ رسید و مدارس ابتدایی تعطیل شد.\n',
};

/** A file added during tests; its words occur nowhere else. */
export const EXTRA = {
  name: 'en-zebra.txt',
  text: 'Zebrafinch census\nVolunteers counted zebrafinch flocks along the river.\n',
};

export interface TempCorpus {
  root: string;
  corpusDir: string;
  indexDir: string;
  cleanup(): Promise<void>;
}

export async function makeCorpus(prefix = 'sanad-serve-'): Promise<TempCorpus> {
  const root = await mkdtemp(path.join(tmpdir(), prefix));
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  await mkdir(corpusDir);
  for (const [name, text] of Object.entries(ARTICLES)) await writeFile(path.join(corpusDir, name), text);
  return { root, corpusDir, indexDir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export function gate(): { wait: Promise<void>; open(): void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/**
 * The real build, counted, optionally held after it has published (before the live index can
 * swap): `hold()` makes the next builds pause there until the returned release is called.
 */
export function countingBuild() {
  let held: { wait: Promise<void>; open(): void } | null = null;
  let pausedSignal = gate();
  const state = {
    count: 0,
    build: async (opts: BuildOptions): Promise<BuildSummary> => {
      state.count++;
      const summary = await buildIndex(opts);
      if (held) {
        pausedSignal.open();
        await held.wait;
      }
      return summary;
    },
    /** Holds builds after publishing; returns a promise for "a build is paused" and the release. */
    hold(): { paused: Promise<void>; release(): void } {
      const g = gate();
      held = g;
      pausedSignal = gate();
      return {
        paused: pausedSignal.wait,
        release: () => {
          held = null;
          g.open();
        },
      };
    },
  };
  return state;
}

/** Wraps an embedder so passage embedding (which runs under the writer lock) waits for a gate. */
export function slowPassages(inner: Embedder, until: Promise<void>, started: () => void): Embedder {
  return {
    info: inner.info,
    dimension: () => inner.dimension(),
    embedQueries: (texts) => inner.embedQueries(texts),
    embedPassages: async (texts, onProgress) => {
      started();
      await until;
      return inner.embedPassages(texts, onProgress);
    },
  };
}

/** Wraps an embedder so the model "loads" (dimension) only when a gate opens, or fails. */
export function slowModel(inner: Embedder, until: Promise<void>, fail?: Error): Embedder {
  return {
    info: inner.info,
    dimension: async () => {
      await until;
      if (fail) throw fail;
      return inner.dimension();
    },
    embedQueries: (texts) => inner.embedQueries(texts),
    embedPassages: (texts, onProgress) => inner.embedPassages(texts, onProgress),
  };
}

/**
 * The file with this extension of the newest segment of the current version: the one segment a
 * version does not share with the version before it (shared files are hard links to the same data).
 */
export async function newestSegmentFile(indexDir: string, ext = '.psg'): Promise<{ version: string; file: string }> {
  const version = (await readFile(path.join(indexDir, 'CURRENT'), 'utf8')).trim();
  const manifest = JSON.parse(await readFile(path.join(indexDir, version, 'manifest.json'), 'utf8')) as { segments: Array<{ name: string }> };
  const newest = manifest.segments.at(-1)?.name;
  if (!newest) throw new Error(`${version} has no segment`);
  return { version, file: `${newest}${ext}` };
}

/** Flips bytes at the start of the newest segment's passage file in the current version (its check then fails). */
export async function corruptCurrent(indexDir: string): Promise<string> {
  const { version, file } = await newestSegmentFile(indexDir);
  const target = path.join(indexDir, version, file);
  const bytes = await readFile(target);
  for (let i = 0; i < Math.min(16, bytes.length); i++) bytes[i] = (bytes[i] ?? 0) ^ 0xff;
  await writeFile(target, bytes);
  return version;
}

/** Polls until `check` returns a value or the deadline passes (then throws with `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
