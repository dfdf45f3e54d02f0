// Reading the corpus for a build. An incremental build does not read files it already has: a file
// whose size and modification time are those the previous version recorded is taken as unchanged
// (as git's index does), so a one-file change in an archive of 100,000 articles reads one file.
// A modification time is recorded only once it is safely in the past at the time of reading: a
// file rewritten within the same clock tick as it was read would otherwise look untouched.
import { ingestCorpus } from '../corpus/ingest.ts';
import type { UnsupportedType } from '../corpus/read.ts';
import type { LoadedIndex } from '../store/index-store.ts';
import type { DocumentMeta, IngestedDocument, SkippedFile } from '../types.ts';

/** A file modified less than this before it was read gets no recorded time (it is read again next time). */
const SETTLED_MS = 2_000;

export interface CorpusRead {
  /** Documents read now (new, changed, or everything in a full build), sorted by id. */
  read: IngestedDocument[];
  /** Documents of unchanged files, as the previous version has them. */
  kept: DocumentMeta[];
  skipped: SkippedFile[];
  unsupported: UnsupportedType[];
  /** Modification times to record, by path (settled files only). */
  mtimes: Map<string, number>;
}

export async function readCorpusFor(
  opts: { corpusDir: string; maxBytes?: number },
  previous: { index: LoadedIndex; files: ReadonlyArray<{ path: string; bytes: number; mtimeMs?: number }> } | null,
  log: (line: string) => void,
  onProgress: (done: number, total: number) => void,
): Promise<CorpusRead> {
  const known = new Map((previous?.files ?? []).map((f) => [f.path, f]));
  const startedAt = Date.now();
  const { documents, sources, skipped, unsupported, kept } = await ingestCorpus(opts.corpusDir, {
    ...(opts.maxBytes !== undefined ? { maxBytes: opts.maxBytes } : {}),
    onWarn: (s) => log(`skipped: ${s.reason}`),
    onProgress,
    ...(previous
      ? {
          unchanged: (id: string, size: number, mtimeMs: number) => {
            const f = known.get(id);
            return f !== undefined && f.mtimeMs !== undefined && f.bytes === size && f.mtimeMs === mtimeMs;
          },
        }
      : {}),
  });
  const mtimes = new Map<string, number>();
  for (const s of sources) if (s.mtimeMs !== undefined && startedAt - s.mtimeMs > SETTLED_MS) mtimes.set(s.path, s.mtimeMs);
  const keptMetas: DocumentMeta[] = [];
  if (kept.length > 0 && previous) {
    const wanted = new Set(kept);
    for (const view of previous.index.segments) {
      const { table } = view.reader;
      table.documents.forEach((doc, d) => {
        if (wanted.has(doc.path) && view.deleted?.[table.docFirst[d] ?? 0] !== 1) keptMetas.push(doc);
      });
    }
    if (keptMetas.length !== kept.length) {
      // The previous version does not hold every file its manifest lists: trust nothing of it.
      log('the previous index does not hold every file its manifest lists; reading the whole corpus');
      return readCorpusFor(opts, null, log, onProgress);
    }
    for (const id of kept) {
      const mtime = known.get(id)?.mtimeMs;
      if (mtime !== undefined) mtimes.set(id, mtime);
    }
  }
  return { read: documents, kept: keptMetas, skipped, unsupported, mtimes };
}
