// Retrieval quality of the solr backend against the embedded one on the dev sets, in one process:
// each pool is indexed once with the real model into an embedded index, the same vectors go into a
// Solr collection (2 shards × 2 replicas on a local 3-node cluster, or --solr-url), and both are
// searched by the same Searcher with the same query vectors, so every difference is the backend's.
// Also measured: Lucene's own analysis (edismax over the per-language analysed fields), lexical only.
//
//   flock /tmp/sanad-heavy.lock node --import tsx bench/solr-quality.ts --model DIR [--sets a,b] [--solr-url URLS] [--out FILE]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { embeddedSnapshot } from '../src/backend/embedded/open.ts';
import { IndexSnapshot } from '../src/backend/snapshot.ts';
import { initCollection, listCollections } from '../src/backend/solr/admin.ts';
import { parseSolrTarget, SolrClient } from '../src/backend/solr/client.ts';
import { filterQueries, PASSAGE_FIELDS, toPassage, type PassageRecord } from '../src/backend/solr/records.ts';
import { SolrBackend } from '../src/backend/solr/solr-backend.ts';
import { buildSolrIndex } from '../src/backend/solr/writer.ts';
import type { Embedder } from '../src/embed/embedder.ts';
import { embedderForBuild } from '../src/embed/for-index.ts';
import { EvalPool, writePassageCorpus } from '../src/eval/pool.ts';
import { readPassages, readQueries } from '../src/eval/query-set.ts';
import { runEval, type ModeResult, type SearchLike } from '../src/eval/run-eval.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { probeSpace } from '../src/indexer/embed-new.ts';
import { Searcher } from '../src/search/searcher.ts';
import { loadIndex } from '../src/store/index-store.ts';
import type { SearchMode } from '../src/types.ts';
import { LocalCluster } from '../scripts/solr/local-cluster.ts';
import { liveContents } from './live-vectors.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    sets: { type: 'string', default: 'xquad-ar,xquad-en-ar,persianqa-fa' },
    dev: { type: 'string', default: '/work/shared/dev-eval' },
    'solr-url': { type: 'string' },
    work: { type: 'string', default: path.join(tmpdir(), 'sanad-solr-quality') },
    out: { type: 'string' },
  },
  strict: true,
});
if (!values.model) throw new Error('--model DIR is required (the real model folder)');
const MODES: SearchMode[] = ['hybrid', 'lexical', 'semantic'];

/** Query vectors computed once and shared by both backends (passages go through unchanged). */
function sharedQueries(base: Embedder): Embedder {
  const cache = new Map<string, Float32Array>();
  return {
    info: base.info,
    dimension: () => base.dimension(),
    embedPassages: (texts, onProgress) => base.embedPassages(texts, onProgress),
    async embedQueries(texts) {
      const todo = [...new Set(texts.filter((t) => !cache.has(t)))];
      const fresh = todo.length > 0 ? await base.embedQueries(todo) : [];
      todo.forEach((t, i) => cache.set(t, fresh[i] as Float32Array));
      return texts.map((t) => cache.get(t) as Float32Array);
    },
    close: () => base.close?.() ?? Promise.resolve(),
  };
}

