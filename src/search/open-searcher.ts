// Opens the published index and pairs it with the embedder its vectors came from.
import { openEmbeddedSnapshot } from '../backend/embedded/open.ts';
import { embedderForSearch, type EmbedderChoice } from '../embed/for-index.ts';
import { Searcher } from './searcher.ts';

export async function openSearcher(indexDir: string, choice: EmbedderChoice): Promise<Searcher> {
  const snapshot = await openEmbeddedSnapshot(indexDir);
  const info = snapshot.info();
  if (info.fallbackReason) choice.onLog?.(`warning: ${info.fallbackReason}`);
  return new Searcher(snapshot, embedderForSearch(info.embedding, choice));
}
