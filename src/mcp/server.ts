// createServer: the MCP server over an index handle. Registers the tools (one file each under
// tools/), the document and status resources, the evidence view (an MCP App) and the cited_answer
// prompt. Nothing runs on import. A server holds no index data of its own: every request reads the
// snapshot the handle currently serves, so a hundred sessions cost one set of lookup tables (and
// one copy of the view's HTML when the caller passes one loader to every server).
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { IndexHandle } from './index-handle.ts';
import { buildInstructions } from './instructions.ts';
import { registerPrompts } from './prompts.ts';
import { installPagedResourceList, trackFixedResources } from './resource-list.ts';
import { registerResources } from './resources.ts';
import { registerCheckAnswerTool } from './tools/check-answer.ts';
import { registerGetDocumentTool } from './tools/get-document.ts';
import { registerGetPassageTool } from './tools/get-passage.ts';
import { registerIndexStatusTool, statusOut, type StatusOut } from './tools/index-status.ts';
import { registerListDocumentsTool } from './tools/list-documents.ts';
import { registerReindexTool, summaryLine, summaryOut } from './tools/reindex.ts';
import { registerSearchTool } from './tools/search.ts';
import type { ToolContext } from './tools/shared.ts';
import { registerVerifyQuoteTool } from './tools/verify-quote.ts';
import { registerViewApp } from './view-app.ts';
import { viewPageLoader, type ViewPage } from '../view/page.ts';

export interface ServerDeps {
  index: IndexHandle;
  name?: string;
  version?: string;
  /** Log lines (stderr in the CLI: stdout belongs to the protocol). */
  log?: (line: string) => void;
  /** The evidence view's HTML; pass one loader to every server of a process so it is read once. */
  viewPage?: () => Promise<ViewPage>;
}

export function createServer(deps: ServerDeps): McpServer {
  const log = deps.log ?? ((line: string) => console.error(line));
  const ctx: ToolContext = { index: deps.index, log };

  let status: StatusOut | null = null;
  try {
    status = statusOut(deps.index.status());
  } catch (err) {
    log(`index status unavailable at start: ${err instanceof Error ? err.message : String(err)}`);
  }

  const server = new McpServer(
    { name: deps.name ?? 'sanad', version: deps.version ?? '0.0.0-dev' },
    // logging: clients may set a level and receive index news (rebuilds, model) as notifications/message.
    { instructions: buildInstructions(status), capabilities: { logging: {} } },
  );
  const fixedResources = trackFixedResources(server);
  registerSearchTool(server, ctx);
  registerGetPassageTool(server, ctx);
  registerVerifyQuoteTool(server, ctx);
  registerCheckAnswerTool(server, ctx);
  registerListDocumentsTool(server, ctx);
  registerGetDocumentTool(server, ctx);
  registerReindexTool(server, ctx);
  registerIndexStatusTool(server, ctx);
  registerResources(server, ctx);
  registerViewApp(server, ctx, deps.viewPage ?? viewPageLoader());
  registerPrompts(server);
  installPagedResourceList(server, ctx, fixedResources);
  announceChanges(server, deps.index);
  return server;
}

/**
 * Tells this session's client what changed in the index, whoever caused it (the reindex tool of
 * any session, watch mode, start-up, another process publishing into a shared collection): a
 * finished rebuild goes to the client log (at the level the client set), a new version also as
 * resources/list_changed (the document list may differ), and
 * failures and model and reranker news as log messages. The subscription ends with the session.
 */
function announceChanges(server: McpServer, index: IndexHandle): void {
  const send = (level: 'info' | 'warning' | 'error', data: string) => {
    if (!server.isConnected()) return;
    server.sendLoggingMessage({ level, logger: 'sanad', data }).catch(() => undefined);
  };
  const unsubscribe = index.subscribe((event) => {
    switch (event.type) {
      case 'finished':
        if (event.published && server.isConnected()) server.sendResourceListChanged();
        send('info', summaryLine(summaryOut(event.summary)));
        break;
      case 'failed':
        send('error', event.error);
        break;
      case 'published':
        if (server.isConnected()) server.sendResourceListChanged();
        send('info', event.message);
        break;
      case 'model':
        send(event.state === 'ready' ? 'info' : 'warning', event.message);
        break;
      case 'reranker':
        send(event.state === 'ready' || event.state === 'recovered' ? 'info' : 'warning', event.message);
        break;
      default:
        break;
    }
  });
  const previous = server.server.onclose;
  server.server.onclose = () => {
    unsubscribe();
    previous?.();
  };
}
