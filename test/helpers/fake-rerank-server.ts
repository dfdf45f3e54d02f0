// A local stand-in for a `/rerank` server (node:http on 127.0.0.1, port 0) that speaks both request
// formats: Cohere-style {model, query, documents, top_n} → {results: [{index, relevance_score}]}
// and TEI-style {query, texts} → [{index, score}]. Its scoring rule is deterministic (by default
// the passage's length in characters, so the expected order is known exactly), results come back
// sorted by score as real servers send them, and a test can swap in any other answer.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  path: string;
  auth: string | undefined;
  body: { model?: string; query?: string; documents?: string[]; texts?: string[]; top_n?: number; truncate?: boolean };
}

export type RerankHandler = (req: SeenRequest, res: ServerResponse, n: number) => void;

export interface FakeRerankServer {
  /** Base URL without the path, e.g. http://127.0.0.1:41234 */
  url: string;
  seen: SeenRequest[];
  /** Replaces the answer; `answer` restores the default. */
  handler: RerankHandler;
  close(): Promise<void>;
}

/** The default rule: longer passages are more relevant. */
export const lengthScore = (text: string): number => Array.from(text).length;

/** A correct answer in the format the request used, scored by `score`, best first. */
export function answer(req: SeenRequest, res: ServerResponse, score: (text: string, query: string) => number = lengthScore): void {
  const tei = req.body.texts !== undefined;
  const texts = req.body.texts ?? req.body.documents ?? [];
  const scored = texts.map((t, index) => ({ index, s: score(t, req.body.query ?? '') })).sort((a, b) => b.s - a.s);
  const body = tei
    ? scored.map((r) => ({ index: r.index, score: r.s }))
    : { id: 'fake', results: scored.slice(0, req.body.top_n ?? scored.length).map((r) => ({ index: r.index, relevance_score: r.s })) };
  send(res, 200, JSON.stringify(body));
}

export function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

export async function startFakeRerankServer(): Promise<FakeRerankServer> {
  const state: FakeRerankServer = {
    url: '',
    seen: [],
    handler: (req, res) => answer(req, res),
    close: async () => {},
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const seen: SeenRequest = { path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(raw || '{}') as SeenRequest['body'] };
      state.seen.push(seen);
      state.handler(seen, res, state.seen.length);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
  return state;
}
