// Hub downloads and the runtime override, against a local HTTP server that plays the Hub
// (HF_ENDPOINT) and serves the tiny test model: no real network is touched.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fetchHubModel, hubFolder } from '../src/embed/hub.ts';
import { loadTransformers } from '../src/embed/onnx-runtime.ts';
import { createTransformersEmbedder } from '../src/embed/transformers.ts';

const execFileAsync = promisify(execFile);
const TINY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'tiny-model');
const tmp = mkdtempSync(path.join(tmpdir(), 'sanad-hub-'));
const requests: string[] = [];
let server: Server;
let endpoint = '';

before(async () => {
  server = createServer((req, res) => {
    requests.push(`${req.url ?? ''} ${req.headers.authorization ?? ''}`.trim());
    const m = /^\/acme\/tiny\/resolve\/main\/(.+)$/.exec(req.url ?? '');
    const file = m?.[1] ? path.join(TINY, decodeURIComponent(m[1])) : '';
    if (req.url?.startsWith('/private/')) {
      res.writeHead(401).end();
    } else if (req.url?.startsWith('/short/')) {
      // Promises 1,000 bytes, sends 3, and hangs up: a download cut off half-way.
      res.writeHead(200, { 'content-length': 1000 });
      res.write('abc');
      setTimeout(() => res.destroy(), 20);
    } else if (file && existsSync(file)) {
      const body = readFileSync(file);
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('a Hub id is downloaded once into <cache>/<org>/<name>, then served from the cache', async () => {
  const cacheDir = path.join(tmp, 'cache-a');
  const env = { HF_ENDPOINT: `${endpoint}/`, HF_TOKEN: 'tok-1' };
  const e = createTransformersEmbedder({ model: 'acme/tiny', cacheDir, env });
  assert.equal(await e.dimension(), 32);
  const folder = hubFolder(cacheDir, 'acme/tiny');
  assert.equal(folder, path.join(cacheDir, 'acme', 'tiny'));
  assert.deepEqual(readdirSync(path.join(folder, 'onnx')), ['model_quantized.onnx']);
  assert.deepEqual(
    requests.splice(0).sort(),
    ['config.json', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json'].map((f) => `/acme/tiny/resolve/main/${f} Bearer tok-1`),
  );
  // Same vectors as the folder itself; a second embedder reads the cache and asks for nothing.
  const [fromHub] = await e.embedPassages(['سلام']);
  const [fromFolder] = await createTransformersEmbedder({ model: TINY }).embedPassages(['سلام']);
  assert.deepEqual(fromHub, fromFolder);
  await createTransformersEmbedder({ model: 'acme/tiny', cacheDir, env: { HF_ENDPOINT: endpoint, SANAD_OFFLINE: '1' } }).dimension();
  assert.deepEqual(requests, []);
});

test('a file the Hub does not have fails with its URL and status, and leaves no partial file', async () => {
  const cacheDir = path.join(tmp, 'cache-b');
  const e = createTransformersEmbedder({ model: 'acme/tiny', dtype: 'fp16', cacheDir, env: { HF_ENDPOINT: endpoint } });
  await assert.rejects(e.dimension(), (err: Error) => {
    assert.match(err.message, /^Cannot load embedding model "acme\/tiny" \(dtype fp16\) from the Hugging Face Hub \(cache: .*\): downloading http:\/\/127\.0\.0\.1:\d+\/acme\/tiny\/resolve\/main\/onnx\/model_fp16\.onnx failed: HTTP 404\. Allow network access/);
    return true;
  });
  requests.splice(0);
  const left = readdirSync(path.join(cacheDir, 'acme', 'tiny', 'onnx'));
  assert.deepEqual(left, []);
});

test('401 says to set HF_TOKEN; an unreachable host says why', async () => {
  await assert.rejects(
    fetchHubModel({ model: 'private/m', files: ['config.json'], cacheDir: path.join(tmp, 'cache-c'), env: { HF_ENDPOINT: endpoint }, log: () => {} }),
    /HTTP 401 \(a gated or private model: set HF_TOKEN\)/,
  );
  // A port that was just free: nothing listens there.
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  await assert.rejects(
    fetchHubModel({ model: 'acme/tiny', files: ['config.json'], cacheDir: path.join(tmp, 'cache-d'), env: { HF_ENDPOINT: `http://127.0.0.1:${port}` }, log: () => {} }),
    (err: Error) => {
      assert.match(err.message, new RegExp(`^cannot reach http://127\\.0\\.0\\.1:${port}/acme/tiny/resolve/main/config\\.json: .*ECONNREFUSED`));
      return true;
    },
  );
  requests.splice(0);
});

test('a download cut off half-way is an error and leaves nothing that looks like a model file', async () => {
  const cacheDir = path.join(tmp, 'cache-e');
  await assert.rejects(
    fetchHubModel({ model: 'short/m', files: ['config.json'], cacheDir, env: { HF_ENDPOINT: endpoint }, log: () => {} }),
    /^Error: downloading http:\/\/127\.0\.0\.1:\d+\/short\/m\/resolve\/main\/config\.json was interrupted: /,
  );
  requests.splice(0);
  assert.deepEqual(readdirSync(path.join(cacheDir, 'short', 'm')), []);
});

test('transformers.js runs on the pinned onnxruntime-node 1.16.3 (the overrides hold in a checkout)', async () => {
  const rt = await loadTransformers({}, () => undefined);
  assert.equal(rt.runtime, 'onnxruntime-node 1.16.3 (bundled, CPU)');
  assert.deepEqual(rt.sessionOptions.executionProviders, ['cpu']);
});

test('SANAD_ONNXRUNTIME: transformers.js runs the named onnxruntime-node, once per process; a wrong folder or a missing device is a clear error', async () => {
  // A runtime package of its own: the real one behind a counter and another version string.
  const fake = path.join(tmp, 'fake-ort');
  mkdirSync(fake);
  writeFileSync(path.join(fake, 'package.json'), JSON.stringify({ name: 'onnxruntime-node', version: '0.0.0-fake', main: 'index.js' }));
  const real = createRequire(import.meta.url).resolve('onnxruntime-node');
  writeFileSync(
    path.join(fake, 'index.js'),
    `const real = require(${JSON.stringify(real)});
module.exports = {
  ...real,
  env: { ...real.env, versions: { ...real.env.versions, node: 'fake-1' } },
  InferenceSession: { create: (...args) => { globalThis.fakeRuntimeSessions = (globalThis.fakeRuntimeSessions ?? 0) + 1; return real.InferenceSession.create(...args); } },
};
`,
  );
  const child = await execFileAsync(process.execPath, ['--import', 'tsx', path.join('test', 'helpers', 'runtime-child.ts'), TINY], {
    env: { ...process.env, SANAD_ONNXRUNTIME: fake },
  });
  const out = JSON.parse(child.stdout) as { logs: string[]; vector: number[]; sessions: number; refused: string | null };
  assert.ok(out.logs.includes(`ONNX Runtime: onnxruntime-node fake-1 (${fake}), device cpu`), out.logs.join('\n'));
  assert.equal(out.sessions, 1, 'the model session was created by the named runtime');
  const [expected] = await createTransformersEmbedder({ model: TINY }).embedPassages(['قاعدة حميميم الجوية']);
  assert.deepEqual(out.vector, Array.from(expected ?? []), 'same graph, same runtime underneath: the same vector');
  assert.match(out.refused ?? '', /this process already runs the ONNX Runtime at .*fake-ort.index\.js \(chosen by SANAD_ONNXRUNTIME for an earlier model\); the runtime is chosen once per process/);

  const wrong = createTransformersEmbedder({ model: TINY, env: { SANAD_ONNXRUNTIME: tmp } });
  await assert.rejects(wrong.dimension(), /: SANAD_ONNXRUNTIME=.* is not an onnxruntime-node package folder \(Cannot find module/);
  const gpu = createTransformersEmbedder({ model: TINY, env: { SANAD_DEVICE: 'cuda' } });
  await assert.rejects(
    gpu.dimension(),
    /: SANAD_DEVICE=cuda needs an ONNX Runtime built with that execution provider \(runtime in use: onnxruntime-node 1\.16\.3 \(bundled, CPU\)\); install one/,
  );
});
