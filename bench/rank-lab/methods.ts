// Ranking lab: the variants compared in BENCHMARKS.md ("Ranking"). Each takes one query's full
// evidence (every passage's similarity, every BM25 hit) and returns passages best first. The
// shipped pipeline is src/search/searcher.ts; `shipped` here reproduces it on exact similarities.
import { capPerDocument } from '../../src/search/diversity.ts';
import type { Bm25Hit, Bm25Index } from '../../src/text/bm25.ts';
import type { LabPassage, LabQuery, LabSet } from './lab.ts';

export interface Ctx {
  set: LabSet;
  q: LabQuery;
  passages: LabPassage[];
  /** Cosine similarity of the query to every passage, by ordinal. */
  sims: number[];
  tokens: string[];
  bm25: Bm25Index;
  /** Every passage with a BM25 score > 0, best first. */
  lex: Bm25Hit[];
}
export interface Method {
  name: string;
  rank(ctx: Ctx): LabPassage[];
}
interface Scored {
  p: LabPassage;
  s: number;
}

/** List depth and z-statistics window, as in the searcher. */
export const DEPTH = 50;
const bodies = (ctx: Ctx) => ctx.passages.filter((p) => p.kind !== 'title');
const byScore = (a: Scored, b: Scored) => b.s - a.s || a.p.ord - b.p.ord;

function semantic(ctx: Ctx): Scored[] {
  return bodies(ctx).map((p) => ({ p, s: ctx.sims[p.ord] ?? 0 })).sort(byScore);
}

function lexical(ctx: Ctx): Scored[] {
  return ctx.lex.map((h) => ({ p: ctx.passages[h.ord] as LabPassage, s: h.score })).filter((x) => x.p.kind !== 'title');
}

/** Share of the query's tokens that occur in the pool at all. */
const coverage = (ctx: Ctx) => ctx.bm25.coverage(ctx.tokens);

/** Similarity relative to the language: s − mean_L (centre) or (s − mean_L) / sd_L (z), over all passages of L. */
function semanticPerLanguage(ctx: Ctx, scale: boolean): Scored[] {
  const stats = new Map<string, { n: number; sum: number; sq: number }>();
  for (const x of semantic(ctx)) {
    const st = stats.get(x.p.lang) ?? { n: 0, sum: 0, sq: 0 };
    st.n++;
    st.sum += x.s;
    st.sq += x.s * x.s;
    stats.set(x.p.lang, st);
  }
  return semantic(ctx)
    .map(({ p, s }) => {
      const st = stats.get(p.lang) as { n: number; sum: number; sq: number };
      const mean = st.sum / st.n;
      const sd = Math.sqrt(Math.max(1e-12, st.sq / st.n - mean * mean));
      return { p, s: scale ? (s - mean) / sd : s - mean };
    })
    .sort(byScore);
}

/** Reciprocal rank fusion over each list's top DEPTH (the fusion shipped before). */
function rrf(lists: Scored[][], weights: number[], k = 60): LabPassage[] {
  const score = new Map<LabPassage, number>();
  const best = new Map<LabPassage, number>();
  lists.forEach((list, li) => {
    const w = weights[li] ?? 1;
    if (w === 0) return;
    list.slice(0, DEPTH).forEach(({ p }, i) => {
      score.set(p, (score.get(p) ?? 0) + w / (k + i + 1));
      best.set(p, Math.min(best.get(p) ?? Infinity, i + 1));
    });
  });
  return [...score.entries()]
    .sort(([pa, a], [pb, b]) => b - a || (best.get(pa) ?? 0) - (best.get(pb) ?? 0) || pa.ord - pb.ord)
    .map(([p]) => p);
}

interface Combine {
  /** How each list's scores are put on one scale. */
  norm: 'minmax' | 'z';
  /** Top items whose statistics standardise a list. */
  window?: number;
  /** What an item missing from a list gets: 0 after normalising, or the list's floor. */
  absent?: 'zero' | 'floor';
  /** Standardise a lexical list over its true top, the zeros of unmatched passages included. */
  padLexical?: boolean;
  weights?: number[];
}

