// What the MCP server needs from the index: the searcher to answer with right now (over the one
// shared snapshot), a status report, and a way to rebuild. The server asks `current()` once per
// request and holds that searcher's snapshot until the request ends (tools/shared.ts useView), so a
// reindex swaps the snapshot between requests, atomically, and never under a running one.
import type { BuildSummary } from '../indexer/build-index.ts';
import type { Searcher } from '../search/searcher.ts';

export type ModelState = 'none' | 'loading' | 'ready' | 'failed';

export interface IndexStatus {
  indexDir: string;
  corpusDir: string;
  version: string;
  /** What searches can do right now: hybrid needs vectors in the index and a loaded model. */
  mode: 'hybrid' | 'lexical';
  /** Embedding model of the index, e.g. `transformers:Xenova/multilingual-e5-small (q8)`; absent when lexical-only. */
  model?: string;
  dimension?: number;
  modelState: ModelState;
  /** Why semantic search is unavailable, when it is. */
  semanticUnavailable?: string;
  documents: number;
  passages: number;
  builtAt: string;
  buildMs: number;
  reindexing: boolean;
  watching: boolean;
  lastReindex?: BuildSummary;
  lastReindexError?: string;
  /** Set when a damaged current index made the server fall back to an older one. */
  warning?: string;
}

export interface IndexHandle {
  /** The snapshot to answer from. Cheap; call it once per request. */
  current(): Searcher;
  status(): IndexStatus;
  /**
   * Rebuilds incrementally from the corpus folder and swaps the new snapshot in when complete.
   * Concurrent calls share one build (a call arriving during a build waits for a fresh one after it).
   */
  reindex(): Promise<BuildSummary>;
}
