// Ranking lab: per-query ranks of the first gold passage under chosen methods, for reading misses.
//   node --import tsx bench/rank-lab/inspect.ts --set NAME --methods a,b,c
import { parseArgs } from 'node:util';
import { Bm25Index } from '../../src/text/bm25.ts';
import { tokenize } from '../../src/text/tokenize.ts';
import { dot, loadLab } from './lab.ts';
import { METHODS } from './methods.ts';

const { values } = parseArgs({ options: { lab: { type: 'string', default: '/tmp/sanad-lab' }, set: { type: 'string' }, methods: { type: 'string' } } });
const set = loadLab(values.lab!).find((s) => s.name === values.set);
if (!set) throw new Error('no such set');
const methods = values.methods!.split(',').map((n) => METHODS.find((m) => m.name === n) ?? (() => { throw new Error(n); })());
const bm25 = new Bm25Index(set.pool.passages.map((p) => tokenize(p.text)));
for (const q of set.queries) {
  const ctx = { set, q, passages: set.pool.passages, sims: set.pool.passages.map((p) => dot(q.vec, p.vec)), tokens: tokenize(q.query), bm25, lex: bm25.search(tokenize(q.query), set.pool.passages.length) };
  const cells = methods.map((m) => {
    const ranked = m.rank(ctx).filter((p) => p.kind !== 'title');
    const r = ranked.findIndex((p) => q.gold.some((g) => p.id === g || p.id.startsWith(`${g}.`)));
    return `${m.name}:${r < 0 ? '-' : r + 1}[${ranked.slice(0, 3).map((p) => p.id.slice(0, 3) + p.id.slice(p.id.indexOf('#'))).join(' ')}]`;
  });
  process.stdout.write(`${q.id.padEnd(26)} ${q.lang}${q.xlang ? '*' : ' '} gold=${q.gold.map((g) => g.slice(0, 3) + g.slice(g.indexOf('#'))).join(',')}  ${cells.join('  ')}\n`);
}
