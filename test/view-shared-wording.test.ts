// Shared wording between a passage and its reprint: exact spans, in original offsets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sharedWording, type Span } from '../src/view/shared-wording.ts';

const texts = (text: string, spans: readonly Span[]) => spans.map((s) => text.slice(s.start, s.end));

test('runs of three or more common words are shared; single common words are not', () => {
  const a = 'the minister said the talks were useful and long';
  const b = 'officials said the talks were useful, and the minister left';
  const r = sharedWording(a, b);
  assert.deepEqual(texts(a, r.a), ['said the talks were useful and']);
  assert.deepEqual(texts(b, r.b), ['said the talks were useful, and']);
  assert.deepEqual(r.a, [{ start: 13, end: 43 }]);
});

test('an Arabic reprint with one word changed: two runs, the same on both sides', () => {
  const a = 'وأكدت وزارة الموارد المائية أن مخزون نبع الفيجة انخفض هذا العام، داعيةً السكان إلى ترشيد الاستهلاك.';
  const b = 'وأكدت وزارة الموارد المائية أن مخزون نبع الفيجة انخفض هذا العام، داعيةً المواطنين إلى ترشيد الاستهلاك.';
  const r = sharedWording(a, b);
  assert.deepEqual(texts(a, r.a), ['وأكدت وزارة الموارد المائية أن مخزون نبع الفيجة انخفض هذا العام، داعيةً', 'إلى ترشيد الاستهلاك']);
  assert.deepEqual(texts(b, r.b), texts(a, r.a));
});

test('folding: diacritics, letter forms and digits do not break a run; the marks stay inside the span', () => {
  const a = 'وَقَالَ مُدِيرُ المُؤَسَّسَةِ إِنَّ العمل يبدأ في ١٢ نيسان';
  const b = 'وقال مدير المؤسسة ان العمل يبدا في 12 نيسان';
  const r = sharedWording(a, b);
  assert.deepEqual(texts(a, r.a), [a]);
  assert.deepEqual(texts(b, r.b), [b]);
  // Persian ی/ک and ZWNJ against Arabic ي/ك.
  const fa = 'شاخص کیفیت هوای تهران به ۱۸۵ رسید';
  const ar = 'شاخص كيفيت هواي تهران به 185 رسيد';
  assert.deepEqual(texts(fa, sharedWording(fa, ar).a), [fa]);
});

test('texts under three words are shared only when their words are identical', () => {
  assert.deepEqual(sharedWording('سانا', '«سانا»').a, [{ start: 0, end: 4 }]);
  assert.deepEqual(sharedWording('سانا', '«سانا»').b, [{ start: 1, end: 5 }]);
  assert.deepEqual(sharedWording('وكالة سانا', 'وكالة الأنباء'), { a: [], b: [] });
  assert.deepEqual(sharedWording('', ''), { a: [], b: [] });
});

test('nothing in common: no spans', () => {
  assert.deepEqual(sharedWording('one two three four', 'five six seven eight'), { a: [], b: [] });
});
