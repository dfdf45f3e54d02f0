// Crafted index files: every field of the HNSW header set to hostile values, random link bytes,
// and manifests or CURRENT files that point outside the version folder, block (FIFOs), are huge,
// or disagree with the data. The manifest's checksums are rewritten to match each crafted file,
// as an attacker would. No case may crash or hang a reader; each either loads and searches, or
// fails with a short, clear IndexFormatError; and `sanad index` then rebuilds rather than calling
// the broken index up to date.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { prng } from '../bench/synthetic.ts';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { loadIndex } from '../src/store/index-store.ts';

const LOADER = fileURLToPath(new URL('./helpers/load-index-cases.ts', import.meta.url));
const CORPUS = fileURLToPath(new URL('../corpus/', import.meta.url));

let root = '';
let template = '';
let passages = 0;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-hostile-index-'));
  template = path.join(root, 'template');
  await buildIndex({ corpusDir: CORPUS, indexDir: template, embedder: createFakeEmbedder() });
  passages = (await loadIndex(template)).manifest.counts.passages;
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Case {
  name: string;
  dir: string;
}

let caseNo = 0;
async function craft(name: string, change: (versionDir: string, indexDir: string) => Promise<void>): Promise<Case> {
  const dir = path.join(root, `case-${caseNo++}`);
  await copyTree(template, dir);
  const version = (await readFile(path.join(dir, 'CURRENT'), 'utf8')).trim();
  await change(path.join(dir, version), dir);
  return { name, dir };
}

/** A plain copy (files and folders) — fs.cp is several times slower for a hundred small trees. */
async function copyTree(from: string, to: string): Promise<void> {
  await mkdir(to);
  for (const e of await readdir(from, { withFileTypes: true })) {
    if (e.isDirectory()) await copyTree(path.join(from, e.name), path.join(to, e.name));
    else if (e.isFile()) await copyFile(path.join(from, e.name), path.join(to, e.name));
  }
}

async function editManifest(versionDir: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const file = path.join(versionDir, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest));
}

/** The template holds one segment: its graph file. */
const GRAPH = 'seg-000001.hnsw';

/** Rewrites bytes of the graph file and the manifest checksum to match, as an attacker would. */
function patchGraph(versionDir: string, patch: (b: Buffer) => Buffer): Promise<void> {
  return patchFile(versionDir, GRAPH, patch);
}

