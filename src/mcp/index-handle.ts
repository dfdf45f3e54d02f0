// What the MCP server needs from the index: the searcher to answer with right now (over the one
// shared snapshot), a status report, and a way to rebuild. The server asks `current()` once per
// request and holds that searcher's snapshot until the request ends (tools/shared.ts useView), so a
// reindex swaps the snapshot between requests, atomically, and never under a running one.
import type { CorpusChanges } from '../corpus/changes.ts';
import type { BuildSummary } from '../indexer/build-index.ts';
import type { RerankerStatus } from '../rerank/stage.ts';
import type { Searcher } from '../search/searcher.ts';
import type { BuildTrigger, BuildView, IndexListener } from './builds.ts';

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
  /** How long loading the served version took (ms), and in how many segments it is stored. */
  loadMs?: number;
  segments?: number;
  reindexing: boolean;
  /** The rebuild running now (or waiting to start), with its progress. */
  build?: BuildView;
  watching: boolean;
  lastReindex?: BuildSummary;
  lastReindexError?: string;
  /** Set when a damaged current index made the server fall back to an older one. */
  warning?: string;
  /** The reranking stage, when one is configured. */
  reranker?: RerankerStatus;
}

export interface IndexHandle {
  /** The snapshot to answer from. Cheap; call it once per request. */
  current(): Searcher;
  status(): IndexStatus;
  /**
   * Rebuilds incrementally from the corpus folder and swaps the new snapshot in when complete.
   * Concurrent calls share one build (a call arriving during a build waits for a fresh one after it).
   */
  reindex(trigger?: BuildTrigger): Promise<BuildSummary>;
  /** Schedules a rebuild like `reindex` and returns its id at once, with the promise of its summary. */
  startReindex(trigger: BuildTrigger): { id: string; done: Promise<BuildSummary> };
  /** A recent rebuild by id (running, queued or finished); undefined when unknown or long gone. */
  buildStatus(id: string): BuildView | undefined;
  /** Files added, changed or removed in the corpus folder since the served version was built. */
  checkCorpus(): Promise<CorpusChanges>;
  /** Progress, finished and failed rebuilds, model news; returns the unsubscribe function. */
  subscribe(listener: IndexListener): () => void;
}
