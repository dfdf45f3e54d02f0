import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Bm25Index, type Bm25Json } from '../src/text/bm25.ts';

const docs = [
  ['putin', 'meets', 'syrian', 'ministers', 'moscow'],
  ['lavrov', 'talks', 'moscow'],
  ['syrian', 'wheat', 'imports', 'russian', 'wheat'],
  ['putin', 'putin', 'putin'],
  [],
  ['lavrov', 'talks', 'moscow'],
];

/** Textbook BM25 with Lucene's idf, written independently of the index for comparison. */
function reference(query: string[], k1 = 1.2, b = 0.75): Array<{ ord: number; score: number }> {
  const n = docs.length;
  const avg = docs.reduce((s, d) => s + d.length, 0) / n;
  const out: Array<{ ord: number; score: number }> = [];
  docs.forEach((d, ord) => {
    let score = 0;
    for (const q of query) {
      const tf = d.filter((t) => t === q).length;
      if (tf === 0) continue;
      const df = docs.filter((x) => x.includes(q)).length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      score += (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * d.length) / avg));
    }
    if (score > 0) out.push({ ord, score });
  });
  return out.sort((x, y) => y.score - x.score || x.ord - y.ord);
}

function assertClose(actual: Array<{ ord: number; score: number }>, expected: Array<{ ord: number; score: number }>): void {
  assert.deepEqual(actual.map((h) => h.ord), expected.map((h) => h.ord));
  actual.forEach((h, i) => assert.ok(Math.abs(h.score - (expected[i]?.score ?? NaN)) < 1e-6, `score of ord ${h.ord}`));
}

test('scores match textbook BM25 and rank by score, then ord', () => {
  const index = new Bm25Index(docs);
  assert.equal(index.size, 6);
  assert.equal(index.vocabularySize, 10);
  const hits = index.search(['moscow', 'putin'], 10);
  assert.deepEqual(hits.map((h) => h.ord), [3, 0, 1, 5]);
  assertClose(hits, reference(['moscow', 'putin']));
  // Ords 1 and 5 are identical passages: equal scores, lower ord first.
  assert.equal(hits[2]?.score, hits[3]?.score);
});

test('k truncates; no shared term, empty query or k <= 0 give nothing', () => {
  const index = new Bm25Index(docs);
  assert.deepEqual(index.search(['moscow', 'putin'], 2).map((h) => h.ord), [3, 0]);
  assert.deepEqual(index.search(['nothing'], 5), []);
  assert.deepEqual(index.search([], 5), []);
  assert.deepEqual(index.search(['moscow'], 0), []);
  assert.deepEqual(index.search(['moscow'], Number.NaN), []);
  assert.deepEqual(index.search(['moscow', 'putin'], 2.7).map((h) => h.ord), [3, 0]);
  assert.deepEqual(new Bm25Index([]).search(['moscow'], 5), []);
});

test('term frequency counts, and a repeated query term counts twice', () => {
  const index = new Bm25Index(docs);
  assertClose(index.search(['wheat', 'syrian'], 10), reference(['wheat', 'syrian']));
  assert.deepEqual(index.search(['wheat', 'syrian'], 10).map((h) => h.ord), [2, 0]);
  assertClose(index.search(['syrian', 'syrian', 'talks'], 10), reference(['syrian', 'syrian', 'talks']));
});

test('k1 and b are honoured', () => {
  const index = new Bm25Index(docs, { k1: 2, b: 0.3 });
  assertClose(index.search(['moscow', 'syrian'], 10), reference(['moscow', 'syrian'], 2, 0.3));
  assert.throws(() => new Bm25Index(docs, { b: 1.5 }), /b must be between 0 and 1/);
  assert.throws(() => new Bm25Index(docs, { k1: -1 }), /k1 must be/);
});

test('accept filters before the top k is cut', () => {
  const index = new Bm25Index(docs);
  assert.deepEqual(index.search(['moscow', 'putin'], 2, (ord) => ord !== 3 && ord !== 0).map((h) => h.ord), [1, 5]);
  assert.deepEqual(index.search(['moscow'], 10, () => false), []);
});

test('a throwing accept leaves no residue in later queries', () => {
  const index = new Bm25Index(docs);
  const before = index.search(['lavrov'], 10);
  assert.throws(() => index.search(['putin', 'moscow'], 10, () => { throw new Error('boom'); }), /boom/);
  assert.deepEqual(index.search(['lavrov'], 10), before);
});

test('toJSON / fromJSON round-trips exactly', () => {
  const index = new Bm25Index(docs, { k1: 1.5, b: 0.6 });
  const json = JSON.parse(JSON.stringify(index.toJSON())) as Bm25Json;
  assert.equal(json.format, 'sanad-bm25');
  assert.equal(json.version, 1);
  assert.deepEqual(json.terms, ['putin', 'meets', 'syrian', 'ministers', 'moscow', 'lavrov', 'talks', 'wheat', 'imports', 'russian']);
  const back = Bm25Index.fromJSON(json);
  assert.equal(back.size, 6);
  assert.equal(back.k1, 1.5);
  assert.equal(back.b, 0.6);
  assert.deepEqual(back.toJSON(), index.toJSON());
  for (const q of [['moscow', 'putin'], ['wheat'], ['syrian', 'talks']]) assert.deepEqual(back.search(q, 10), index.search(q, 10));
});

test('fromJSON rejects malformed input with a recovery hint', () => {
  const good = new Bm25Index(docs).toJSON();
  const bad: unknown[] = [
    null,
    'x',
    { ...good, format: 'other' },
    { ...good, version: 2 },
    { ...good, size: -1 },
    { ...good, b: 3 },
    { ...good, terms: ['a', 5] },
    { ...good, terms: [...good.terms.slice(0, -1), 'putin'] },
    { ...good, postings: '!!!' },
    { ...good, postings: good.postings.slice(0, 8) },
    { ...good, size: 2 },
    { ...good, lengths: Buffer.from([1, 2, 3]).toString('base64') },
    { ...good, postings: Buffer.concat([Buffer.from(good.postings, 'base64'), Buffer.from([0])]).toString('base64') },
  ];
  for (const input of bad) {
    assert.throws(() => Bm25Index.fromJSON(input), /BM25 index data is malformed \(.+\); delete the index folder and rebuild it\./, JSON.stringify(input)?.slice(0, 80));
  }
});

test('a generator of token lists builds the same index as an array', () => {
  function* lazily(): Generator<string[]> {
    for (const d of docs) yield [...d];
  }
  assert.deepEqual(new Bm25Index(lazily()).toJSON(), new Bm25Index(docs).toJSON());
});

test('scales: 20k passages build, and a query returns the exact top hits', () => {
  const many: string[][] = [];
  for (let i = 0; i < 20000; i++) many.push([`a${i % 97}`, `b${i % 89}`, `u${i}`]);
  const index = new Bm25Index(many);
  assert.equal(index.vocabularySize, 97 + 89 + 20000);
  // u123 is in passage 123 only, which also has a26 (123 % 97); the other a26 passages (26, 220,
  // 317, …) are all three tokens long, so they tie and come in ord order.
  const hits = index.search(['u123', 'a26'], 4);
  assert.deepEqual(hits.map((h) => h.ord), [123, 26, 220, 317]);
  assert.equal(hits[1]?.score, hits[3]?.score);
});