/** Rewrites a data file of the version and its manifest checksum to match. */
async function patchFile(versionDir: string, name: string, patch: (b: Buffer) => Buffer): Promise<void> {
  const file = path.join(versionDir, name);
  const bytes = patch(await readFile(file));
  await writeFile(file, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await editManifest(versionDir, (m) => {
    (m.checksums as Record<string, { sha256: string; bytes: number }>)[name] = { sha256, bytes: bytes.length };
  });
}

/** Header fields of an hnswlib file: offset, width, and hostile values to write there. */
function headerCases(count: number): Array<{ field: string; write: (b: Buffer) => void }> {
  const u64 = (at: number, v: bigint) => (b: Buffer) => b.writeBigUInt64LE(v, at);
  const big = [0n, BigInt(count + 1), 2n ** 32n + 5n, 2n ** 64n - 1n];
  const fields: Array<[string, number]> = [
    ['offsetLevel0', 0], ['maxElements', 8], ['count', 16], ['sizeDataPerElement', 24], ['labelOffset', 32],
    ['offsetData', 40], ['maxM', 56], ['maxM0', 64], ['M', 72], ['efConstruction', 88],
  ];
  const out: Array<{ field: string; write: (b: Buffer) => void }> = [];
  for (const [field, at] of fields) for (const v of big) out.push({ field: `${field}=${v}`, write: u64(at, v) });
  for (const v of [-2147483648, -1, 0, 1, 65]) out.push({ field: `maxLevel=${v}`, write: (b) => b.writeInt32LE(v, 48) });
  for (const v of [0, count - 1, count, count + 7, 4294967295]) out.push({ field: `entryPoint=${v}`, write: (b) => b.writeUInt32LE(v, 52) });
  for (const v of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) out.push({ field: `mult=${v}`, write: (b) => b.writeDoubleLE(v, 80) });
  return out;
}

interface Outcome {
  dir: string;
  outcome: 'start' | 'loaded' | 'error';
  name?: string;
  message?: string;
}

/** Loads every case in a child process; a hang or crash fails with the case that caused it. */
async function loadAll(cases: Case[], timeoutMs = 60_000): Promise<Map<string, Outcome>> {
  const child = spawn(process.execPath, ['--import', 'tsx', LOADER, ...cases.map((c) => c.dir)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('exit', (c, s) => resolve([c, s])));
  clearTimeout(timer);
  const results = new Map<string, Outcome>();
  let last: Outcome | undefined;
  for (const line of out.split('\n').filter(Boolean)) {
    const o = JSON.parse(line) as Outcome;
    last = o;
    if (o.outcome !== 'start') results.set(o.dir, o);
  }
  const culprit = cases.find((c) => c.dir === last?.dir)?.name;
  assert.deepEqual([code, signal], [0, null], `the loader died (${signal ?? code}) on case "${culprit}"; stderr: ${err.slice(-500)}`);
  return results;
}

function assertClearFailure(c: Case, o: Outcome | undefined): void {
  assert.ok(o, `no outcome for ${c.name}`);
  if (o.outcome === 'loaded') return;
  assert.ok(o.name === 'IndexFormatError' || o.name === 'IndexMissingError', `${c.name}: ${o.name}: ${o.message}`);
  assert.ok((o.message ?? '').length < 1000, `${c.name}: a ${o.message?.length}-character message`);
  assert.doesNotMatch(o.message ?? '', /[\n\r\u2028\u2029]/u, c.name);
}

describe('crafted HNSW files', () => {
  it('no header value crashes a reader; bad ones are refused with the reason', async () => {
    const cases: Case[] = [];
    for (const h of headerCases(passages)) cases.push(await craft(`header ${h.field}`, (v) => patchGraph(v, (b) => (h.write(b), b))));
    const results = await loadAll(cases);
    let refused = 0;
    for (const c of cases) {
      const o = results.get(c.dir);
      assertClearFailure(c, o);
      if (o?.outcome === 'error') refused++;
    }
    // Only values hnswlib ignores when searching (efConstruction, a positive mult, the original value) load.
    assert.ok(refused > cases.length * 0.8, `${refused} of ${cases.length} refused`);
    const count = results.get(cases.find((c) => c.name === `header count=${passages + 1}`)?.dir ?? '');
    assert.match(count?.message ?? '', /seg-000001\.hnsw in .* is not a usable vector graph: it holds \d+ vectors but the manifest lists \d+ passages/);
  });

  it('random bytes in the links and labels never crash a reader', async () => {
    const rand = prng(14);
    const cases: Case[] = [];
    for (let i = 0; i < 12; i++) {
      cases.push(
        await craft(`random bytes ${i}`, (v) =>
          patchGraph(v, (b) => {
            for (let k = 0; k < 1 + (i % 4); k++) b.writeUInt32LE(Math.floor(rand() * 2 ** 32), 96 + 4 * Math.floor(rand() * ((b.length - 100) / 4)));
            return b;
          }),
        ),
      );
    }
    cases.push(await craft('truncated by one byte', (v) => patchGraph(v, (b) => b.subarray(0, b.length - 1))));
    cases.push(await craft('one byte appended', (v) => patchGraph(v, (b) => Buffer.concat([b, Buffer.from([0])]))));
    const results = await loadAll(cases);
    for (const c of cases) assertClearFailure(c, results.get(c.dir));
    assert.equal(results.get(cases.at(-1)?.dir ?? '')?.outcome, 'error');
  });
});

describe('crafted segment files', () => {
  it('random bytes in passage tables, postings, gram indexes and hashes never crash or hang a reader', async () => {
    const rand = prng(41);
    const cases: Case[] = [];
    for (const ext of ['.psg', '.lex', '.qgm', '.hsh']) {
      for (let i = 0; i < 5; i++) {
        cases.push(
          await craft(`${ext} random bytes ${i}`, (v) =>
            patchFile(v, `seg-000001${ext}`, (b) => {
              // Mostly the first kilobytes, where counts, offsets and dictionaries live.
              const span = i % 2 === 0 ? Math.min(b.length, 4096) : b.length;
              for (let k = 0; k < 1 + (i % 3); k++) b.writeUInt32LE(Math.floor(rand() * 2 ** 32), Math.floor(rand() * Math.max(1, span - 4)));
              return b;
            }),
          ),
        );
      }
      cases.push(await craft(`${ext} cut in half`, (v) => patchFile(v, `seg-000001${ext}`, (b) => b.subarray(0, b.length >> 1))));
    }
    const results = await loadAll(cases);
    for (const c of cases) assertClearFailure(c, results.get(c.dir));
    // A file that searches read, cut in half, is always refused (the hashes are read by builds only:
    // see the rebuild test below); random bytes are refused more often than not.
    for (const c of cases.filter((x) => x.name.endsWith('cut in half') && !x.name.startsWith('.hsh'))) assert.equal(results.get(c.dir)?.outcome, 'error', c.name);
    const refused = cases.filter((c) => results.get(c.dir)?.outcome === 'error').length;
    assert.ok(refused >= cases.length / 2, `${refused} of ${cases.length} refused`);
  });
});

describe('crafted manifests and CURRENT files', () => {
  it('are refused quickly and clearly, never followed out of the version folder, never waited on', async () => {
    const fifo = (file: string) => execFileSync('mkfifo', [file]);
    const cases: Case[] = [
      await craft('checksum key ../../../dev/zero', (v) =>
        editManifest(v, (m) => {
          (m.checksums as Record<string, unknown>)['../../../dev/zero'] = { sha256: '0'.repeat(64), bytes: 0 };
        }),
      ),
      await craft('checksum of the graph removed', (v) =>
        editManifest(v, (m) => {
          delete (m.checksums as Record<string, unknown>)[GRAPH];
        }),
      ),
      await craft('a 1 MB file name with a line break', (v) =>
        editManifest(v, (m) => {
          (m.checksums as Record<string, unknown>)[`a\n${'b'.repeat(1 << 20)}`] = { sha256: '0'.repeat(64), bytes: 0 };
        }),
      ),
      await craft('manifest is a FIFO', async (v) => {
        await unlink(path.join(v, 'manifest.json'));
        fifo(path.join(v, 'manifest.json'));
      }),
      await craft('manifest links to /dev/zero', async (v) => {
        await unlink(path.join(v, 'manifest.json'));
        await symlink('/dev/zero', path.join(v, 'manifest.json'));
      }),
      await craft('the passage table is a FIFO', async (v) => {
        await unlink(path.join(v, 'seg-000001.psg'));
        fifo(path.join(v, 'seg-000001.psg'));
      }),
      await craft('the postings link to a file outside', async (v) => {
        await unlink(path.join(v, 'seg-000001.lex'));
        await symlink('/etc/hostname', path.join(v, 'seg-000001.lex'));
      }),
      await craft('the graph is a FIFO', async (v) => {
        await unlink(path.join(v, GRAPH));
        fifo(path.join(v, GRAPH));
      }),
      await craft('CURRENT is a FIFO', async (_v, dir) => {
        await unlink(path.join(dir, 'CURRENT'));
        fifo(path.join(dir, 'CURRENT'));
      }),
      await craft('CURRENT is 10 MB', (_v, dir) => writeFile(path.join(dir, 'CURRENT'), `v-${'a'.repeat(10 << 20)}\n`)),
      await craft('CURRENT names a path', (_v, dir) => writeFile(path.join(dir, 'CURRENT'), 'v-../../etc\n')),
      await craft('the manifest claims another dimension', (v) =>
        editManifest(v, (m) => {
          (m.embedding as { dimension: number }).dimension = 32;
        }),
      ),
      await craft('the manifest claims one passage more', (v) =>
        editManifest(v, (m) => {
          (m.counts as { passages: number }).passages += 1;
        }),
      ),
    ];
    const results = await loadAll(cases, 30_000);
    for (const c of cases) {
      const o = results.get(c.dir);
      assertClearFailure(c, o);
      assert.equal(o?.outcome, 'error', c.name);
    }
    const message = (name: string) => results.get(cases.find((c) => c.name === name)?.dir ?? '')?.message ?? '';
    assert.match(message('checksum key ../../../dev/zero'), /lists a file "\.\.\/\.\.\/\.\.\/dev\/zero" that is not part of an index/);
    assert.match(message('a 1 MB file name with a line break'), /lists a file "a\\nb{58}…" that is not part of an index/);
    assert.match(message('manifest is a FIFO'), /manifest\.json is a named pipe \(FIFO\), not an index file/);
    assert.match(message('CURRENT is 10 MB'), /CURRENT is damaged/);
    assert.match(message('the manifest claims another dimension'), /it holds 64-dimensional vectors but the manifest says the model has 32 dimensions/);
  });

  it('sanad index rebuilds over each broken index instead of calling it up to date', async () => {
    const broken = [
      await craft('wrong dimension', (v) =>
        editManifest(v, (m) => {
          (m.embedding as { dimension: number }).dimension = 32;
        }),
      ),
      await craft('bad entry point', (v) => patchGraph(v, (b) => (b.writeUInt32LE(passages + 3, 52), b))),
      await craft('checksum key outside', (v) =>
        editManifest(v, (m) => {
          (m.checksums as Record<string, unknown>)['../x'] = { sha256: '0'.repeat(64), bytes: 0 };
        }),
      ),
      await craft('CURRENT damaged', (_v, dir) => writeFile(path.join(dir, 'CURRENT'), 'not a version\n')),
      await craft('vector hashes cut short (read by builds only)', (v) => patchFile(v, 'seg-000001.hsh', (b) => b.subarray(0, 100))),
    ];
    for (const c of broken) {
      if (!c.name.startsWith('vector hashes')) await assert.rejects(loadIndex(c.dir), { name: 'IndexFormatError' }, c.name);
      const summary = await buildIndex({ corpusDir: CORPUS, indexDir: c.dir, embedder: createFakeEmbedder() });
      assert.equal(summary.rebuilt, true, c.name);
      const index = await loadIndex(c.dir);
      assert.deepEqual([index.version, index.fallbackReason], [summary.version, undefined], c.name);
    }
  });
});
