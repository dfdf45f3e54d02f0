import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { foldText, foldWithMap, NORMALIZER_VERSION } from '../src/text/normalize.ts';

const corpusDir = fileURLToPath(new URL('../corpus/', import.meta.url));
const seeds = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => ({ name: f, text: readFileSync(corpusDir + f, 'utf8') }));

test('NORMALIZER_VERSION is 2 (bump it, and this, when the folding or tokenizing changes)', () => {
  assert.equal(NORMALIZER_VERSION, 2);
});

test('removes Arabic diacritics, dagger alef, Quranic marks and tatweel', () => {
  assert.equal(foldText('مُرْهَفٌ'), 'مرهف');
  assert.equal(foldText('هٰذا'), 'هذا');
  assert.equal(foldText('الرَّحِيمِ۝'), 'الرحيم');
  assert.equal(foldText('بـ أربعة'), 'ب اربعه');
  assert.equal(foldText('الـــدفاع'), 'الدفاع');
});

test('folds alef, hamza carriers, yeh, kaf and heh variants', () => {
  assert.equal(foldText('أإآٱا'), 'ااااا');
  assert.equal(foldText('مؤتمر رئيس'), 'موتمر رييس');
  assert.equal(foldText('على علی علي'), 'علي علي علي');
  assert.equal(foldText('کشور كشور'), 'كشور كشور');
  assert.equal(foldText('مرحلة مرحلۀ روسیە'), 'مرحله مرحله روسيه');
});

test('Persian compounds match with and without ZWNJ; bidi marks vanish', () => {
  assert.equal(foldText('می‌شود'), 'ميشود');
  assert.equal(foldText('میشود'), 'ميشود');
  assert.equal(foldText('گزارش‌های'), foldText('گزارشهای'));
  assert.equal(foldText('\u200fسلام\u200e\u061c\ufeff'), 'سلام');
});

test('digits: Arabic-Indic and Persian to ASCII', () => {
  assert.equal(foldText('٢٣ كانون ٢٠٢٥'), '23 كانون 2025');
  assert.equal(foldText('۲۴ دسامبر ۲۰۲۵'), '24 دسامبر 2025');
  assert.equal(foldText('٪۵٫۲'), '%5.2');
});

test('quotes, guillemets and dashes become ASCII; NFKC and lowercase apply', () => {
  assert.equal(foldText('“سانا” «مرحله» ‘x’'), '"سانا" "مرحله" \'x\'');
  assert.equal(foldText('روسية–السورية — x'), 'روسيه-السوريه - x');
  assert.equal(foldText('ﻷ ﷲ'), 'لا الله');
  assert.equal(foldText('ＡＢＣ Moscow ﬁnal'), 'abc moscow final');
});

test('whitespace runs collapse to one space and the ends are trimmed', () => {
  assert.equal(foldText('  a \t\n\u00a0 b\u200b\u200bc  '), 'a b c');
  assert.equal(foldText('a \u200c b'), 'a b');
  assert.equal(foldText(''), '');
  assert.equal(foldText(' \n '), '');
});

test('foldWithMap maps every folded character to its source, including NFKC expansions', () => {
  assert.deepEqual(foldWithMap('ﷲ x'), { folded: 'الله x', map: [0, 0, 0, 0, 1, 2, 3] });
  assert.deepEqual(foldWithMap('مُرْهَف'), { folded: 'مرهف', map: [0, 2, 4, 6, 7] });
  assert.deepEqual(foldWithMap('  a\u200c\u200cb  \n c '), { folded: 'ab c', map: [2, 5, 6, 10, 12] });
  // A combining mark composes with its base under NFKC: both map to the base.
  assert.deepEqual(foldWithMap('e\u0301x'), { folded: 'éx', map: [0, 2, 3] });
});

test('foldWithMap invariants hold on every seed article', () => {
  assert.equal(seeds.length, 5);
  for (const { name, text } of seeds) {
    const { folded, map } = foldWithMap(text);
    assert.equal(folded, foldText(text), name);
    assert.equal(map.length, folded.length + 1, name);
    assert.equal(map[folded.length], text.length, name);
    for (let i = 0; i < folded.length; i++) {
      const at = map[i] ?? -1;
      assert.ok(at >= 0 && at < text.length, `${name}: map[${i}] = ${at} outside the text`);
      assert.ok(at <= (map[i + 1] ?? -1), `${name}: map decreases at ${i}`);
    }
  }
});

test('a folded match maps back to the exact original span', () => {
  const text = seeds[2]?.text ?? '';
  const { folded, map } = foldWithMap(text);
  const quote = foldText('وكالة الأنباء السورية "سانا"');
  const s = folded.indexOf(quote);
  assert.equal(s >= 0, true);
  const original = text.slice(map[s], map[s + quote.length]);
  assert.equal(original, 'وكالة الأنباء السورية “سانا”');

  const persian = seeds[4]?.text ?? '';
  const fm = foldWithMap(persian);
  const q = foldText('مرحله‌ی جدیدی می‌شود');
  const at = fm.folded.indexOf(q);
  assert.equal(persian.slice(fm.map[at], fm.map[at + q.length]), 'مرحلهی جدیدی میشود');
});
