// The in-process cross-encoder on the tiny generated model (test/fixtures/tiny-reranker), offline.
// Its score is the cosine between the question segment's and the passage segment's summed
// character embeddings, so the expected order is known: a passage that repeats the question ranks
// first, and pairs encoded without their segments (token types) would all score 0.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadTransformers } from '../src/embed/onnx-runtime.ts';
import { createCrossEncoderReranker, encodePairs, scoresFromLogits } from '../src/rerank/cross-encoder.ts';
import { RerankerUnavailableError } from '../src/rerank/reranker.ts';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tiny-reranker');
// Any fetch would be a bug: a folder must never reach the network.
const realFetch = globalThis.fetch;
globalThis.fetch = () => Promise.reject(new Error('network used in an offline test'));
const tmp = mkdtempSync(path.join(tmpdir(), 'sanad-rerank-'));
after(() => {
  globalThis.fetch = realFetch;
  rmSync(tmp, { recursive: true, force: true });
});

const QUERY = 'قاعدة حميميم الجوية';
const PASSAGES = [
  'Harbour cranes idle as dockworkers strike over unpaid wages.',
  'قاعدة حميميم الجوية',
  'آلودگی هوای تهران مدارس را تعطیل کرد',
  'تأمل موسكو في تأمين اتفاقيات لمواصلة تشغيل قاعدة حميميم الجوية وقاعدة طرطوس البحرية.',
];

test('loads the tiny cross-encoder folder offline and ranks the passage that repeats the question first', async () => {
  const logs: string[] = [];
  const r = createCrossEncoderReranker({ model: TINY, onLog: (l) => logs.push(l) });
  assert.deepEqual(r.info, { provider: 'transformers', model: 'tiny-reranker', location: path.resolve(TINY), dtype: 'q8' });
  assert.equal(r.loading?.(), false);
  const scores = await r.score(QUERY, PASSAGES);
  assert.equal(scores.length, 4);
  const order = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s).map((x) => x.i);
  // The identical text, then the Arabic sentence that contains it, before Persian and English.
  assert.deepEqual(order.slice(0, 2), [1, 3]);
  assert.ok((scores[1] ?? 0) > 0.95, `identical text scored ${scores[1]}`);
  assert.ok((scores[0] ?? 1) < 0.3, `unrelated English scored ${scores[0]}`);
  assert.deepEqual(logs.map((l) => l.replace(/\d+ ms$/, 'N ms')), [
    `loading reranker model ${TINY} (q8) from local folder ${path.resolve(TINY)}`,
    'reranker model ready in N ms',
  ]);
  await r.close?.();
  await r.close?.();
});

test('scores do not depend on batching, order or dtype file', async () => {
  const one = createCrossEncoderReranker({ model: TINY, batchSize: 1, dtype: 'fp32' });
  const all = createCrossEncoderReranker({ model: TINY, batchSize: 16 });
  const [a, b] = await Promise.all([one.score(QUERY, PASSAGES), all.score(QUERY, PASSAGES)]);
  for (let i = 0; i < PASSAGES.length; i++) assert.ok(Math.abs((a[i] ?? 0) - (b[i] ?? 0)) < 1e-5, `passage ${i}: ${a[i]} vs ${b[i]}`);
  const reversed = await all.score(QUERY, [...PASSAGES].reverse());
  assert.deepEqual(reversed.map((x) => x.toFixed(5)), [...b].reverse().map((x) => x.toFixed(5)));
  assert.deepEqual(await all.score(QUERY, []), []);
  await Promise.all([one.close?.(), all.close?.()]);
});

test('pairs are encoded with their segments, and a passage too long is cut before its closing token', async () => {
  const { lib } = await loadTransformers(process.env, () => undefined);
  const tok = await lib.AutoTokenizer.from_pretrained(TINY, { local_files_only: true });
  const [sep, cls, pad] = ['[SEP]', '[CLS]', '[PAD]'].map((t) => BigInt(tok.convert_tokens_to_ids(t) as number));
  const rows = (name: string, t: Record<string, { dims: number[]; data: unknown }>) => {
    const x = t[name];
    assert.ok(x);
    const [n = 0, width = 0] = x.dims;
    return Array.from({ length: n }, (_, r) => Array.from((x.data as BigInt64Array).slice(r * width, (r + 1) * width)));
  };
  const short = encodePairs(tok, 'ab', ['cd']);
  assert.deepEqual(rows('token_type_ids', short), [[0n, 0n, 0n, 0n, 1n, 1n, 1n]]);
  const [ids] = rows('input_ids', short);
  assert.deepEqual([ids?.[0], ids?.[3], ids?.at(-1)], [cls, sep, sep]);
  const spaced = (n: number, w: string) => Array.from({ length: n }, () => w).join(' ');
  assert.equal(rows('input_ids', encodePairs(tok, 'ab', [spaced(90, 'x')]))[0]?.length, 95, 'under the limit nothing is cut');
  // A short pair beside one of 700 words: the long one is cut to 512 and closed, the short one padded.
  const mixed = encodePairs(tok, 'ab', ['cd', spaced(700, 'x')]);
  const [shortIds, hugeIds] = rows('input_ids', mixed);
  const hugeTypes = rows('token_type_ids', mixed)[1];
  assert.equal(hugeIds?.length, 512);
  assert.equal(hugeIds?.at(-1), sep, 'the closing separator is kept');
  assert.equal(hugeIds?.at(-2), BigInt(tok.convert_tokens_to_ids('x') as number), 'the passage tail is cut before it');
  assert.equal(hugeTypes?.at(-1), 1n);
  assert.deepEqual([shortIds?.[6], shortIds?.[7], shortIds?.at(-1)], [sep, pad, pad]);
  // A passage of 700 words is cut, not refused, and still read through its segment.
  const r = createCrossEncoderReranker({ model: TINY });
  const [same, other] = await r.score('x', [spaced(700, 'x'), spaced(700, 'م')]);
  assert.ok(Number.isFinite(same) && Number.isFinite(other) && (same ?? 0) > (other ?? 0) + 0.2, `${same} vs ${other}`);
  await r.close?.();
});

