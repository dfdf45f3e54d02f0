import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDates, gregorianIso, jalaliToIso } from '../src/corpus/dates.ts';
import { collectDates, detectLanguage, extractPublication } from '../src/corpus/metadata.ts';

describe('detectLanguage', () => {
  const cases: [string, string][] = [
    ['التقى الرئيس الروسي فلاديمير بوتين وزير الخارجية السوري في موسكو', 'ar'],
    ['وزرای خارجه و دفاع سوریه در مسکو با همتایان روسی خود دیدار کردند', 'fa'],
    // Persian without ZWNJ and without پ چ ژ گ: told by ی/ک against Arabic ي/ك
    ['مقامات سوریه در مسکو', 'fa'],
    ['موسکو', 'fa'],
    ['موسكو', 'ar'],
    ['پوتین', 'fa'],
    ['بوتين', 'ar'],
    // ZWNJ morphology
    ['آنها می‌خواهند همکاری‌ها را گسترش دهند', 'fa'],
    // Persian text quoting an Arabic name keeps its language
    ['احمد الشرع، رئیس جمهور جدید سوریه، از روسیه بازدید کرد', 'fa'],
    ['Syrian ministers met Putin in Moscow', 'en'],
    ['Putin (بوتين) met the Syrian ministers in Moscow', 'en'],
    ['؟!', 'und'],
    ['12', 'und'],
    ['ab', 'und'],
    ['', 'und'],
  ];
  for (const [text, lang] of cases) it(`${lang}: ${text || '(empty)'}`, () => assert.equal(detectLanguage(text), lang));
});

describe('findDates', () => {
  const cases: [string, string[]][] = [
    ['بتاريخ ٢٣ كانون الأول ٢٠٢٥.', ['2025-12-23']],
    ['يوم الأربعاء 24 من كانون الأول 2025', ['2025-12-24']],
    ['في 15 أكتوبر 2025 وفي 2 تموز/يوليو 2025', ['2025-10-15', '2025-07-02']],
    ['في 1 أيار (مايو) 2024', ['2024-05-01']],
    ['le 5 جانفي 2024', ['2024-01-05']],
    ['روز چهارشنبه، ۲۴ دسامبر ۲۰۲۵ (۳ دی ۱۴۰۴ )', ['2025-12-24', '2025-12-24']],
    ['On December 23, 2025 and on 5th of May, 2024', ['2025-12-23', '2024-05-05']],
    ['2025-10-15, 31/12/2024 and ۱۴۰۴/۱۰/۰۳', ['2025-10-15', '2024-12-31', '2025-12-24']],
    // partial or impossible dates are not dates
    ['يوم الخميس الموافق 2 تشرين الأول', []],
    ['في أكتوبر 2025', []],
    ['31 فبراير 2025', []],
    ['1 رجب 1447 هـ', []],
    ['عام 2025 و 23 مرة', []],
  ];
  for (const [text, isos] of cases) it(text, () => assert.deepEqual(findDates(text).map((d) => d.iso), isos));

  it('reports the matched range', () => {
    const text = 'بتاريخ ٢٣ كانون الأول ٢٠٢٥.';
    const [d] = findDates(text);
    assert.equal(d && text.slice(d.start, d.end), '٢٣ كانون الأول ٢٠٢٥');
  });
});

describe('calendar conversion', () => {
  it('Solar Hijri → Gregorian, including leap years', () => {
    assert.equal(jalaliToIso(1404, 1, 1), '2025-03-21'); // Nowruz 1404
    assert.equal(jalaliToIso(1403, 1, 1), '2024-03-20');
    assert.equal(jalaliToIso(1404, 10, 3), '2025-12-24');
    assert.equal(jalaliToIso(1399, 12, 30), '2021-03-20'); // 1399 is leap
    assert.equal(jalaliToIso(1403, 12, 30), '2025-03-20'); // 1403 is leap
    assert.equal(jalaliToIso(1404, 12, 30), undefined); // 1404 is not
    assert.equal(jalaliToIso(1404, 7, 31), undefined); // Mehr has 30 days
  });

  it('Gregorian validation', () => {
    assert.equal(gregorianIso(2024, 2, 29), '2024-02-29');
    assert.equal(gregorianIso(2025, 2, 29), undefined);
    assert.equal(gregorianIso(2025, 13, 1), undefined);
  });
});

describe('collectDates and extractPublication', () => {
  it('dedupes dates in order of appearance', () => {
    assert.deepEqual(collectDates(['٢٤ دسامبر ٢٠٢٥ و ۳ دی ۱۴۰۴', '23 ديسمبر 2025', '24 December 2025']), [
      '2025-12-24',
      '2025-12-23',
    ]);
  });

  it('reads outlet and date from the seed disclaimers', () => {
    assert.deepEqual(
      extractPublication({
        disclaimers: [
          'هذا الخبر بعنوان "موقع الإخبارية السورية" نشر أولاً على موقع قناة الإخبارية وتم جلبه من مصدره الأصلي بتاريخ ٢٣ كانون الأول ٢٠٢٥.',
        ],
        credits: [],
        datelines: [],
      }),
      { outlet: 'قناة الإخبارية', published: '2025-12-23' },
    );
    assert.deepEqual(
      extractPublication({
        disclaimers: ['هذا الخبر بعنوان "س" نشر أولاً على موقع enabbaladi.net وتم جلبه من مصدره الأصلي بتاريخ ٢٤ كانون الأول ٢٠٢٥.'],
        credits: [],
        datelines: [],
      }),
      { outlet: 'enabbaladi.net', published: '2025-12-24' },
    );
  });

  it('reads English and Persian phrasing, credit lines and datelines', () => {
    assert.deepEqual(
      extractPublication({
        disclaimers: ['This article was first published on example-news.org on December 23, 2025.'],
        credits: [],
        datelines: [],
      }),
      { outlet: 'example-news.org', published: '2025-12-23' },
    );
    assert.deepEqual(
      extractPublication({ disclaimers: ['این خبر ابتدا در خبرگزاری نمونه منتشر شده است.'], credits: [], datelines: ['۳ دی ۱۴۰۴'] }),
      { outlet: 'خبرگزاری نمونه', published: '2025-12-24' },
    );
    assert.deepEqual(extractPublication({ disclaimers: [], credits: ['المصدر: وكالة سانا'], datelines: [] }), { outlet: 'وكالة سانا' });
    assert.deepEqual(extractPublication({ disclaimers: [], credits: ['بقلم: فلان'], datelines: [] }), {});
  });
});
