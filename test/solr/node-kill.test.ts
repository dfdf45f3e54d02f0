// A Solr node dies (SIGKILL, no goodbye to ZooKeeper) while an MCP client searches without pause
// and reindexes run, some started just before the kill and some while the node is down. No request
// may fail, no passage may be lost or duplicated, the node must rejoin after a restart and every
// shard's replicas must hold the same passages. SANAD_SOLR_KILLS sets the number of kills (default
// 3 here; the soak run in BENCHMARKS.md uses 20).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { collectionShape } from '../../src/backend/solr/admin.ts';
import type { SolrClient } from '../../src/backend/solr/client.ts';
import { ingestCorpus } from '../../src/corpus/ingest.ts';
import type { LocalCluster } from '../../scripts/solr/local-cluster.ts';
import { clientFor, serveSolr, SHIPPED_CORPUS, startCluster, type Served } from './helpers.ts';

const KILLS = Number(process.env.SANAD_SOLR_KILLS ?? 3);
const COLLECTION = 'chaos';

let cluster: LocalCluster;
let client: SolrClient;
let solr: Served;

before(async () => {
  cluster = await startCluster();
  client = clientFor(cluster);
  solr = await serveSolr(client, COLLECTION, SHIPPED_CORPUS);
  for (let i = 0; i < 12; i++) await writeFile(path.join(solr.corpusDir, `gen-${i}.txt`), generated(i, 0));
  await reindex();
});
after(async () => {
  await solr?.close();
  await cluster?.stop();
});

/** A small article made of shipped paragraphs, different for each (file, revision). */
function generated(file: number, revision: number): string {
  const paragraphs = readFileSync(path.join(SHIPPED_CORPUS, '000_a89eda4c32949ba3.txt'), 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 40);
  const pick = (k: number) => paragraphs[(file * 7 + revision * 3 + k) % paragraphs.length] ?? '';
  return `تقرير رقم ${file} (نسخة ${revision})\n${pick(0)} (${file}.${revision})\n${pick(1)}\n${pick(2)}\n`;
}

/** Reindexes through the tool and, when the rebuild outlasts the tool's wait, follows it to its end. */
async function reindex(): Promise<{ rebuilt: boolean; passages: number }> {
  const out = (await call('reindex', { wait_seconds: 50 })).structuredContent as { build_id: string; state: string; summary?: { rebuilt: boolean; passages: number } };
  if (out.summary) return out.summary;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const status = (await call('index_status', { build_id: out.build_id })).structuredContent as {
      build?: { state: string; error?: string };
      last_reindex?: { rebuilt: boolean; passages: number };
    };
    if (status.build?.state === 'failed') throw new Error(`reindex ${out.build_id} failed: ${status.build.error ?? ''}`);
    if (status.build?.state === 'done' && status.last_reindex) return status.last_reindex;
  }
}

async function call(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const r = (await solr.mcp.client.callTool({ name, arguments: args })) as CallToolResult;
  if (r.isError) throw new Error(`${name} failed: ${r.content[0]?.type === 'text' ? r.content[0].text : ''}`);
  return r;
}

const REQUESTS: Array<[string, Record<string, unknown>]> = [
  ['search', { query: 'Which Russian bases does Moscow want to keep in Syria?' }],
  ['search', { query: 'قاعدة حميميم الجوية', mode: 'lexical' }],
  ['search', { query: 'پایگاه‌های روسیه', language: 'fa' }],
  ['get_passage', { ids: ['000_a89eda4c32949ba3.txt#p11'], before: 1, after: 1 }],
  ['verify_quote', { quote: 'لمواصلة تشغيل قاعدة حميميم الجوية' }],
  ['list_documents', {}],
];

