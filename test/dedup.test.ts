import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { groupNearDuplicates, shingleSimilarity } from '../src/search/dedup.ts';

const corpusDir = fileURLToPath(new URL('../corpus/', import.meta.url));
const files = readdirSync(corpusDir).filter((f) => f.endsWith('.txt')).sort();

/** Line `n` (1-based) of the seed whose name starts with `prefix`, as a rankable item. */
function seed(prefix: string, n: number): { docId: string; text: string; id: string } {
  const file = files.find((f) => f.startsWith(prefix));
  if (file === undefined) throw new Error(`no seed ${prefix}`);
  const text = readFileSync(corpusDir + file, 'utf8').split('\n')[n - 1] ?? '';
  return { docId: file, text, id: `${prefix}:${n}` };
}

const ids = (groups: Array<{ head: { id: string }; also: Array<{ id: string }> }>): string[][] =>
  groups.map((g) => [g.head.id, ...g.also.map((a) => a.id)]);

test('shingle containment: exact values', () => {
  assert.equal(shingleSimilarity('a b c d e', 'a b c d e f'), 1);
  // One word changed in the middle of ten: 5 of 8 trigrams survive.
  assert.equal(shingleSimilarity('a b c d e f g h i j', 'a b c d X f g h i j'), 5 / 8);
  // Punctuation, quote style and diacritics do not count.
  assert.equal(shingleSimilarity('قال: "الرئيسُ بوتين" في موسكو', 'قال الرئيس “بوتين”، في موسكو'), 1);
  assert.equal(shingleSimilarity('سياسة', 'سياسة'), 1);
  assert.equal(shingleSimilarity('سياسة', 'اقتصاد'), 0);
  assert.equal(shingleSimilarity('', ''), 0);
});

test('rewrites of the same SANA report stay separate results', () => {
  // 001 p9 and 003 p10 keep long SANA spans verbatim (similarity 0.42) but are different texts.
  const ranked = [seed('001', 9), seed('003', 10), seed('001', 6), seed('003', 9), seed('002', 10)];
  assert.deepEqual(ids(groupNearDuplicates(ranked)), [['001:9'], ['003:10'], ['001:6'], ['003:9'], ['002:10']]);
  // A caller that wants looser grouping can lower the threshold.
  assert.deepEqual(ids(groupNearDuplicates(ranked, { threshold: 0.4 })), [['001:9', '003:10'], ['001:6'], ['003:9'], ['002:10']]);
});

test('verbatim reprints with small edits merge, in rank order, under the first head', () => {
  const original = seed('001', 6);
  const reprint = {
    docId: 'reprint.txt',
    id: 'reprint',
    // Punctuation changed, diacritics and tatweel added, one word inserted.
    text: original.text.replace('، جرى بحث', ' - جرى بحثُ').replace('مرهف أبو قصرة', 'مرهف أبو قصرة السوري').replace('وكالة سانا', 'وكـالة "سانا"'),
  };
  assert.notEqual(reprint.text, original.text);
  const other = seed('000', 9);
  const groups = groupNearDuplicates([other, original, seed('003', 9), reprint]);
  assert.deepEqual(ids(groups), [['000:9'], ['001:6', 'reprint'], ['003:9']]);
  assert.equal(groups[1]?.also[0], reprint);
});

test('identical boilerplate and section tags in different documents merge', () => {
  const ranked = [seed('001', 5), seed('003', 5), seed('001', 11), seed('003', 19), seed('003', 20)];
  assert.deepEqual(ids(groupNearDuplicates(ranked)), [['001:5', '003:5'], ['001:11', '003:19'], ['003:20']]);
});

test('passages of one document never merge, even when identical', () => {
  // 001 p11–p14 are the same tag ("سياسة") four times.
  const ranked = [seed('001', 11), seed('001', 12), seed('003', 19), seed('003', 21), seed('002', 1)];
  assert.deepEqual(ids(groupNearDuplicates(ranked)), [['001:11', '003:19'], ['001:12', '003:21'], ['002:1']]);
});

test('an item joins the first head that accepts it, skipping groups that already hold its document', () => {
  const a = { docId: 'A', id: 'a', text: 'one two three four five six seven eight' };
  const b = { docId: 'B', id: 'b', text: 'one two three four five six seven eight' };
  const b2 = { docId: 'B', id: 'b2', text: 'one two three four five six seven eight nine' };
  const c = { docId: 'C', id: 'c', text: 'one two three four five six seven eight' };
  assert.deepEqual(ids(groupNearDuplicates([a, b, b2, c])), [['a', 'b', 'c'], ['b2']]);
  assert.deepEqual(groupNearDuplicates([]), []);
});

test('a threshold outside 0–1 is refused', () => {
  assert.throws(() => groupNearDuplicates([seed('001', 6)], { threshold: 1.5 }), /between 0 and 1/);
});