/** Lexical search with Lucene's analysis: edismax over the per-language fields of the schema. */
function edismax(client: SolrClient, collection: string): SearchLike {
  return {
    async search(query, opts) {
      const k = opts.k ?? 10;
      const q = query.replace(/[+\-!(){}[\]^"~*?:\\/&|]/gu, ' ').trim() || '*:*';
      const res = await client.request<{ response?: { docs?: Array<PassageRecord & { score: number }> } }>(`${collection}/select`, {
        params: { q, defType: 'edismax', qf: 'text_ar text_fa text_en text_und', fq: filterQueries(undefined, true), fl: `${PASSAGE_FIELDS},score`, rows: k },
      });
      const results = (res.response?.docs ?? []).map((d) => {
        const p = toPassage(d);
        return { citation: p.id, docId: p.docId, title: '', lang: p.lang, path: p.docId, start: p.start, end: p.end, text: p.text, score: d.score, alsoIn: [] };
      });
      return { mode: 'lexical', requestedMode: 'lexical', results };
    },
  };
}

const cluster = values['solr-url'] ? null : await LocalCluster.start({ heap: '512m' });
const client = new SolrClient({ target: parseSolrTarget(values['solr-url'] ?? cluster?.urls().join(',') ?? '') });
const embedder = sharedQueries(embedderForBuild({ flags: { model: values.model }, env: process.env, onLog: (l) => console.error(l) }).embedder);
const report: Record<string, unknown> = { startedAt: new Date().toISOString(), loadavg: loadavg(), model: values.model, sets: {} };
try {
  for (const set of values.sets.split(',')) {
    const dir = path.join(values.dev, set);
    if (!existsSync(dir)) throw new Error(`no dev set at ${dir}`);
    const scratch = await mkdtemp(path.join(tmpdir(), `sanad-quality-${set}-`));
    try {
      const corpusDir = path.join(scratch, 'corpus');
      const written = await writePassageCorpus(await readPassages(path.join(dir, 'passages.jsonl')), corpusDir);
      const indexDir = path.join(values.work, `${set}-index`);
      await buildIndex({ corpusDir, indexDir, embedder, log: (l) => console.error(l) });
      const index = await loadIndex(indexDir);
      const contents = liveContents(index);
      if (contents.vectors.size === 0) throw new Error(`${indexDir} has no vectors`);
      const reuse = new Map(contents.passages.map((p) => [p.hash, contents.vectors.get(p.id) as Float32Array]));

      const collection = `dev_${set.replace(/[^A-Za-z0-9]/gu, '_')}`;
      if ((await listCollections(client)).includes(collection)) {
        await client.request('admin/collections', { params: { action: 'DELETE', name: collection } });
      }
      const { space } = await probeSpace({ embedder }, null, () => {});
      if (!space) throw new Error('the model did not load');
      await initCollection(client, { collection, shards: 2, replicas: 2, space });
      const t0 = performance.now();
      await buildSolrIndex({ client, collection, corpusDir, embedder, reuseVectors: reuse });
      const solrIndexMs = performance.now() - t0;

      const pool = new EvalPool({ documents: contents.documents, passages: contents.passages }, written);
      const queries = await readQueries(path.join(dir, 'queries.jsonl'));
      const embeddedRuns = await runEval(new Searcher(embeddedSnapshot(index), embedder), queries, pool, { modes: MODES, k: 10 });
      const solrRuns = await runEval(new Searcher(new IndexSnapshot(await SolrBackend.open(client, collection)), embedder), queries, pool, { modes: MODES, k: 10 });
      const lucene = await runEval(edismax(client, collection), queries, pool, { modes: ['lexical'], k: 10 });
      const all = (r: ModeResult) => r.rows.find((row) => row.pair === 'ALL');
      const rows = MODES.map((mode, i) => {
        const e = embeddedRuns[i] as ModeResult;
        const s = solrRuns[i] as ModeResult;
        let identical = 0;
        for (const [id, ranking] of e.rankings) if (JSON.stringify(ranking) === JSON.stringify(s.rankings.get(id))) identical++;
        return {
          mode,
          embedded: { mrr10: all(e)?.mrr10, r10: all(e)?.r10, p50: e.latencyMs.p50, p95: e.latencyMs.p95 },
          solr: { mrr10: all(s)?.mrr10, r10: all(s)?.r10, p50: s.latencyMs.p50, p95: s.latencyMs.p95 },
          identicalRankings: `${identical}/${e.rankings.size}`,
        };
      });
      const l = lucene[0] as ModeResult;
      (report.sets as Record<string, unknown>)[set] = {
        queries: queries.length,
        passages: contents.passages.length,
        solrIndexMs: Math.round(solrIndexMs),
        modes: rows,
        luceneEdismaxLexical: { mrr10: all(l)?.mrr10, r10: all(l)?.r10 },
      };
      console.error(JSON.stringify({ set, modes: rows, luceneEdismaxLexical: all(l)?.mrr10 }));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  }
} finally {
  await embedder.close?.();
  await cluster?.stop();
}
const json = JSON.stringify(report, null, 2);
if (values.out) await writeFile(values.out, `${json}\n`);
process.stdout.write(`${json}\n`);