/** Waits until every replica of the collection is active on a live node. */
async function waitForActiveReplicas(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const shape = await collectionShape(client, COLLECTION);
    const states = shape.shardStates.flatMap((s) => s.replicas.map((r) => r.state));
    if (states.every((s) => s === 'active')) return;
    if (Date.now() > deadline) throw new Error(`replicas not active after ${timeoutMs} ms: ${states.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

it(`${KILLS} SIGKILLs during searches and reindexes: no failed request, no lost or duplicated passage, replicas agree`, { timeout: 60 * 60_000 }, async () => {
  let stop = false;
  let requests = 0;
  const failures: string[] = [];
  const stream = (async () => {
    for (let i = 0; !stop; i++) {
      const [name, args] = REQUESTS[i % REQUESTS.length] ?? REQUESTS[0]!;
      try {
        await call(name, args);
        requests++;
      } catch (err) {
        failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  })();

  const reindexes: string[] = [];
  for (let k = 0; k < KILLS; k++) {
    const node = k % cluster.nodes.length;
    // Change the corpus: one file added, one changed, one removed, so the reindex deletes and adds.
    await writeFile(path.join(solr.corpusDir, `gen-${12 + k}.txt`), generated(12 + k, 0));
    await writeFile(path.join(solr.corpusDir, `gen-${k}.txt`), generated(k, k + 1));
    await rm(path.join(solr.corpusDir, `gen-${(k + 6) % 12}.txt`), { force: true });
    let running: Promise<{ rebuilt: boolean; passages: number }>;
    if (k % 2 === 0) {
      // Kill during the reindex.
      running = reindex();
      await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 400)));
      await cluster.kill(node);
    } else {
      // Index while the node is down.
      await cluster.kill(node);
      running = reindex();
    }
    const summary = await running;
    reindexes.push(`kill ${k + 1}: node ${node}, reindex published ${summary.passages} passages`);
    await new Promise((r) => setTimeout(r, 1000));
    await cluster.restart(node);
    await waitForActiveReplicas();
    // A long run stopped early still says how far it got.
    console.error(`kill ${k + 1}/${KILLS} done (node ${node} back, replicas active): ${requests} requests so far, ${failures.length} failed`);
  }
  stop = true;
  await stream;
  // One more reindex with everything up: nothing may be left to do.
  const last = await reindex();

  assert.deepEqual(failures, [], `${failures.length} of ${requests + failures.length} requests failed`);
  assert.ok(requests > KILLS * 10, `the stream kept going (${requests} requests)`);
  assert.equal(last.rebuilt, false, 'a repeated reindex finds nothing to do');

  // Every passage of the corpus, once; nothing else.
  const { documents } = await ingestCorpus(solr.corpusDir);
  const expected = documents.flatMap((d) => d.passages.map((p) => p.id)).sort();
  const res = await client.request<{ response: { numFound: number; docs: Array<{ id: string }> } }>(`${COLLECTION}/select`, {
    params: { q: '{!term f=type}passage', fl: 'id', rows: 100_000, sort: 'id asc' },
  });
  const stored = res.response.docs.map((d) => d.id);
  assert.equal(res.response.numFound, stored.length);
  assert.deepEqual([...stored].sort(), expected, 'the collection holds exactly the corpus passages');

  // Each shard's replicas hold the same records (read from each core alone, distrib=false).
  await client.request(`${COLLECTION}/update`, { params: { commit: true }, json: {} });
  const shape = await collectionShape(client, COLLECTION);
  const union: string[] = [];
  for (const shard of shape.shardStates) {
    const lists = await Promise.all(
      shard.replicas.map(async (r) => {
        const base = `http://${r.node.replace(/_solr$/u, '')}/solr/${r.core}/select`;
        const body = new URLSearchParams({ q: '*:*', fq: '{!term f=type}passage', fl: 'id', rows: '100000', sort: 'id asc', distrib: 'false', wt: 'json' });
        const json = (await (await fetch(base, { method: 'POST', body })).json()) as { response: { docs: Array<{ id: string }> } };
        return json.response.docs.map((d) => d.id);
      }),
    );
    for (const list of lists.slice(1)) assert.deepEqual(list, lists[0], `replicas of ${shard.name} agree`);
    union.push(...(lists[0] ?? []));
  }
  assert.deepEqual(union.sort(), expected, 'the shards together hold each passage once');
  console.error(`${KILLS} kills, ${requests} requests, 0 failed, ${client.retries} retried attempts; ${reindexes.join('; ')}`);
});
