// check_answer on drafted answers with good, altered, misattributed and missing citations, in
// Arabic, Persian and English, through a real SDK client; and the answer parser it rests on.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAnswer } from '../src/quote/answer.ts';
import { fixtureSession } from './helpers/fixture-index.ts';

interface Checked {
  ok: boolean;
  counts: { sentences: number; cited: number; uncited_claims: number; quotes: number; quotes_verified: number; unknown_citations: number };
  sentences: Array<{
    index: number;
    citations: string[];
    unknown_citations: Array<{ id: string; did_you_mean: string[] }>;
    quotes: Array<{ quote: string; status: string; cited: boolean; citation?: string; source_text?: string; found_in: string[] }>;
    uncited_claim: boolean;
  }>;
}

const session = fixtureSession();

async function check(answer: string): Promise<{ out: Checked; text: string }> {
  const r = await session.call('check_answer', { answer });
  assert.notEqual(r.isError, true, JSON.stringify(r.content));
  return { out: r.structuredContent as unknown as Checked, text: r.content[0]?.type === 'text' ? r.content[0].text : '' };
}

describe('check_answer', () => {
  it('passes a good answer: Arabic and Persian quotes verified at the passages cited', async () => {
    const { out, text } = await check(
      'Damascus will repair 350 km of old pipes before summer: «أعلنت المؤسسة العامة لمياه الشرب في دمشق» [ar-water-plan.txt#p1].\n' +
        'In Tehran, primary schools closed when the index reached 185: “شاخص کیفیت هوای تهران روز سه‌شنبه به ۱۸۵ رسید” [fa-tehran-air.txt#p1].\n' +
        // Typed with Arabic ي and ك for Persian ی and ک: the same words, spelled otherwise.
        'Experts blame temperature inversion and traffic: "وارونگي دما و افزايش تردد خودروها" [fa-tehran-air.txt#p2].',
    );
    assert.deepEqual(out.counts, { sentences: 3, cited: 3, uncited_claims: 0, quotes: 3, quotes_verified: 3, unknown_citations: 0 });
    assert.equal(out.ok, true);
    assert.deepEqual(
      out.sentences.map((s) => s.quotes.map((q) => [q.status, q.citation])),
      [[['exact', 'ar-water-plan.txt#p1']], [['exact', 'fa-tehran-air.txt#p1']], [['normalized', 'fa-tehran-air.txt#p2']]],
    );
    assert.equal(out.sentences[2]?.quotes[0]?.source_text, 'وارونگی دما و افزایش تردد خودروها');
    assert.match(text, /^The answer checks out: 3 cited sentences, 3 quotes verified, every citation exists\./);
  });

  it('catches an altered quote (partial, with the source wording) and one that is nowhere', async () => {
    const { out, text } = await check(
      'The utility announced a plan: «أعلنت المؤسسة العامة لمياه الشرب في حلب عن خطة لإصلاح» [ar-water-plan.txt#p1]. ' +
        'It also said «سيتم بناء سد جديد على نهر بردى» [ar-water-plan.txt#p1].',
    );
    assert.equal(out.ok, false);
    const [altered, invented] = out.sentences.map((s) => s.quotes[0]);
    assert.deepEqual([altered?.status, altered?.citation], ['partial', 'ar-water-plan.txt#p1']);
    assert.ok(altered?.source_text?.includes('في دمشق عن خطة لإصلاح'), altered?.source_text);
    assert.deepEqual([invented?.status, invented?.found_in], ['not_found', []]);
    assert.match(text, /quote «سيتم بناء سد جديد على نهر بردى»: not_found, not in the corpus: do not present it as a quote\./);
  });

  it('catches a misattributed quote and says where it really is', async () => {
    const { out, text } = await check('The ministry said the Figeh spring fell to a 20-year low: «مخزون نبع الفيجة انخفض هذا العام» [ar-water-plan.txt#p1].');
    const q = out.sentences[0]?.quotes[0];
    assert.equal(q?.status, 'found_elsewhere');
    assert.deepEqual(q?.found_in.sort(), ['ar-water-plan.txt#p4', 'ar-water-reprint.txt#p2']);
    assert.match(text, /not at the passages cited\. It is at \[ar-water-[a-z]+\.txt#p\d\], \[ar-water-[a-z]+\.txt#p\d\]: cite those\./);
    // Cited to a whole document that holds it, the same quote verifies.
    const doc = await check('The Figeh spring fell to a 20-year low: «مخزون نبع الفيجة انخفض هذا العام» [ar-water-reprint.txt].');
    assert.deepEqual(doc.out.sentences[0]?.quotes.map((x) => [x.status, x.citation]), [['exact', 'ar-water-reprint.txt#p2']]);
  });

  it('catches missing and unknown citations, with the nearest real ids', async () => {
    const { out, text } = await check(
      'Air pollution closed the schools in Tehran. ' +
        'The city said «طرح ترافیک تا پایان هفته اجرا می‌شود». ' +
        'The repairs start in mid-April [ar-water-plan.txt#p9]. ' +
        'Is more rain expected?',
    );
    assert.deepEqual(out.counts, { sentences: 4, cited: 1, uncited_claims: 2, quotes: 1, quotes_verified: 0, unknown_citations: 1 });
    const [claim, quoted, unknown] = out.sentences;
    assert.deepEqual([claim?.index, claim?.uncited_claim, claim?.citations], [0, true, []]);
    // An uncited quote is looked for everywhere: it verifies, and the id to cite comes with it.
    assert.deepEqual(quoted?.quotes.map((q) => [q.status, q.cited, q.found_in]), [['exact', false, ['fa-tehran-air.txt#p3']]]);
    assert.deepEqual(unknown?.unknown_citations, [{ id: 'ar-water-plan.txt#p9', did_you_mean: ['ar-water-plan.txt#p4', 'ar-water-plan.txt#p3', 'ar-water-plan.txt#p2'] }]);
    assert.equal(out.sentences.length, 3, 'the question is not a claim');
    assert.match(text, /unknown citation \[ar-water-plan\.txt#p9\]; did you mean \[ar-water-plan\.txt#p4\]/);
    assert.match(text, /states something without a citation: cite the passage that supports it, or drop it/);
  });

  it('refuses an empty or oversized answer with what to do', async () => {
    const empty = await session.call('check_answer', { answer: '' });
    assert.equal(empty.isError, true);
    const big = await session.call('check_answer', { answer: 'x'.repeat(20_001) });
    assert.match(big.content[0]?.type === 'text' ? big.content[0].text : '', /answer is longer than 20000 characters: check it in parts/);
  });
});

describe('parseAnswer', () => {
  it('cuts sentences outside markers and quotes, and gives markers after a full stop to the sentence before', () => {
    const s = parseAnswer(
      'Moscow wants the bases: «قاعدة حميميم. وقاعدة طرطوس» [000_a.txt#p11, 004_b.txt#p9]. The talks went on [reports/x y.md#p2.1]\n' +
        'Sources: [1]\n' +
        '# Summary\n' +
        '- وزير الخارجية قال "نريد علاقات جديدة". [c.txt#p3] Did it work?',
    );
    assert.deepEqual(
      s.map((x) => [x.text, x.citations, x.quotes.map((q) => q.text), x.claim]),
      [
        ['Moscow wants the bases: «قاعدة حميميم. وقاعدة طرطوس» [000_a.txt#p11, 004_b.txt#p9].', ['000_a.txt#p11', '004_b.txt#p9'], ['قاعدة حميميم. وقاعدة طرطوس'], true],
        ['The talks went on [reports/x y.md#p2.1]', ['reports/x y.md#p2.1'], [], true],
        ['Sources: [1]', [], [], false],
        ['# Summary', [], [], false],
        ['- وزير الخارجية قال "نريد علاقات جديدة". [c.txt#p3]', ['c.txt#p3'], ['نريد علاقات جديدة'], true],
        ['Did it work?', [], [], false],
      ],
    );
    // Offsets point into the answer.
    const answer = 'One two three [a.txt#p1]. Four five six.';
    assert.deepEqual(parseAnswer(answer).map((x) => answer.slice(x.start, x.end)), ['One two three [a.txt#p1].', 'Four five six.']);
  });
});
