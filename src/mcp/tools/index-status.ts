// `index_status`: what the server can do right now (hybrid or lexical-only), over how much text,
// built when, and whether a rebuild is running or failed.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { hasChanges } from '../../corpus/changes.ts';
import { buildViewSchema, describeProgress } from '../builds.ts';
import type { RerankerStatus } from '../../rerank/stage.ts';
import type { IndexHandle, IndexStatus } from '../index-handle.ts';
import { summaryLine, summaryOut, summarySchema } from './reindex.ts';
import { guarded, MAX_ID_CHARS, plural, toolError, toolResult, type ToolContext } from './shared.ts';

/** Paths listed per kind of change; the counts are complete. */
const LISTED = 20;

export const statusSchema = z.object({
  mode: z.enum(['hybrid', 'lexical']).describe('hybrid: meaning-based and keyword search; lexical: keyword search only.'),
  model: z.string().optional().describe('Embedding model of the index; absent when lexical-only.'),
  dimension: z.number().int().optional().describe('Vector length of the model.'),
  model_state: z.enum(['none', 'loading', 'ready', 'failed']).describe('Whether the query embedding model is loaded.'),
  semantic_unavailable: z.string().optional().describe('Why semantic search is unavailable, when it is.'),
  documents: z.number().int().describe('Documents indexed.'),
  passages: z.number().int().describe('Passages indexed.'),
  version: z.string().describe('Index version served.'),
  built_at: z.string().describe('When the served index was built (ISO time).'),
  build_ms: z.number().int().describe('How long that build took, in milliseconds.'),
  load_ms: z.number().int().optional().describe('How long the server took to load the served version, in milliseconds.'),
  segments: z.number().int().optional().describe('Segments the index is stored in (rebuilds add small ones; background merges combine them).'),
  reindexing: z.boolean().describe('True while a rebuild runs (searches still answer from the served version).'),
  build: buildViewSchema
    .optional()
    .describe('The rebuild asked about with build_id, or else the one running (or queued) now: stage, counts, percent, ETA, outcome.'),
  watching: z.boolean().describe('True when the server rebuilds on its own as corpus files change.'),
  index_dir: z.string().describe('Folder of the index on the server machine.'),
  corpus_dir: z.string().describe('Corpus folder on the server machine.'),
  last_reindex: summarySchema.optional().describe('Summary of the last rebuild in this server session.'),
  last_reindex_error: z.string().optional().describe('Why the last rebuild failed, when it did.'),
  warning: z.string().optional().describe('Set when a damaged index made the server fall back to an older one.'),
  corpus: z
    .object({
      changed: z.boolean().describe('True when the corpus folder differs from what the served version was built from: call reindex (or wait for watch mode).'),
      added: z.array(z.string()).describe(`Files added since (at most ${LISTED} shown).`),
      changed_files: z.array(z.string()).describe(`Files whose content changed (at most ${LISTED} shown).`),
      removed: z.array(z.string()).describe(`Files removed (at most ${LISTED} shown).`),
      counts: z.object({ added: z.number().int(), changed: z.number().int(), removed: z.number().int() }).describe('Full counts.'),
      files: z.number().int().describe('Article files in the corpus folder now.'),
    })
    .optional()
    .describe('The corpus folder compared with the served version (absent when it could not be read: see corpus_error).'),
  corpus_error: z.string().optional().describe('Why the corpus folder could not be compared, when it could not.'),
  reranker: z
    .object({
      provider: z.enum(['http', 'transformers']).describe('http: a /rerank server; transformers: a cross-encoder run in process.'),
      model: z.string().describe('Model name on the server, Hub id or local folder name.'),
      api: z.enum(['cohere', 'tei']).optional().describe('Request format of an http reranker.'),
      url: z.string().optional().describe('Endpoint of an http reranker (credentials removed).'),
      dtype: z.string().optional().describe('dtype of a local model.'),
      top: z.number().int().describe('How many fused results each search reranks.'),
      timeout_ms: z.number().int().describe('Time a search gives the reranker before keeping the fused order.'),
      state: z
        .enum(['idle', 'loading', 'ready', 'failing', 'paused'])
        .describe(
          'idle: not used yet; loading: the local model is loading; ready: the last search was reranked; failing: the last attempt failed ' +
            '(searches keep the fused order and say so); paused: it failed repeatedly and is skipped until retry_at.',
        ),
      failures: z.number().int().describe('Failed attempts since the last success.'),
      last_error: z.string().optional().describe('Why the last attempt failed.'),
      retry_at: z.string().optional().describe('When a paused reranker is tried again (ISO time).'),
    })
    .optional()
    .describe('The optional reranking stage that reorders the first fused results; absent when none is configured.'),
});
export type StatusOut = z.infer<typeof statusSchema>;

/** The status plus the comparison of the corpus folder with the served version. */
export async function statusWithCorpus(index: IndexHandle, buildId?: string): Promise<StatusOut> {
  const out = statusOut(index.status());
  if (buildId !== undefined) {
    const build = index.buildStatus(buildId);
    if (build) out.build = build;
  }
  try {
    const c = await index.checkCorpus();
    out.corpus = {
      changed: hasChanges(c),
      added: c.added.slice(0, LISTED),
      changed_files: c.changed.slice(0, LISTED),
      removed: c.removed.slice(0, LISTED),
      counts: { added: c.added.length, changed: c.changed.length, removed: c.removed.length },
      files: c.files,
    };
  } catch (err) {
    out.corpus_error = err instanceof Error ? err.message : String(err);
  }
  return out;
}

