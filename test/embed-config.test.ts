import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inspect } from 'node:util';
import { createEmbedder, describeEmbedder, EmbedderConfigError, resolveEmbedderConfig, Secret } from '../src/embed/config.ts';

const KEY = 'sk-config-test-0123456789';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EmbedderConfigError, String(err));
    assert.equal(err.message, `invalid embedding settings:\n  - ${err.problems.join('\n  - ')}`);
    return err.problems;
  }
  assert.fail('expected an EmbedderConfigError');
}

test('defaults: transformers, multilingual-e5-small, q8, no overrides', () => {
  assert.deepEqual(resolveEmbedderConfig({}, { XDG_CACHE_HOME: '/xdg' }), {
    provider: 'transformers',
    model: 'Xenova/multilingual-e5-small',
    dtype: 'q8',
    cacheDir: '/xdg/sanad/models',
    profile: {},
  });
});

test('environment fills in, flags win over it', () => {
  const env = { SANAD_MODEL: '/models/e5', SANAD_DTYPE: 'fp32', SANAD_BATCH_SIZE: '8', SANAD_CACHE_DIR: '/cache' };
  assert.deepEqual(resolveEmbedderConfig({ dtype: 'q8', 'batch-size': '24' }, env), {
    provider: 'transformers',
    model: '/models/e5',
    dtype: 'q8',
    batchSize: 24,
    cacheDir: '/cache',
    profile: {},
  });
});

test('an empty prefix flag means "no prefix"; an empty prefix variable counts as unset', () => {
  const c = resolveEmbedderConfig({ 'query-prefix': '' }, { SANAD_QUERY_PREFIX: 'q: ', SANAD_PASSAGE_PREFIX: '' });
  assert.deepEqual(c.provider === 'transformers' && c.profile, { queryPrefix: '' });
  const d = resolveEmbedderConfig({ '--passage-prefix': 'doc: ' }, { SANAD_QUERY_PREFIX: 'q: ' });
  assert.deepEqual(d.provider === 'transformers' && d.profile, { queryPrefix: 'q: ', passagePrefix: 'doc: ' });
});

test('openai: URL, model, timeout and the key from SANAD_API_KEY, kept as a Secret', () => {
  const c = resolveEmbedderConfig(
    { provider: 'openai', 'embed-url': 'http://127.0.0.1:11434/v1', model: 'nomic-embed-text', 'embed-timeout': '5000' },
    { SANAD_API_KEY: KEY, OPENAI_API_KEY: 'other' },
  );
  assert.equal(c.provider, 'openai');
  assert.ok(c.provider === 'openai' && c.apiKey instanceof Secret);
  assert.equal(c.provider === 'openai' && c.apiKey?.reveal(), KEY);
  assert.equal(
    JSON.stringify(c),
    '{"provider":"openai","baseUrl":"http://127.0.0.1:11434/v1","model":"nomic-embed-text","apiKeyEnv":"SANAD_API_KEY","profile":{},"apiKey":"[redacted]","timeoutMs":5000}',
  );
  assert.equal(inspect(c).includes(KEY), false);
  assert.equal(String(c.provider === 'openai' && c.apiKey), '[redacted]');
});

test('openai: OPENAI_API_KEY as a fallback, --api-key-env for any other variable, no key at all is fine', () => {
  const base = { provider: 'openai', 'embed-url': 'https://api.example.com/v1', model: 'text-embedding-3-small' };
  const a = resolveEmbedderConfig(base, { OPENAI_API_KEY: KEY });
  assert.deepEqual(a.provider === 'openai' && [a.apiKeyEnv, a.apiKey?.reveal()], ['OPENAI_API_KEY', KEY]);
  const b = resolveEmbedderConfig({ ...base, 'api-key-env': 'MY_KEY' }, { MY_KEY: KEY, SANAD_API_KEY: 'x' });
  assert.deepEqual(b.provider === 'openai' && [b.apiKeyEnv, b.apiKey?.reveal()], ['MY_KEY', KEY]);
  const c = resolveEmbedderConfig(base, {});
  assert.deepEqual(c.provider === 'openai' && [c.apiKeyEnv, c.apiKey], ['SANAD_API_KEY', undefined]);
});

