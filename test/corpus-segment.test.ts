import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeSource, isSkipped } from '../src/corpus/read.ts';
import { MAX_PASSAGE_CHARS, segmentDocument } from '../src/corpus/segment.ts';
import type { IngestedDocument, SourceDocument } from '../src/types.ts';

const SEEDS = fileURLToPath(new URL('../corpus/', import.meta.url));
const FILES = fileURLToPath(new URL('./fixtures/corpus-files/', import.meta.url));
const VARIANTS = fileURLToPath(new URL('./fixtures/corpus-variants/', import.meta.url));

function load(dir: string, id: string): SourceDocument {
  const r = decodeSource(id, readFileSync(dir + id));
  if (isSkipped(r)) throw new Error(r.reason);
  return r;
}

function doc(id: string, text: string): SourceDocument {
  return { id, path: id, text, sha256: 'x', bytes: text.length };
}

type Row = [suffix: string, kind: string, start: number, end: number, head: string];

function rows(d: IngestedDocument): Row[] {
  return d.passages.map((p) => [p.id.slice(p.docId.length + 1), p.kind, p.start, p.end, p.text.slice(0, 24)]);
}

/** Every passage of the five seeds: id, kind, offsets, first characters. */
const SEED_PASSAGES: Record<string, Row[]> = {
  '000_a89eda4c32949ba3.txt': [
    ['p0', 'title', 0, 61, 'وزراء سوريون يناقشون الت'],
    ['p1', 'body', 62, 254, 'التقى وزيرا الخارجية وال'],
    ['p2', 'body', 255, 519, 'وقالت وكالة الأنباء العر'],
    ['p3', 'body', 869, 1064, 'وبحسب سانا، ناقش بوتين و'],
    ['p4', 'body', 1065, 1218, '"بحث الجانبان خلال اللقا'],
    ['p5', 'body', 1219, 1365, 'كما ناقش الجانبان قضايا '],
    ['p6', 'body', 1366, 1519, 'وفي الجانب الاقتصادي على'],
    ['p7', 'body', 1520, 1722, 'كما أكد بوتين مجددًا على'],
    ['p8', 'body', 1723, 1901, 'إن زيارة الوزراء لموسكو '],
    ['p9', 'body', 1902, 2146, 'كانت روسيا داعمًا رئيسيً'],
    ['p10', 'body', 2147, 2280, 'على الرغم من فرار الأسد '],
    ['p11', 'body', 2281, 2456, 'تأمل موسكو، على وجه الخص'],
    ['p12', 'body', 2457, 2856, 'في أكتوبر، قام الرئيس ال'],
    ['p13', 'body', 2857, 3072, 'ونقلت وسائل الإعلام الرس'],
    ['p14', 'body', 3073, 3152, 'خلال زيارة لموسكو في تمو'],
    ['p15', 'body', 3153, 3343, '"الفترة الحالية مليئة با'],
    ['p16', 'caption', 3507, 3664, 'الرئيس الروسي فلاديمير ب'],
  ],
  '001_a84ef65c2610b456.txt': [
    ['p0', 'title', 0, 76, 'موسكو ودمشق تعززان التعا'],
    ['p1', 'body', 311, 788, 'في لقاء جمع الرئيس الروس'],
    ['p2', 'body', 789, 1061, 'كما تطرق الطرفان، بحسب س'],
    ['p3', 'body', 1062, 1249, 'ولم يغفل الاجتماع بحث آف'],
    ['p4', 'body', 1250, 1612, 'من جانبه، جدد الرئيس بوت'],
    ['p5', 'body', 1613, 1980, 'يُذكر أن هذه الزيارة تأت'],
  ],
  '002_17bceafa204b5619.txt': [
    ['p1', 'body', 0, 207, 'في خطوة تؤكد حرص كل من س'],
    ['p2', 'body', 208, 499, 'ولا تأتي هذه الزيارة منع'],
    ['p3', 'body', 500, 763, 'تفاصيل اللقاء والمحاور ا'],
    ['p4', 'body', 764, 1113, 'وقد ركز الحوار بين الجان'],
    ['p5', 'body', 1114, 1325, 'تعاون اقتصادي\nسلط اللقاء'],
    ['p6', 'body', 1326, 1574, 'وفي سياق متصل أعلنت وزار'],
    ['p7', 'body', 1575, 1771, 'وقال الحسن إن الجهات الم'],
    ['p8', 'body', 1772, 2063, 'من جانبه، أكد بوتين على '],
    ['p9', 'body', 2064, 2217, 'ويشكل الاجتماع محطة جديد'],
  ],
  '003_70dde455d680a0f4.txt': [
    ['p0', 'title', 0, 98, 'سوريا تسعى لتعزيز علاقات'],
    ['p1', 'body', 362, 966, 'أعلن وزير الخارجية الروس'],
    ['p2', 'body', 967, 1267, 'وفي سياق حديثه، لفت الشي'],
    ['p3', 'body', 1268, 1531, 'من جهته، جدد لافروف تأكي'],
    ['p4', 'body', 1532, 1998, 'وأوضح لافروف أن روسيا ست'],
    ['p5', 'body', 1999, 2331, 'وأكدت (سانا) أن الرئيس ب'],
    ['p6', 'body', 2332, 2644, 'زيارة سابقة للشرع\nيُذكر '],
    ['p7', 'body', 2645, 2897, 'ونقلت وكالة "سبوتنيك" ال'],
    ['p8', 'body', 2898, 3221, 'في المقابل، أكد الرئيس ا'],
    ['p9', 'body', 3222, 3534, 'وفي تصريح له، ذكر نائب ر'],
    ['p10', 'body', 3535, 3759, 'وأكد نوفاك كذلك أن البلد'],
    ['p11', 'body', 3760, 3900, 'وفي تصريح لوكالة "ريا نو'],
    ['p12', 'body', 3901, 4349, 'تتمتع سوريا وروسيا بعلاق'],
  ],
  '004_32bf888df57d8f96.txt': [
    ['p0', 'title', 0, 64, 'وزرای خارجه و دفاع سوریه'],
    ['p1', 'body', 65, 180, 'مقامهای روسیە و سوریە: د'],
    ['p2', 'body', 181, 396, 'روابط سوریه و روسیه، بر '],
    ['p3', 'body', 397, 749, 'اسعد شیبانی، وزیر خارجهی'],
    ['p4', 'body', 750, 1134, 'به گزارش خبرگزاری رسمی س'],
    ['p5', 'body', 1135, 1456, 'در همین حال، لاوروف بر ا'],
    ['p6', 'body', 1457, 1878, 'بر اساس سانا، پوتین و وز'],
    ['p7', 'body', 1879, 2378, 'دو طرف همچنین مسائل سیاس'],
    ['p8', 'body', 2379, 2749, 'بازدید وزرا از مسکو، آخر'],
    ['p9', 'body', 2750, 3038, 'با وجود فرار اسد و خانوا'],
    ['p10', 'body', 3039, 3406, 'در ماه اکتبر، احمد الشرع'],
    ['p11', 'body', 3407, 3693, 'در طول بازدید از مسکو در'],
  ],
};

