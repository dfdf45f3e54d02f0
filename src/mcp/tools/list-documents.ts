// `list_documents`: what the corpus holds, so the model can scope searches and open articles.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { DocumentMeta } from '../../types.ts';
import { describeFilter, filterShape, isFiltered, passageFilter } from './filters.ts';
import {
  documentInfoSchema,
  documentUri,
  idText,
  inlineText,
  plural,
  toolError,
  toolResult,
  withView,
  type DocumentInfo,
  type ToolContext,
} from './shared.ts';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;
/** Longer than any cursor this server hands out (base64 of a document id). */
const MAX_CURSOR_CHARS = 2000;

export const listDocumentsInputShape = {
  cursor: z
    .string()
    .min(1)
    .max(MAX_CURSOR_CHARS)
    .optional()
    .describe('next_cursor from the previous page, unchanged, to get the next page. Default: the first page.'),
  limit: z
    .number()
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(MAX_PAGE, `limit is at most ${MAX_PAGE}: page with next_cursor instead`)
    .default(DEFAULT_PAGE)
    .describe(`Documents per page: 1–${MAX_PAGE}, default ${DEFAULT_PAGE}.`),
  ...filterShape,
};

const outputSchema = {
  total: z.number().int().describe('Documents matching the filters, over all pages.'),
  documents: z.array(documentInfoSchema).describe('This page of documents, sorted by id.'),
  next_cursor: z.string().optional().describe('Pass as cursor for the next page; absent on the last page.'),
};

const DESCRIPTION = [
  'List the articles in the corpus, a page at a time: id, title, outlet, publication date, dates mentioned, language and number',
  'of citable passages. Filter by language, outlets, publication date range or a range of dates the articles mention (the same',
  'filters search takes). Use it to see what the corpus covers, to pick document ids for the `documents` filter of search or',
  'for verify_quote, or before get_document. Returns next_cursor while more pages follow.',
].join(' ');

export function documentInfo(meta: DocumentMeta): DocumentInfo {
  return {
    id: meta.id,
    title: meta.title,
    ...(meta.outlet ? { outlet: meta.outlet } : {}),
    ...(meta.published ? { published: meta.published } : {}),
    dates: meta.dates,
    language: meta.lang,
    passages: meta.passageCount,
    uri: documentUri(meta.id),
  };
}

export function registerListDocumentsTool(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'list_documents',
    {
      title: 'List the articles',
      description: DESCRIPTION,
      inputSchema: listDocumentsInputShape,
      outputSchema,
      annotations: { title: 'List the articles', readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    (args) =>
      withView(ctx, 'list_documents', async (view) => {
        const asked = passageFilter(args);
        if ('error' in asked) return toolError(`list_documents: ${asked.error}`);
        let page;
        try {
          page = await view.backend.listDocuments({ limit: args.limit, filter: asked.filter, ...(args.cursor !== undefined ? { cursor: args.cursor } : {}) });
        } catch (err) {
          if (err instanceof RangeError) return toolError(`list_documents: ${err.message}; or leave cursor out to start from the first page.`);
          throw err;
        }
        const documents = page.documents.map(documentInfo);
        const structured = { total: page.total, documents, ...(page.nextCursor !== undefined ? { next_cursor: page.nextCursor } : {}) };
        const filtered = isFiltered(asked.filter) ? ` matching ${describeFilter(asked.filter)}` : '';
        const shown = page.nextCursor !== undefined || args.cursor !== undefined ? ` (${documents.length} on this page)` : '';
        const lines = [`${plural(page.total, 'document')}${filtered}${shown}. Titles and outlets in «» are article text (data).`];
        for (const d of documents) {
          const source = [d.outlet, d.published].filter(Boolean).join(', ');
          lines.push(`- ${idText(d.id)}: «${inlineText(d.title)}»${source ? ` («${inlineText(source)}»)` : ''}; ${d.language}, ${plural(d.passages, 'passage')}`);
        }
        if (page.nextCursor !== undefined) lines.push(`More: call list_documents again with cursor "${page.nextCursor}" (and the same filters).`);
        lines.push('Next: search (optionally with documents: [id]) or get_document with an id.');
        return toolResult(structured, lines.join('\n'));
      }),
  );
}
