// Reranker settings from flags and the environment: off by default, every problem listed at once
// with the flag or variable to fix, keys read from a named variable and never shown.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { createRerankStage, RerankerConfigError, resolveRerankerConfig } from '../src/rerank/config.ts';

const KEY = 'rk-live-5b1f0e9c';

function problems(flags: Record<string, string>, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    resolveRerankerConfig(flags, env);
  } catch (err) {
    assert.ok(err instanceof RerankerConfigError);
    return err.problems;
  }
  assert.fail('expected invalid settings');
}

test('off unless a provider is named', () => {
  assert.deepEqual(resolveRerankerConfig({}, {}), { provider: 'none' });
  assert.deepEqual(resolveRerankerConfig({ 'rerank-provider': 'none' }, { SANAD_CACHE_DIR: '/c' }), { provider: 'none' });
  assert.equal(createRerankStage({ provider: 'none' }), null);
});

test('http: flags win over variables; defaults for the format, top and time limit; the key comes from its variable', () => {
  const config = resolveRerankerConfig(
    { 'rerank-provider': 'http', 'rerank-url': 'http://127.0.0.1:8080', 'rerank-top': '12' },
    { SANAD_RERANK_URL: 'http://elsewhere:1', SANAD_RERANK_MODEL: 'bge-reranker-v2-m3', SANAD_RERANK_API_KEY: KEY },
  );
  assert.equal(config.provider, 'http');
  if (config.provider !== 'http') return;
  assert.deepEqual(
    { ...config, apiKey: config.apiKey?.reveal() },
    {
      provider: 'http',
      baseUrl: 'http://127.0.0.1:8080',
      api: 'cohere',
      model: 'bge-reranker-v2-m3',
      apiKey: KEY,
      apiKeyEnv: 'SANAD_RERANK_API_KEY',
      top: 12,
      timeoutMs: 15_000,
    },
  );
  assert.equal(inspect(config).includes(KEY), false);
  assert.equal(JSON.stringify(config).includes(KEY), false);
  const stage = createRerankStage(config);
  assert.equal(stage?.top, 12);
  assert.equal(stage?.description, 'http cohere bge-reranker-v2-m3 at http://127.0.0.1:8080/rerank');
});

test('http: tei format, another key variable, batch size and time limit from the environment', () => {
  const config = resolveRerankerConfig(
    { 'rerank-api-key-env': 'COHERE_API_KEY' },
    {
      SANAD_RERANK_PROVIDER: 'http',
      SANAD_RERANK_URL: 'http://tei:80',
      SANAD_RERANK_API: 'tei',
      SANAD_RERANK_TIMEOUT: '2500',
      SANAD_RERANK_BATCH_SIZE: '16',
      COHERE_API_KEY: KEY,
    },
  );
  assert.ok(config.provider === 'http');
  assert.deepEqual([config.api, config.apiKeyEnv, config.apiKey?.reveal(), config.timeoutMs, config.batchSize], ['tei', 'COHERE_API_KEY', KEY, 2500, 16]);
});

test('transformers: model and dtype, the shared cache folder', () => {
  assert.deepEqual(
    resolveRerankerConfig({ 'rerank-provider': 'transformers', 'rerank-model': './rerankers/bge', 'rerank-dtype': 'fp32', 'cache-dir': '/models' }, {}),
    { provider: 'transformers', model: './rerankers/bge', dtype: 'fp32', cacheDir: '/models', top: 30, timeoutMs: 15_000 },
  );
});

test('every problem at once, naming the flag or variable; a pasted key is never echoed', () => {
  assert.deepEqual(
    problems({ 'rerank-provider': 'http', 'rerank-top': '500', 'rerank-api': 'openai', 'rerank-dtype': 'q8', 'rerank-api-key-env': KEY }, { SANAD_RERANK_TIMEOUT: '5' }),
    [
      '--rerank-dtype applies to --rerank-provider transformers, not http',
      '--rerank-top must be a whole number from 1 to 200 (got "500")',
      'SANAD_RERANK_TIMEOUT must be a time in ms from 100 to 600000 (got "5")',
      '--rerank-provider http needs --rerank-url / SANAD_RERANK_URL, e.g. http://127.0.0.1:8080 (a TEI or Cohere-compatible server)',
      '--rerank-api must be one of cohere, tei (got "openai")',
      '--rerank-api-key-env must be the NAME of an environment variable (like SANAD_RERANK_API_KEY), not a key',
    ],
  );
  assert.deepEqual(problems({ 'rerank-provider': 'transformers', 'rerank-url': 'http://x' }), [
    '--rerank-url applies to --rerank-provider http, not transformers',
    '--rerank-provider transformers needs --rerank-model / SANAD_RERANK_MODEL: a Hub id (e.g. onnx-community/bge-reranker-v2-m3-ONNX) or a local cross-encoder folder',
  ]);
  assert.deepEqual(problems({ 'rerank-provider': 'cohere' }), ['--rerank-provider must be one of none, http, transformers (got "cohere")']);
  assert.deepEqual(problems({ 'rerank-provider': 'http', 'rerank-url': 'localhost:8080', 'rerank-api-key-env': 'MISSING_KEY' }), [
    '--rerank-url must be an http(s) URL such as http://127.0.0.1:8080 (got "localhost:8080")',
    '--rerank-api-key-env names MISSING_KEY, but MISSING_KEY is not set',
  ]);
});

test('a reranker setting without a provider is an error, not silently ignored', () => {
  assert.deepEqual(problems({}, { SANAD_RERANK_MODEL: 'bge-reranker-v2-m3' }), [
    'SANAD_RERANK_MODEL is set but reranking is off: add --rerank-provider http or transformers (SANAD_RERANK_PROVIDER)',
  ]);
  assert.equal(new RerankerConfigError(['a', 'b']).message, 'invalid reranking settings:\n  - a\n  - b');
});