/** CombSUM of normalised scores (lists[1] is the lexical one when padLexical is set). */
function combine(ctx: Ctx, lists: Scored[][], o: Combine): LabPassage[] {
  const window = o.window ?? DEPTH;
  const score = new Map<LabPassage, number>();
  const parts = lists.map((full, li) => {
    const top = full.slice(0, window).map((x) => x.s);
    const padded = o.padLexical === true && li === 1 && full.length < DEPTH;
    if (padded) while (top.length < Math.min(window, bodies(ctx).length)) top.push(0);
    let f: (s: number) => number;
    if (top.length === 0) f = () => 0;
    else if (o.norm === 'minmax') {
      const max = top[0] as number;
      const min = top[top.length - 1] as number;
      f = (s) => (max > min ? (s - min) / (max - min) : 1);
    } else {
      const mean = top.reduce((a, x) => a + x, 0) / top.length;
      const sd = Math.sqrt(top.reduce((a, x) => a + (x - mean) ** 2, 0) / top.length) || 1;
      f = (s) => (s - mean) / sd;
    }
    const w = o.weights?.[li] ?? 1;
    const members = new Map(full.slice(0, DEPTH).map((x) => [x.p, x.s]));
    const last = top[top.length - 1];
    const floor = padded ? f(0) : o.absent === 'floor' && last !== undefined ? Math.min(0, f(last)) : 0;
    return { members, score: (p: LabPassage) => w * (members.has(p) ? f(members.get(p) as number) : floor) };
  });
  for (const part of parts) for (const p of part.members.keys()) score.set(p, 0);
  for (const p of score.keys()) score.set(p, parts.reduce((a, part) => a + part.score(p), 0));
  return [...score.entries()].sort(([pa, a], [pb, b]) => b - a || pa.ord - pb.ord).map(([p]) => p);
}

const cap = (ranked: LabPassage[], perDocument: number) => capPerDocument(ranked.filter((p) => p.kind !== 'title'), perDocument);
const shipped = (c: Ctx, sem = semantic(c)) => combine(c, [sem, lexical(c)], { norm: 'z', absent: 'floor', padLexical: true, weights: [1, coverage(c)] });

export const METHODS: Method[] = [
  { name: 'semantic', rank: (c) => semantic(c).map((x) => x.p) },
  { name: 'lexical', rank: (c) => lexical(c).map((x) => x.p) },
  // Fusion (one result per passage; every dev-set pool has one passage per document).
  { name: 'rrf', rank: (c) => rrf([semantic(c), lexical(c)], [1, 1]) },
  { name: 'rrf-cov2', rank: (c) => rrf([semantic(c), lexical(c)], [1, coverage(c) ** 2]) },
  { name: 'minmax', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'minmax' }) },
  { name: 'minmax-cov2', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'minmax', weights: [1, coverage(c) ** 2] }) },
  { name: 'z', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'z' }) },
  { name: 'z-w10', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'z', window: 10 }) },
  { name: 'z-w20', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'z', window: 20 }) },
  { name: 'z-w100', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'z', window: 100 }) },
  { name: 'z-floor', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'z', absent: 'floor' }) },
  { name: 'z-floor-pad', rank: (c) => combine(c, [semantic(c), lexical(c)], { norm: 'z', absent: 'floor', padLexical: true }) },
  { name: 'z-floor-pad-cov', rank: (c) => shipped(c) },
  // Diversity: at most n passages of one document before the others'.
  { name: 'shipped-cap-none', rank: (c) => shipped(c) },
  { name: 'shipped-cap3', rank: (c) => cap(shipped(c), 3) },
  { name: 'shipped-cap2', rank: (c) => cap(shipped(c), 2) },
  { name: 'shipped', rank: (c) => cap(shipped(c), 1) },
  // Language priors (not shipped): similarity relative to each language's passages.
  { name: 'shipped+centre', rank: (c) => cap(shipped(c, semanticPerLanguage(c, false)), 1) },
  { name: 'shipped+zlang', rank: (c) => cap(shipped(c, semanticPerLanguage(c, true)), 1) },
];