const FIXTURE_PASSAGES: Record<string, Row[]> = {
  'UPPER.TXT': [
    ['p0', 'title', 0, 44, 'A plain English note in '],
    ['p1', 'body', 45, 120, 'The reader matches exten'],
  ],
  'article.html': [
    ['p0', 'title', 0, 44, 'بوتين يستقبل الشيباني & '],
    ['p1', 'body', 45, 176, 'استقبل الرئيس الروسي فلا'],
    ['p2', 'caption', 185, 224, 'بوتين والشيباني خلال الل'],
    ['p3', 'body', 226, 311, 'وقال الشيباني إن العلاقا'],
  ],
  'article.md': [
    ['p0', 'title', 2, 34, 'اجتماع لافروف والشيباني '],
    ['p1', 'body', 36, 189, 'التقى وزير الخارجية الرو'],
    ['p2', 'body', 194, 304, 'التعاون الاقتصادي\n\nقال ل'],
    ['p3', 'caption', 308, 338, 'لافروف والشيباني في مؤتم'],
  ],
  'bom-crlf.txt': [
    ['p0', 'title', 0, 33, 'لقاء في موسكو بين بوتين '],
    ['p1', 'body', 37, 129, 'التقى الرئيس الروسي فلاد'],
    ['p2', 'body', 131, 245, 'خلفية الزيارة\r\nتأتي الزي'],
  ],
  'one-paragraph.txt': [['p1', 'body', 0, 112, 'وصل وزير الخارجية السوري']],
  'sub/nested.txt': [
    ['p0', 'title', 0, 16, 'خبر في مجلد فرعي'],
    ['p1', 'body', 17, 73, 'نص الخبر الموجود في مجلد'],
  ],
};