test('logits of one or two labels become one score per pair; other shapes are refused', () => {
  assert.deepEqual(scoresFromLogits(new Float32Array([0.5, -1]), [2, 1]), [0.5, -1]);
  assert.deepEqual(scoresFromLogits(new Float32Array([0, 2, 1, -1]), [2, 2]), [2, -2]);
  assert.throws(() => scoresFromLogits(new Float32Array(6), [2, 3]), /logits of shape \[2, 3\]; a reranker returns one score per pair/);
});

test('a missing folder, a missing dtype file and an unknown dtype fail with the reranker flags to fix', async () => {
  const missing = path.join(tmp, 'no-such-reranker');
  const err = await createCrossEncoderReranker({ model: missing })
    .score('q', ['p'])
    .then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof RerankerUnavailableError);
  assert.equal(
    err.message,
    `Cannot load reranker model "${missing}" (dtype q8) from local folder ${missing}: the folder does not exist. ` +
      'Set --rerank-model / SANAD_RERANK_MODEL to a folder holding config.json, tokenizer.json, tokenizer_config.json and ' +
      'onnx/model_quantized.onnx (dtype q8) or onnx/model.onnx (dtype fp32), or to a Hub id such as onnx-community/bge-reranker-v2-m3-ONNX (needs network once).',
  );
  const dir = path.join(tmp, 'fp32-only');
  cpSync(TINY, dir, { recursive: true });
  rmSync(path.join(dir, 'onnx', 'model_quantized.onnx'));
  await assert.rejects(createCrossEncoderReranker({ model: dir }).warmUp?.() ?? Promise.resolve(), {
    name: 'RerankerUnavailableError',
    message: `Cannot load reranker model "${dir}" (dtype q8) from local folder ${dir}: missing onnx/model_quantized.onnx. This folder has dtype fp32: pass --rerank-dtype fp32 (SANAD_RERANK_DTYPE).`,
  });
  assert.throws(() => createCrossEncoderReranker({ model: TINY, dtype: 'q7' }), /Unknown dtype "q7" .*\(--rerank-dtype \/ SANAD_RERANK_DTYPE\)\./);
});

test('offline: a Hub id not in the cache fails without touching the network', async () => {
  const cacheDir = path.join(tmp, 'empty-cache');
  const r = createCrossEncoderReranker({ model: 'onnx-community/bge-reranker-v2-m3-ONNX', cacheDir, env: { HF_HUB_OFFLINE: '1' } });
  await assert.rejects(r.score('q', ['p']), (err: unknown) => {
    assert.ok(err instanceof RerankerUnavailableError);
    assert.ok(
      err.message.startsWith(
        `Cannot load reranker model "onnx-community/bge-reranker-v2-m3-ONNX" (dtype q8) from the Hugging Face Hub (cache: ${cacheDir}; Hub disabled by HF_HUB_OFFLINE=1): not in the cache: `,
      ),
      err.message,
    );
    assert.match(err.message, /or set --rerank-model \/ SANAD_RERANK_MODEL to a local folder with/);
    return true;
  });
});

test('a Hub id already in the cache loads from there with the Hub disabled', async () => {
  const cacheDir = path.join(tmp, 'cache');
  cpSync(TINY, path.join(cacheDir, 'someone', 'tiny-reranker'), { recursive: true });
  const r = createCrossEncoderReranker({ model: 'someone/tiny-reranker', cacheDir, env: { SANAD_OFFLINE: '1' } });
  assert.deepEqual(r.info, { provider: 'transformers', model: 'someone/tiny-reranker', dtype: 'q8' });
  const [same, other] = await r.score(QUERY, [QUERY, 'Harbour cranes']);
  assert.ok((same ?? 0) > (other ?? 0));
  await r.close?.();
});
