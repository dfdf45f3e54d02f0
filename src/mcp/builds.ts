// Rebuilds as a client sees them: each scheduled rebuild gets an id, a trigger and a state, and
// its progress (stage, counts, percent, estimated time left) can be read at any moment, so a
// rebuild that outlives one tool call can be followed with index_status. The tracker also fans out
// what happened to every listener (each MCP session subscribes; see server.ts).
import { z } from 'zod';
import type { BuildProgress, BuildStage, BuildSummary } from '../indexer/build-index.ts';
import type { RerankEvent } from '../rerank/stage.ts';

/** What asked for the rebuild. */
export type BuildTrigger = 'tool' | 'watch' | 'start-up' | 'model' | 'cli';

export type BuildState = 'queued' | 'running' | 'done' | 'failed';

export interface BuildRecord {
  id: string;
  trigger: BuildTrigger;
  state: BuildState;
  queuedAt: number;
  startedAt?: number;
  finishedAt?: number;
  stage?: BuildStage | 'loading';
  filesRead?: number;
  filesTotal?: number;
  embedded?: number;
  toEmbed?: number;
  /** When the first passage batch started, for the embedding rate. */
  embedStartedAt?: number;
  summary?: BuildSummary;
  error?: string;
}

/** Something a session may want to tell its client about. */
export type IndexEvent =
  | { type: 'progress'; build: BuildRecord }
  /** A build finished; `published` when a new version is now served (list of documents may have changed). */
  | { type: 'finished'; build: BuildRecord; summary: BuildSummary; published: boolean }
  | { type: 'failed'; build: BuildRecord; error: string }
  /** A version another process published (into a shared Solr collection) is now served. */
  | { type: 'published'; version: string; message: string }
  | { type: 'model'; state: 'ready' | 'failed'; message: string }
  | { type: 'reranker'; state: RerankEvent['state']; message: string };

export type IndexListener = (event: IndexEvent) => void;

/** Records kept for index_status lookups by id. */
const HISTORY = 20;

export class BuildTracker {
  private seq = 0;
  private readonly records: BuildRecord[] = [];
  private readonly listeners = new Set<IndexListener>();

  constructor(private readonly now: () => number = Date.now) {}

  create(trigger: BuildTrigger): BuildRecord {
    const record: BuildRecord = { id: `build-${++this.seq}`, trigger, state: 'queued', queuedAt: this.now() };
    this.records.push(record);
    if (this.records.length > HISTORY) this.records.splice(0, this.records.length - HISTORY);
    return record;
  }

  get(id: string): BuildRecord | undefined {
    return this.records.find((r) => r.id === id);
  }

  /** The build running now, else the next queued one, else the latest finished one. */
  latest(): BuildRecord | undefined {
    return (
      this.records.find((r) => r.state === 'running') ??
      this.records.find((r) => r.state === 'queued') ??
      this.records.at(-1)
    );
  }

  start(record: BuildRecord): void {
    record.state = 'running';
    record.startedAt = this.now();
    this.emit({ type: 'progress', build: record });
  }

  progress(record: BuildRecord, p: BuildProgress | { stage: 'loading'; done: number; total: number }): void {
    record.stage = p.stage;
    if (p.stage === 'reading') {
      record.filesRead = p.done;
      record.filesTotal = p.total;
    } else if (p.stage === 'embedding') {
      record.embedStartedAt ??= this.now();
      record.embedded = p.done;
      record.toEmbed = p.total;
    }
    this.emit({ type: 'progress', build: record });
  }

  finish(record: BuildRecord, summary: BuildSummary, published: boolean): void {
    record.state = 'done';
    record.finishedAt = this.now();
    record.summary = summary;
    this.emit({ type: 'finished', build: record, summary, published });
  }

  fail(record: BuildRecord, error: string): void {
    record.state = 'failed';
    record.finishedAt = this.now();
    record.error = error;
    this.emit({ type: 'failed', build: record, error });
  }

  subscribe(listener: IndexListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: IndexEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One session's failure to send must not stop the others, nor the build.
      }
    }
  }
}

