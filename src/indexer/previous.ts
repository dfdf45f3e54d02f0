// The version a build starts from: the segmented index it extends, or an index in the previous
// format whose vectors it carries over. Either way the vectors are found by passage-text hash,
// so nothing already embedded in the same space is embedded again.
import path from 'node:path';
import type { HashIndex } from '../store/hash-file.ts';
import { IndexMissingError, LegacyIndexError, loadIndex, releaseIndex, type LoadedIndex } from '../store/index-store.ts';
import { loadLegacyVersion, type LegacyIndex } from '../store/legacy-v1.ts';
import { readCurrentPointer } from '../store/files.ts';
import type { EmbeddingSpace, HnswParams } from '../store/manifest.ts';

export type Previous =
  | { kind: 'segmented'; index: LoadedIndex; /** Loaded by this build (released when it ends) rather than held by a server. */ owned: boolean }
  | { kind: 'legacy'; index: LegacyIndex; version: string };

export interface PreviousFacts {
  files: Array<{ path: string; sha256: string; bytes: number; mtimeMs?: number }>;
  skipped: Array<{ path: string; reason: string }>;
  embedding: EmbeddingSpace | null;
  hnsw: HnswParams | null;
  normalizerVersion: number;
  segmenterVersion: number;
  /** Whether every passage has a vector (a lexical-only index has none). */
  hasVectors: boolean;
  version: string;
  fallbackReason?: string;
}

export function factsOf(prev: Previous): PreviousFacts {
  const m = prev.index.manifest;
  const base = {
    files: m.files,
    skipped: m.skipped,
    embedding: m.embedding,
    hnsw: m.hnsw,
    normalizerVersion: m.normalizerVersion,
    segmenterVersion: m.segmenterVersion,
  };
  if (prev.kind === 'legacy') return { ...base, hasVectors: prev.index.vectors !== null, version: prev.version };
  const idx = prev.index;
  return {
    ...base,
    hasVectors: m.embedding !== null && idx.segments.every((s) => s.reader.vectors !== null),
    version: idx.version,
    ...(idx.fallbackReason ? { fallbackReason: idx.fallbackReason } : {}),
  };
}

/**
 * The previous version: the one a server holds in memory when it is still the published one,
 * otherwise read from disk. A damaged or foreign index is not fatal: the build starts afresh.
 */
export async function loadPrevious(indexDir: string, held: LoadedIndex | undefined, log: (line: string) => void): Promise<Previous | null> {
  if (held && !held.fallbackReason && (await readCurrentPointer(indexDir)) === held.version) {
    return { kind: 'segmented', index: held, owned: false };
  }
  try {
    // A stale normaliser or segmenter still leaves the vectors reusable: they embed raw text.
    return { kind: 'segmented', index: await loadIndex(indexDir, { acceptStale: true, reuse: held ?? null }), owned: true };
  } catch (err) {
    if (err instanceof IndexMissingError) return null;
    if (err instanceof LegacyIndexError) {
      try {
        const index = await loadLegacyVersion(err.versionDir, err.manifestJson);
        log(`the index is in the previous format; rebuilding it in the current one (vectors are carried over)`);
        return { kind: 'legacy', index, version: path.basename(err.versionDir) };
      } catch (legacyErr) {
        log(`previous index not reused: ${errorText(legacyErr)}`);
        return null;
      }
    }
    log(`previous index not reused: ${errorText(err)}`);
    return null;
  }
}

export function releasePrevious(prev: Previous | null): void {
  if (prev?.kind === 'segmented' && prev.owned) releaseIndex(prev.index);
}

/** Finds an existing vector for a passage text by its hash. */
export interface VectorSource {
  find(hash: string): Promise<Float32Array | null>;
}

/** Where a build can take vectors from: the previous version, when it has them in the same space. */
export async function vectorSource(prev: Previous | null): Promise<VectorSource | null> {
  if (!prev) return null;
  if (prev.kind === 'legacy') {
    const { passages, vectors } = prev.index;
    if (!vectors) return null;
    const byHash = new Map(passages.map((p, ord) => [p.hash, ord]));
    return { find: async (hash) => (byHash.has(hash) ? vectors.vector(byHash.get(hash) ?? 0) : null) };
  }
  const index = prev.index;
  const segments = index.segments.filter((s) => s.reader.vectors !== null);
  if (segments.length === 0) return null;
  const dir = path.join(index.dir, index.version);
  const hashes: Array<HashIndex | null> = segments.map(() => null);
  return {
    async find(hash) {
      // Deleted passages keep their vectors in their segment's graph: those are reused too.
      for (const [i, s] of segments.entries()) {
        const table = (hashes[i] ??= await s.reader.hashes(dir, index.manifest.checksums));
        const ord = table.find(hash);
        if (ord >= 0 && s.reader.vectors) return s.reader.vectors.vector(ord);
      }
      return null;
    },
  };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
