// Opens the published index and pairs it with the embedder its vectors came from.
import { openEmbeddedSnapshot } from '../backend/embedded/open.ts';
import { openCollection } from '../backend/solr/open.ts';
import type { BackendChoice } from '../commands/cli-args.ts';
import { embedderForSearch, type EmbedderChoice } from '../embed/for-index.ts';
import { Searcher, type SearcherOptions } from './searcher.ts';

export async function openSearcher(
  indexDir: string,
  choice: EmbedderChoice,
  backend: BackendChoice = { kind: 'embedded' },
  options: SearcherOptions = {},
): Promise<Searcher> {
  const snapshot =
    backend.kind === 'solr'
      ? await (await openCollection(backend.solrUrl, backend.collection, choice.onLog ?? (() => {}))).storage.open()
      : await openEmbeddedSnapshot(indexDir);
  const info = snapshot.info();
  if (info.fallbackReason) choice.onLog?.(`warning: ${info.fallbackReason}`);
  return new Searcher(snapshot, embedderForSearch(info.embedding, choice), options);
}
