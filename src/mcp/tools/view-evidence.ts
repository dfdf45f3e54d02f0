// `view_evidence`: the data behind the evidence view (an MCP App). Only the view calls it
// (visibility "app"), and it is offered only to clients that declare MCP Apps support: a model
// reads passages with get_passage; a person looks at them in the view.
import type { McpServer, RegisteredTool } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { buildEvidence, EvidenceError, evidenceShape, MAX_WINDOW, quoteScopeSchema } from '../../view/evidence.ts';
import { idText, MAX_ID_CHARS, plural, toolError, toolResult, withView, type ToolContext } from './shared.ts';
import { MAX_QUOTE_CHARS } from './verify-quote.ts';
import { VIEW_URI } from '../view-link.ts';

export const MAX_ALSO_IN = 20;

/** The request, as the tool and GET /api/evidence both take it. */
export const evidenceInputShape = {
  citation: z.string().min(1, 'send a citation id, e.g. report.txt#p3').max(MAX_ID_CHARS).describe('Citation id of the passage to show in its article.'),
  quote: z
    .string()
    .min(1)
    .max(MAX_QUOTE_CHARS, `quote is longer than ${MAX_QUOTE_CHARS} characters`)
    .optional()
    .describe(`A quote to check and highlight (1–${MAX_QUOTE_CHARS} characters). Default: none.`),
  quote_scope: quoteScopeSchema.default('citation'),
  around: z
    .string()
    .min(1)
    .max(MAX_ID_CHARS)
    .optional()
    .describe(`Citation id of the same article to centre the window on, for articles over ${MAX_WINDOW} passages. Default: the citation.`),
  also_in: z
    .array(z.string().min(1).max(MAX_ID_CHARS))
    .max(MAX_ALSO_IN)
    .default([])
    .describe(`Reprints already known from a search result's also_in (at most ${MAX_ALSO_IN}). Default none.`),
};

export type EvidenceInput = z.infer<z.ZodObject<typeof evidenceInputShape>>;

const DESCRIPTION = [
  'Data for the evidence view: a cited passage inside its article (passages with offsets), the verdict on a quote as',
  'verify_quote gives it, and the reprints of the passage in other outlets with the wording they share.',
  'Called by the view itself; to read passages, use get_passage.',
].join(' ');

export function registerViewEvidenceTool(server: McpServer, ctx: ToolContext): RegisteredTool {
  return server.registerTool(
    'view_evidence',
    {
      title: 'Evidence view data',
      description: DESCRIPTION,
      inputSchema: evidenceInputShape,
      outputSchema: evidenceShape,
      annotations: { title: 'Evidence view data', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
      _meta: { ui: { resourceUri: VIEW_URI, visibility: ['app'] } },
    },
    (args) =>
      withView(ctx, 'view_evidence', async (view) => {
        try {
          const evidence = await buildEvidence(view, {
            citation: args.citation,
            quote: args.quote,
            quoteScope: args.quote_scope,
            around: args.around,
            alsoIn: args.also_in,
          });
          const { document: doc, window } = evidence;
          const text = [
            `${idText(evidence.citation)} in «${doc.title}»: passages ${window.first + 1}–${window.first + evidence.passages.length} of ${window.total}`,
            evidence.quote ? `; quote ${evidence.quote.level}` : '',
            `; ${plural(evidence.reprints.length, 'reprint')}.`,
          ].join('');
          return toolResult(evidence, text);
        } catch (err) {
          if (err instanceof EvidenceError) return toolError(`view_evidence: ${err.message}`);
          throw err;
        }
      }),
  );
}
