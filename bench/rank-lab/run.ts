// Ranking lab, step 2: compares ranking variants (methods.ts) on every cached set in one run.
//
//   node --import tsx bench/rank-lab/run.ts --lab DIR [--methods a,b] [--sets x,y] [--tok NAME]
//   node --import tsx bench/rank-lab/run.ts --lab DIR --stress [--methods a,b]
//
// --stress repeats the dev sets with one side made weaker — Gaussian noise on the query vector
// (a weaker model) or query tokens dropped (a weaker keyword match) — and prints how far each
// fusion falls below the better single mode in each condition: a fusion that only wins where the
// two sides are as strong as on the dev sets would not hold on other data.
import { parseArgs } from 'node:util';
import { Bm25Index } from '../../src/text/bm25.ts';
import { dot, firstGoldRank, loadLab, metrics, type LabPool, type LabQuery, type LabSet } from './lab.ts';
import { METHODS, type Ctx, type Method } from './methods.ts';
import { TOKENIZERS, tokenizer } from './tokenizers.ts';

const { values } = parseArgs({
  options: {
    lab: { type: 'string', default: '/tmp/sanad-lab' },
    methods: { type: 'string' },
    sets: { type: 'string' },
    tok: { type: 'string', default: 'shipped' },
    stress: { type: 'boolean' },
  },
});
const pick = <T extends { name: string }>(all: T[], list?: string) => (list ? list.split(',').map((n) => all.find((x) => x.name === n) ?? fail(`unknown: ${n}`)) : all);
const fail = (msg: string): never => {
  throw new Error(msg);
};
const sets = pick(loadLab(values.lab as string), values.sets);
const methods: Method[] = pick(METHODS, values.methods);
const tok = tokenizer(values.tok as string);
const out = (line: string) => process.stdout.write(`${line}\n`);

const lexicalIndexes = new Map<LabPool, Bm25Index>();
function bm25Of(pool: LabPool): Bm25Index {
  let idx = lexicalIndexes.get(pool);
  if (!idx) {
    // The lab's reconstruction of the fixes must be the shipped tokenizer, or its table lies.
    const all = TOKENIZERS['v1+shipped'] as (text: string) => string[];
    for (const p of pool.passages) {
      const [a, b] = [JSON.stringify(all(p.text)), JSON.stringify(TOKENIZERS.shipped?.(p.text))];
      if (a !== b) throw new Error(`v1+shipped and shipped tokenize ${p.id} differently: ${a} vs ${b}`);
    }
    idx = new Bm25Index(pool.passages.map((p) => tok(p.text)));
    lexicalIndexes.set(pool, idx);
  }
  return idx;
}

interface Degrade {
  noise: number;
  drop: number;
}

function context(set: LabSet, q: LabQuery, d: Degrade): Ctx {
  const bm25 = bm25Of(set.pool);
  const vec = d.noise > 0 ? perturb(q.vec, d.noise, q.id) : q.vec;
  const rnd = prng(`${q.id}:drop`);
  const tokens = tok(q.query).filter(() => d.drop === 0 || rnd() >= d.drop);
  const passages = set.pool.passages;
  return { set, q, passages, sims: passages.map((p) => dot(vec, p.vec)), tokens, bm25, lex: bm25.search(tokens, passages.length) };
}

/** Per set and method: metrics over all queries, plus R@5 per query language (`fa*`: cross-language). */
function evaluate(d: Degrade): Array<{ set: string; method: string; mrr: number; line: string }> {
  const rows: Array<{ set: string; method: string; mrr: number; line: string }> = [];
  for (const set of sets) {
    const ranks = new Map<string, number[]>();
    const byLang = new Map<string, Map<string, number[]>>();
    for (const q of set.queries) {
      const ctx = context(set, q, d);
      const key = q.xlang ? `${q.lang}*` : q.lang;
      for (const m of methods) {
        const r = firstGoldRank(set, q, m.rank(ctx).filter((p) => p.kind !== 'title'));
        (ranks.get(m.name) ?? ranks.set(m.name, []).get(m.name) ?? []).push(r);
        const g = byLang.get(key) ?? byLang.set(key, new Map()).get(key) ?? new Map<string, number[]>();
        (g.get(m.name) ?? g.set(m.name, []).get(m.name) ?? []).push(r);
      }
    }
    for (const m of methods) {
      const x = metrics(ranks.get(m.name) ?? []);
      const langs = byLang.size > 1 ? [...byLang].sort(([a], [b]) => a.localeCompare(b)).map(([l, g]) => `R@5 ${l} ${metrics(g.get(m.name) ?? []).r5.toFixed(2)}`) : [];
      const line = [set.name.padEnd(20), m.name.padEnd(18), `n ${x.n}`, `MRR@10 ${x.mrr.toFixed(3)}`, `R@1 ${x.r1.toFixed(3)}`, `R@5 ${x.r5.toFixed(3)}`, `R@10 ${x.r10.toFixed(3)}`, ...langs].join('  ');
      rows.push({ set: set.name, method: m.name, mrr: x.mrr, line });
    }
  }
  return rows;
}

if (!values.stress) {
  for (const row of evaluate({ noise: 0, drop: 0 })) out(row.line);
} else {
  const conditions: Degrade[] = [
    { noise: 0, drop: 0 },
    { noise: 0.5, drop: 0 },
    { noise: 1, drop: 0 },
    { noise: 1.5, drop: 0 },
    { noise: 0, drop: 0.3 },
    { noise: 0, drop: 0.6 },
    { noise: 1, drop: 0.3 },
  ];
  const shortfalls = new Map<string, number[]>();
  for (const d of conditions) {
    const rows = evaluate(d);
    for (const set of new Set(rows.map((r) => r.set))) {
      const of = (m: string) => rows.find((r) => r.set === set && r.method === m)?.mrr ?? NaN;
      const best = Math.max(of('semantic'), of('lexical'));
      const cells = rows.filter((r) => r.set === set && r.method !== 'semantic' && r.method !== 'lexical');
      for (const r of cells) (shortfalls.get(r.method) ?? shortfalls.set(r.method, []).get(r.method) ?? []).push(r.mrr - best);
      out(`noise ${d.noise} drop ${d.drop}  ${set.padEnd(20)} semantic ${of('semantic').toFixed(3)} lexical ${of('lexical').toFixed(3)}  ${cells.map((r) => `${r.method} ${(r.mrr - best >= 0 ? '+' : '') + (r.mrr - best).toFixed(3)}`).join('  ')}`);
    }
  }
  for (const [m, ds] of shortfalls) {
    out(`${m.padEnd(18)} vs better single mode: worst ${Math.min(...ds).toFixed(3)}, mean ${(ds.reduce((a, b) => a + b, 0) / ds.length).toFixed(4)}, below by > 0.005 in ${ds.filter((x) => x < -0.005).length} of ${ds.length}`);
  }
}

function prng(seed: string): () => number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return () => {
    h = Math.imul(h ^ (h >>> 15), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return (h >>> 0) / 4294967296;
  };
}

/** The query vector plus isotropic Gaussian noise of norm ≈ sigma, renormalised: a weaker model. */
function perturb(v: Float32Array, sigma: number, seed: string): Float32Array {
  const rnd = prng(seed);
  const outV = new Float32Array(v.length);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    const g = Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
    outV[i] = (v[i] ?? 0) + (sigma / Math.sqrt(v.length)) * g;
    norm += (outV[i] ?? 0) ** 2;
  }
  for (let i = 0; i < v.length; i++) outV[i] = (outV[i] ?? 0) / Math.sqrt(norm);
  return outV;
}
