// The real 3-node SolrCloud for `npm run test:solr`, and servers over it: the same corpus served by
// the embedded backend and by a Solr collection (2 shards × 2 replicas), each behind a LiveIndex
// and the real MCP server, with a real SDK client. The fake embedder makes vectors deterministic,
// so any difference between the two is the backend's.
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initCollection } from '../../src/backend/solr/admin.ts';
import { parseSolrTarget, SolrClient } from '../../src/backend/solr/client.ts';
import { solrStorage } from '../../src/backend/solr/storage.ts';
import type { Embedder } from '../../src/embed/embedder.ts';
import { createFakeEmbedder } from '../../src/embed/fake.ts';
import { buildIndex } from '../../src/indexer/build-index.ts';
import { probeSpace } from '../../src/indexer/embed-new.ts';
import { LiveIndex } from '../../src/mcp/live-index.ts';
import { LocalCluster } from '../../scripts/solr/local-cluster.ts';
import { connectClient, type Connected } from '../helpers/fixture-index.ts';

export const SHIPPED_CORPUS = fileURLToPath(new URL('../../corpus/', import.meta.url));

export async function startCluster(): Promise<LocalCluster> {
  const logs: string[] = [];
  try {
    return await LocalCluster.start({ nodes: 3, log: (l) => logs.push(l) });
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${logs.join('\n')}`, { cause: err });
  }
}

export function clientFor(cluster: LocalCluster, opts: { retryBudgetMs?: number } = {}): SolrClient {
  return new SolrClient({ target: parseSolrTarget(cluster.urls().join(',')), retryBudgetMs: opts.retryBudgetMs ?? 90_000 });
}

export interface Served {
  live: LiveIndex;
  mcp: Connected;
  corpusDir: string;
  logs: string[];
  close(): Promise<void>;
}

/** A copy of `corpus` in a temp folder, so tests may change files. */
export async function copyCorpus(corpus: string): Promise<{ dir: string; root: string }> {
  const root = await mkdtemp(path.join(tmpdir(), 'sanad-solr-test-'));
  const dir = path.join(root, 'corpus');
  await cp(corpus, dir, { recursive: true });
  return { dir, root };
}

export async function serveEmbedded(corpus: string, embedder: Embedder = createFakeEmbedder()): Promise<Served> {
  const { dir, root } = await copyCorpus(corpus);
  const indexDir = path.join(root, 'index');
  await buildIndex({ corpusDir: dir, indexDir, embedder });
  return serve({ corpusDir: dir, indexDir, embedder }, root);
}

/** A new collection on the cluster, indexed from a copy of `corpus`, behind a LiveIndex. */
export async function serveSolr(
  client: SolrClient,
  collection: string,
  corpus: string,
  embedder: Embedder = createFakeEmbedder(),
): Promise<Served> {
  const { dir, root } = await copyCorpus(corpus);
  const { space } = await probeSpace({ embedder }, null, () => {});
  if (!space) throw new Error('the test embedder has no space');
  await initCollection(client, { collection, shards: 2, replicas: 2, space });
  const served = await serve({ corpusDir: dir, indexDir: path.join(root, 'unused'), embedder, storage: solrStorage(client, collection) }, root);
  await served.live.reindex();
  return served;
}

async function serve(opts: Parameters<typeof LiveIndex.open>[0], root: string): Promise<Served> {
  const logs: string[] = [];
  const live = await LiveIndex.open({ ...opts, log: (l) => logs.push(l) });
  await live.startModel();
  const mcp = await connectClient(live);
  return {
    live,
    mcp,
    corpusDir: opts.corpusDir,
    logs,
    close: async () => {
      await mcp.close();
      await live.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
