// Growth benchmark: how build time, memory, query latency and HNSW recall move as the corpus
// grows. One size per process (`runGrowthPoint`), so each memory reading starts from a fresh
// heap; `runGrowth` drives the sizes as child processes and collects their JSON.
//
// Vector part: seeded random unit vectors (uniform on the sphere by default: the hardest case for
// HNSW, since real embeddings bunch by topic) indexed with the project's VectorIndex, recall@10
// measured against exact search. Lexical part: real paragraphs perturbed into N passages,
// indexed with the project's Bm25Index.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { summarize, round } from '../src/eval/stats.ts';
import { Bm25Index } from '../src/text/bm25.ts';
import { DEFAULT_HNSW, VectorIndex } from '../src/store/vector-index.ts';
import { tokenize } from '../src/text/tokenize.ts';
import { exactTopK, perturbedTexts, prng, recallAtK, subspaceVectors, unitVectors } from './synthetic.ts';

export interface GrowthOptions {
  n: number;
  dim: number;
  /** Queries for recall and latency (not part of the index). */
  queries: number;
  efs: number[];
  seed: number;
  /** uniform | clustered | subspace (intrinsic dimension `intrinsic`, as real embeddings have). */
  data: 'uniform' | 'clustered' | 'subspace';
  intrinsic?: number;
  m: number;
  efConstruction: number;
  /** Real paragraphs the lexical corpus is perturbed from; empty skips the lexical part. */
  baseTexts: string[];
}

