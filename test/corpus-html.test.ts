import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeEntities, extractHtmlText } from '../src/corpus/html.ts';

const ARTICLE = readFileSync(new URL('./fixtures/corpus-files/article.html', import.meta.url), 'utf8');

describe('extractHtmlText', () => {
  it('keeps the article: blocks as lines, entities decoded, alt as one caption line', () => {
    assert.equal(
      extractHtmlText(ARTICLE),
      [
        'بوتين يستقبل الشيباني & أبو قصرة في الكرملين',
        'استقبل الرئيس الروسي فلاديمير بوتين وزيري الخارجية والدفاع السوريين في موسكو يوم 23 كانون الأول 2025، وبحث معهما "التعاون العسكري".',
        '[image: بوتين والشيباني خلال اللقاء في الكرملين]',
        'وقال الشيباني إن العلاقات\u00a0بين البلدين تدخل مرحلة جديدة،'.replace('\u00a0', ' '),
        'مؤكدًا أهمية التنسيق السياسي.',
      ].join('\n'),
    );
  });

  it('drops scripts, styles, nav, aside, footer, comments and head', () => {
    const text = extractHtmlText(ARTICLE);
    for (const gone of ['color: red', 'not text', 'الرئيسية', 'اقرأ أيضاً', 'خبر آخر', 'جميع الحقوق', 'commented out', 'Site |']) {
      assert.ok(!text.includes(gone), gone);
    }
  });

  it('handles nesting, unclosed markup and stray "<"', () => {
    assert.equal(extractHtmlText('<nav><nav>a</nav>b</nav><p>3 < 4 &lt; 5</p>'), '3 < 4 < 5');
    assert.equal(extractHtmlText('<div>one<div>two</div>three</div>'), 'one\ntwo\nthree');
    assert.equal(extractHtmlText('<p>text<script>never closed'), 'text');
    assert.equal(extractHtmlText('<figure><img alt=\'صورة\'><figcaption><p>تعليق</p> مختلف</figcaption></figure>'), '[image: صورة]\n[image: تعليق مختلف]');
  });
});

describe('decodeEntities', () => {
  it('decodes named, decimal and hex references; leaves unknown ones', () => {
    assert.equal(decodeEntities('&amp;&lt;&raquo;&#1587;&#x633;&zwnj;&unknown;&#0;'), '&<»سس\u200c&unknown;&#0;');
  });
});
