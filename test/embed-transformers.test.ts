// Runs the in-process provider (transformers.js on ONNX Runtime) on the tiny generated model
// (test/fixtures/tiny-model), offline. The vectors are meaningless; what is checked is the plumbing,
// and that pooling is what the profile says, against the graph's own token states.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { EmbedderUnavailableError } from '../src/embed/embedder.ts';
import { isBatchInvariant } from '../src/embed/batch-invariance.ts';
import { loadTransformers } from '../src/embed/onnx-runtime.ts';
import { createTransformersEmbedder, looksLikePath, offlineReason } from '../src/embed/transformers.ts';
import { dot } from '../src/embed/vectors.ts';

const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tiny-model');
const TEXTS = [
  'أعلنت روسيا أن قاعدة حميميم الجوية ستبقى.',
  'سلام، حال شما چطور است؟ ۱۴۰۳',
  'Short.',
  'The central bank raised interest rates by a quarter point on Tuesday, surprising markets.',
  'ميناء طرطوس',
];
// Any fetch would be a bug: the folder path must never reach the network.
const realFetch = globalThis.fetch;
globalThis.fetch = () => Promise.reject(new Error('network used in an offline test'));
const tmp = mkdtempSync(path.join(tmpdir(), 'sanad-embed-'));
after(() => {
  globalThis.fetch = realFetch;
  rmSync(tmp, { recursive: true, force: true });
});

function maxDiff(a: Float32Array | undefined, b: Float32Array | undefined): number {
  assert.ok(a && b && a.length === b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

test('loads the tiny model folder offline: unit vectors of dimension 32, info from the folder', async () => {
  const logs: string[] = [];
  const e = createTransformersEmbedder({ model: TINY, onLog: (l) => logs.push(l) });
  assert.deepEqual(e.info, {
    provider: 'transformers',
    model: 'tiny-model',
    location: path.resolve(TINY),
    dtype: 'q8',
    queryPrefix: '',
    passagePrefix: '',
  });
  assert.equal(await e.dimension(), 32);
  const vectors = await e.embedPassages(TEXTS);
  assert.equal(vectors.length, TEXTS.length);
  for (const v of vectors) {
    assert.equal(v.length, 32);
    assert.ok(Math.abs(dot(v, v) - 1) < 1e-5);
  }
  assert.match(logs[0] ?? '', /no built-in profile/);
  assert.match(logs[1] ?? '', /^loading embedding model .*tiny-model \(q8\) from local folder /);
  assert.match(logs[2] ?? '', /^embedding model ready in \d+ ms$/);
  assert.equal(logs.length, 3);
  await e.close?.();
  await e.close?.();
});

test('a vector is the mean of the graph\'s token states over the real tokens (or the first token for cls), normalised', async () => {
  // The reference: the tokenizer's ids for one text alone (no padding), the graph run directly on
  // ONNX Runtime, pooled and normalised here in double precision.
  const { lib } = await loadTransformers(process.env, () => undefined);
  const tokenizer = await lib.AutoTokenizer.from_pretrained(TINY, { local_files_only: true });
  const ort = createRequire(import.meta.url)('onnxruntime-node') as typeof import('onnxruntime-common');
  const session = await ort.InferenceSession.create(path.join(TINY, 'onnx', 'model.onnx'));
  const reference = async (text: string, pooling: 'mean' | 'cls'): Promise<Float32Array> => {
    const ids = (tokenizer(text, { return_tensor: false }).input_ids as number[]).map(BigInt);
    const shape = [1, ids.length];
    const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids), shape),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape),
    };
    if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(ids.length), shape);
    const out = (await session.run(feeds))[session.outputNames[0] ?? ''];
    assert.ok(out);
    const [, tokens = 0, width = 0] = out.dims;
    const states = out.data as Float32Array;
    const sum = new Float64Array(width);
    for (let t = 0; t < (pooling === 'cls' ? 1 : tokens); t++) for (let j = 0; j < width; j++) sum[j] = (sum[j] ?? 0) + (states[t * width + j] ?? 0);
    const norm = Math.hypot(...sum);
    return Float32Array.from(sum, (x) => x / norm);
  };
  for (const pooling of ['mean', 'cls'] as const) {
    const e = createTransformersEmbedder({ model: TINY, dtype: 'fp32', profile: { pooling } });
    // Embedded together: the shorter texts are padded, and padding must not count.
    const vectors = await e.embedPassages(TEXTS);
    for (const [i, text] of TEXTS.entries()) assert.ok(maxDiff(vectors[i], await reference(text, pooling)) < 1e-6, `${pooling}: ${text}`);
    await e.close?.();
  }
  // The two poolings differ on this model, so the check above tells them apart.
  assert.ok(maxDiff(await reference(TEXTS[0] ?? '', 'mean'), await reference(TEXTS[0] ?? '', 'cls')) > 0.01);
  await session.release();
});

