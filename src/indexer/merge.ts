// Background merges (policy in merge-policy.ts). The merged segment is written without the
// writer lock, from segment files that never change, so rebuilds go on meanwhile; the lock is
// taken only to publish. By then a rebuild may have deleted more passages of the merged segments:
// those deletions are carried over to the merged segment, and a merge whose segments were
// replaced meanwhile (a full rebuild) is dropped. Like every build, a merge publishes through a
// staging folder: killed at any moment, it leaves the current version whole.
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Deletions } from '../store/deletions.ts';
import { makeStagingDir } from '../store/files.ts';
import { loadIndex, releaseIndex, type LoadedIndex, type SegmentView } from '../store/index-store.ts';
import { acquireWriterLock, IndexLockedError } from '../store/lock.ts';
import { segmentFileNames, segmentFingerprint } from '../store/segment.ts';
import type { WrittenSegment } from '../store/segment-writer.ts';
import { tokenize } from '../text/tokenize.ts';
import type { DocumentMeta, StoredPassage } from '../types.ts';
import { pickMerge } from './merge-policy.ts';
import { writeSegments } from './segment-builds.ts';
import { publishPlan, type KeptSegment } from './version-writer.ts';

const TEMP_NAME = 'seg-000000';
/** How long a merge waits for a rebuild to release the writer lock before giving up for now. */
const LOCK_PATIENCE_MS = 10 * 60_000;

export interface MergeResult {
  version: string;
  merged: string[];
  into: string;
  passages: number;
  ms: number;
}

export interface MergeHooks {
  /** Called once the merged segment is written, before publishing (tests change the index here). */
  beforeCommit?: () => Promise<void>;
}

/** Runs merges until the policy asks for none; returns what was merged. Never throws for a lost race. */
export async function mergeSoon(indexDir: string, log: (line: string) => void, held?: LoadedIndex, hooks: MergeHooks = {}): Promise<MergeResult[]> {
  const done: MergeResult[] = [];
  for (;;) {
    const result = await mergeOnce(indexDir, log, held, hooks);
    if (!result) return done;
    done.push(result);
    log(`merged ${result.merged.length} segments (${result.passages} passages) into ${result.into}: version ${result.version}, ${(result.ms / 1000).toFixed(1)} s`);
  }
}

async function mergeOnce(indexDir: string, log: (line: string) => void, held: LoadedIndex | undefined, hooks: MergeHooks): Promise<MergeResult | null> {
  const started = performance.now();
  const start = await loadIndex(indexDir, { reuse: held ?? null });
  try {
    const group = pickMerge(start.manifest.segments);
    if (!group) return null;
    const views = start.segments.filter((s) => group.includes(s.reader.name));
    const { plan, sources } = await gather(start, views);
    const staging = await makeStagingDir(indexDir);
    try {
      const [written] = await writeSegments(staging, [{ name: TEMP_NAME, input: plan }]);
      if (!written) throw new Error('the merged segment was not written');
      await hooks.beforeCommit?.();
      const version = await commit(indexDir, staging, start, views, sources, written, plan);
      if (!version) {
        await rm(staging, { recursive: true, force: true });
        log(`merge of ${group.join(', ')} dropped: those segments were replaced meanwhile`);
        return null;
      }
      return { version: version.version, merged: group, into: version.into, passages: plan.passages.length, ms: performance.now() - started };
    } catch (err) {
      await rm(staging, { recursive: true, force: true });
      if (err instanceof IndexLockedError) {
        log(`merge postponed: ${err.message}`);
        return null;
      }
      throw err;
    }
  } finally {
    releaseIndex(start);
  }
}

/** The live documents of the merged segments, sorted by id, with their passages' vectors. */
async function gather(index: LoadedIndex, views: readonly SegmentView[]) {
  const dir = path.join(index.dir, index.version);
  const docs: Array<{ meta: DocumentMeta; view: SegmentView; d: number }> = [];
  for (const view of views) {
    view.reader.table.documents.forEach((meta, d) => {
      if (view.deleted?.[view.reader.table.docFirst[d] ?? 0] !== 1) docs.push({ meta, view, d });
    });
  }
  docs.sort((a, b) => (a.meta.id < b.meta.id ? -1 : a.meta.id > b.meta.id ? 1 : 0));
  const passages: StoredPassage[] = [];
  const vectors: Float32Array[] = [];
  /** Where each merged passage came from, to carry later deletions over. */
  const sources: Array<{ view: SegmentView; ord: number }> = [];
  const withVectors = views.every((v) => v.reader.vectors !== null);
  for (const { view, d } of docs) {
    const { table, vectors: graph } = view.reader;
    const hashes = await view.reader.hashes(dir, index.manifest.checksums);
    for (let ord = table.docFirst[d] ?? 0; ord < (table.docFirst[d + 1] ?? 0); ord++) {
      passages.push({ ...table.passage(ord), hash: hashes.hashOf(ord) });
      if (withVectors && graph) vectors.push(graph.vector(ord));
      sources.push({ view, ord });
    }
  }
  const { manifest } = index;
  const plan = {
    documents: docs.map((x) => x.meta),
    passages,
    vectors: withVectors ? vectors : null,
    hnsw: withVectors ? manifest.hnsw : null,
    dimension: withVectors ? (manifest.embedding?.dimension ?? null) : null,
  };
  return { plan, sources };
}