const VARIANT_PASSAGES: Record<string, Row[]> = {
  'ar-variant.txt': [
    ['p0', 'title', 25, 72, 'دمشق وموسكو تبحثان توسيع'],
    ['p1', 'body', 141, 247, 'أعلنت وزارة الطاقة السور'],
    ['p2', 'body', 428, 518, 'وقال الوزير إن بلاده تتط'],
    ['p3', 'caption', 554, 577, 'محطة كهرباء في ريف دمشق'],
  ],
  'en-variant.txt': [
    ['p0', 'title', 0, 45, 'Syria and Russia discuss'],
    ['p1', 'body', 46, 143, 'Syrian ministers met Rus'],
    ['p2', 'body', 372, 471, 'The talks covered defenc'],
  ],
  'fa-variant.txt': [
    ['p0', 'title', 0, 35, 'دیدار وزیران سوریه با پو'],
    ['p1', 'body', 127, 253, 'وزیران خارجه و دفاع سوری'],
  ],
};

function allDocs(): { src: SourceDocument; out: IngestedDocument }[] {
  const out: { src: SourceDocument; out: IngestedDocument }[] = [];
  for (const [dir, ids] of [
    [SEEDS, Object.keys(SEED_PASSAGES)],
    [FILES, Object.keys(FIXTURE_PASSAGES)],
    [VARIANTS, Object.keys(VARIANT_PASSAGES)],
  ] as const) {
    for (const id of ids) {
      const src = load(dir, id);
      out.push({ src, out: segmentDocument(src) });
    }
  }
  return out;
}

/** The invariants every citation relies on. */
function checkInvariants(src: SourceDocument, d: IngestedDocument): void {
  const seen = new Set<string>();
  let lastEnd = 0;
  for (const p of d.passages) {
    assert.equal(src.text.slice(p.start, p.end), p.text, `${p.id}: slice must equal text`);
    assert.equal(p.text, p.text.trim(), `${p.id}: trimmed`);
    assert.ok(p.text.length > 0 && p.text.length <= MAX_PASSAGE_CHARS, `${p.id}: length ${p.text.length}`);
    assert.ok(p.start >= lastEnd, `${p.id}: passages in reading order, not overlapping`);
    lastEnd = p.end;
    assert.ok(!seen.has(p.id), `${p.id}: unique`);
    seen.add(p.id);
    assert.equal(p.docId, src.id);
    const expectedId = p.part === undefined ? `${src.id}#p${p.para}` : `${src.id}#p${p.para}.${p.part}`;
    assert.equal(p.id, expectedId);
    assert.equal(p.kind === 'title', p.para === 0);
  }
  assert.equal(d.meta.passageCount, d.passages.length);
}

describe('segmentDocument on the seeds', () => {
  for (const [id, expected] of Object.entries(SEED_PASSAGES)) {
    it(`${id}: passages, kinds, offsets`, () => {
      const src = load(SEEDS, id);
      const d = segmentDocument(src);
      assert.deepEqual(rows(d), expected);
      checkInvariants(src, d);
    });
  }

  it('never lets page furniture into a passage', () => {
    const furniture = [
      'قصص موصى بها', 'قائمة', 'لا يتحمل موقعنا', 'نشر أولاً على', 'src=', 'alt=', 'wp-content', '">',
    ];
    for (const id of Object.keys(SEED_PASSAGES)) {
      for (const p of segmentDocument(load(SEEDS, id)).passages) {
        for (const f of furniture) assert.ok(!p.text.includes(f), `${p.id} contains furniture «${f}»`);
        assert.ok(!['سياسة', 'اقتصاد'].includes(p.text), `${p.id} is a section tag`);
      }
    }
  });

  it('cuts the HTML remnant: body keeps its text, the alt value becomes a caption', () => {
    const src = load(SEEDS, '000_a89eda4c32949ba3.txt');
    const [body, caption] = segmentDocument(src).passages.slice(-2);
    assert.ok(body && caption);
    assert.ok(body.text.endsWith('إلى جانبنا على هذا الطريق".'));
    assert.equal(src.text.slice(body.end, body.end + 6), ' src="');
    assert.equal(src.text.slice(caption.start - 5, caption.start), 'alt="');
    assert.equal(src.text.slice(caption.end, caption.end + 2), '">');
    assert.equal(caption.para, 16);
  });

  it('merges short subheadings into the paragraph they introduce', () => {
    const d = segmentDocument(load(SEEDS, '002_17bceafa204b5619.txt'));
    const p3 = d.passages.find((p) => p.id.endsWith('#p3'));
    assert.ok(p3?.text.startsWith('تفاصيل اللقاء والمحاور الأساسية\nجاء اللقاء، الذي عقد أمس الثلاثاء'));
  });

  it('derives a title when the first line is a paragraph', () => {
    const d = segmentDocument(load(SEEDS, '002_17bceafa204b5619.txt'));
    assert.equal(d.meta.title, 'في خطوة تؤكد حرص كل من سوريا وروسيا…');
    assert.equal(d.passages[0]?.id, '002_17bceafa204b5619.txt#p1');
  });
});

