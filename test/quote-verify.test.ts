import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bestWindow, editDistance, similarity } from '../src/quote/fuzzy.ts';
import { cleanQuote, splitQuote } from '../src/quote/quote-text.ts';
import { scanQuoteLookup } from '../src/quote/scan-lookup.ts';
import { verifyQuote, type QuoteSource } from '../src/quote/verify.ts';

// Two Arabic documents sharing a syndicated sentence, a Persian one and an English one. `start`
// values are arbitrary file offsets: every reported offset must be passage.start + local offset.
const A1 = 'وَقَالَ مُدِيرُ المُؤَسَّسَةِ إِنَّ الأولوية للأحياء.';
const A2 = 'وأكدت الوزارة أن مخزون نبع الفيجة انخفض إلى أدنى مستوى له منذ ٢٠ عاماً.';
const B1 = 'وأكدت الوزارة أن مخزون نبع الفيجة انخفض إلى أدنى مستوى له منذ ٢٠ عاماً، داعيةً إلى الترشيد.';
const F1 = 'شاخص کیفیت هوای تهران روز سه‌شنبه به ۱۸۵ رسید.';
const F2 = 'طرح ترافیک اجرا می‌شود و مردم از وسایل نقلیه‌ی عمومی استفاده کنند.';
const E1 = 'The director said neighbourhoods without water come first.';

const PASSAGES: QuoteSource[] = [
  { id: 'a.txt#p1', docId: 'a.txt', start: 100, text: A1 },
  { id: 'a.txt#p2', docId: 'a.txt', start: 200, text: A2 },
  { id: 'b.txt#p1', docId: 'b.txt', start: 50, text: B1 },
  { id: 'f.txt#p1', docId: 'f.txt', start: 10, text: F1 },
  { id: 'f.txt#p2', docId: 'f.txt', start: 80, text: F2 },
  { id: 'e.txt#p1', docId: 'e.txt', start: 0, text: E1 },
];
const corpus = scanQuoteLookup(PASSAGES);

/** The span a passage-local substring occupies, as the verifier reports it. */
function at(id: string, local: string, similarityValue = 1) {
  const p = PASSAGES.find((x) => x.id === id);
  assert.ok(p, `test passage ${id} exists`);
  const i = p.text.indexOf(local);
  assert.ok(i >= 0, `${local} is in ${id}`);
  return { citation: id, document: p.docId, start: p.start + i, end: p.start + i + local.length, text: local, similarity: similarityValue };
}

describe('verifyQuote: exact', () => {
  it('finds a verbatim substring in every passage holding it, with file offsets', async () => {
    const q = 'مخزون نبع الفيجة انخفض إلى أدنى مستوى';
    assert.deepEqual(await verifyQuote(corpus, q), {
      checked: q,
      level: 'exact',
      similarity: 1,
      matches: [at('a.txt#p2', q), at('b.txt#p1', q)],
    });
  });

  it('ignores surrounding quotation marks, whitespace and edge ellipses', async () => {
    const v = await verifyQuote(corpus, '  «… The director said neighbourhoods …»  ');
    assert.equal(v.checked, 'The director said neighbourhoods');
    assert.equal(v.level, 'exact');
    assert.deepEqual(v.matches, [at('e.txt#p1', 'The director said neighbourhoods')]);
  });

  it('is exact across a paragraph break when only the whitespace between differs', async () => {
    const v = await verifyQuote(corpus, 'إِنَّ الأولوية للأحياء.\nوأكدت الوزارة');
    assert.equal(v.level, 'exact');
    assert.deepEqual(v.matches, [{ ...at('a.txt#p1', 'إِنَّ الأولوية للأحياء.'), continued: [stripSim(at('a.txt#p2', 'وأكدت الوزارة'))] }]);
    assert.equal(v.parts, undefined);
  });
  it('reads a reprinted quote\'s documents only until the most matches reported, in index order', async () => {
    // 40 verbatim reprints: the first 10 answer, and the documents after them are never read (a
    // wire quote can sit in thousands of articles).
    const reprints: QuoteSource[] = Array.from({ length: 40 }, (_, i) => ({
      id: `r${String(i).padStart(2, '0')}.txt#p1`,
      docId: `r${String(i).padStart(2, '0')}.txt`,
      start: i,
      text: `${'خبر '.repeat(i % 3)}${A2}`,
    }));
    const scan = scanQuoteLookup(reprints);
    const read: string[] = [];
    const counting = { ...scan, passagesOf: (docId: string) => (read.push(docId), scan.passagesOf(docId)) };
    const q = 'مخزون نبع الفيجة انخفض';
    const verdict = await verifyQuote(counting, q, { maxMatches: 10 });
    assert.equal(verdict.level, 'exact');
    assert.deepEqual(
      verdict.matches.map((m) => m.citation),
      reprints.slice(0, 10).map((p) => p.id),
    );
    assert.deepEqual(read, reprints.slice(0, 10).map((p) => p.docId));
  });
});

