// Solr records of passages: vectors written so Solr's JSON parser reads plain doubles (long
// decimals arrive as big numbers, which the vector field rejects) that give back the same float32.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { passageRecord } from '../src/backend/solr/records.ts';
import type { DocumentMeta, StoredPassage } from '../src/types.ts';

const meta: DocumentMeta = { id: 'a.txt', path: 'a.txt', title: 'T', lang: 'ar', dates: [], sha256: 'x', bytes: 1, passageCount: 1 };
const passage: StoredPassage = { id: 'a.txt#p1', docId: 'a.txt', para: 1, kind: 'body', start: 0, end: 5, text: 'قاعدة', lang: 'ar', hash: 'h' };

it('writes each vector component in at most 9 significant digits, the same float32', () => {
  const vector = Float32Array.from([0.058628279715776443, -0.052905742079019547, 1e-8, 0, 0.5]);
  const rec = passageRecord(passage, 0, meta, vector);
  const written = JSON.parse(JSON.stringify(rec.vector)) as number[];
  for (const [i, x] of written.entries()) {
    assert.equal(Math.fround(x), vector[i], `component ${i}`);
    assert.equal(Number(x.toPrecision(9)), x, `${x} has at most 9 significant digits`);
  }
  assert.equal(rec.tokens, 'قاعد');
  assert.equal(rec.text_ar, 'قاعدة');
});
