import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyUnits, lineRole } from '../src/corpus/furniture.ts';
import { splitUnits } from '../src/corpus/lines.ts';
import { splitUnitPieces } from '../src/corpus/remnants.ts';
import { splitLong } from '../src/corpus/split.ts';

function roles(text: string): [string, string][] {
  const units = splitUnits(text, 'lines');
  const r = classifyUnits(text, units);
  return units.map((u, i) => [text.slice(u.start, u.end), r[i] ?? '?']);
}

describe('lineRole: families of furniture lines', () => {
  const cases: [string, string][] = [
    // link lists: seed form and variants
    ['قائمة من 4 عناصر- قائمة 1 من 4الرؤساء الذين أطيح بهم', 'list'],
    ['- القائمة 3 من 4الكونغرس الأمريكي يقدم مشروع قانون', 'list'],
    ['• قائمة ٢ من ٥ عنوان بأرقام عربية', 'list'],
    ['list 2 of 4 US general highlights cooperation', 'list'],
    ['list of 4 items', 'list'],
    ['فهرست ۲ از ۴ عنوانی دیگر', 'list'],
    ['قصص موصى بها', 'list'],
    ['مقالات ذات صلة', 'list'],
    ['اقرأ أيضاً: سوريا وروسيا توقعان مذكرة تفاهم', 'list'],
    ['Related articles', 'list'],
    ['بیشتر بخوانید: لاوروف در دمشق', 'list'],
    // disclaimers in three languages, several phrasings
    ['هذا الخبر بعنوان "س" نشر أولاً على موقع قناة الإخبارية وتم جلبه من مصدره الأصلي بتاريخ ٢٣ كانون الأول ٢٠٢٥.', 'disclaimer'],
    ['لا يتحمل موقعنا مضمونه بأي شكل من الأشكال. بإمكانكم الإطلاع على تفاصيل هذا الخبر من خلال مصدره الأصلي.', 'disclaimer'],
    ['نُشر هذا التقرير لأول مرة على موقع صحيفة الوطن.', 'disclaimer'],
    ['المقال يعبر عن رأي كاتبه ولا يعبر بالضرورة عن رأي الموقع.', 'disclaimer'],
    ['This story was originally published by Example News. We take no responsibility for its content.', 'disclaimer'],
    ['The site is not responsible for the content of external sources.', 'disclaimer'],
    ['این خبر ابتدا در خبرگزاری نمونه منتشر شده است.', 'disclaimer'],
    ['این سایت مسئولیتی در قبال محتوای آن نمی‌پذیرد.', 'disclaimer'],
    // navigation, share bars, copyright
    ['الرئيسية › أخبار › سوريا', 'nav'],
    ['Home / World / Middle East', 'nav'],
    ['شارك فيسبوك تويتر واتساب', 'nav'],
    ['Share | Tweet | Email | Print', 'nav'],
    ['اشتراک‌گذاری تلگرام', 'nav'],
    ['جميع الحقوق محفوظة © 2025', 'nav'],
    ['Skip to main content', 'nav'],
    // credits and datelines
    ['المصدر: وكالة سانا', 'credit'],
    ['Source: Reuters', 'credit'],
    ['منبع: ایرنا', 'credit'],
    ['By Jane Smith', 'credit'],
    ['آخر تحديث: الأربعاء 24 ديسمبر 2025 - 14:30', 'dateline'],
    ['Published: December 23, 2025 at 10:15 GMT', 'dateline'],
    ['۳ دی ۱۴۰۴', 'dateline'],
    // tags header
    ['الوسوم:', 'tags'],
    ['Tags: Syria, Russia', 'tags'],
    ['برچسب‌ها:', 'tags'],
    // content that must stay content
    ['التقى الرئيس بوتين الشيباني في 23 ديسمبر 2025.', 'content'],
    ['سوريا / روسيا / إيران', 'content'],
    ['قائمة الأسعار الجديدة صدرت اليوم وفيها زيادات كبيرة', 'content'],
    ['تفاصيل اللقاء والمحاور الأساسية', 'content'],
    ['وقالت وكالة الأنباء إن الوزير نشر بيانا على موقعه الرسمي.', 'content'],
    ['Recommended doses were published by the ministry on Tuesday.', 'content'],
  ];
  for (const [line, role] of cases) {
    it(`${role}: ${line.slice(0, 40)}`, () => assert.equal(lineRole(line), role));
  }
});

