import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { copyKey, groupCopies } from '../src/search/dedup.ts';

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

test('copies differing only in what folding removes group under the first head', () => {
  const original = seed('001', 6);
  // Diacritics, tatweel, Persian yeh/kaf, Arabic-Indic digits, curly quotes and extra spaces.
  const reprint = {
    docId: 'reprint.txt',
    id: 'reprint',
    text: original.text.replace('وكالة', 'وكـالة').replace('بحث', 'بَحث').replace(/ /u, '  '),
  };
  assert.notEqual(reprint.text, original.text);
  assert.equal(copyKey(reprint.text), copyKey(original.text));
  const groups = groupCopies([seed('000', 9), original, seed('003', 9), reprint]);
  assert.deepEqual(ids(groups), [['000:9'], ['001:6', 'reprint'], ['003:9']]);
});

test('a copy that adds, drops or changes a word keeps its own result', () => {
  const original = seed('001', 6);
  const longer = { docId: 'longer.txt', id: 'longer', text: `${original.text} وأكد الجانبان أهمية التعاون.` };
  const shorter = { docId: 'shorter.txt', id: 'shorter', text: original.text.split('،')[0] ?? '' };
  // A changed name (or day, or figure) is a different statement: never folded together.
  const otherDay = { docId: 'day.txt', id: 'day', text: original.text.replace('في موسكو', 'في سوتشي') };
  assert.notEqual(otherDay.text, original.text);
  const groups = groupCopies([shorter, original, longer, otherDay]);
  assert.deepEqual(ids(groups), [['shorter'], ['001:6'], ['longer'], ['day']]);
});

test('rewrites of the same SANA report stay separate results', () => {
  const ranked = [seed('001', 9), seed('003', 10), seed('001', 6), seed('003', 9), seed('002', 10)];
  assert.deepEqual(ids(groupCopies(ranked)), [['001:9'], ['003:10'], ['001:6'], ['003:9'], ['002:10']]);
});

test('passages of one document never merge, even when identical', () => {
  // 001 p11–p14 are the same tag ("سياسة") four times; 003 repeats it.
  const ranked = [seed('001', 11), seed('001', 12), seed('003', 19), seed('003', 21), seed('002', 1)];
  assert.deepEqual(ids(groupCopies(ranked)), [['001:11', '003:19'], ['001:12', '003:21'], ['002:1']]);
});

test('an item joins the first head that accepts it, skipping groups that already hold its document', () => {
  const t = 'one two three four five six seven eight';
  const a = { docId: 'A', id: 'a', text: t };
  const b = { docId: 'B', id: 'b', text: t };
  const b2 = { docId: 'B', id: 'b2', text: t };
  const c = { docId: 'C', id: 'c', text: t.toUpperCase() };
  const empty1 = { docId: 'D', id: 'e1', text: '  ' };
  const empty2 = { docId: 'E', id: 'e2', text: '' };
  assert.deepEqual(ids(groupCopies([a, b, b2, c, empty1, empty2])), [['a', 'b', 'c'], ['b2'], ['e1'], ['e2']]);
  assert.deepEqual(groupCopies([]), []);
});

test('maxGroups stops starting groups but still fills the ones kept', () => {
  const t = 'one two three four';
  const ranked = [
    { docId: 'A', id: 'a', text: t },
    { docId: 'B', id: 'b', text: 'five six seven' },
    { docId: 'C', id: 'c', text: 'eight nine' },
    { docId: 'D', id: 'd', text: t },
  ];
  assert.deepEqual(ids(groupCopies(ranked, { maxGroups: 2 })), [['a', 'd'], ['b']]);
});

test('no group lists a passage that does not contain its head, over many kinds of copies', () => {
  // Seed paragraphs, each with copies that change only spelling and copies that change content.
  const edits: Array<(t: string) => string> = [
    (t) => t.replace(/ا/u, 'أ'), // hamza form: folds away
    (t) => t.replace(/ /gu, '  '), // spacing: folds away
    (t) => t.replace(/[0-9]/gu, (d) => String.fromCharCode(0x0660 + Number(d))), // digit script: folds away
    (t) => `${t} وأضاف المصدر.`, // a sentence added
    (t) => t.split(' ').slice(1).join(' '), // a word dropped
    (t) => t.replace(/موسكو/u, 'سوتشي'), // a name changed
    (t) => t.replace(/[0-9]+/u, (n) => String(Number(n) + 1)), // a number changed
  ];
  const items: Array<{ docId: string; text: string; id: string }> = [];
  for (const [prefix, lines] of [['000', [9, 11, 12]], ['003', [4, 9, 10]], ['001', [6, 9]]] as const) {
    for (const n of lines) {
      const base = seed(prefix, n);
      items.push(base);
      edits.forEach((edit, e) => {
        const text = edit(base.text);
        // A content edit that found nothing to change (no digits, no such name) is not a copy to test.
        if (e < 3 || text !== base.text) items.push({ docId: `copy-${e}.txt`, text, id: `${base.id}/${e}` });
      });
    }
  }
  // Several rank orders, so that heads and members change places.
  for (let shift = 0; shift < items.length; shift += 7) {
    const ranked = [...items.slice(shift), ...items.slice(0, shift)];
    const groups = groupCopies(ranked);
    // The spelling-only copies do group (3 per paragraph, 8 paragraphs); nothing else does.
    assert.equal(groups.reduce((n, g) => n + g.also.length, 0), 24);
    for (const g of groups) {
      for (const member of g.also) {
        assert.ok(copyKey(member.text).includes(copyKey(g.head.text)), `${member.id} grouped under ${g.head.id}`);
        assert.equal(copyKey(member.text), copyKey(g.head.text));
      }
    }
  }
});
