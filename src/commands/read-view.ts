// The index as a command reads it without a model: the current version's snapshot (index folder or
// Solr collection), through the same view the MCP tools use, so `sanad get` and `sanad verify`
// answer as get_passage and verify_quote do.
import { viewOf, type IndexView } from '../mcp/tools/index-view.ts';
import { openSnapshot } from '../search/open-searcher.ts';
import { Searcher } from '../search/searcher.ts';
import type { BackendChoice } from './cli-args.ts';

export async function openReadView(indexDir: string, backend: BackendChoice, log: (line: string) => void): Promise<IndexView> {
  return viewOf(new Searcher(await openSnapshot(indexDir, backend, log), null));
}
