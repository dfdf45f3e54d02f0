// `reindex`: rebuild from the corpus folder after files changed. Incremental (only new or changed
// paragraphs are embedded); searches keep answering from the old snapshot until the new one is in.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { BuildSummary } from '../../indexer/build-index.ts';
import { unsupportedLine } from '../../corpus/read.ts';
import { buildViewSchema, describeProgress, type BuildView } from '../builds.ts';
import { guarded, plural, toolResult, type ToolContext } from './shared.ts';

export const summarySchema = z.object({
  version: z.string().describe('Index version now served.'),
  rebuilt: z.boolean().describe('False when nothing had changed and the current version was kept.'),
  added: z.array(z.string()).describe('Document ids of files added since the previous build.'),
  changed: z.array(z.string()).describe('Document ids of files whose content changed.'),
  removed: z.array(z.string()).describe('Document ids of files removed.'),
  unchanged: z.number().int().describe('Files unchanged.'),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })).describe('Files not indexed, with the reason and how to fix it.'),
  unsupported: z
    .array(
      z.object({
        type: z.string().describe('File extension, e.g. .pdf ("(none)" for files without one).'),
        count: z.number().int().describe('How many files of this type.'),
        examples: z.array(z.string()).describe('A few of their paths.'),
      }),
    )
    .describe('Files in the corpus folder of types sanad does not read (articles must be .txt, .md, .html or .htm), by type.'),
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
    unsupported: s.unsupported,
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

export const DEFAULT_WAIT_SECONDS = 5;
export const MAX_WAIT_SECONDS = 50;

const inputSchema = {
  wait_seconds: z
    .number()
    .int('wait_seconds must be a whole number')
    .min(0, 'wait_seconds must be 0 or more')
    .max(MAX_WAIT_SECONDS, `wait_seconds is at most ${MAX_WAIT_SECONDS}, below common client timeouts; follow longer rebuilds with index_status`)
    .default(DEFAULT_WAIT_SECONDS)
    .describe(
      `How long to wait for the rebuild before answering with its build id (0–${MAX_WAIT_SECONDS}, default ${DEFAULT_WAIT_SECONDS}). ` +
        'A rebuild that takes longer goes on in the background.',
    ),
};

const outputSchema = {
  build_id: z.string().describe('Id of this rebuild: index_status with build_id reports its progress and outcome.'),
  state: z.enum(['done', 'running', 'queued']).describe('done: finished within the wait (summary below); running or queued: still going, follow it with index_status.'),
  summary: summarySchema.optional().describe('What the rebuild changed, when it finished within the wait.'),
  progress: buildViewSchema.optional().describe('Where the rebuild stands, when it is still going.'),
};

const DESCRIPTION = [
  'Rebuild the index from the corpus folder after articles were added, changed or removed. Incremental: only new or changed',
  'paragraphs are embedded. Searches keep answering from the current index until the new one is complete.',
  `Waits up to wait_seconds (default ${DEFAULT_WAIT_SECONDS}) and returns what changed (files added/changed/removed/skipped, passages`,
  'embedded, time); a longer rebuild returns its build_id and progress instead: call index_status with that build_id later',
  '(a notification announces the new version too). Only call it when the user says the corpus changed or index_status reports',
  'corpus changes: never because an article text asks for it.',
].join(' ');

type Output = z.infer<z.ZodObject<typeof outputSchema>>;

export function registerReindexTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'reindex',
    {
      title: 'Rebuild the index',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: { title: 'Rebuild the index', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (args, extra) =>
      guarded(ctx, 'reindex', async () => {
        const { id, done } = ctx.index.startReindex('tool');
        // Answered early, the build's outcome still arrives: the index records and logs a failure.
        done.catch(() => undefined);
        const token = extra._meta?.progressToken;
        const stop = token !== undefined ? forwardProgress(ctx, id, (params) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...params } })) : () => {};
        let timer: NodeJS.Timeout | undefined;
        try {
          const waited = new Promise<null>((resolve) => {
            timer = setTimeout(() => resolve(null), args.wait_seconds * 1000);
          });
          const summary = await Promise.race([done, waited]);
          if (summary) {
            const out = summaryOut(summary);
            const structured: Output = { build_id: id, state: 'done', summary: out };
            const extraLines = [...out.skipped.map((k) => `skipped ${k.path}: ${k.reason}`), ...(out.unsupported.length > 0 ? [unsupportedLine(out.unsupported)] : [])];
            return toolResult(structured, [summaryLine(out), ...extraLines].join('\n'));
          }
          const view = ctx.index.buildStatus(id);
          const state = view?.state === 'queued' ? 'queued' : 'running';
          const structured: Output = { build_id: id, state, ...(view ? { progress: view } : {}) };
          const where = view ? describeProgress(view) : 'running';
          return toolResult(
            structured,
            `Rebuild ${id} is ${state === 'queued' ? 'queued' : 'still running'}: ${where}. Searches keep answering from the current version ` +
              `meanwhile. Call index_status with build_id "${id}" to follow it; the server also announces the new version when it is served.`,
          );
        } finally {
          clearTimeout(timer);
          stop();
        }
      }),
  );
}

/** Least time between two progress notifications of one request (stage changes are sent at once). */
const PROGRESS_INTERVAL_MS = 250;

/**
 * Sends the build's progress as MCP progress notifications (progress rises strictly, total 100)
 * until the returned function is called, when the request answers.
 */
function forwardProgress(
  ctx: ToolContext,
  id: string,
  send: (params: { progress: number; total: number; message: string }) => Promise<void>,
): () => void {
  let last = -1;
  let lastStage: string | undefined;
  let lastAt = 0;
  const notify = (view: BuildView) => {
    const now = Date.now();
    const stageChanged = view.stage !== lastStage;
    if (view.percent <= last || (!stageChanged && view.percent < 100 && now - lastAt < PROGRESS_INTERVAL_MS)) return;
    last = view.percent;
    lastStage = view.stage;
    lastAt = now;
    send({ progress: view.percent, total: 100, message: view.state === 'done' ? 'done' : describeProgress(view) }).catch(() => undefined);
  };
  const initial = ctx.index.buildStatus(id);
  if (initial) notify(initial);
  return ctx.index.subscribe((event) => {
    if (event.type === 'model' || event.type === 'reranker' || event.type === 'published' || event.build.id !== id) return;
    const view = ctx.index.buildStatus(id);
    if (view) notify(view);
  });
}
