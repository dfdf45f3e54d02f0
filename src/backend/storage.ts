// Where a server's index lives when it is not the embedded index folder: how to open the published
// version as a snapshot and how to rebuild it from the corpus. LiveIndex uses it for the solr
// backend; without one it serves (and bootstraps) the embedded folder as before.
import type { Embedder } from '../embed/embedder.ts';
import type { BuildProgress, BuildSummary } from '../indexer/build-index.ts';
import type { IndexSnapshot } from './snapshot.ts';

export interface StorageBuildOptions {
  corpusDir: string;
  embedder: Embedder | null;
  baseUrl?: string;
  maxBytes?: number;
  log: (line: string) => void;
  progress: boolean;
  /** Stages and counts for the reindex tool's progress notifications. */
  onProgress?: (p: BuildProgress) => void;
}

export interface IndexStorage {
  /** A readable name of the place, for status and logs (e.g. `solr collection news at …`). */
  readonly location: string;
  /** Opens the currently published version. */
  open(): Promise<IndexSnapshot>;
  /** Rebuilds incrementally from the corpus and publishes (or reports "up to date"). */
  build(opts: StorageBuildOptions): Promise<BuildSummary>;
  /** Whether an error of `build` means "another writer holds the index" (a skip, not a failure). */
  isLocked(err: unknown): boolean;
  /**
   * The version `open` would serve now, read cheaply: a server polls it to notice a version another
   * process published (null when nothing is published). Absent when the storage cannot tell.
   */
  publishedVersion?(): Promise<string | null>;
}
