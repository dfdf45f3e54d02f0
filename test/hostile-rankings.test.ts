// Rankings that change with nothing in the question changed. A running server keeps caches across
// index versions; a cache keyed by something that a later version reuses for other data answers
// from the old data. Here: an index rebuilt from scratch (a deleted or damaged folder) numbers its
// segments from 1 again, and postings cached for the old seg-000001 must not be served for the new.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildIndex } from '../src/indexer/build-index.ts';
import { LiveIndex } from '../src/mcp/live-index.ts';

const roots: string[] = [];
after(async () => {
  for (const r of roots) await rm(r, { recursive: true, force: true });
});

/** An article whose one paragraph names `animal`, and otherwise reads like its siblings. */
const article = (animal: string) => `عنوان الخبر\nقال المتحدث باسم الوزارة إن ${animal} كانت موضوع الاجتماع الطويل في العاصمة يوم الاثنين.\n`;

describe('a running server across index versions', () => {
  it('answers from the new version after the index was rebuilt from scratch under it', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sanad-hostile-rankings-'));
    roots.push(root);
    const corpusDir = path.join(root, 'corpus');
    const indexDir = path.join(root, 'index');
    await mkdir(corpusDir);
    await writeFile(path.join(corpusDir, 'a.txt'), article('الزرافة'));
    await writeFile(path.join(corpusDir, 'b.txt'), article('السلحفاة'));
    await buildIndex({ corpusDir, indexDir, embedder: null });
    const live = await LiveIndex.open({ corpusDir, indexDir, embedder: null, log: () => {} });
    try {
      const found = async (word: string) => (await live.current().search(word, { mode: 'lexical' })).results.map((r) => r.citation);
      // Every word is looked up once, so the server caches its postings.
      for (const word of ['الزرافة', 'السلحفاة', 'الوزارة', 'العاصمة']) await found(word);
      assert.deepEqual(await found('العاصمة'), ['a.txt#p1', 'b.txt#p1']);

      await rm(indexDir, { recursive: true, force: true });
      await writeFile(path.join(corpusDir, 'a.txt'), article('الفيل'));
      await writeFile(path.join(corpusDir, 'b.txt'), article('النمر'));
      await buildIndex({ corpusDir, indexDir, embedder: null });
      await live.reindex();

      assert.deepEqual(await found('الفيل'), ['a.txt#p1']);
      assert.deepEqual(await found('النمر'), ['b.txt#p1']);
      assert.deepEqual(await found('العاصمة'), ['a.txt#p1', 'b.txt#p1']);
      assert.deepEqual(await found('الزرافة'), []);
    } finally {
      await live.close();
    }
  });
});
