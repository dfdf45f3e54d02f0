// resources/list, a page at a time. The SDK's McpServer answers it with every resource at once
// and ignores the cursor; at 2,000 documents that is ~700 KB in one answer. This replaces its
// handler with one that pages the documents (nextCursor) after the fixed resources (status, the
// evidence view), which only the first page carries.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ListResourcesRequestSchema, McpError, type Resource } from '@modelcontextprotocol/sdk/types.js';
import { documentUri, useView, type ToolContext } from './tools/shared.ts';

/** Documents per resources/list page. */
export const RESOURCE_PAGE = 100;

/**
 * Records the fixed-URI resources registered on `server` from now on (templates excluded), with
 * the metadata they were registered with, so the paged list can show them. Call it first.
 */
export function trackFixedResources(server: McpServer): Resource[] {
  const fixed: Resource[] = [];
  const register = server.registerResource.bind(server) as (...args: unknown[]) => unknown;
  const tracking = (...args: unknown[]) => {
    const [name, uri, metadata] = args;
    if (typeof name === 'string' && typeof uri === 'string') fixed.push({ uri, name, ...(metadata as Omit<Resource, 'uri' | 'name'>) });
    return register(...args);
  };
  server.registerResource = tracking as McpServer['registerResource'];
  return fixed;
}

/** Installs the paged resources/list (after every resource is registered). */
export function installPagedResourceList(server: McpServer, ctx: ToolContext, fixed: readonly Resource[]): void {
  server.server.setRequestHandler(ListResourcesRequestSchema, (request) =>
    useView(ctx, async (view) => {
      const cursor = request.params?.cursor;
      let page;
      try {
        page = await view.backend.listDocuments({ limit: RESOURCE_PAGE, ...(cursor !== undefined ? { cursor } : {}) });
      } catch (err) {
        if (err instanceof RangeError) throw new McpError(ErrorCode.InvalidParams, err.message);
        throw err;
      }
      const documents: Resource[] = page.documents.map((d) => ({ uri: documentUri(d.id), name: d.id, title: d.title, mimeType: 'text/markdown' }));
      return {
        resources: [...(cursor === undefined ? fixed : []), ...documents],
        ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
      };
    }),
  );
}
