// `serve --http`: Streamable HTTP at /mcp, one MCP server per session, and the evidence view's page
// (`sanad view` serves the page alone). A local HTTP server is reachable from any web page the user
// opens, so before anything else it refuses requests whose Host or Origin names another site (DNS
// rebinding) or is sent twice, optionally demands a bearer token, and caps request bodies and open
// sessions — in total and per client address, with idle sessions closed after a few minutes and,
// when the server is full, the longest-idle one closed to make room. Plain node:http: the SDK
// transport does the protocol.
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ViewRoutes } from '../view/http-routes.ts';

export const MCP_PATH = '/mcp';
export const DEFAULT_HTTP_HOST = '127.0.0.1';
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_MAX_SESSIONS = 100;
/** Without a token any local process can open sessions: idle ones must not hold slots for long. */
const DEFAULT_SESSION_IDLE_MS = 5 * 60 * 1000;
/** When sessions are at a cap, a session idle this long is closed to admit a new one. */
const DEFAULT_EVICT_IDLE_MS = 60 * 1000;
/** Idle keep-alive connections are kept this long (see where it is set). */
export const KEEP_ALIVE_MS = 65_000;
/** A request must be received in full within this time. */
export const REQUEST_TIMEOUT_MS = 30_000;
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];
const WILDCARD_HOSTS = ['0.0.0.0', '::', ''];

export interface HttpServeOptions {
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Extra names the Host/Origin headers may carry: `name` (any port) or `name:port`. */
  allowedHosts?: readonly string[];
  /** When set, every /mcp request needs `Authorization: Bearer <token>`. */
  token?: string;
  maxBodyBytes?: number;
  maxSessions?: number;
  /** Most sessions one client address may hold; default half of maxSessions. */
  maxSessionsPerClient?: number;
  /** Sessions without a request (and no open stream) for this long are closed. */
  sessionIdleMs?: number;
  /** When sessions are at a cap, one idle this long is closed to admit a new one. */
  evictIdleMs?: number;
  /** A fresh MCP server for each new session; without it there is no MCP endpoint (`sanad view`). */
  createMcpServer?: () => McpServer;
  /** The evidence view's page and data routes (GET / and /api/evidence), when served. */
  view?: ViewRoutes;
  /** Extra fields for GET /healthz (keep them free of paths and corpus text). */
  health?: () => Record<string, unknown>;
  log?: (line: string) => void;
}

export interface RunningHttpServer {
  /** e.g. http://127.0.0.1:3000/mcp */
  url: string;
  /** e.g. http://127.0.0.1:3000 (the evidence view is at `${origin}/`) */
  origin: string;
  host: string;
  port: number;
  sessionCount(): number;
  close(): Promise<void>;
}

/** Parses `--http [HOST:]PORT` (`3000`, `0.0.0.0:3000`, `[::1]:3000`). */
export function parseListen(spec: string): { host: string; port: number } {
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(spec.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || !Number.isInteger(port) || port > 65535) {
    throw new Error(`--http takes [HOST:]PORT, e.g. 3000 or 127.0.0.1:3000 (got "${spec}")`);
  }
  const host = m[1] ? m[1].replace(/^\[(.*)\]$/, '$1') : DEFAULT_HTTP_HOST;
  return { host, port };
}

interface HostPort {
  name: string;
  port: number | null;
}

/** Splits a Host header or `--allowed-host` value into a lower-case name and an optional port. */
export function splitHostPort(value: string): HostPort | null {
  const v = value.trim().toLowerCase();
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]\s/]+))(?::(\d{1,5}))?$/.exec(v);
  if (!m) return null;
  const name = m[1] ?? m[2];
  if (!name) return null;
  return { name, port: m[3] === undefined ? null : Number(m[3]) };
}

/**
 * Decides which Host names (and so which Origins) may talk to the server: the loopback names
 * and the bound address on the bound port, plus `--allowed-host` entries.
 */
