// Loads the published index and pairs it with the embedder its vectors came from.
import { embedderForSearch, type EmbedderChoice } from '../embed/for-index.ts';
import { loadIndex } from '../store/index-store.ts';
import { Searcher } from './searcher.ts';

export async function openSearcher(indexDir: string, choice: EmbedderChoice): Promise<Searcher> {
  const index = await loadIndex(indexDir);
  if (index.fallbackReason) choice.onLog?.(`warning: ${index.fallbackReason}`);
  return new Searcher(index, embedderForSearch(index.manifest.embedding, choice));
}
