// Opening the embedded backend: the index folder's current version, loaded and verified, as a
// snapshot the server and the CLI share.
import { loadIndex, type LoadedIndex } from '../../store/index-store.ts';
import { IndexSnapshot } from '../snapshot.ts';
import { EmbeddedBackend } from './embedded-backend.ts';
import type { PostingsCache } from './lexical.ts';

/** A snapshot over an index already loaded; `cache` shares decoded postings between snapshots. */
export function embeddedSnapshot(loaded: LoadedIndex, cache?: PostingsCache): IndexSnapshot {
  return new IndexSnapshot(new EmbeddedBackend(loaded, cache));
}

/** Loads the current version of `indexDir` (or the newest readable one; see loadIndex). */
export async function openEmbeddedSnapshot(indexDir: string): Promise<IndexSnapshot> {
  return embeddedSnapshot(await loadIndex(indexDir));
}

/** The loaded index behind a snapshot, when the embedded backend serves it (the indexer reuses its vectors). */
export function loadedIndexOf(snapshot: IndexSnapshot): LoadedIndex | undefined {
  return snapshot.backend instanceof EmbeddedBackend ? snapshot.backend.loaded : undefined;
}