export interface EfPoint {
  ef: number;
  recall10: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface GrowthResult {
  n: number;
  dim: number;
  data: string;
  intrinsic?: number;
  m: number;
  efConstruction: number;
  queries: number;
  vector: {
    buildMs: number;
    /** RSS growth while building the graph: hnswlib's copy of the vectors plus its links. */
    graphRssMB: number;
    /** The benchmark's own copy of the vectors (kept for exact search), not part of the index. */
    dataMB: number;
    fileMB: number;
    exactMsPerQuery: number;
    efs: EfPoint[];
    /** The lowest swept ef with recall@10 ≥ 0.98, or null when none reached it. */
    efFor98: number | null;
    /** What search runs today: k = 50 candidates at efSearch 100, of which the first 10 count. */
    production: EfPoint;
  };
  lexical: null | {
    tokenizeMs: number;
    buildMs: number;
    rssMB: number;
    jsonMB: number;
    terms: number;
    p50: number;
    p95: number;
    p99: number;
  };
  rssMB: number;
  loadavg: number[];
}

const mb = (bytes: number) => round(bytes / 1048576, 1);
const rss = () => process.memoryUsage().rss;

export async function runGrowthPoint(opts: GrowthOptions): Promise<GrowthResult> {
  const { n, dim, queries: nq } = opts;
  const { flat, rows } =
    opts.data === 'subspace' ? subspaceVectors(n + nq, dim, opts.intrinsic ?? 16, opts.seed) : unitVectors(n + nq, dim, opts.seed, opts.data);
  const data = rows.slice(0, n);
  const queries = rows.slice(n);

  const before = rss();
  let t = performance.now();
  const params = { ...DEFAULT_HNSW, m: opts.m, efConstruction: opts.efConstruction };
  const index = VectorIndex.build(dim, data, params);
  const buildMs = performance.now() - t;
  const graphRssMB = mb(rss() - before);

  const fileMB = await savedSize(index);

  const indexed = flat.subarray(0, n * dim);
  t = performance.now();
  const exact = queries.map((q) => exactTopK(indexed, dim, q, 10));
  const exactMsPerQuery = (performance.now() - t) / Math.max(1, nq);

  const measure = (k: number, ef: number): EfPoint => {
    const times: number[] = [];
    const found: number[][] = [];
    for (const q of queries) {
      const s = performance.now();
      const hits = index.search(q, k, undefined, ef);
      times.push(performance.now() - s);
      found.push(hits.slice(0, 10).map((h) => h.ord));
    }
    const sum = summarize(times);
    return { ef, recall10: round(recallAtK(found, exact, 10), 4), p50: round(sum.p50, 3), p95: round(sum.p95, 3), p99: round(sum.p99, 3) };
  };
  measure(10, opts.efs[0] ?? 10); // warm-up: first searches page in the graph
  const efs = opts.efs.map((ef) => measure(10, ef));
  const production = measure(50, DEFAULT_HNSW.efSearch);
  const efFor98 = efs.find((e) => e.recall10 >= 0.98)?.ef ?? null;

  const lexical = opts.baseTexts.length > 0 ? measureLexical(opts) : null;
  return {
    n,
    dim,
    data: opts.data,
    ...(opts.data === 'subspace' ? { intrinsic: opts.intrinsic ?? 16 } : {}),
    m: opts.m,
    efConstruction: opts.efConstruction,
    queries: nq,
    vector: {
      buildMs: round(buildMs, 0),
      graphRssMB,
      dataMB: mb(n * dim * 4),
      fileMB,
      exactMsPerQuery: round(exactMsPerQuery, 2),
      efs,
      efFor98,
      production,
    },
    lexical,
    rssMB: mb(rss()),
    loadavg: (await import('node:os')).loadavg().map((x) => round(x, 2)),
  };
}

/** Size of the graph file hnswlib writes (what the index folder stores). */
async function savedSize(index: VectorIndex): Promise<number> {
  const scratch = await mkdtemp(path.join(tmpdir(), 'sanad-growth-'));
  try {
    const file = path.join(scratch, 'vectors.hnsw');
    index.save(file);
    return mb((await stat(file)).size);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function measureLexical(opts: GrowthOptions): NonNullable<GrowthResult['lexical']> {
  const texts = perturbedTexts(opts.baseTexts, opts.n, opts.seed + 1);
  let t = performance.now();
  const tokens = texts.map((x) => tokenize(x));
  const tokenizeMs = performance.now() - t;
  const before = rss();
  t = performance.now();
  const bm25 = new Bm25Index(tokens);
  const buildMs = performance.now() - t;
  const rssMB = mb(rss() - before);
  const json = bm25.toJSON();
  const jsonMB = mb(Buffer.byteLength(json.postings) + Buffer.byteLength(json.lengths) + json.terms.reduce((s, w) => s + Buffer.byteLength(w) + 3, 0));
  // Queries: four words of a random base paragraph, as a short keyword question would be.
  const rand = prng(opts.seed + 2);
  const words = opts.baseTexts.map((x) => x.split(/\s+/).filter(Boolean));
  const times: number[] = [];
  for (let i = 0; i < Math.max(opts.queries, 50); i++) {
    const src = words[Math.floor(rand() * words.length)] ?? [];
    const q = Array.from({ length: 4 }, () => src[Math.floor(rand() * src.length)] ?? '').join(' ');
    const s = performance.now();
    bm25.search(tokenize(q), 50);
    times.push(performance.now() - s);
  }
  const sum = summarize(times.slice(5)); // the first few allocate the scratch arrays
  return {
    tokenizeMs: round(tokenizeMs, 0),
    buildMs: round(buildMs, 0),
    rssMB,
    jsonMB,
    terms: bm25.vocabularySize,
    p50: round(sum.p50, 3),
    p95: round(sum.p95, 3),
    p99: round(sum.p99, 3),
  };
}

const here = path.dirname(fileURLToPath(import.meta.url));

/** Runs one size in a child process (fresh heap, honest RSS) and returns its result. */
export function runGrowthChild(opts: GrowthOptions, extraNodeArgs: string[] = [], timeoutMs = 6 * 3600_000): Promise<GrowthResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...extraNodeArgs, '--import', 'tsx', path.join(here, 'growth.ts'), '--point', JSON.stringify(opts)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        reject(new Error(`growth point n=${opts.n} ended with ${signal ?? `code ${code}`}${signal === 'SIGKILL' ? ` (time limit ${timeoutMs} ms or out of memory)` : ''}`));
        return;
      }
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as GrowthResult);
      } catch {
        reject(new Error(`growth point n=${opts.n} printed no result line`));
      }
    });
  });
}

if (process.argv[2] === '--point' && process.argv[3]) {
  const opts = JSON.parse(process.argv[3]) as GrowthOptions;
  const result = await runGrowthPoint(opts);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
