// Opens the published index and pairs it with the embedder its vectors came from.
import { openEmbeddedSnapshot } from '../backend/embedded/open.ts';
import type { IndexSnapshot } from '../backend/snapshot.ts';
import { openCollection } from '../backend/solr/open.ts';
import type { BackendChoice } from '../commands/cli-args.ts';
import { embedderForSearch, type EmbedderChoice } from '../embed/for-index.ts';
import { Searcher, type SearcherOptions } from './searcher.ts';

/** The published index as a snapshot: the embedded index folder, or the Solr collection. */
export async function openSnapshot(indexDir: string, backend: BackendChoice, log: (line: string) => void): Promise<IndexSnapshot> {
  const snapshot =
    backend.kind === 'solr' ? await (await openCollection(backend.solrUrl, backend.collection, log)).storage.open() : await openEmbeddedSnapshot(indexDir);
  const fallback = snapshot.info().fallbackReason;
  if (fallback) log(`warning: ${fallback}`);
  return snapshot;
}

export async function openSearcher(
  indexDir: string,
  choice: EmbedderChoice,
  backend: BackendChoice = { kind: 'embedded' },
  options: SearcherOptions = {},
): Promise<Searcher> {
  const snapshot = await openSnapshot(indexDir, backend, choice.onLog ?? (() => {}));
  return new Searcher(snapshot, embedderForSearch(snapshot.info().embedding, choice), options);
}
