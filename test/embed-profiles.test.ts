import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knownProfile, modelBaseName, resolveProfile } from '../src/embed/profiles.ts';

test('modelBaseName strips organisation, folder parents, Ollama tags and case', () => {
  assert.equal(modelBaseName('intfloat/multilingual-e5-small'), 'multilingual-e5-small');
  assert.equal(modelBaseName('/work/models/Multilingual-E5-Base/'), 'multilingual-e5-base');
  assert.equal(modelBaseName('nomic-embed-text:latest'), 'nomic-embed-text');
  assert.equal(modelBaseName('C:\\models\\LaBSE'), 'labse');
});

test('known families get their prefixes and pooling', () => {
  const cases: [string, string, string, string, string][] = [
    // model, family, query prefix, passage prefix, pooling
    ['intfloat/multilingual-e5-small', 'e5', 'query: ', 'passage: ', 'mean'],
    ['Xenova/multilingual-e5-base', 'e5', 'query: ', 'passage: ', 'mean'],
    ['intfloat/multilingual-e5-large', 'e5', 'query: ', 'passage: ', 'mean'],
    ['intfloat/e5-small-v2', 'e5', 'query: ', 'passage: ', 'mean'],
    ['/work/models/multilingual-e5-small', 'e5', 'query: ', 'passage: ', 'mean'],
    ['BAAI/bge-m3', 'bge-m3', '', '', 'cls'],
    ['bge-m3:latest', 'bge-m3', '', '', 'cls'],
    ['nomic-embed-text', 'nomic-embed-text', 'search_query: ', 'search_document: ', 'mean'],
    ['nomic-ai/nomic-embed-text-v1.5', 'nomic-embed-text', 'search_query: ', 'search_document: ', 'mean'],
    ['thenlper/gte-small', 'gte', '', '', 'mean'],
    ['Alibaba-NLP/gte-multilingual-base', 'gte', '', '', 'cls'],
    ['sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2', 'paraphrase-multilingual', '', '', 'mean'],
    ['Xenova/LaBSE', 'labse', '', '', 'cls'],
  ];
  for (const [model, family, q, p, pooling] of cases) {
    const k = knownProfile(model);
    assert.deepEqual(
      k && [k.family, k.profile.queryPrefix, k.profile.passagePrefix, k.profile.pooling],
      [family, q, p, pooling],
      model,
    );
  }
});

test('names that merely contain "e5" or "gte" elsewhere are not matched', () => {
  assert.equal(knownProfile('BAAI/bge-large-en-v1.5')?.family, 'bge-en');
  assert.equal(knownProfile('some-org/e55-model'), undefined);
  assert.equal(knownProfile('my-gte'), undefined);
});

test('e5 instruct models put the instruction on queries only', () => {
  const k = knownProfile('intfloat/multilingual-e5-large-instruct');
  assert.equal(k?.family, 'e5-instruct');
  assert.equal(k?.profile.passagePrefix, '');
  assert.match(k?.profile.queryPrefix ?? '', /^Instruct: .*\nQuery: $/);
});

test('transformers: an unknown model gets no prefixes, mean pooling and a warning', () => {
  const r = resolveProfile('acme/secret-embedder', 'transformers');
  assert.deepEqual(r.profile, { queryPrefix: '', passagePrefix: '', pooling: 'mean', normalize: true });
  assert.equal(r.known, false);
  assert.equal(r.family, 'unknown');
  assert.match(r.warning ?? '', /acme\/secret-embedder.*no built-in profile.*--query-prefix/);
});

test('transformers: explicit prefixes override, undefined fields do not erase defaults', () => {
  const r = resolveProfile('intfloat/multilingual-e5-small', 'transformers', {
    queryPrefix: 'Q: ',
    passagePrefix: undefined,
  });
  assert.deepEqual(r.profile, { queryPrefix: 'Q: ', passagePrefix: 'passage: ', pooling: 'mean', normalize: true });
  assert.equal(r.warning, undefined);
});

test('openai: no prefixes by default even for e5, with a warning that says how to add them', () => {
  const r = resolveProfile('intfloat/multilingual-e5-small', 'openai');
  assert.equal(r.profile.queryPrefix, '');
  assert.equal(r.profile.passagePrefix, '');
  assert.equal(r.family, 'e5');
  assert.match(r.warning ?? '', /--query-prefix "query: " --passage-prefix "passage: "/);
});

test('openai: explicit prefixes are used and silence the warning; unknown models do not warn', () => {
  const r = resolveProfile('nomic-embed-text', 'openai', { queryPrefix: 'search_query: ', passagePrefix: 'search_document: ' });
  assert.equal(r.profile.queryPrefix, 'search_query: ');
  assert.equal(r.profile.passagePrefix, 'search_document: ');
  assert.equal(r.warning, undefined);
  assert.equal(resolveProfile('text-embedding-3-small', 'openai').warning, undefined);
});