test('deterministic across instances and dtypes (q8 and fp32 files are the same graph)', async () => {
  const a = createTransformersEmbedder({ model: TINY, dtype: 'q8' });
  const b = createTransformersEmbedder({ model: TINY, dtype: 'fp32' });
  const [va, vb] = await Promise.all([a.embedPassages(TEXTS), b.embedPassages(TEXTS)]);
  assert.deepEqual(va, vb);
  assert.deepEqual(await a.embedPassages(TEXTS), va);
});

test('batched equals one-by-one, in input order, with progress per batch', async () => {
  const e = createTransformersEmbedder({ model: TINY, batchSize: 2 });
  const progress: string[] = [];
  const batched = await e.embedPassages(TEXTS, (p) => progress.push(`${p.done}/${p.total}`));
  assert.deepEqual(progress, ['2/5', '4/5', '5/5']);
  for (let i = 0; i < TEXTS.length; i++) {
    const [single] = await e.embedPassages([TEXTS[i] ?? '']);
    assert.ok(maxDiff(batched[i], single) < 1e-5, `text ${i} differs between batched and single`);
  }
  // Different texts must give different vectors, or the order check above proves nothing.
  assert.ok(maxDiff(batched[0], batched[4]) > 0.05);
});

test('prefixes apply: query and passage vectors of one text differ, and match a manual prefix', async () => {
  const e = createTransformersEmbedder({ model: TINY, profile: { queryPrefix: 'query: ', passagePrefix: 'passage: ' } });
  assert.equal(e.info.queryPrefix, 'query: ');
  const text = TEXTS[0] ?? '';
  const [q] = await e.embedQueries([text]);
  const [p] = await e.embedPassages([text]);
  assert.ok(maxDiff(q, p) > 0.05);
  const plain = createTransformersEmbedder({ model: TINY });
  const [manual] = await plain.embedPassages([`query: ${text}`]);
  assert.ok(maxDiff(q, manual) < 1e-6);
});

test('a folder named like an e5 model gets the e5 prefixes', async () => {
  const dir = path.join(tmp, 'multilingual-e5-small');
  cpSync(TINY, dir, { recursive: true });
  const e = createTransformersEmbedder({ model: dir });
  assert.deepEqual([e.info.model, e.info.queryPrefix, e.info.passagePrefix], ['multilingual-e5-small', 'query: ', 'passage: ']);
  assert.equal(await e.dimension(), 32);
});

test('concurrent first calls share one load', async () => {
  const logs: string[] = [];
  const e = createTransformersEmbedder({ model: TINY, onLog: (l) => logs.push(l) });
  const [d, q, p] = await Promise.all([e.dimension(), e.embedQueries(['a']), e.embedPassages(['b', 'c'])]);
  assert.deepEqual([d, q.length, p.length], [32, 1, 2]);
  assert.equal(logs.filter((l) => l.startsWith('loading embedding model')).length, 1);
});

test('empty input returns [] without loading anything', async () => {
  const logs: string[] = [];
  const e = createTransformersEmbedder({ model: path.join(tmp, 'does-not-exist'), onLog: (l) => logs.push(l) });
  assert.deepEqual(await e.embedPassages([]), []);
  assert.equal(logs.some((l) => l.startsWith('loading')), false);
});

test('a missing folder gives a clear EmbedderUnavailableError', async () => {
  const missing = path.join(tmp, 'no-such-model');
  const e = createTransformersEmbedder({ model: missing });
  await assert.rejects(e.dimension(), (err: unknown) => {
    assert.ok(err instanceof EmbedderUnavailableError);
    assert.equal(
      err.message,
      `Cannot load embedding model "${missing}" (dtype q8) from local folder ${missing}: the folder does not exist. ` +
        'Set --model / SANAD_MODEL to a folder holding config.json, tokenizer.json, tokenizer_config.json and ' +
        'onnx/model_quantized.onnx (dtype q8) or onnx/model.onnx (dtype fp32), or to a Hub id such as ' +
        'Xenova/multilingual-e5-small (needs network once).',
    );
    return true;
  });
});