test('openai: missing URL and model, unset key variable, a key pasted as the variable name', () => {
  assert.deepEqual(problems(() => resolveEmbedderConfig({ provider: 'openai', 'api-key-env': 'NOPE' }, {})), [
    'provider openai needs --embed-url / SANAD_EMBED_URL, e.g. http://127.0.0.1:11434/v1 for Ollama',
    'provider openai needs --model / SANAD_MODEL naming the model on the server (e.g. nomic-embed-text)',
    '--api-key-env names NOPE, but NOPE is not set',
  ]);
  const pasted = problems(() =>
    resolveEmbedderConfig({ provider: 'openai', 'embed-url': 'http://h/v1', model: 'm', 'api-key-env': KEY.replace(/-/g, '.') }, {}),
  );
  assert.deepEqual(pasted, ['--api-key-env must be the NAME of an environment variable (like SANAD_API_KEY), not a key']);
  const underscored = problems(() =>
    resolveEmbedderConfig({ provider: 'openai', 'embed-url': 'http://h/v1', model: 'm', 'api-key-env': 'sk_live_abc123' }, {}),
  );
  assert.deepEqual(underscored, ['--api-key-env names a variable, but it is not set']);
});

test('bad values are all reported at once, naming where they came from', () => {
  assert.deepEqual(
    problems(() => resolveEmbedderConfig({ provider: 'tranformers', 'batch-size': '0' }, { SANAD_DTYPE: 'q7' })),
    [
      '--provider must be one of transformers, openai, fake (got "tranformers")',
      '--batch-size must be a whole number from 1 to 4096 (got "0")',
      'SANAD_DTYPE must be one of fp32, fp16, q8, int8, uint8, q4, bnb4, q4f16 (got "q7")',
    ],
  );
  assert.deepEqual(
    problems(() =>
      resolveEmbedderConfig(
        { provider: 'openai', model: 'm', 'embed-timeout': '5s' },
        { SANAD_EMBED_URL: `ftp://h/v1?key=${KEY}`, SANAD_BATCH_SIZE: '1.5' },
      ),
    ),
    [
      'SANAD_BATCH_SIZE must be a whole number from 1 to 4096 (got "1.5")',
      'SANAD_EMBED_URL must be an http(s) URL such as http://127.0.0.1:11434/v1 (got "ftp://h/v1?key=***")',
      '--embed-timeout must be a time in ms from 100 to 3600000 (got "5s")',
    ],
  );
});

test('createEmbedder builds each provider without loading anything', async () => {
  const t = createEmbedder(resolveEmbedderConfig({}, {}));
  assert.deepEqual(t.info, {
    provider: 'transformers',
    model: 'Xenova/multilingual-e5-small',
    dtype: 'q8',
    queryPrefix: 'query: ',
    passagePrefix: 'passage: ',
  });
  const logs: string[] = [];
  const o = createEmbedder(
    resolveEmbedderConfig({ provider: 'openai', 'embed-url': 'http://127.0.0.1:1/v1', model: 'intfloat/multilingual-e5-small' }, { SANAD_API_KEY: KEY }),
    { onLog: (l) => logs.push(l) },
  );
  assert.deepEqual(o.info, { provider: 'openai', model: 'intfloat/multilingual-e5-small', queryPrefix: '', passagePrefix: '' });
  assert.equal(logs.length, 1);
  assert.match(logs[0] ?? '', /--query-prefix "query: "/);
  const f = createEmbedder(resolveEmbedderConfig({ provider: 'fake' }, { SANAD_FAKE_DIMENSION: '16' }));
  assert.equal(await f.dimension(), 16);
});

test('describeEmbedder', () => {
  assert.equal(
    describeEmbedder({ provider: 'transformers', model: 'Xenova/multilingual-e5-small', dtype: 'q8', queryPrefix: 'query: ', passagePrefix: 'passage: ' }),
    'transformers Xenova/multilingual-e5-small (q8); prefixes query "query: ", passage "passage: "',
  );
  assert.equal(describeEmbedder({ provider: 'openai', model: 'bge-m3', queryPrefix: '', passagePrefix: '' }), 'openai bge-m3; no prefixes');
});
