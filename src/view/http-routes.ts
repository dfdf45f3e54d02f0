// The evidence view as a local web page: GET / serves the page (the same HTML as the MCP App
// resource, with its Content-Security-Policy also sent as a header and framing refused) and
// GET /api/evidence answers it with the evidence for ?citation=&quote=. The HTTP server in
// src/mcp/http.ts runs these after its Host/Origin checks; the evidence needs the bearer token
// whenever the MCP endpoint does. The page itself holds no corpus text.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { IndexHandle } from '../mcp/index-handle.ts';
import { useView } from '../mcp/tools/shared.ts';
import { evidenceInputShape } from '../mcp/tools/view-evidence.ts';
import { buildEvidence, EvidenceError } from './evidence.ts';
import type { ViewPage } from './page.ts';

export const VIEW_PAGE_PATH = '/';
export const EVIDENCE_API_PATH = '/api/evidence';

export interface ViewRoutesOptions {
  /** The index to answer from: each request holds the snapshot current when it starts. */
  index: IndexHandle;
  page: () => Promise<ViewPage>;
  log: (line: string) => void;
}

export interface ViewRoutes {
  /** Whether `pathname` is one of the view's routes. */
  owns(pathname: string): boolean;
  /** Whether the route needs the bearer token (the data does; the page, which holds none, does not). */
  needsToken(pathname: string): boolean;
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
}

const requestSchema = z.object(evidenceInputShape).strict();

/** Headers every view response carries: nothing is cached, sniffed, framed or sent on as a referrer. */
const BASE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** The query string as the tool's arguments: repeated `also_in`, everything else single. */
function requestArgs(params: URLSearchParams): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const key of new Set(params.keys())) args[key] = key === 'also_in' ? params.getAll(key) : params.get(key);
  return args;
}

export function createViewRoutes(opts: ViewRoutesOptions): ViewRoutes {
  return {
    owns: (pathname) => pathname === VIEW_PAGE_PATH || pathname === EVIDENCE_API_PATH,
    needsToken: (pathname) => pathname === EVIDENCE_API_PATH,
    async handle(req, res, url) {
      if (req.method !== 'GET') return sendJson(res, 405, { error: `use GET ${url.pathname}` }, { allow: 'GET' });
      if (url.pathname === VIEW_PAGE_PATH) {
        const page = await opts.page();
        res.writeHead(200, {
          ...BASE_HEADERS,
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': `${page.csp}; frame-ancestors 'none'`,
          'x-frame-options': 'DENY',
          'cross-origin-opener-policy': 'same-origin',
        });
        res.end(page.html);
        return;
      }
      const parsed = requestSchema.safeParse(requestArgs(url.searchParams));
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ');
        return sendJson(res, 400, { error: `bad request: ${problems}` });
      }
      const args = parsed.data;
      try {
        const evidence = await useView({ index: opts.index, log: opts.log }, (view) =>
          buildEvidence(view, {
            citation: args.citation,
            quote: args.quote,
            quoteScope: args.quote_scope,
            around: args.around,
            alsoIn: args.also_in,
          }),
        );
        sendJson(res, 200, evidence);
      } catch (err) {
        if (err instanceof EvidenceError) return sendJson(res, 404, { error: err.message });
        throw err;
      }
    },
  };
}
