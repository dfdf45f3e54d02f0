// Publishing a new version from segments: the ones kept from the version before (hard-linked,
// possibly with new deletion marks), and the ones just written into the staging folder. The
// manifest is written last, then the folder is published atomically (src/store/files.ts): a crash
// at any point leaves the previous version current and whole.
import path from 'node:path';
import { writeDeletions, type Deletions } from '../store/deletions.ts';
import { publishVersion, pruneVersions } from '../store/files.ts';
import { stageKeptFiles, writeManifest, type SegmentView } from '../store/index-store.ts';
import type { Manifest, SegmentEntry } from '../store/manifest.ts';
import { segmentFileNames } from '../store/segment.ts';
import type { WrittenSegment } from '../store/segment-writer.ts';
import { tokenize } from '../text/tokenize.ts';

export interface KeptSegment {
  view: SegmentView;
  /** The deletion marks this version gives it (the same object as view.deletions when unchanged). */
  deletions: Deletions | null;
}

export interface NewSegment {
  written: WrittenSegment;
  documents: number;
  passages: number;
  vectors: boolean;
  /** Marks it is born with (a merge carrying over deletions made while it ran). Whole documents. */
  deletions?: Deletions | null;
  /** Documents those marks delete. */
  deletedDocuments?: number;
}

export interface VersionPlan {
  /** The folder and manifest the kept segments' files are linked from. */
  base: { dir: string; manifest: Manifest } | null;
  kept: KeptSegment[];
  added: NewSegment[];
  /** Everything else of the manifest. */
  fields: Omit<Manifest, 'segments' | 'checksums' | 'counts' | 'nextSegment'>;
  nextSegment: number;
  /** How long a replaced version is kept for readers still opening it (see pruneVersions). */
  pruneGraceMs?: number;
}

/** Publishes the staging folder as the new current version; returns its name. */
export async function publishPlan(indexDir: string, staging: string, plan: VersionPlan): Promise<string> {
  const checksums: Manifest['checksums'] = {};
  const segments: SegmentEntry[] = [];
  let documents = 0;
  let passages = 0;
  const generation = plan.nextSegment;
  for (const { view, deletions } of plan.kept) {
    const entry = view.reader.entry;
    const deleted = deletions?.ords.length ?? 0;
    if (deleted === entry.passages) continue; // nothing left: the segment is dropped
    if (!plan.base) throw new Error('kept segments need the version they come from');
    const names = segmentFileNames(entry);
    let deletionFile: string | undefined;
    if (deletions && deletions === view.deletions) {
      // Unchanged marks: the same file, linked like the segment's own files.
      deletionFile = plan.base.manifest.segments.find((s) => s.name === entry.name)?.deletions;
      if (deletionFile) names.push(deletionFile);
    } else if (deletions) {
      deletionFile = `${entry.name}.del-${String(generation).padStart(6, '0')}`;
      checksums[deletionFile] = writeDeletions(path.join(staging, deletionFile), deletions);
    }
    await stageKeptFiles(staging, plan.base.dir, names);
    for (const name of names) {
      const check = plan.base.manifest.checksums[name];
      if (!check) throw new Error(`the previous manifest has no checksum for ${name}`);
      checksums[name] = check;
    }
    segments.push({ ...entry, deleted, ...(deletionFile ? { deletions: deletionFile } : {}) });
    passages += entry.passages - deleted;
    documents += entry.documents - deletedDocuments(view, deletions);
  }
  for (const s of plan.added) {
    Object.assign(checksums, s.written.checksums);
    const deleted = s.deletions?.ords.length ?? 0;
    let deletionFile: string | undefined;
    if (s.deletions && deleted > 0) {
      deletionFile = `${s.written.name}.del-${String(generation).padStart(6, '0')}`;
      checksums[deletionFile] = writeDeletions(path.join(staging, deletionFile), s.deletions);
    }
    segments.push({ name: s.written.name, documents: s.documents, passages: s.passages, deleted, ...(deletionFile ? { deletions: deletionFile } : {}), vectors: s.vectors });
    documents += s.documents - (s.deletedDocuments ?? 0);
    passages += s.passages - deleted;
  }
  const manifest: Manifest = { ...plan.fields, counts: { documents, passages }, segments, nextSegment: plan.nextSegment, checksums };
  await writeManifest(staging, manifest);
  const version = await publishVersion(indexDir, staging);
  await pruneVersions(indexDir, version, plan.pruneGraceMs);
  return version;
}

function deletedDocuments(view: SegmentView, deletions: Deletions | null): number {
  if (!deletions || deletions.ords.length === 0) return 0;
  const mask = new Set(deletions.ords);
  const { table } = view.reader;
  let n = 0;
  for (let d = 0; d < table.documents.length; d++) if (mask.has(table.docFirst[d] ?? 0)) n++;
  return n;
}

/**
 * The deletion marks of a segment once the documents of the given corpus paths are gone: its earlier marks plus the
 * passages of those documents, with what they contributed to BM25 statistics. Returns the
 * segment's current marks unchanged when none of the documents is in it.
 */
export function withDeleted(view: SegmentView, paths: ReadonlySet<string>): Deletions | null {
  const { table, lexicon } = view.reader;
  const fresh: number[] = [];
  table.documents.forEach((doc, d) => {
    const first = table.docFirst[d] ?? 0;
    if (!paths.has(doc.path) || view.deleted?.[first] === 1) return;
    for (let i = first; i < (table.docFirst[d + 1] ?? 0); i++) fresh.push(i);
  });
  if (fresh.length === 0) return view.deletions;
  const terms = new Map(view.deletions?.terms ?? []);
  let lengthSum = view.deletions?.lengthSum ?? 0;
  for (const ord of fresh) {
    lengthSum += lexicon.lengths[ord] ?? 0;
    // Document frequency counts a passage once per term, however often the term occurs in it.
    for (const term of new Set(tokenize(table.text(ord)))) terms.set(term, (terms.get(term) ?? 0) + 1);
  }
  const ords = Uint32Array.from([...(view.deletions?.ords ?? []), ...fresh]).sort();
  return { ords, lengthSum, terms };
}