export function statusOut(s: IndexStatus): StatusOut {
  return {
    mode: s.mode,
    ...(s.model ? { model: s.model } : {}),
    ...(s.dimension !== undefined ? { dimension: s.dimension } : {}),
    model_state: s.modelState,
    ...(s.semanticUnavailable ? { semantic_unavailable: s.semanticUnavailable } : {}),
    documents: s.documents,
    passages: s.passages,
    version: s.version,
    built_at: s.builtAt,
    build_ms: Math.round(s.buildMs),
    ...(s.loadMs !== undefined ? { load_ms: Math.round(s.loadMs) } : {}),
    ...(s.segments !== undefined ? { segments: s.segments } : {}),
    reindexing: s.reindexing,
    ...(s.build ? { build: s.build } : {}),
    watching: s.watching,
    index_dir: s.indexDir,
    corpus_dir: s.corpusDir,
    ...(s.lastReindex ? { last_reindex: summaryOut(s.lastReindex) } : {}),
    ...(s.lastReindexError ? { last_reindex_error: s.lastReindexError } : {}),
    ...(s.warning ? { warning: s.warning } : {}),
    ...(s.reranker ? { reranker: rerankerOut(s.reranker) } : {}),
  };
}

function rerankerOut(r: RerankerStatus): NonNullable<StatusOut['reranker']> {
  return {
    provider: r.provider,
    model: r.model,
    ...(r.api ? { api: r.api } : {}),
    ...(r.url ? { url: r.url } : {}),
    ...(r.dtype ? { dtype: r.dtype } : {}),
    top: r.top,
    timeout_ms: r.timeoutMs,
    state: r.state,
    failures: r.failures,
    ...(r.lastError ? { last_error: r.lastError } : {}),
    ...(r.retryAt ? { retry_at: r.retryAt } : {}),
  };
}

/** One line about the reranker for index_status, or undefined when there is none. */
export function rerankerLine(r: StatusOut['reranker']): string | undefined {
  if (!r) return undefined;
  const head = `Reranker: ${r.provider} ${r.api ? `${r.api} ` : ''}${r.model}, top ${r.top} results, ${r.state}`;
  if (r.state === 'paused') return `${head} until ${r.retry_at ?? 'later'} (searches keep the fused order meanwhile). Last error: ${r.last_error ?? 'unknown'}`;
  if (r.state === 'failing') return `${head} (the last search kept the fused order). Last error: ${r.last_error ?? 'unknown'}`;
  return `${head}.`;
}

/** The one-line status used by index_status and the server instructions. Never holds corpus text. */
export function statusLine(s: StatusOut): string {
  const model = s.model ? `model ${s.model} (${s.model_state})` : 'no embedding model';
  return `Index: ${s.mode} search, ${model}, ${plural(s.documents, 'document')}, ${plural(s.passages, 'passage')}, built ${s.built_at}.`;
}

const DESCRIPTION = [
  'Report the state of the index: search mode (hybrid, or lexical-only when no embedding model is available), model, reranker,',
  'document and passage counts, build time, whether the corpus folder changed since (files added, changed, removed),',
  'a running rebuild\'s stage, percent and time left, and the last rebuild\'s summary or error.',
  'Use it when search results say they are lexical only, to check the corpus size, or with build_id to follow a rebuild that reindex left running.',
].join(' ');

const inputSchema = {
  build_id: z
    .string()
    .min(1)
    .max(MAX_ID_CHARS)
    .optional()
    .describe('A build id from reindex: report that rebuild (running, done or failed). Default: the rebuild running now, if any.'),
};

export function registerIndexStatusTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'index_status',
    {
      title: 'Index status',
      description: DESCRIPTION,
      inputSchema,
      outputSchema: statusSchema.shape,
      annotations: { title: 'Index status', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      guarded(ctx, 'index_status', async () => {
        if (args.build_id !== undefined && !ctx.index.buildStatus(args.build_id)) {
          return toolError(`index_status: unknown build id "${args.build_id}"; ids come from reindex, and only the latest rebuilds are kept. Call index_status without build_id for the current state.`);
        }
        const structured = await statusWithCorpus(ctx.index, args.build_id);
        const lines = [statusLine(structured)];
        if (structured.semantic_unavailable) lines.push(`Semantic search unavailable: ${structured.semantic_unavailable}`);
        const b = structured.build;
        if (b) {
          const outcome = b.state === 'done' ? 'finished' : b.state === 'failed' ? `failed: ${b.error ?? 'unknown error'}` : describeProgress(b);
          lines.push(`Rebuild ${b.id} (${b.trigger}): ${outcome}.${b.state === 'running' || b.state === 'queued' ? ' Searches answer from the current version meanwhile.' : ''}`);
        } else if (structured.reindexing) lines.push('A rebuild is running; searches answer from the current version meanwhile.');
        if (structured.corpus?.changed) {
          const c = structured.corpus.counts;
          lines.push(`The corpus folder changed since this version was built: ${c.added} added, ${c.changed} changed, ${c.removed} removed. Call reindex to include the changes.`);
        } else if (structured.corpus) lines.push(`The index is up to date with the corpus folder (${plural(structured.corpus.files, 'file')}).`);
        if (structured.corpus_error) lines.push(`Could not compare the corpus folder: ${structured.corpus_error}`);
        if (structured.watching) lines.push('Watching the corpus folder for changes.');
        if (structured.last_reindex) lines.push(`Last rebuild: ${summaryLine(structured.last_reindex)}`);
        if (structured.last_reindex_error) lines.push(`Last rebuild failed: ${structured.last_reindex_error}`);
        if (structured.warning) lines.push(`Warning: ${structured.warning}`);
        const reranker = rerankerLine(structured.reranker);
        if (reranker) lines.push(reranker);
        return toolResult(structured, lines.join('\n'));
      }),
  );
}