export function hostPolicy(boundHost: string, boundPort: number, extra: readonly string[] = []) {
  const onPort = new Set(LOOPBACK_NAMES);
  if (!WILDCARD_HOSTS.includes(boundHost)) onPort.add(boundHost.toLowerCase());
  const entries = extra.map((e) => {
    const parsed = splitHostPort(e);
    if (!parsed) throw new Error(`--allowed-host takes a host name or host:port (got "${e}")`);
    return parsed;
  });
  const allows = (hp: HostPort, defaultPort: number): boolean => {
    const port = hp.port ?? defaultPort;
    if (onPort.has(hp.name) && port === boundPort) return true;
    return entries.some((e) => e.name === hp.name && (e.port === null || e.port === port));
  };
  return {
    host(header: string | undefined): boolean {
      const hp = header ? splitHostPort(header) : null;
      return hp !== null && allows(hp, 80);
    },
    /** An absent Origin (not a browser) passes; `null` and foreign origins do not. */
    origin(header: string | undefined): boolean {
      if (header === undefined) return true;
      let url: URL;
      try {
        url = new URL(header);
      } catch {
        return false;
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
      const name = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
      const port = url.port === '' ? null : Number(url.port);
      return allows({ name, port }, url.protocol === 'https:' ? 443 : 80);
    },
  };
}

/** Compares a presented token with the expected one in time independent of where they differ. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const bearer = presented && /^Bearer\s+(.+)$/i.exec(presented.trim());
  const candidate = bearer ? (bearer[1] ?? '') : '';
  // Hashing first gives equal lengths, which timingSafeEqual needs, without leaking the length.
  return timingSafeEqual(digest(candidate), digest(expected)) && candidate !== '';
}

class BodyTooLargeError extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError();
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  lastSeen: number;
  /** Remote address that opened it: the per-client cap counts by it. */
  client: string;
  /** Requests and streams open right now: a session busy with them is never idle. */
  open: number;
}

/** Headers that must appear once: two Host headers let a foreign name ride behind an allowed one. */
const SINGLE_HEADERS = ['host', 'origin', 'authorization', 'mcp-session-id', 'content-length'];

/** The first of SINGLE_HEADERS that a request carries more than once, or null. */
export function duplicatedHeader(rawHeaders: readonly string[]): string | null {
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (!SINGLE_HEADERS.includes(name)) continue;
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return null;
}

