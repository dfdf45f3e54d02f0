// `index_status`: what the server can do right now (hybrid or lexical-only), over how much text,
// built when, and whether a rebuild is running or failed.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { IndexStatus } from '../index-handle.ts';
import { summaryLine, summaryOut, summarySchema } from './reindex.ts';
import { guarded, plural, toolResult, type ToolContext } from './shared.ts';

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
  reindexing: z.boolean().describe('True while a rebuild runs (searches still answer from the served version).'),
  watching: z.boolean().describe('True when the server rebuilds on its own as corpus files change.'),
  index_dir: z.string().describe('Folder of the index on the server machine.'),
  corpus_dir: z.string().describe('Corpus folder on the server machine.'),
  last_reindex: summarySchema.optional().describe('Summary of the last rebuild in this server session.'),
  last_reindex_error: z.string().optional().describe('Why the last rebuild failed, when it did.'),
  warning: z.string().optional().describe('Set when a damaged index made the server fall back to an older one.'),
});
export type StatusOut = z.infer<typeof statusSchema>;

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
    reindexing: s.reindexing,
    watching: s.watching,
    index_dir: s.indexDir,
    corpus_dir: s.corpusDir,
    ...(s.lastReindex ? { last_reindex: summaryOut(s.lastReindex) } : {}),
    ...(s.lastReindexError ? { last_reindex_error: s.lastReindexError } : {}),
    ...(s.warning ? { warning: s.warning } : {}),
  };
}

/** The one-line status used by index_status and the server instructions. Never holds corpus text. */
export function statusLine(s: StatusOut): string {
  const model = s.model ? `model ${s.model} (${s.model_state})` : 'no embedding model';
  return `Index: ${s.mode} search, ${model}, ${plural(s.documents, 'document')}, ${plural(s.passages, 'passage')}, built ${s.built_at}.`;
}

const DESCRIPTION = [
  'Report the state of the index: search mode (hybrid, or lexical-only when no embedding model is available), model,',
  'document and passage counts, build time, whether a rebuild is running, and the last rebuild\'s summary or error.',
  'Use it when search results say they are lexical only, or to check the corpus size. Takes no arguments.',
].join(' ');

export function registerIndexStatusTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'index_status',
    {
      title: 'Index status',
      description: DESCRIPTION,
      inputSchema: {},
      outputSchema: statusSchema.shape,
      annotations: { title: 'Index status', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    () =>
      guarded(ctx, 'index_status', () => {
        const structured = statusOut(ctx.index.status());
        const lines = [statusLine(structured)];
        if (structured.semantic_unavailable) lines.push(`Semantic search unavailable: ${structured.semantic_unavailable}`);
        if (structured.reindexing) lines.push('A rebuild is running; searches answer from the current version meanwhile.');
        if (structured.watching) lines.push('Watching the corpus folder for changes.');
        if (structured.last_reindex) lines.push(`Last rebuild: ${summaryLine(structured.last_reindex)}`);
        if (structured.last_reindex_error) lines.push(`Last rebuild failed: ${structured.last_reindex_error}`);
        if (structured.warning) lines.push(`Warning: ${structured.warning}`);
        return toolResult(structured, lines.join('\n'));
      }),
  );
}
