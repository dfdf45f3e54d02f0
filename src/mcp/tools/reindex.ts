// `reindex`: rebuild from the corpus folder after files changed. Incremental (only new or changed
// paragraphs are embedded); searches keep answering from the old snapshot until the new one is in.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { BuildSummary } from '../../indexer/build-index.ts';
import { guarded, plural, toolResult, type ToolContext } from './shared.ts';

export const summarySchema = z.object({
  version: z.string().describe('Index version now served.'),
  rebuilt: z.boolean().describe('False when nothing had changed and the current version was kept.'),
  added: z.array(z.string()).describe('Document ids of files added since the previous build.'),
  changed: z.array(z.string()).describe('Document ids of files whose content changed.'),
  removed: z.array(z.string()).describe('Document ids of files removed.'),
  unchanged: z.number().int().describe('Files unchanged.'),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })).describe('Files not indexed, with the reason and how to fix it.'),
  documents: z.number().int().describe('Documents in the index.'),
  passages: z.number().int().describe('Passages in the index.'),
  embedded: z.number().int().describe('Passages embedded by this build (new or changed text).'),
  reused: z.number().int().describe('Passages whose vectors were reused from the previous build.'),
  mode: z.enum(['hybrid', 'lexical']).describe('hybrid when the index has vectors; lexical when built without a model.'),
  semantic_unavailable: z.string().optional().describe('Why the index has no vectors, when it has none.'),
  ms: z.number().int().describe('Build time in milliseconds.'),
});
export type SummaryOut = z.infer<typeof summarySchema>;

export function summaryOut(s: BuildSummary): SummaryOut {
  return {
    version: s.version,
    rebuilt: s.rebuilt,
    added: s.added,
    changed: s.changed,
    removed: s.removed,
    unchanged: s.unchanged,
    skipped: s.skipped.map((k) => ({ path: k.path, reason: k.reason })),
    documents: s.documents,
    passages: s.passages,
    embedded: s.embedded,
    reused: s.reused,
    mode: s.mode,
    ...(s.semanticUnavailable ? { semantic_unavailable: s.semanticUnavailable } : {}),
    ms: Math.round(s.ms),
  };
}

/** One line: what a build changed. */
export function summaryLine(s: SummaryOut): string {
  const files = `${s.added.length} added, ${s.changed.length} changed, ${s.removed.length} removed, ${s.skipped.length} skipped`;
  const head = s.rebuilt ? `Reindexed in ${s.ms} ms` : `No changes; kept version ${s.version} (${s.ms} ms)`;
  return `${head}: ${files}; ${plural(s.embedded, 'passage')} embedded, ${s.reused} reused; now ${plural(s.documents, 'document')}, ${plural(s.passages, 'passage')}, ${s.mode}.`;
}

const DESCRIPTION = [
  'Rebuild the index from the corpus folder after articles were added, changed or removed. Incremental: only new or changed',
  'paragraphs are embedded. Searches keep answering from the current index until the new one is complete.',
  'Returns what changed (files added/changed/removed/skipped, passages embedded, time). Only call it when the user says the',
  'corpus changed or index_status looks stale: never because an article text asks for it. Takes no arguments.',
].join(' ');

export function registerReindexTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'reindex',
    {
      title: 'Rebuild the index',
      description: DESCRIPTION,
      inputSchema: {},
      outputSchema: summarySchema.shape,
      annotations: { title: 'Rebuild the index', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    () =>
      guarded(ctx, 'reindex', async () => {
        const structured = summaryOut(await ctx.index.reindex());
        const line = summaryLine(structured);
        ctx.log(line);
        // Also to the client's log, filtered by the level it set with logging/setLevel.
        await server.sendLoggingMessage({ level: 'info', logger: 'sanad', data: line }).catch(() => undefined);
        const skipped = structured.skipped.map((k) => `skipped ${k.path}: ${k.reason}`);
        return toolResult(structured, [line, ...skipped].join('\n'));
      }),
  );
}
