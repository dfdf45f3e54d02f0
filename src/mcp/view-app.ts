// The evidence view as an MCP App (the `io.modelcontextprotocol/ui` extension): one HTML resource
// at ui://sanad/evidence.html (view-link.ts), linked from the tools whose results it can show.
// Hosts that support MCP Apps render it beside the result and feed it the result; every other
// client ignores the link and gets the same text and structured output as before.
import { getUiCapability, registerAppResource, RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ViewPage } from '../view/page.ts';
import type { ToolContext } from './tools/shared.ts';
import { VIEW_URI } from './view-link.ts';
import { registerViewEvidenceTool } from './tools/view-evidence.ts';

export function registerViewApp(server: McpServer, ctx: ToolContext, page: () => Promise<ViewPage>): void {
  registerAppResource(
    server,
    'evidence view',
    VIEW_URI,
    {
      title: 'Evidence view',
      description:
        'Interactive view of cited passages: the passage highlighted inside its article, a verified quote and its level, ' +
        'and reprints in other outlets side by side. Shown by hosts that support MCP Apps.',
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.toString(),
          mimeType: RESOURCE_MIME_TYPE,
          text: (await page()).html,
          // Self-contained: fonts, styles and script are inline, so the view needs no domain at all.
          _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } },
        },
      ],
    }),
  );

  // The view fetches its data through this tool. It is offered only to clients that render MCP
  // Apps, so the tool list other clients see is unchanged.
  const tool = registerViewEvidenceTool(server, ctx);
  tool.disable();
  const previous = server.server.oninitialized;
  server.server.oninitialized = () => {
    previous?.();
    const ui = getUiCapability(server.server.getClientCapabilities());
    if (ui?.mimeTypes?.includes(RESOURCE_MIME_TYPE)) tool.enable();
  };
}