/** Where a build stands, in numbers a client can show: reindex and index_status return it. */
export const buildViewSchema = z.object({
  id: z.string().describe('Build id, as reindex returned it: pass it to index_status as build_id.'),
  trigger: z.enum(['tool', 'watch', 'start-up', 'model', 'cli']).describe('What asked for it: the reindex tool, a watched corpus change, server start-up, or the model becoming ready (vectors added).'),
  state: z.enum(['queued', 'running', 'done', 'failed']).describe('queued: waits for the rebuild before it; running; done (the new version is served); failed (see error).'),
  stage: z
    .enum(['reading', 'embedding', 'indexing', 'publishing', 'loading'])
    .optional()
    .describe('Current stage: reading files, embedding new passages (the long one), building search structures, writing, loading the new version.'),
  files_read: z.number().int().optional().describe('Corpus files read so far.'),
  files_total: z.number().int().optional().describe('Corpus files to read.'),
  passages_embedded: z.number().int().optional().describe('New or changed passages embedded so far.'),
  passages_to_embed: z.number().int().optional().describe('New or changed passages to embed (unchanged ones reuse their vectors).'),
  percent: z.number().describe('0–100. Embedding, when there is any, spans 10 to 95.'),
  eta_seconds: z.number().int().optional().describe('Estimated seconds left, from the embedding rate so far; absent when there is no basis yet.'),
  elapsed_seconds: z.number().describe('Seconds since the build started (or was queued).'),
  error: z.string().optional().describe('Why it failed, when it did.'),
});
export type BuildView = z.infer<typeof buildViewSchema>;

// Shares of the whole a stage ends at. Reading and writing take seconds where embedding takes
// minutes (15 passages/s with the default model on 2 cores, BENCHMARKS.md), so embedding gets
// nearly all of the bar; without it, reading does.
const STAGE_END: Record<BuildStage | 'loading', number> = { reading: 10, embedding: 95, indexing: 97, publishing: 99, loading: 100 };

export function viewBuild(r: BuildRecord, now: number): BuildView {
  const elapsed = ((r.finishedAt ?? now) - (r.startedAt ?? r.queuedAt)) / 1000;
  let percent = 0;
  let eta: number | undefined;
  if (r.state === 'done') percent = 100;
  else if (r.state === 'running' && r.stage) {
    const start = r.stage === 'reading' ? 0 : r.stage === 'embedding' ? STAGE_END.reading : STAGE_END[previousStage(r.stage)];
    const fraction =
      r.stage === 'reading' ? ratio(r.filesRead, r.filesTotal) : r.stage === 'embedding' ? ratio(r.embedded, r.toEmbed) : 0;
    percent = start + (STAGE_END[r.stage] - start) * fraction;
    if (r.stage === 'embedding' && r.embedStartedAt !== undefined && (r.embedded ?? 0) > 0) {
      const rate = (r.embedded ?? 0) / Math.max(0.001, (now - r.embedStartedAt) / 1000);
      eta = Math.round(((r.toEmbed ?? 0) - (r.embedded ?? 0)) / rate);
    }
  }
  return {
    id: r.id,
    trigger: r.trigger,
    state: r.state,
    ...(r.stage ? { stage: r.stage } : {}),
    ...(r.filesTotal !== undefined ? { files_read: r.filesRead ?? 0, files_total: r.filesTotal } : {}),
    ...(r.toEmbed !== undefined ? { passages_embedded: r.embedded ?? 0, passages_to_embed: r.toEmbed } : {}),
    percent: Math.round(percent * 10) / 10,
    ...(eta !== undefined ? { eta_seconds: eta } : {}),
    elapsed_seconds: Math.round(elapsed * 10) / 10,
    ...(r.error ? { error: r.error } : {}),
  };
}

function previousStage(stage: BuildStage | 'loading'): BuildStage | 'loading' {
  const order: Array<BuildStage | 'loading'> = ['reading', 'embedding', 'indexing', 'publishing', 'loading'];
  return order[Math.max(0, order.indexOf(stage) - 1)] ?? 'reading';
}

function ratio(done: number | undefined, total: number | undefined): number {
  return total && total > 0 ? Math.min(1, (done ?? 0) / total) : 0;
}

/** One line for humans: "embedding passages 120 of 1,400 (9%, about 1m20s left)". */
export function describeProgress(v: BuildView): string {
  const left = v.eta_seconds !== undefined ? `, about ${formatEta(v.eta_seconds)} left` : '';
  switch (v.stage) {
    case 'reading':
      return `reading files ${v.files_read ?? 0} of ${v.files_total ?? 0} (${Math.floor(v.percent)}%)`;
    case 'embedding':
      return `embedding passages ${v.passages_embedded ?? 0} of ${v.passages_to_embed ?? 0} (${Math.floor(v.percent)}%${left})`;
    case 'indexing':
      return `building the search structures (${Math.floor(v.percent)}%)`;
    case 'publishing':
      return `writing the new version (${Math.floor(v.percent)}%)`;
    case 'loading':
      return `loading the new version (${Math.floor(v.percent)}%)`;
    default:
      return v.state === 'queued' ? 'waiting for the rebuild before it to finish' : v.state;
  }
}

function formatEta(s: number): string {
  if (s < 60) return `${Math.max(1, Math.round(s))} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${String(Math.round(s % 60)).padStart(2, '0')} s`;
}