function stripSim(m: ReturnType<typeof at>) {
  const { similarity: _drop, ...span } = m;
  return span;
}

describe('verifyQuote: normalized, with the original wording', () => {
  const cases: Array<[string, string, string, string]> = [
    ['Arabic without diacritics', 'قال مدير المؤسسة إن', 'a.txt#p1', 'قَالَ مُدِيرُ المُؤَسَّسَةِ إِنَّ'],
    ['hamza forms (أ/إ → ا)', 'الى ادنى مستوى', 'a.txt#p2', 'إلى أدنى مستوى'],
    ['Arabic-Indic digits', 'منذ 20 عاما', 'a.txt#p2', 'منذ ٢٠ عاماً'],
    ['Persian with Arabic ي and ك, ASCII digits', 'شاخص كيفيت هواي تهران', 'f.txt#p1', 'شاخص کیفیت هوای تهران'],
    ['Persian digits', 'به 185 رسید', 'f.txt#p1', 'به ۱۸۵ رسید'],
    ['ZWNJ left out', 'اجرا میشود', 'f.txt#p2', 'اجرا می‌شود'],
    ['ZWNJ written as a space', 'روز سه شنبه به', 'f.txt#p1', 'روز سه‌شنبه به'],
    ['extra spaces', 'The   director  said', 'e.txt#p1', 'The director said'],
    ['case', 'THE DIRECTOR', 'e.txt#p1', 'The director'],
  ];
  for (const [name, quote, id, wording] of cases) {
    it(name, async () => {
      // The syndicated sentence is in a.txt#p2 and b.txt#p1: both are reported, in corpus order.
      const matches = id === 'a.txt#p2' ? [at(id, wording), at('b.txt#p1', wording)] : [at(id, wording)];
      assert.deepEqual(await verifyQuote(corpus, quote), { checked: quote.trim(), level: 'normalized', similarity: 1, matches });
    });
  }

  it('drops a ZWNJ the fold map leaves at the end of the wording', async () => {
    // Folded, "وسايل نقليه" ends right before the ZWNJ of نقلیه‌ی: the wording must not carry it.
    const v = await verifyQuote(corpus, 'وسايل نقليه');
    assert.deepEqual(v.matches, [at('f.txt#p2', 'وسایل نقلیه')]);
  });

  it('runs a match on into the next paragraph', async () => {
    const v = await verifyQuote(corpus, 'ان الاولويه للاحياء. واكدت الوزاره');
    assert.equal(v.level, 'normalized');
    assert.deepEqual(v.matches, [{ ...at('a.txt#p1', 'إِنَّ الأولوية للأحياء.'), continued: [stripSim(at('a.txt#p2', 'وأكدت الوزارة'))] }]);
  });
});

describe('verifyQuote: partial and not_found', () => {
  it('reports the best fuzzy window, widened to whole words, with its similarity', async () => {
    const v = await verifyQuote(corpus, 'The directr sayd neighborhoods');
    // folded window "the director said neighbourhoods" (32 chars) vs the quote (30): 3 edits
    // (insert o, y→i, insert u), so 1 − 3/32 = 0.906.
    assert.deepEqual(v, {
      checked: 'The directr sayd neighborhoods',
      level: 'partial',
      similarity: 0.906,
      matches: [at('e.txt#p1', 'The director said neighbourhoods', 0.906)],
    });
    assert.equal(similarity('the directr sayd neighborhoods', 'the director said neighbourhoods'), 1 - 3 / 32);
  });

  it('says not_found, with the best similarity, when nothing reaches the threshold', async () => {
    const v = await verifyQuote(corpus, 'Completely unrelated words');
    assert.equal(v.level, 'not_found');
    assert.deepEqual(v.matches, []);
    assert.ok(v.similarity < 0.6, `best similarity ${v.similarity} is under the threshold`);
  });

  it('honours a custom threshold', async () => {
    assert.equal((await verifyQuote(corpus, 'The directr sayd neighborhoods', { threshold: 0.95 })).level, 'not_found');
    assert.equal((await verifyQuote(corpus, 'The directr sayd neighborhoods', { threshold: 0.9 })).level, 'partial');
  });
});