test('a folder without the dtype file names what is missing and the dtype it has', async () => {
  const dir = path.join(tmp, 'fp32-only');
  cpSync(TINY, dir, { recursive: true });
  rmSync(path.join(dir, 'onnx', 'model_quantized.onnx'));
  const e = createTransformersEmbedder({ model: dir });
  await assert.rejects(e.embedQueries(['x']), {
    name: 'EmbedderUnavailableError',
    message: `Cannot load embedding model "${dir}" (dtype q8) from local folder ${dir}: missing onnx/model_quantized.onnx. This folder has dtype fp32: pass --dtype fp32 (SANAD_DTYPE).`,
  });
  assert.equal(await createTransformersEmbedder({ model: dir, dtype: 'fp32' }).dimension(), 32);
});

test('a broken model file gives the underlying reason in one line and how to fix it', async () => {
  const dir = path.join(tmp, 'broken');
  cpSync(TINY, dir, { recursive: true });
  writeFileSync(path.join(dir, 'onnx', 'model_quantized.onnx'), 'not an onnx graph');
  const e = createTransformersEmbedder({ model: dir });
  await assert.rejects(e.dimension(), (err: unknown) => {
    assert.ok(err instanceof EmbedderUnavailableError);
    assert.ok(err.message.startsWith(`Cannot load embedding model "${dir}" (dtype q8) from local folder ${dir}: `), err.message);
    assert.ok(err.message.endsWith('Check that the folder holds config.json, tokenizer.json, tokenizer_config.json and onnx/model_quantized.onnx (dtype q8) or onnx/model.onnx (dtype fp32), or set --model / SANAD_MODEL to one that does.'), err.message);
    assert.equal(err.message.includes('\n'), false);
    return true;
  });
});

test('offline: a Hub id not in the cache fails without touching the network', async () => {
  const cacheDir = path.join(tmp, 'empty-cache');
  const e = createTransformersEmbedder({ model: 'Xenova/not-cached-model', cacheDir, env: { SANAD_OFFLINE: '1' } });
  await assert.rejects(e.dimension(), (err: unknown) => {
    assert.ok(err instanceof EmbedderUnavailableError);
    assert.ok(
      err.message.startsWith(
        `Cannot load embedding model "Xenova/not-cached-model" (dtype q8) from the Hugging Face Hub (cache: ${cacheDir}; Hub disabled by SANAD_OFFLINE=1): `,
      ),
      err.message,
    );
    assert.ok(err.message.endsWith('Run once with network access to huggingface.co (without SANAD_OFFLINE=1) so the model is cached, or set --model / SANAD_MODEL to a local folder with config.json, tokenizer.json, tokenizer_config.json and onnx/model_quantized.onnx (dtype q8) or onnx/model.onnx (dtype fp32).'), err.message);
    return true;
  });
});

test('an unknown dtype is refused at creation', () => {
  assert.throws(() => createTransformersEmbedder({ model: TINY, dtype: 'q7' }), {
    name: 'EmbedderUnavailableError',
    message: 'Unknown dtype "q7" for model "' + TINY + '": use one of fp32, fp16, q8, int8, uint8, q4, bnb4, q4f16 (--dtype / SANAD_DTYPE).',
  });
});

test('offlineReason and looksLikePath', () => {
  assert.equal(offlineReason({ HF_HUB_OFFLINE: '1' }), 'HF_HUB_OFFLINE=1');
  assert.equal(offlineReason({ SANAD_OFFLINE: 'true', HF_HUB_OFFLINE: '1' }), 'SANAD_OFFLINE=true');
  assert.equal(offlineReason({ HF_HUB_OFFLINE: '0' }), undefined);
  assert.deepEqual(
    ['Xenova/multilingual-e5-small', 'bge-m3', './models/e5', '/abs/model', 'a/b/c', '~/m', TINY].map(looksLikePath),
    [false, false, true, true, true, true, true],
  );
});

test('batch invariance is measured: a float graph keeps batching, a per-batch scale is detected', async () => {
  const e = createTransformersEmbedder({ model: TINY, dtype: 'fp32' });
  const logs: string[] = [];
  const logged = createTransformersEmbedder({ model: TINY, dtype: 'fp32', onLog: (l) => logs.push(l) });
  await logged.embedPassages(['x']);
  assert.ok(!logs.some((l) => l.includes('another vector when it shares a batch')));
  // Int8 models quantize a batch's activations with one scale: a vector then depends on its batch-mates.
  const perBatchScale = async (texts: string[]) => {
    const scale = Math.max(...texts.map((t) => t.length));
    return texts.map((t) => Float32Array.from([t.length / scale, 1 - t.length / scale]));
  };
  assert.equal(await isBatchInvariant(perBatchScale), false);
  assert.equal(await isBatchInvariant((texts) => e.embedPassages(texts)), true);
  await e.close?.();
  await logged.close?.();
});
