// The storage backend interface as the embedded backend answers it: filters inside both searches,
// paging, ranges, statistics, and the snapshot's lifetime (shared, released after its last request).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { PassageFilter, SearchBackend } from '../src/backend/backend.ts';
import { openEmbeddedSnapshot } from '../src/backend/embedded/open.ts';
import { tokenize } from '../src/text/tokenize.ts';
import { createFixtureIndex, type FixtureIndex } from './helpers/fixture-index.ts';

let fx: FixtureIndex;
let backend: SearchBackend;

before(async () => {
  fx = await createFixtureIndex();
  backend = fx.handle.current().snapshot.backend;
});
after(() => fx.cleanup());

const ids = (list: ReadonlyArray<{ passage: { id: string } }>) => list.map((h) => h.passage.id);
const docsOf = (list: ReadonlyArray<{ passage: { docId: string } }>) => [...new Set(list.map((h) => h.passage.docId))].sort();

describe('PassageFilter', () => {
  const tokens = tokenize('المياه دمشق');
  const cases: Array<[string, PassageFilter, string[]]> = [
    // ar-water-plan.txt: outlet «صحيفة الوطن», published 2025-03-12; ar-water-reprint.txt: «وكالة سانا», no date.
    ['an outlet', { outlets: ['صحيفة الوطن'] }, ['ar-water-plan.txt#p0', 'ar-water-plan.txt#p2', 'ar-water-plan.txt#p1']],
    [
      'outlets compared folded (ة/ه)',
      { outlets: ['وكالة سانا', 'صحيفه الوطن'] },
      ['ar-water-reprint.txt#p0', 'ar-water-plan.txt#p0', 'ar-water-reprint.txt#p1', 'ar-water-plan.txt#p2', 'ar-water-plan.txt#p1'],
    ],
    ['a publication date range (undated documents are out)', { published: { from: '2025-01-01' } }, ['ar-water-plan.txt#p0', 'ar-water-plan.txt#p2', 'ar-water-plan.txt#p1']],
    ['a mentioned date range', { mentioned: { to: '2025-03-12' } }, ['ar-water-plan.txt#p0', 'ar-water-plan.txt#p2', 'ar-water-plan.txt#p1']],
    ['documents and languages together', { documents: ['ar-water-reprint.txt', 'en-water-brief.txt'], languages: ['ar'] }, ['ar-water-reprint.txt#p0', 'ar-water-reprint.txt#p1']],
    ['a range nothing falls in', { published: { from: '2026-01-01', to: '2026-12-31' } }, []],
  ];
  for (const [name, filter, expected] of cases) {
    it(`narrows lexical and vector search by ${name}`, async () => {
      assert.deepEqual(ids(await backend.lexicalSearch(tokens, 10, filter)), expected);
      // The vector walk returns only passing passages, and as many as pass (the filter is not applied after a cut).
      const vector = await backend.vectorSearch(new Float32Array(64).fill(0.1), 30, filter);
      assert.deepEqual(docsOf(vector), [...new Set(expected.map((id) => id.split('#')[0] ?? ''))].sort());
    });
  }
});

describe('lookups', () => {
  it('lists documents by id in pages, with a cursor and the total', async () => {
    const first = await backend.listDocuments({ limit: 2 });
    assert.deepEqual(first.documents.map((d) => d.id), ['ar-notice-injection.txt', 'ar-water-plan.txt']);
    assert.equal(first.total, 5);
    const second = await backend.listDocuments({ limit: 2, cursor: first.nextCursor ?? '' });
    assert.deepEqual(second.documents.map((d) => d.id), ['ar-water-reprint.txt', 'en-water-brief.txt']);
    const third = await backend.listDocuments({ limit: 2, cursor: second.nextCursor ?? '' });
    assert.deepEqual([third.documents.map((d) => d.id), third.nextCursor], [['fa-tehran-air.txt'], undefined]);
    const persian = await backend.listDocuments({ limit: 10, filter: { languages: ['fa'] } });
    assert.deepEqual([persian.documents.map((d) => d.id), persian.total], [['fa-tehran-air.txt'], 1]);
    await assert.rejects(backend.listDocuments({ limit: 2, cursor: 'not-a-cursor' }), /invalid cursor/);
  });

  it('reads passages by id (in the order asked) and by position range', async () => {
    const got = await backend.passages(['en-water-brief.txt#p2', 'missing.txt#p1', 'en-water-brief.txt#p0']);
    assert.deepEqual(got.map((p) => p?.id), ['en-water-brief.txt#p2', undefined, 'en-water-brief.txt#p0']);
    const range = await backend.passagesOf('ar-water-plan.txt', { start: 1, end: 3 });
    assert.deepEqual(range.map((p) => p.id), ['ar-water-plan.txt#p1', 'ar-water-plan.txt#p2']);
    assert.deepEqual(await backend.passagesOf('ar-water-plan.txt', { start: 4, end: 99 }).then((l) => l.map((p) => p.id)), ['ar-water-plan.txt#p4']);
    assert.deepEqual(await backend.passagesOf('missing.txt'), []);
  });

  it('suggests close document ids', async () => {
    assert.deepEqual(await backend.suggestIds('en-water-brif.txt', 3), ['en-water-brief.txt']);
    assert.deepEqual(await backend.suggestIds('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', 3), []);
  });
});

describe('statistics', () => {
  it('termStats gives the passage count and each token\'s document frequency', async () => {
    assert.deepEqual(await backend.termStats(['دمشق', 'water', 'zzz', 'دمشق']), { passages: 21, df: [5, 2, 0, 5] });
  });

});

describe('IndexSnapshot', () => {
  it('is closed once retired and its last request has ended, not before', async () => {
    const snapshot = await openEmbeddedSnapshot(fx.indexDir);
    const releaseA = snapshot.acquire();
    const releaseB = snapshot.acquire();
    snapshot.retire();
    releaseA();
    releaseA(); // idempotent: one request cannot release another's hold
    assert.equal(snapshot.whenClosed(), null);
    assert.equal(snapshot.inUse, 1);
    releaseB();
    assert.notEqual(snapshot.whenClosed(), null);
    await snapshot.whenClosed();
  });
});
