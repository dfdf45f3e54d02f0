// createServer: the MCP server over an index handle. Registers the tools (one file each under
// tools/), the document and status resources and the cited_answer prompt. Nothing runs on import
// and nothing is shared between servers: each call builds its own caches.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Searcher } from '../search/searcher.ts';
import type { IndexHandle } from './index-handle.ts';
import { buildInstructions } from './instructions.ts';
import { registerPrompts } from './prompts.ts';
import { registerResources } from './resources.ts';
import { registerGetDocumentTool } from './tools/get-document.ts';
import { registerGetPassageTool } from './tools/get-passage.ts';
import { registerIndexStatusTool, statusOut, type StatusOut } from './tools/index-status.ts';
import { createIndexView, type IndexView } from './tools/index-view.ts';
import { registerListDocumentsTool } from './tools/list-documents.ts';
import { registerReindexTool } from './tools/reindex.ts';
import { registerSearchTool } from './tools/search.ts';
import type { ToolContext } from './tools/shared.ts';
import { registerVerifyQuoteTool } from './tools/verify-quote.ts';

export interface ServerDeps {
  index: IndexHandle;
  name?: string;
  version?: string;
  /** Log lines (stderr in the CLI: stdout belongs to the protocol). */
  log?: (line: string) => void;
}

export function createServer(deps: ServerDeps): McpServer {
  const log = deps.log ?? ((line: string) => console.error(line));
  // One view per snapshot: a reindex hands out a new Searcher, which gets its own lookup tables,
  // while the old ones go with the old snapshot.
  const views = new WeakMap<Searcher, IndexView>();
  const ctx: ToolContext = {
    index: deps.index,
    log,
    view() {
      const searcher = deps.index.current();
      let view = views.get(searcher);
      if (!view) {
        view = createIndexView(searcher);
        views.set(searcher, view);
      }
      return view;
    },
  };

  let status: StatusOut | null = null;
  try {
    status = statusOut(deps.index.status());
  } catch (err) {
    log(`index status unavailable at start: ${err instanceof Error ? err.message : String(err)}`);
  }

  const server = new McpServer(
    { name: deps.name ?? 'sanad', version: deps.version ?? '0.0.0-dev' },
    // logging: clients may set a level and receive reindex news as notifications/message.
    { instructions: buildInstructions(status), capabilities: { logging: {} } },
  );
  registerSearchTool(server, ctx);
  registerGetPassageTool(server, ctx);
  registerVerifyQuoteTool(server, ctx);
  registerListDocumentsTool(server, ctx);
  registerGetDocumentTool(server, ctx);
  registerReindexTool(server, ctx);
  registerIndexStatusTool(server, ctx);
  registerResources(server, ctx);
  registerPrompts(server);
  return server;
}
