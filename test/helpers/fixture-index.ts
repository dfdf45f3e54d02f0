// An IndexHandle over the MCP fixture corpus (test/fixtures/mcp-corpus), built with the fake
// embedder into a temp folder. The corpus is copied first, so a test may add or change files and
// call reindex without touching the fixtures.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { after, before } from 'node:test';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpusChanges, type FileStamp } from '../../src/corpus/changes.ts';
import { createFakeEmbedder } from '../../src/embed/fake.ts';
import { readCurrentManifest } from '../../src/store/index-store.ts';
import { buildIndex, type BuildSummary } from '../../src/indexer/build-index.ts';
import { BuildTracker, viewBuild, type BuildRecord, type BuildTrigger } from '../../src/mcp/builds.ts';
import type { IndexHandle, IndexStatus } from '../../src/mcp/index-handle.ts';
import { createServer } from '../../src/mcp/server.ts';
import { Searcher } from '../../src/search/searcher.ts';
import { openEmbeddedSnapshot } from '../../src/backend/embedded/open.ts';

export const FIXTURE_CORPUS = fileURLToPath(new URL('../fixtures/mcp-corpus/', import.meta.url));

/** What a host that renders MCP Apps declares when it connects. */
export const MCP_APPS_CAPABILITIES: ClientCapabilities = {
  extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/html;profile=mcp-app'] } },
};

export interface FixtureIndex {
  handle: IndexHandle;
  corpusDir: string;
  indexDir: string;
  /** Number of reindex() calls so far. */
  reindexCalls(): number;
  cleanup(): Promise<void>;
}

export async function createFixtureIndex(): Promise<FixtureIndex> {
  const root = await mkdtemp(path.join(tmpdir(), 'sanad-mcp-'));
  const corpusDir = path.join(root, 'corpus');
  const indexDir = path.join(root, 'index');
  await cp(FIXTURE_CORPUS, corpusDir, { recursive: true });
  const embedder = createFakeEmbedder();
  const build = () => buildIndex({ corpusDir, indexDir, embedder });

  await build();
  let searcher = new Searcher(await openEmbeddedSnapshot(indexDir), embedder);
  let lastReindex: BuildSummary | undefined;
  let calls = 0;
  // The same bookkeeping a LiveIndex keeps, so tools can report build ids, progress and news.
  const builds = new BuildTracker();
  const stamps = new Map<string, FileStamp>();
  const rebuild = async (record: BuildRecord): Promise<BuildSummary> => {
    calls++;
    builds.start(record);
    try {
      const summary = await buildIndex({ corpusDir, indexDir, embedder, onProgress: (p) => builds.progress(record, p) });
      searcher = new Searcher(await openEmbeddedSnapshot(indexDir), embedder);
      lastReindex = summary;
      builds.finish(record, summary, summary.rebuilt);
      return summary;
    } catch (err) {
      builds.fail(record, err instanceof Error ? err.message : String(err));
      throw err;
    }
  };
  const startReindex = (trigger: BuildTrigger) => {
    const record = builds.create(trigger);
    return { id: record.id, done: rebuild(record) };
  };

  const handle: IndexHandle = {
    current: () => searcher,
    status(): IndexStatus {
      const info = searcher.snapshot.info();
      return {
        indexDir,
        corpusDir,
        version: info.version,
        mode: info.embedding ? 'hybrid' : 'lexical',
        ...(info.embedding ? { model: `${info.embedding.provider}:${info.embedding.model}`, dimension: info.embedding.dimension } : {}),
        modelState: 'ready',
        documents: info.counts.documents,
        passages: info.counts.passages,
        builtAt: info.createdAt,
        buildMs: info.buildMs,
        reindexing: false,
        watching: false,
        ...(lastReindex ? { lastReindex } : {}),
      };
    },
    reindex: (trigger = 'tool') => startReindex(trigger).done,
    startReindex,
    buildStatus: (id) => {
      const record = builds.get(id);
      return record ? viewBuild(record, Date.now()) : undefined;
    },
    subscribe: (listener) => builds.subscribe(listener),
    async checkCorpus() {
      const current = await readCurrentManifest(indexDir);
      return corpusChanges(corpusDir, current?.manifest.files ?? [], current?.manifest.skipped.map((k) => k.path) ?? [], stamps);
    },
  };
  return { handle, corpusDir, indexDir, reindexCalls: () => calls, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export interface Connected {
  client: Client;
  /** Log lines the server wrote. */
  logs: string[];
  close(): Promise<void>;
}

/** A real SDK client talking to `createServer` over an in-memory transport pair. */
export async function connectClient(index: IndexHandle, capabilities: ClientCapabilities = {}): Promise<Connected> {
  const logs: string[] = [];
  const server = createServer({ index, name: 'sanad-test', version: '9.9.9', log: (line) => logs.push(line) });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'sanad-test-client', version: '1.0.0' }, { capabilities });
  await Promise.all([server.connect(serverSide), client.connect(clientSide)]);
  // The client validates structuredContent against the output schemas it learnt from listTools.
  await client.listTools();
  return {
    client,
    logs,
    close: async () => {
      await client.close();
      await server.close();
    },
  };
}

export interface FixtureSession {
  fx(): FixtureIndex;
  conn(): Connected;
  /** Calls a tool through the session's client. */
  call(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
}

/** A fixture index with a connected client for a whole test file: created before its tests, removed after. */
export function fixtureSession(): FixtureSession {
  let fx: FixtureIndex | undefined;
  let conn: Connected | undefined;
  before(async () => {
    fx = await createFixtureIndex();
    conn = await connectClient(fx.handle);
  });
  after(async () => {
    await conn?.close();
    await fx?.cleanup();
  });
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('the fixture session is used outside its tests');
    return v;
  };
  return {
    fx: () => need(fx),
    conn: () => need(conn),
    call: async (name, args = {}) => (await need(conn).client.callTool({ name, arguments: args })) as CallToolResult,
  };
}
