import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFakeEmbedder, fakeTokens } from '../src/embed/fake.ts';
import { dot } from '../src/embed/vectors.ts';

const passages = [
  'أعلنت وزارة الدفاع الروسية أن قاعدة حميميم الجوية وميناء طرطوس سيبقيان في سوريا.', // 0: Russian bases
  'ارتفعت أسعار النفط في الأسواق العالمية بعد قرار أوبك خفض الإنتاج.', // 1: oil prices
  'تیم ملی فوتبال ایران در مسابقات جام جهانی به مرحله بعد رسید.', // 2: Persian, football
  'The central bank raised interest rates by a quarter point on Tuesday.', // 3: English, rates
];

function rank(query: Float32Array, vectors: Float32Array[]): number[] {
  return vectors
    .map((v, i) => ({ i, s: dot(query, v) }))
    .sort((a, b) => b.s - a.s)
    .map((x) => x.i);
}

test('fake embedder: info, dimension and unit vectors', async () => {
  const e = createFakeEmbedder();
  assert.deepEqual(e.info, { provider: 'fake', model: 'fake-hash-64', queryPrefix: '', passagePrefix: '' });
  assert.equal(await e.dimension(), 64);
  const [v] = await e.embedPassages([passages[0] ?? '']);
  assert.equal(v?.length, 64);
  assert.ok(Math.abs(dot(v ?? new Float32Array(), v ?? new Float32Array()) - 1) < 1e-6);
});

test('fake embedder: deterministic across instances, and query/passage of one text agree', async () => {
  const a = await createFakeEmbedder({ dimension: 32 }).embedPassages(passages);
  const b = await createFakeEmbedder({ dimension: 32 }).embedPassages(passages);
  assert.deepEqual(a, b);
  const [q] = await createFakeEmbedder({ dimension: 32 }).embedQueries([passages[1] ?? '']);
  assert.deepEqual(q, a[1]);
});

test('fake embedder: a query sharing words with a passage ranks it first', async () => {
  const e = createFakeEmbedder();
  const vectors = await e.embedPassages(passages);
  const queries = await e.embedQueries([
    'قاعدة حميميم وطرطوس', // clitic و attached: trigrams still match
    'أسعار النفط', //
    'جام جهانی فوتبال',
    'interest rates central bank',
  ]);
  assert.deepEqual(
    queries.map((q) => rank(q, vectors)[0]),
    [0, 1, 2, 3],
  );
});

test('fake embedder: folding makes diacritics and letter variants irrelevant', async () => {
  const e = createFakeEmbedder();
  const [plain, marked] = await e.embedQueries(['كتاب يوسف', 'كِتَابٌ يُوسُف']);
  assert.deepEqual(plain, marked);
  assert.deepEqual(fakeTokens('Hello, WORLD! ٣ ۴'), ['hello', 'world', '3', '4']);
});

test('fake embedder: progress per batch and counters', async () => {
  const e = createFakeEmbedder({ batchSize: 3 });
  const seen: string[] = [];
  await e.embedPassages(['a', 'b', 'c', 'd', 'e', 'f', 'g'], (p) => seen.push(`${p.done}/${p.total}`));
  await e.embedQueries(['x']);
  assert.deepEqual(seen, ['3/7', '6/7', '7/7']);
  assert.deepEqual(e.stats, { queryTexts: 1, passageTexts: 7, calls: 2 });
});

test('fake embedder: empty text gives a zero vector, not NaN', async () => {
  const [v] = await createFakeEmbedder({ dimension: 8 }).embedQueries(['  ...  ']);
  assert.deepEqual(v, new Float32Array(8));
});

test('fake embedder: rejects a silly dimension', () => {
  assert.throws(() => createFakeEmbedder({ dimension: 1 }), /dimension must be an integer >= 2/);
});
