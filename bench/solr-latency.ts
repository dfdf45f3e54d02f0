// Search latency through MCP at scale, the solr backend beside the embedded one: an index folder
// (e.g. the synthetic 100k index of bench/synthetic-index.ts) is loaded into a Solr collection on a
// local 3-node cluster (2 shards × 2 replicas) with the same passages and vectors, then one
// `sanad serve` per backend answers the same queries over stdio, alternating backends per round.
//
//   flock /tmp/sanad-heavy.lock node --max-old-space-size=8000 --import tsx bench/solr-latency.ts \
//     --index /tmp/syn-100k --model DIR [--n 200] [--rounds 2] [--heap 768m] [--out FILE]
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initCollection, listCollections } from '../src/backend/solr/admin.ts';
import { parseSolrTarget, SolrClient } from '../src/backend/solr/client.ts';
import { emptyManifest, versionName, writeManifest } from '../src/backend/solr/manifest-record.ts';
import { documentRecord, passageRecord } from '../src/backend/solr/records.ts';
import { round } from '../src/eval/stats.ts';
import { loadIndex } from '../src/store/index-store.ts';
import type { StoredPassage } from '../src/types.ts';
import { LocalCluster } from '../scripts/solr/local-cluster.ts';
import { embeddedServeArgs, mcp, queryTexts } from './latency.ts';
import { liveContents, type LiveContents } from './live-vectors.ts';

const { values } = parseArgs({
  options: {
    index: { type: 'string' },
    model: { type: 'string' },
    n: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '2' },
    heap: { type: 'string', default: '768m' },
    k: { type: 'string', default: '8' },
    collection: { type: 'string', default: 'latency' },
    out: { type: 'string' },
  },
  strict: true,
});
if (!values.index || !values.model) throw new Error('usage: solr-latency.ts --index DIR --model DIR');
const indexDir = path.resolve(values.index);
const model = path.resolve(values.model);

/** Writes every passage and document of `index` into the collection, with its vectors, and commits. */
async function load(client: SolrClient, collection: string, index: LiveContents, files: Array<{ path: string; sha256: string; bytes: number }>): Promise<number> {
  const t0 = performance.now();
  const byDoc = new Map<string, StoredPassage[]>();
  for (const p of index.passages) {
    const list = byDoc.get(p.docId);
    if (list) list.push(p);
    else byDoc.set(p.docId, [p]);
  }
  let batch: Array<Record<string, unknown>> = [];
  let sent = 0;
  const inFlight: Array<Promise<unknown>> = [];
  const flush = async () => {
    const records = batch;
    batch = [];
    inFlight.push(client.request(`${collection}/update`, { json: records, timeoutMs: 300_000 }));
    if (inFlight.length >= 2) await inFlight.shift();
  };
  for (const meta of index.documents) {
    const passages = byDoc.get(meta.id) ?? [];
    batch.push(documentRecord(meta, passages));
    passages.forEach((p, pos) => batch.push(passageRecord(p, pos, meta, index.vectors.get(p.id) ?? null)));
    if (batch.length >= 500) {
      sent += batch.length;
      await flush();
      if (sent % 20_000 < 500) console.error(`loaded ${sent} records`);
    }
  }
  if (batch.length > 0) await flush();
  await Promise.all(inFlight);
  const manifest = {
    ...emptyManifest(space),
    version: versionName(new Date().toISOString()),
    counts: { documents: index.documents.length, passages: index.passages.length },
    files,
  };
  await writeManifest(client, collection, manifest, false);
  await client.request(`${collection}/update`, { params: { commit: true, waitSearcher: true }, json: {}, timeoutMs: 600_000 });
  return performance.now() - t0;
}

const loaded = await loadIndex(indexDir);
const space = loaded.manifest.embedding;
if (!space) throw new Error(`${indexDir} has no vectors`);
const index = liveContents(loaded);
const cluster = await LocalCluster.start({ heap: values.heap });
const urls = cluster.urls().join(',');
const client = new SolrClient({ target: parseSolrTarget(urls), timeoutMs: 300_000 });
const result: Record<string, unknown> = { index: indexDir, passages: index.passages.length, loadavgBefore: loadavg().map((x) => round(x, 2)) };
try {
  if ((await listCollections(client)).includes(values.collection)) {
    await client.request('admin/collections', { params: { action: 'DELETE', name: values.collection } });
  }
  await initCollection(client, { collection: values.collection, shards: 2, replicas: 2, space });
  result.solrLoadMs = round(await load(client, values.collection, index, loaded.manifest.files), 0);
  console.error(`loaded into Solr in ${Math.round(Number(result.solrLoadMs) / 1000)} s`);
  const queries = await queryTexts([], Number(values.n));
  const k = Number(values.k);
  const solrArgs = ['--solr-url', urls, '--collection', values.collection, '--corpus', path.join(indexDir, '.no-corpus'), '--model', model];
  const rounds: Array<Record<string, unknown>> = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    const first = r % 2 === 0 ? 'embedded' : 'solr';
    const run = async (which: string) => (which === 'embedded' ? mcp(embeddedServeArgs(indexDir, model), queries, k, 1) : mcp(solrArgs, queries, k, 1));
    const a = await run(first);
    const b = await run(first === 'embedded' ? 'solr' : 'embedded');
    rounds.push(first === 'embedded' ? { embedded: a, solr: b } : { solr: a, embedded: b });
    console.error(JSON.stringify(rounds.at(-1)));
  }
  result.rounds = rounds;
} finally {
  await cluster.stop();
}
result.loadavgAfter = loadavg().map((x) => round(x, 2));
const json = JSON.stringify(result, null, 2);
if (values.out) await writeFile(values.out, `${json}\n`);
process.stdout.write(`${json}\n`);
