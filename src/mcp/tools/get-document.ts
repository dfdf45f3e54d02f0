// `get_document`: a whole article as numbered, citable passages, paged so a long one stays small.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { cleanId, parseCitation, unknownDocumentMessage } from './index-view.ts';
import { documentInfo } from './list-documents.ts';
import {
  documentInfoSchema,
  idText,
  inlineText,
  MAX_ID_CHARS,
  passageFields,
  passageShape,
  quoteBlock,
  SOURCE_TEXT_NOTE,
  toolError,
  toolResult,
  withView,
  type ToolContext,
} from './shared.ts';

export const DEFAULT_PAGE_SIZE = 30;
export const MAX_PAGE_SIZE = 100;
const MAX_PAGE = 100_000;

const inputSchema = {
  id: z.string().min(1, 'send a document id (from list_documents or search results)').max(MAX_ID_CHARS).describe('Document id, from list_documents or the `document` field of search results.'),
  page: z
    .number()
    .int('page must be a whole number')
    .min(1, 'page counts from 1')
    .max(MAX_PAGE)
    .default(1)
    .describe('Page to return, counting from 1; default 1.'),
  page_size: z
    .number()
    .int('page_size must be a whole number')
    .min(1, 'page_size must be at least 1')
    .max(MAX_PAGE_SIZE, `page_size is at most ${MAX_PAGE_SIZE}: read further pages instead`)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Passages per page: 1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}.`),
};

const outputSchema = {
  document: documentInfoSchema.describe('The document.'),
  page: z.number().int().describe('This page, from 1.'),
  page_size: z.number().int().describe('Passages per page.'),
  total_pages: z.number().int().describe('Number of pages.'),
  passages: z.array(z.object(passageShape)).describe('The passages of this page, in reading order.'),
};

const DESCRIPTION = [
  'Read a whole article as numbered passages with their citation ids (title p0, then paragraphs p1, p2, …, photo captions).',
  'Use it when a question needs the full article or its structure; for one or two paragraphs get_passage is cheaper.',
  `Long articles come in pages (page_size default ${DEFAULT_PAGE_SIZE}, max ${MAX_PAGE_SIZE}); total_pages says how many.`,
  'Next: verify_quote before quoting; cite as [doc#p3].',
].join(' ');

export function registerGetDocumentTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'get_document',
    {
      title: 'Read a whole article',
      description: DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: { title: 'Read a whole article', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      withView(ctx, 'get_document', async (view) => {
        let id = cleanId(args.id);
        // A citation id where a document id belongs: read the document it points into.
        if (!(await view.backend.document(id))) id = parseCitation(id)?.docId ?? id;
        const meta = await view.backend.document(id);
        if (!meta) return toolError(`get_document: ${await unknownDocumentMessage(view, cleanId(args.id))}`);
        const total = meta.passageCount;
        const totalPages = Math.max(1, Math.ceil(total / args.page_size));
        if (args.page > totalPages) {
          return toolError(`get_document: page ${args.page} is past the last page (${totalPages}) of ${idText(id)} at page_size ${args.page_size}.`);
        }
        const from = (args.page - 1) * args.page_size;
        const passages = (await view.backend.passagesOf(id, { start: from, end: from + args.page_size })).map(passageFields);
        const structured = { document: documentInfo(meta), page: args.page, page_size: args.page_size, total_pages: totalPages, passages };
        const lines = [
          `${idText(meta.id)}: «${inlineText(meta.title)}»; page ${args.page} of ${totalPages}, passages ${from + 1}–${from + passages.length} of ${total}.`,
          SOURCE_TEXT_NOTE,
        ];
        for (const p of passages) lines.push('', `[${idText(p.citation)}] ${p.kind}`, quoteBlock(p.text));
        if (args.page < totalPages) lines.push('', `Next page: get_document with page ${args.page + 1}.`);
        return toolResult(structured, lines.join('\n'));
      }),
  );
}
