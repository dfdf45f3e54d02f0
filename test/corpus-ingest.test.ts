import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ingestCorpus } from '../src/corpus/ingest.ts';

const SEEDS = fileURLToPath(new URL('../corpus/', import.meta.url));
const FILES = fileURLToPath(new URL('./fixtures/corpus-files/', import.meta.url));

describe('ingestCorpus', () => {
  const temps: string[] = [];
  after(async () => {
    for (const t of temps) await rm(t, { recursive: true, force: true });
  });

  it('derives the metadata of the five seeds', async () => {
    const { documents, sources, skipped } = await ingestCorpus(SEEDS);
    assert.deepEqual(skipped, []);
    assert.deepEqual(sources.map((s) => s.id), documents.map((d) => d.meta.id));
    assert.deepEqual(
      documents.map((d) => {
        const { id, lang, outlet, published, dates, passageCount, title } = d.meta;
        return [id, lang, outlet, published, dates, passageCount, title.slice(0, 30)];
      }),
      [
        ['000_a89eda4c32949ba3.txt', 'ar', undefined, undefined, ['2025-10-15'], 17, 'وزراء سوريون يناقشون التعاون ا'],
        ['001_a84ef65c2610b456.txt', 'ar', 'قناة الإخبارية', '2025-12-23', ['2025-12-23'], 6, 'موسكو ودمشق تعززان التعاون الا'],
        ['002_17bceafa204b5619.txt', 'ar', undefined, undefined, [], 9, 'في خطوة تؤكد حرص كل من سوريا و'],
        ['003_70dde455d680a0f4.txt', 'ar', 'enabbaladi.net', '2025-12-24', ['2025-12-24'], 13, 'سوريا تسعى لتعزيز علاقاتها مع '],
        ['004_32bf888df57d8f96.txt', 'fa', undefined, undefined, ['2025-12-24', '2025-12-23'], 12, 'وزرای خارجه و دفاع سوریه در مس'],
      ],
    );
    const langs = new Set(documents.flatMap((d) => d.passages.map((p) => `${d.meta.lang}:${p.lang}`)));
    assert.deepEqual([...langs].sort(), ['ar:ar', 'fa:fa']);
  });

  it('reports files that are all furniture instead of indexing them empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sanad-ingest-'));
    temps.push(dir);
    await writeFile(join(dir, 'tags-only.txt'), 'سياسة\nاقتصاد\nسياسة\n');
    await writeFile(join(dir, 'ok.txt'), 'خبر قصير لكنه حقيقي.');
    const warned: string[] = [];
    const { documents, skipped } = await ingestCorpus(dir, { onWarn: (s) => warned.push(s.reason) });
    assert.deepEqual(documents.map((d) => d.meta.id), ['ok.txt']);
    assert.deepEqual(skipped.map((s) => s.path), ['tags-only.txt']);
    assert.match(warned[0] ?? '', /^tags-only\.txt: skipped, nothing left once page furniture/);
  });

  it('passes maxBytes through and keeps sources aligned with documents', async () => {
    const { documents, sources, skipped } = await ingestCorpus(FILES, { maxBytes: 300 });
    assert.deepEqual(documents.map((d) => d.meta.id), ['UPPER.TXT', 'one-paragraph.txt', 'sub/nested.txt']);
    assert.deepEqual(sources.map((s) => s.id), ['UPPER.TXT', 'one-paragraph.txt', 'sub/nested.txt']);
    assert.deepEqual(skipped.map((s) => s.path), [
      'article.html', 'article.md', 'binary.txt', 'blank.txt', 'bom-crlf.txt', 'controls.txt', 'cp1256.txt', 'empty.txt',
    ]);
  });

  it('ingests a 4 MB single-file corpus in well under the time a quadratic rule would take', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sanad-big-'));
    temps.push(dir);
    const line = 'وقال المتحدث إن المحادثات تناولت التعاون العسكري والاقتصادي. alt="x" src="y" قائمة ';
    // One 4 MB line (worst case for per-line rules) plus many short lines.
    const big = line.repeat(Math.ceil(2_000_000 / line.length)) + '\n' + 'سطر قصير\n'.repeat(100_000);
    await writeFile(join(dir, 'big.txt'), big);
    const t0 = performance.now();
    const { documents } = await ingestCorpus(dir);
    const ms = performance.now() - t0;
    assert.equal(documents.length, 1);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  });
});
