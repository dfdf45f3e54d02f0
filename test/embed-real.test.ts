// Optional check with a real multilingual-e5 model folder: set SANAD_TEST_MODEL_DIR to it
// (config.json, tokenizer.json, tokenizer_config.json, onnx/model_quantized.onnx). Skipped
// otherwise, since the model is ~120 MB and cannot be shipped with the tests.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createTransformersEmbedder } from '../src/embed/transformers.ts';
import { dot } from '../src/embed/vectors.ts';

const dir = process.env.SANAD_TEST_MODEL_DIR;
const skip =
  dir === undefined || dir === ''
    ? 'SANAD_TEST_MODEL_DIR is not set (point it at a multilingual-e5-small folder to run this check)'
    : !existsSync(path.join(dir, 'config.json'))
      ? `SANAD_TEST_MODEL_DIR=${dir} has no config.json`
      : false;

test('real e5: an English question about Russian bases in Syria finds the Arabic Hmeimim/Tartus sentence', { skip }, async () => {
  const e = createTransformersEmbedder({
    model: dir ?? '',
    dtype: process.env.SANAD_TEST_MODEL_DTYPE ?? 'q8',
    // The folder may be named anything; the profile must be e5's either way.
    profile: { queryPrefix: 'query: ', passagePrefix: 'passage: ' },
  });
  const passages = [
    // corpus/000: Moscow hopes to keep Hmeimim air base and the Tartus naval base in Syria.
    'تأمل موسكو، على وجه الخصوص، في تأمين اتفاقيات لمواصلة تشغيل قاعدة حميميم الجوية وقاعدة طرطوس البحرية على ساحل البحر الأبيض المتوسط في سوريا، حيث لا تزال القوات الروسية موجودة.',
    // Unrelated: oil prices after an OPEC decision.
    'ارتفعت أسعار النفط في الأسواق العالمية بعد قرار منظمة أوبك خفض الإنتاج للشهر الثالث على التوالي.',
    // Unrelated, Persian: the national football team advanced in the World Cup.
    'تیم ملی فوتبال ایران در مسابقات جام جهانی به مرحله بعد صعود کرد.',
  ];
  const [q] = await e.embedQueries(['Which military bases does Russia want to keep in Syria?']);
  const vectors = await e.embedPassages(passages);
  assert.ok(q);
  assert.equal(q.length, 384);
  const scores = vectors.map((v) => dot(q, v));
  const best = scores.indexOf(Math.max(...scores));
  assert.equal(best, 0, `scores ${scores.map((s) => s.toFixed(3)).join(', ')}`);
  assert.ok((scores[0] ?? 0) - Math.max(scores[1] ?? 0, scores[2] ?? 0) > 0.02, `margin too small: ${scores.join(', ')}`);
  await e.close?.();
});