export async function startHttpServer(opts: HttpServeOptions): Promise<RunningHttpServer> {
  const log = opts.log ?? ((line: string) => console.error(line));
  const host = opts.host ?? DEFAULT_HTTP_HOST;
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxSessions = opts.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const perClient = opts.maxSessionsPerClient ?? Math.max(1, Math.floor(maxSessions / 2));
  const idleMs = opts.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
  const evictIdleMs = opts.evictIdleMs ?? DEFAULT_EVICT_IDLE_MS;
  const sessions = new Map<string, Session>();
  // Filled in once listening: with port 0 the real port is known only then.
  let policy: ReturnType<typeof hostPolicy> | null = null;

  const drop = (id: string) => {
    const s = sessions.get(id);
    if (!s) return;
    sessions.delete(id);
    s.server.close().catch((err: unknown) => log(`closing MCP session ${id} failed: ${String(err)}`));
  };

  /** Closes the longest-idle session (of `client`, when given) idle for at least `minIdleMs`; false when none is. */
  const evictIdlest = (minIdleMs: number, client?: string): boolean => {
    let victim: [string, Session] | null = null;
    for (const entry of sessions) {
      const s = entry[1];
      if (s.open > 0 || (client !== undefined && s.client !== client) || Date.now() - s.lastSeen < minIdleMs) continue;
      if (!victim || s.lastSeen < victim[1].lastSeen) victim = entry;
    }
    if (!victim) return false;
    log(`closed MCP session ${victim[0]} (idle ${Math.round((Date.now() - victim[1].lastSeen) / 1000)} s) to admit a new one`);
    drop(victim[0]);
    return true;
  };

  /** Runs a request against a session, which counts as busy until the response ends. */
  const within = async (session: Session, res: ServerResponse, run: () => Promise<void>) => {
    session.open++;
    session.lastSeen = Date.now();
    res.once('close', () => {
      session.open--;
      session.lastSeen = Date.now();
    });
    await run();
  };

  const handlePost = async (req: IncomingMessage, res: ServerResponse) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readBody(req, maxBody));
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.once('finish', () => req.destroy());
        return sendError(res, 413, `request body over ${maxBody} bytes`, { connection: 'close' });
      }
      return sendError(res, 400, 'Parse error: the body must be JSON-RPC', {}, -32700);
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const session = sessions.get(sessionId);
      if (!session) return sendError(res, 404, 'Session not found: it expired or the server restarted; initialize a new session');
      return within(session, res, () => session.transport.handleRequest(req, res, parsed));
    }
    const initializing = Array.isArray(parsed) ? parsed.some((m) => isInitializeRequest(m)) : isInitializeRequest(parsed);
    if (!initializing) return sendError(res, 400, 'Bad Request: no mcp-session-id header; start with an initialize request');
    const client = req.socket.remoteAddress ?? 'unknown';
    const mine = [...sessions.values()].filter((s) => s.client === client).length;
    if (mine >= perClient && !evictIdlest(evictIdleMs, client)) {
      return sendError(res, 503, `this client already has ${mine} open MCP sessions, the most one client may hold; close one (DELETE ${MCP_PATH}) or reuse it`);
    }
    if (sessions.size >= maxSessions && !evictIdlest(evictIdleMs)) {
      return sendError(res, 503, `too many open MCP sessions (${maxSessions}), all in use; close one (DELETE ${MCP_PATH}) and retry`);
    }
    if (!opts.createMcpServer) return sendError(res, 404, 'Not found: this server has no MCP endpoint');
    const server = opts.createMcpServer();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server, lastSeen: Date.now(), client, open: 0 });
      },
      onsessionclosed: (id) => drop(id),
    });
    transport.onclose = () => {
      if (transport.sessionId) drop(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, parsed);
    // A failed initialize never gets a session: nothing would ever close this server otherwise.
    if (!transport.sessionId || !sessions.has(transport.sessionId)) await server.close();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const twice = duplicatedHeader(req.rawHeaders);
    if (twice) return sendError(res, 400, `Bad Request: the ${twice} header is sent more than once`);
    if (!policy?.host(req.headers.host)) return sendError(res, 403, 'Forbidden: Host header not allowed (add it with --allowed-host)');
    if (!policy.origin(req.headers.origin)) return sendError(res, 403, 'Forbidden: Origin not allowed');
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    if (pathname === '/healthz') {
      if (req.method !== 'GET') return sendError(res, 405, 'use GET /healthz', { allow: 'GET' });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, ...opts.health?.() }));
      return;
    }
    const view = opts.view?.owns(pathname) ? opts.view : null;
    if (!view && (pathname !== MCP_PATH || !opts.createMcpServer)) {
      return sendError(res, 404, opts.createMcpServer ? `Not found: the MCP endpoint is ${MCP_PATH}` : 'Not found: open / for the evidence view');
    }
    if (opts.token !== undefined && (!view || view.needsToken(pathname)) && !tokenMatches(req.headers.authorization, opts.token)) {
      return sendError(res, 401, 'Unauthorized: send Authorization: Bearer <SANAD_HTTP_TOKEN>', {
        'www-authenticate': 'Bearer realm="sanad"',
      });
    }
    if (view) return view.handle(req, res, url);
    if (req.method === 'POST') return handlePost(req, res);
    if (req.method === 'GET' || req.method === 'DELETE') {
      const id = req.headers['mcp-session-id'];
      const session = typeof id === 'string' ? sessions.get(id) : undefined;
      if (!session) return sendError(res, typeof id === 'string' ? 404 : 400, 'Session not found: send a valid mcp-session-id header');
      return within(session, res, () => session.transport.handleRequest(req, res));
    }
    return sendError(res, 405, 'Method not allowed', { allow: 'GET, POST, DELETE' });
  };

  const server = createHttpServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`HTTP ${req.method ?? '?'} ${req.url ?? ''} failed: ${err instanceof Error ? err.message : String(err)}`);
      sendError(res, 500, 'Internal server error', {}, -32603);
    });
  });

  // Timeouts, set on purpose rather than left at Node's defaults:
  // - keep-alive: a client pools connections between calls; Node closes an idle one after 5 s,
  //   and a request sent on it at that moment fails with ECONNRESET. Kept 65 s, longer than
  //   clients keep idle sockets (undici 4 s, browsers about 60 s), so the client closes first.
  // - headers must come within the keep-alive time plus a second (Node requires it to be longer);
  // - a whole request (at most 1 MiB) must arrive within 30 s, so a slow sender cannot hold a
  //   socket for Node's default 5 minutes; responses (event streams included) are not limited.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.timeout = 0;

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Error(
          err.code === 'EADDRINUSE'
            ? `port ${opts.port} on ${host} is in use; pick another with --http [HOST:]PORT`
            : `cannot listen on ${host}:${opts.port}: ${err.message}`,
          { cause: err },
        ),
      ),
    );
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  policy = hostPolicy(host, port, opts.allowedHosts ?? []);

  const sweep = setInterval(() => {
    const cutoff = Date.now() - idleMs;
    for (const [id, s] of sessions) if (s.open === 0 && s.lastSeen < cutoff) drop(id);
  }, Math.max(10, Math.min(idleMs / 2, 30_000)));
  sweep.unref();

  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}${MCP_PATH}`,
    origin: `http://${shownHost}:${port}`,
    host,
    port,
    sessionCount: () => sessions.size,
    async close() {
      clearInterval(sweep);
      for (const id of [...sessions.keys()]) drop(id);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