/** Publishes the merge under the writer lock; null when its segments are no longer current. */
async function commit(
  indexDir: string,
  staging: string,
  start: LoadedIndex,
  views: readonly SegmentView[],
  sources: ReadonlyArray<{ view: SegmentView; ord: number }>,
  written: WrittenSegment,
  plan: { passages: StoredPassage[]; documents: DocumentMeta[]; vectors: Float32Array[] | null },
): Promise<{ version: string; into: string } | null> {
  const lock = await lockPatiently(indexDir);
  try {
    const now = await loadIndex(indexDir, { reuse: start });
    try {
      const current = new Map(now.segments.map((s) => [s.reader.name, s]));
      if (!views.every((v) => stillThere(v, current, start, now))) return null;
      const into = `seg-${String(now.manifest.nextSegment).padStart(6, '0')}`;
      for (const name of segmentFileNames({ name: TEMP_NAME, vectors: plan.vectors !== null })) {
        await rename(path.join(staging, name), path.join(staging, name.replace(TEMP_NAME, into)));
      }
      const checksums = Object.fromEntries(Object.entries(written.checksums).map(([k, v]) => [k.replace(TEMP_NAME, into), v]));
      const carried = carryDeletions(sources, current, plan.passages);
      const kept: KeptSegment[] = now.segments.filter((s) => !views.some((v) => v.reader.name === s.reader.name)).map((view) => ({ view, deletions: view.deletions }));
      const version = await publishPlan(indexDir, staging, {
        base: { dir: path.join(now.dir, now.version), manifest: now.manifest },
        kept,
        added: [
          {
            written: { ...written, name: into, checksums },
            documents: plan.documents.length,
            passages: plan.passages.length,
            vectors: plan.vectors !== null,
            deletions: carried,
            deletedDocuments: new Set([...(carried?.ords ?? [])].map((ord) => plan.passages[ord]?.docId)).size,
          },
        ],
        fields: { ...now.manifest, createdAt: new Date().toISOString() },
        nextSegment: now.manifest.nextSegment + 1,
      });
      return { version, into };
    } finally {
      releaseIndex(now);
    }
  } finally {
    await lock.release();
  }
}

/** Passages of the merged segments deleted since the merge began, as marks on the merged segment. */
function carryDeletions(
  sources: ReadonlyArray<{ view: SegmentView; ord: number }>,
  current: ReadonlyMap<string, SegmentView>,
  passages: readonly StoredPassage[],
): Deletions | null {
  const ords: number[] = [];
  let lengthSum = 0;
  const terms = new Map<string, number>();
  sources.forEach(({ view, ord }, merged) => {
    const now = current.get(view.reader.name);
    // A segment gone from the current version lost all its passages to deletions (see stillThere).
    if (now && now.deleted?.[ord] !== 1) return;
    ords.push(merged);
    const tokens = tokenize(passages[merged]?.text ?? '');
    lengthSum += tokens.length;
    for (const t of new Set(tokens)) terms.set(t, (terms.get(t) ?? 0) + 1);
  });
  return ords.length > 0 ? { ords: Uint32Array.from(ords), lengthSum, terms } : null;
}

/**
 * Whether a merged segment is still part of the current version, with the same files. A segment
 * may also be missing because a rebuild deleted every one of its documents (it is then dropped):
 * that is a deletion to carry over. Missing while one of its documents is still indexed unchanged
 * means a full rebuild rewrote everything: the merge is stale.
 */
function stillThere(view: SegmentView, current: ReadonlyMap<string, SegmentView>, start: LoadedIndex, now: LoadedIndex): boolean {
  const there = current.get(view.reader.name);
  if (there) return segmentFingerprint(there.reader.entry, now.manifest.checksums) === segmentFingerprint(view.reader.entry, start.manifest.checksums);
  const files = new Map(now.manifest.files.map((f) => [f.path, f.sha256]));
  const { table } = view.reader;
  return table.documents.every((doc, d) => view.deleted?.[table.docFirst[d] ?? 0] === 1 || files.get(doc.path) !== doc.sha256);
}

async function lockPatiently(indexDir: string) {
  const deadline = Date.now() + LOCK_PATIENCE_MS;
  for (;;) {
    try {
      return await acquireWriterLock(indexDir);
    } catch (err) {
      if (!(err instanceof IndexLockedError) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