describe('verifyQuote: parts and scope', () => {
  it('checks a quote with an ellipsis part by part', async () => {
    const v = await verifyQuote(corpus, 'The director said … come first.');
    assert.equal(v.level, 'exact');
    assert.deepEqual(v.parts, [
      { quote: 'The director said', level: 'exact', similarity: 1, matches: [at('e.txt#p1', 'The director said')] },
      { quote: 'come first.', level: 'exact', similarity: 1, matches: [at('e.txt#p1', 'come first.')] },
    ]);
    assert.deepEqual(v.matches, [at('e.txt#p1', 'The director said'), at('e.txt#p1', 'come first.')]);
  });

  it('takes the weakest part as the verdict', async () => {
    const v = await verifyQuote(corpus, 'The director said\nقال مدير المؤسسة');
    assert.equal(v.level, 'normalized');
    assert.deepEqual(
      v.parts?.map((p) => [p.quote, p.level]),
      [
        ['The director said', 'exact'],
        ['قال مدير المؤسسة', 'normalized'],
      ],
    );
  });

  it('limits the search to a citation and points elsewhere when the quote is in another passage', async () => {
    const q = 'مخزون نبع الفيجة';
    const v = await verifyQuote(corpus, q, { scope: { citation: 'a.txt#p1' } });
    assert.equal(v.level, 'not_found');
    assert.deepEqual(v.matches, []);
    assert.deepEqual(v.elsewhere, [at('a.txt#p2', q), at('b.txt#p1', q)]);
  });

  it('limits the search to a document', async () => {
    const q = 'مخزون نبع الفيجة';
    const v = await verifyQuote(corpus, q, { scope: { document: 'b.txt' } });
    assert.deepEqual(v, { checked: q, level: 'exact', similarity: 1, matches: [at('b.txt#p1', q)] });
  });

  it('does not run a match across passages when scoped to one citation, but says where it runs on', async () => {
    const q = 'للأحياء. وأكدت الوزارة';
    const v = await verifyQuote(corpus, q, { scope: { citation: 'a.txt#p1' } });
    assert.equal(v.level, 'not_found');
    assert.deepEqual(v.matches, []);
    // Outside the scope it is verbatim: the end of a.txt#p1 running on into a.txt#p2.
    assert.deepEqual(v.elsewhere, [{ ...at('a.txt#p1', 'للأحياء.'), continued: [stripSim(at('a.txt#p2', 'وأكدت الوزارة'))] }]);
  });

  it('refuses a quote that is empty once its quotation marks are gone', async () => {
    await assert.rejects(verifyQuote(corpus, ' «…» '), /empty once quotation marks/);
  });
});

describe('quote helpers', () => {
  it('cleanQuote peels nested marks and edge ellipses only', async () => {
    assert.equal(cleanQuote('«"…said "no" here…"»'), 'said "no" here');
    assert.equal(cleanQuote('[…] text [...]'), 'text');
  });

  it('splitQuote splits at line breaks and ellipses', async () => {
    assert.deepEqual(splitQuote('one two … three\n\nfour [...] five...six'), ['one two', 'three', 'four', 'five', 'six']);
  });

  it('bestWindow finds the closest substring', async () => {
    // "ittin" (drop k, e→i) and "sittin" (k→s, e→i) both cost 2: the tie goes to the shorter window.
    assert.deepEqual(bestWindow('kitten', 'a sitting cat'), { start: 3, end: 8, distance: 2 });
    assert.deepEqual(bestWindow('abc', 'xxabcxx'), { start: 2, end: 5, distance: 0 });
  });

  it('editDistance is Levenshtein', async () => {
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });
});