describe('classifyUnits: context rules', () => {
  it('a short header before list items is part of the list', () => {
    const text = 'فقرة أولى من المقال تنتهي بنقطة.\nأخبار مختارة لك\n- القائمة 1 من 2 خبر\n- القائمة 2 من 2 خبر آخر\nفقرة ثانية من المقال.';
    assert.deepEqual(roles(text).map((r) => r[1]), ['content', 'list', 'list', 'list', 'content']);
  });

  it('a trailing run of short tag-like lines is tags; the seed form and variants', () => {
    assert.deepEqual(roles('عنوان\nفقرة المقال الطويلة نسبيا.\nسياسة\nاقتصاد\nسياسة\nسياسة').map((r) => r[1]), [
      'content', 'content', 'tags', 'tags', 'tags', 'tags',
    ]);
    assert.deepEqual(roles('Title\nThe article body ends here.\nPolitics\nMiddle East\nRussia').map((r) => r[1]), [
      'content', 'content', 'tags', 'tags', 'tags',
    ]);
    // one comma-separated tag line, and a single tag confirmed by a header
    assert.deepEqual(roles('عنوان\nنص المقال.\nسياسة، اقتصاد، سوريا').map((r) => r[1]), ['content', 'content', 'tags']);
    assert.deepEqual(roles('عنوان\nنص المقال.\nالوسوم:\nسوريا').map((r) => r[1]), ['content', 'content', 'tags', 'tags']);
  });

  it('leaves a single short last line to the segmenter, and never eats a closing paragraph', () => {
    assert.deepEqual(roles('عنوان\nنص المقال.\nسياسة').map((r) => r[1]), ['content', 'content', 'content']);
    assert.deepEqual(roles('عنوان\nسياسة\nاقتصاد\nفقرة أخيرة من المقال.').map((r) => r[1]), [
      'content', 'content', 'content', 'content',
    ]);
  });
});

describe('splitUnitPieces: markup remnants', () => {
  it('double-quoted tail: body before, alt value as caption', () => {
    const text = 'نص الفقرة الأخيرة. src="/a.jpg?w=770&x=1" alt="وصف الصورة هنا">';
    const p = splitUnitPieces(text, { start: 0, end: text.length });
    assert.deepEqual(p, { body: { start: 0, end: 18 }, captions: [{ start: 47, end: 61 }] });
    assert.equal(text.slice(47, 61), 'وصف الصورة هنا');
  });

  it('single quotes, a <img prefix, self-closing end', () => {
    const text = "نص الفقرة. <img src='/b.jpg' alt='تعليق' width='770'/>";
    const p = splitUnitPieces(text, { start: 0, end: text.length });
    assert.equal(p.body && text.slice(p.body.start, p.body.end), 'نص الفقرة.');
    assert.deepEqual(p.captions.map((c) => text.slice(c.start, c.end)), ['تعليق']);
  });

  it('a line that is only a tag yields only its caption; text with "=" inside stays', () => {
    const only = ' alt="صورة" src="x.png">';
    assert.deepEqual(splitUnitPieces(only, { start: 1, end: only.length }), { captions: [{ start: 6, end: 10 }] });
    const prose = 'قال إن x="y" هو مثال فقط في النص.';
    assert.deepEqual(splitUnitPieces(prose, { start: 0, end: prose.length }), { body: { start: 0, end: prose.length }, captions: [] });
  });

  it('Markdown image lines and extractor caption lines are captions', () => {
    const md = '![لافروف في موسكو](/img/x.jpg)';
    assert.deepEqual(splitUnitPieces(md, { start: 0, end: md.length }), { captions: [{ start: 2, end: 17 }] });
    const cap = '[image: بوتين في الكرملين]';
    assert.deepEqual(splitUnitPieces(cap, { start: 0, end: cap.length }), { captions: [{ start: 8, end: 25 }] });
  });
});

describe('splitLong', () => {
  it('never cuts inside a surrogate pair', () => {
    const text = '😀'.repeat(1300);
    const parts = splitLong(text, { start: 0, end: text.length }, 1200);
    assert.deepEqual(parts, [
      { start: 0, end: 866 },
      { start: 866, end: 1732 },
      { start: 1732, end: 2600 },
    ]);
  });

  it('does not treat "3.5" or "enabbaladi.net" as sentence ends', () => {
    const s = 'النمو بلغ 3.5 بالمئة حسب enabbaladi.net اليوم ';
    const text = s.repeat(60).trim();
    for (const r of splitLong(text, { start: 0, end: text.length }, 1200)) {
      const part = text.slice(r.start, r.end);
      assert.ok(!part.startsWith('5') && !part.startsWith('net'), part.slice(0, 10));
    }
  });
});

describe('classifyUnits: disclaimers only at the edges', () => {
  const para = (n: number): string => `هذه فقرة رقم ${n} من نص المقال، وهي طويلة بما يكفي لتعد فقرة حقيقية من فقرات الخبر المنشور على الموقع اليوم بعد التحديث الأخير.`;
  it('keeps a disclaimer-like sentence between article paragraphs as content', () => {
    const mid = 'The report, first published by Reuters, said talks would continue.';
    const text = ['Title', para(1), para(2), mid, para(3), para(4)].join('\n');
    assert.deepEqual(roles(text).map((r) => r[1]), ['content', 'content', 'content', 'content', 'content', 'content']);
  });
  it('drops it near the top or the bottom', () => {
    const line = 'This article was first published on example.org.';
    assert.deepEqual(roles(['Title', line, para(1), para(2), para(3)].join('\n')).map((r) => r[1]), [
      'content', 'disclaimer', 'content', 'content', 'content',
    ]);
    assert.deepEqual(roles(['Title', para(1), para(2), para(3), line].join('\n')).map((r) => r[1]), [
      'content', 'content', 'content', 'content', 'disclaimer',
    ]);
  });
});