describe('segmentDocument on fixtures and variants', () => {
  for (const [dir, table] of [
    [FILES, FIXTURE_PASSAGES],
    [VARIANTS, VARIANT_PASSAGES],
  ] as const) {
    for (const [id, expected] of Object.entries(table)) {
      it(`${id}: passages, kinds, offsets`, () => {
        const src = load(dir, id);
        const d = segmentDocument(src);
        assert.deepEqual(rows(d), expected);
        checkInvariants(src, d);
      });
    }
  }

  it('covers every readable fixture file (no fixture left untested)', () => {
    const variants = readdirSync(VARIANTS).sort();
    assert.deepEqual(variants, Object.keys(VARIANT_PASSAGES).sort());
  });

  it('a Markdown title excludes its "# " mark', () => {
    const d = segmentDocument(load(FILES, 'article.md'));
    assert.equal(d.meta.title, 'اجتماع لافروف والشيباني في موسكو');
  });

  it('a one-paragraph file without a title line is a searchable body passage', () => {
    const d = segmentDocument(doc('x.txt', 'خبر قصير'));
    assert.deepEqual(rows(d), [['p1', 'body', 0, 8, 'خبر قصير']]);
    assert.equal(d.meta.title, 'خبر قصير');
  });
});

describe('long paragraphs', () => {
  const sentence = 'وقال المتحدث إن المحادثات تناولت التعاون العسكري والاقتصادي بين البلدين. '; // 73 chars
  const long = sentence.repeat(40).trim(); // 2,919 chars: 3 parts, target 973

  it('splits at sentence ends into balanced parts with exact offsets', () => {
    const text = `عنوان الخبر هنا\n${long}\nفقرة أخيرة قصيرة لكنها تامة المعنى.`;
    const src = doc('long.txt', text);
    const d = segmentDocument(src);
    assert.deepEqual(
      d.passages.map((p) => [p.id, p.part, p.text.length]),
      [
        ['long.txt#p0', undefined, 15],
        ['long.txt#p1.1', 1, 1021],
        ['long.txt#p1.2', 2, 1021],
        ['long.txt#p1.3', 3, 875],
        ['long.txt#p2', undefined, 35],
      ],
    );
    for (const p of d.passages.slice(1, 4)) assert.ok(p.text.endsWith('البلدين.'), p.id);
    checkInvariants(src, d);
  });

  it('falls back to spaces, then to a hard cut, when there is no sentence end', () => {
    const words = 'كلمة '.repeat(600).trim(); // 2,999 chars, no punctuation
    const src = doc('w.txt', words);
    const d = segmentDocument(src);
    assert.deepEqual(d.passages.map((p) => p.text.length), [999, 999, 999]);
    checkInvariants(src, d);
    const blob = doc('b.txt', 'x'.repeat(2500));
    assert.deepEqual(segmentDocument(blob).passages.map((p) => [p.id, p.text.length]), [
      ['b.txt#p1.1', 834],
      ['b.txt#p1.2', 834],
      ['b.txt#p1.3', 832],
    ]);
  });
});

describe('stable citation ids', () => {
  it('depend only on the text: same text, same passages, whatever the hash or size', () => {
    const text = readFileSync(`${SEEDS}003_70dde455d680a0f4.txt`, 'utf8');
    const a = segmentDocument({ id: 'd.txt', path: 'd.txt', text, sha256: 'a', bytes: 1 });
    const b = segmentDocument({ id: 'd.txt', path: 'elsewhere/d.txt', text, sha256: 'b', bytes: 2 });
    assert.deepEqual(a.passages, b.passages);
  });

  it('editing a later paragraph keeps earlier ids and offsets', () => {
    const text = readFileSync(`${SEEDS}001_a84ef65c2610b456.txt`, 'utf8');
    const before = segmentDocument(doc('d.txt', text)).passages;
    const edited = text.replace('بحسب ما أفادت الوكالة.', 'بحسب ما أفادت الوكالة الرسمية في بيان لاحق.');
    const after = segmentDocument(doc('d.txt', edited)).passages;
    assert.deepEqual(after.slice(0, 3), before.slice(0, 3));
    assert.equal(after[3]?.id, before[3]?.id);
    assert.notEqual(after[3]?.text, before[3]?.text);
  });
});

describe('all documents', () => {
  it('satisfy the offset invariants', () => {
    for (const { src, out } of allDocs()) checkInvariants(src, out);
  });
});
