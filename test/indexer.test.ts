import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, readdir, rm, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbedderUnavailableError, type Embedder } from '../src/embed/embedder.ts';
import { createFakeEmbedder } from '../src/embed/fake.ts';
import { EmbedderMismatchError, embedderForSearch } from '../src/embed/for-index.ts';
import { createTransformersEmbedder } from '../src/embed/transformers.ts';
import { buildIndex } from '../src/indexer/build-index.ts';
import { Searcher } from '../src/search/searcher.ts';
import { embeddedSnapshot } from '../src/backend/embedded/open.ts';
import { holdVersion } from '../src/store/holds.ts';
import { loadIndex, readAll, releaseIndex } from '../src/store/index-store.ts';
import { readCorpusFor } from '../src/indexer/read-changes.ts';
import { IndexFormatError, IndexVersionError } from '../src/store/manifest.ts';
import { NORMALIZER_VERSION } from '../src/text/normalize.ts';
import { newestSegmentFile } from './helpers/serve-fixture.ts';

const SEEDS = path.resolve('corpus');
let root: string;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-indexer-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function freshCorpus(name: string): Promise<{ corpusDir: string; indexDir: string }> {
  const corpusDir = path.join(root, name, 'corpus');
  const indexDir = path.join(root, name, 'index');
  await cp(SEEDS, corpusDir, { recursive: true });
  return { corpusDir, indexDir };
}

describe('incremental rebuild', () => {
  test('embeds only new or changed passages, drops removed ones, keeps other ids', async () => {
    const dirs = await freshCorpus('incremental');
    const embedder = createFakeEmbedder();
    const first = await buildIndex({ ...dirs, embedder });
    assert.equal(first.rebuilt, true);
    assert.deepEqual([first.added.length, first.changed.length, first.removed.length], [5, 0, 0]);
    assert.equal(first.embedded, embedder.stats.passageTexts);
    assert.equal(first.reused, first.passages - first.embedded);
    const before = await loadIndex(dirs.indexDir);
    const ids003 = readAll(before).passages.filter((p) => p.docId === '003_70dde455d680a0f4.txt').map((p) => p.id);

    // Nothing changed: nothing is embedded and no new version is published.
    const same = await buildIndex({ ...dirs, embedder });
    assert.equal(same.rebuilt, false);
    assert.equal(same.version, first.version);
    assert.equal(same.embedded, 0);

    // Add one file, change one paragraph of another, remove a third.
    await writeFile(path.join(dirs.corpusDir, 'new-note.txt'), 'ملاحظة جديدة\nقاعدة حميميم الجوية ما زالت تعمل بحسب المصادر الروسية.\n');
    const p002 = path.join(dirs.corpusDir, '002_17bceafa204b5619.txt');
    const text002 = await readFile(p002, 'utf8');
    await writeFile(p002, text002.replace('تعاون اقتصادي', 'تعاون اقتصادي موسع'));
    await unlink(path.join(dirs.corpusDir, '000_a89eda4c32949ba3.txt'));
    const passagesBefore = embedder.stats.passageTexts;
    const second = await buildIndex({ ...dirs, embedder });
    assert.deepEqual(second.added, ['new-note.txt']);
    assert.deepEqual(second.changed, ['002_17bceafa204b5619.txt']);
    assert.deepEqual(second.removed, ['000_a89eda4c32949ba3.txt']);
    assert.equal(second.unchanged, 3);
    // The new file has a title and one paragraph; 002's edit touches one merged heading+paragraph.
    assert.equal(second.embedded, 3);
    assert.equal(embedder.stats.passageTexts - passagesBefore, 3);

    const afterIdx = await loadIndex(dirs.indexDir);
    assert.equal(readAll(afterIdx).passages.some((p) => p.docId === '000_a89eda4c32949ba3.txt'), false);
    assert.deepEqual(readAll(afterIdx).passages.filter((p) => p.docId === '003_70dde455d680a0f4.txt').map((p) => p.id), ids003);
    const hits = await new Searcher(embeddedSnapshot(afterIdx), embedder).search('حميميم الجوية ما زالت تعمل', { k: 3 });
    assert.equal(hits.results[0]?.docId, 'new-note.txt');
  });

  test('an unchanged file is not read again: its size and settled modification time stand for it', async () => {
    const dirs = await freshCorpus('stamps');
    const embedder = createFakeEmbedder();
    // Files last modified an hour ago: settled, so the build records their times.
    const hourAgo = new Date(Date.now() - 3_600_000);
    const names = await readdir(dirs.corpusDir);
    for (const name of names) await utimes(path.join(dirs.corpusDir, name), hourAgo, hourAgo);
    await buildIndex({ ...dirs, embedder });
    const index = await loadIndex(dirs.indexDir);
    assert.ok(index.manifest.files.every((f) => Math.abs((f.mtimeMs ?? 0) - hourAgo.getTime()) < 1), JSON.stringify(index.manifest.files.map((f) => f.mtimeMs)));
    // One file edited now: only it is read, and its time (too recent to trust) is not recorded.
    const edited = path.join(dirs.corpusDir, '002_17bceafa204b5619.txt');
    await writeFile(edited, (await readFile(edited, 'utf8')).replace('تعاون اقتصادي', 'تعاون اقتصادي موسع'));
    const reads: number[] = [];
    const read = await readCorpusFor(dirs, { index, files: index.manifest.files }, () => {}, (done) => reads.push(done));
    assert.deepEqual(read.read.map((d) => d.meta.id), ['002_17bceafa204b5619.txt']);
    assert.equal(read.kept.length, names.length - 1);
    assert.equal(read.mtimes.has('002_17bceafa204b5619.txt'), false);
    releaseIndex(index);
    const summary = await buildIndex({ ...dirs, embedder });
    assert.deepEqual([summary.changed, summary.unchanged, summary.documents], [['002_17bceafa204b5619.txt'], names.length - 1, names.length]);
  });

  test('a snapshot already in memory stands for the current version instead of re-reading it', async () => {
    const dirs = await freshCorpus('held');
    const embedder = createFakeEmbedder();
    const first = await buildIndex({ ...dirs, embedder });
    const held = await loadIndex(dirs.indexDir);
    // Damage the current manifest on disk: only the held snapshot can still describe the version.
    await writeFile(path.join(dirs.indexDir, first.version, 'manifest.json'), 'x');
    await writeFile(path.join(dirs.corpusDir, 'held-note.txt'), 'خبر قصير\nفقرة واحدة جديدة عن الموانئ.\n');
    const lines: string[] = [];
    const next = await buildIndex({ ...dirs, embedder, previous: held, log: (l) => lines.push(l) });
    assert.deepEqual([next.added, next.embedded, next.reused], [['held-note.txt'], 2, first.passages]);
    assert.deepEqual(lines.filter((l) => l.startsWith('previous index not reused')), []);
    // Incremental: the new version keeps the first segment and adds one for the new file.
    assert.equal(next.segments, 2);
    assert.equal(readAll(await loadIndex(dirs.indexDir)).passages.length, first.passages + 2);
  });

  test('old versions are pruned to the current one and its predecessor', async () => {
    const dirs = await freshCorpus('prune');
    const embedder = createFakeEmbedder();
    for (let i = 0; i < 4; i++) {
      await writeFile(path.join(dirs.corpusDir, 'counter.txt'), `عداد\nهذا هو الإصدار رقم ${i} من الملف التجريبي.\n`);
      await buildIndex({ ...dirs, embedder, pruneGraceMs: 0 });
    }
    const versions = (await readdir(dirs.indexDir)).filter((n) => n.startsWith('v-'));
    assert.equal(versions.length, 2);
  });

  test('quick publishes keep what a reader may still be opening: recent versions and held ones', async () => {
    const dirs = await freshCorpus('prune-held');
    const embedder = createFakeEmbedder();
    const publish = async (i: number, pruneGraceMs?: number) => {
      await writeFile(path.join(dirs.corpusDir, 'counter.txt'), `عداد\nهذا هو الإصدار رقم ${i} من الملف التجريبي.\n`);
      return buildIndex({ ...dirs, embedder, ...(pruneGraceMs !== undefined ? { pruneGraceMs } : {}) });
    };
    const first = await publish(0);
    // A reader read CURRENT and is opening the first version when two more builds publish.
    const hold = await holdVersion(dirs.indexDir, first.version);
    await publish(1, 0);
    await publish(2, 0);
    const versions = () => readdir(dirs.indexDir).then((names) => names.filter((n) => n.startsWith('v-')).sort());
    assert.ok((await versions()).includes(first.version));
    await hold.release();
    await publish(3, 0);
    assert.ok(!(await versions()).includes(first.version));
    // Without holds, versions replaced within the grace period stay.
    await publish(4);
    await publish(5);
    assert.equal((await versions()).length, 4);
  });
});

describe('refusing what does not match', () => {
  test('a manifest of another format version is refused with a rebuild hint', async () => {
    const dirs = await freshCorpus('format');
    await buildIndex({ ...dirs, embedder: null });
    const current = (await readFile(path.join(dirs.indexDir, 'CURRENT'), 'utf8')).trim();
    const manifestFile = path.join(dirs.indexDir, current, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestFile, JSON.stringify({ ...manifest, formatVersion: 99 }));
    await assert.rejects(loadIndex(dirs.indexDir), (err: unknown) => {
      assert.ok(err instanceof IndexFormatError);
      assert.match(err.message, /format 99.*rebuild it with `sanad index`/);
      return true;
    });
  });

  test('an index folded by another normaliser version is refused with the rebuild command, and rebuilt without embedding', async () => {
    const dirs = await freshCorpus('normaliser');
    const embedder = createFakeEmbedder();
    const first = await buildIndex({ ...dirs, embedder });
    const manifestFile = path.join(dirs.indexDir, first.version, 'manifest.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    await writeFile(manifestFile, JSON.stringify({ ...manifest, normalizerVersion: 0 }));
    await assert.rejects(loadIndex(dirs.indexDir), (err: unknown) => {
      assert.ok(err instanceof IndexVersionError);
      assert.equal(
        err.message,
        `the index at ${dirs.indexDir} was built with text normaliser version 0 (this sanad uses ${NORMALIZER_VERSION}); its words would not match queries. ` +
          `Rebuild it with \`sanad index --index ${dirs.indexDir}\` (vectors are reused, nothing is embedded again)`,
      );
      return true;
    });
    const rebuilt = await buildIndex({ ...dirs, embedder });
    assert.deepEqual([rebuilt.rebuilt, rebuilt.embedded, rebuilt.reused], [true, 0, first.passages]);
    assert.equal((await loadIndex(dirs.indexDir)).manifest.normalizerVersion, NORMALIZER_VERSION);
  });

  test('searching with a different model than the index was built with is refused', async () => {
    const dirs = await freshCorpus('mismatch');
    await buildIndex({ ...dirs, embedder: createFakeEmbedder({ dimension: 64 }) });
    const idx = await loadIndex(dirs.indexDir);
    assert.throws(
      () => embedderForSearch(idx.manifest.embedding, { flags: { provider: 'fake', dimension: '32' }, env: {} }),
      (err: unknown) => err instanceof EmbedderMismatchError && /fake-hash-64.*fake-hash-32.*rebuild the index/.test(err.message),
    );
    // Without flags the index's own model is used.
    const own = embedderForSearch(idx.manifest.embedding, { flags: {}, env: {} });
    assert.equal(own?.info.model, 'fake-hash-64');
  });

  test('an index built from a local model folder finds that folder again when searched', async () => {
    const dirs = await freshCorpus('folder-model');
    const tiny = path.resolve('test/fixtures/tiny-model');
    await buildIndex({ ...dirs, embedder: createTransformersEmbedder({ model: tiny }) });
    const idx = await loadIndex(dirs.indexDir);
    assert.equal(idx.manifest.embedding?.model, 'tiny-model');
    assert.equal(idx.manifest.embedding?.location, tiny);
    const embedder = embedderForSearch(idx.manifest.embedding, { flags: {}, env: { HF_HUB_OFFLINE: '1' } });
    const res = await new Searcher(embeddedSnapshot(idx), embedder).search('قاعدة حميميم الجوية', { k: 1, mode: 'semantic' });
    assert.equal(res.mode, 'semantic');
    assert.equal(res.results.length, 1);
  });
});

describe('when no model can be loaded', () => {
  const broken: Embedder = {
    info: { provider: 'transformers', model: 'missing-model', dtype: 'q8', queryPrefix: 'query: ', passagePrefix: 'passage: ' },
    dimension: () => Promise.reject(new EmbedderUnavailableError('Cannot load embedding model "missing-model"')),
    embedQueries: () => Promise.reject(new Error('unreachable')),
    embedPassages: () => Promise.reject(new Error('unreachable')),
  };

  test('the build is lexical-only, says why, and searches say they are lexical', async () => {
    const dirs = await freshCorpus('nomodel');
    const lines: string[] = [];
    const summary = await buildIndex({ ...dirs, embedder: broken, log: (l) => lines.push(l) });
    assert.equal(summary.mode, 'lexical');
    assert.match(summary.semanticUnavailable ?? '', /missing-model/);
    assert.ok(lines.some((l) => l.startsWith('building a lexical-only index')));
    const idx = await loadIndex(dirs.indexDir);
    const res = await new Searcher(embeddedSnapshot(idx), null).search('قاعدة طرطوس البحرية', { k: 2, mode: 'hybrid' });
    assert.equal(res.mode, 'lexical');
    assert.equal(res.requestedMode, 'hybrid');
    assert.match(res.notice ?? '', /lexical-only/);
    assert.equal(res.results[0]?.citation, '000_a89eda4c32949ba3.txt#p11');
  });

  test('an unchanged hybrid index is kept rather than downgraded', async () => {
    const dirs = await freshCorpus('keep-hybrid');
    const first = await buildIndex({ ...dirs, embedder: createFakeEmbedder() });
    const again = await buildIndex({ ...dirs, embedder: broken });
    assert.equal(again.rebuilt, false);
    assert.equal(again.version, first.version);
    assert.equal(again.mode, 'hybrid');
  });
});

describe('damage and bad input', () => {
  test('a corrupted current version falls back to the previous one, with a warning', async () => {
    const dirs = await freshCorpus('corrupt');
    const embedder = createFakeEmbedder();
    const first = await buildIndex({ ...dirs, embedder });
    await writeFile(path.join(dirs.corpusDir, 'extra.txt'), 'خبر إضافي\nنص إضافي عن العلاقات السورية الروسية والتعاون.\n');
    const second = await buildIndex({ ...dirs, embedder });
    // The new segment (only the second version has it): flip a byte of what loading reads and checks.
    const { file } = await newestSegmentFile(dirs.indexDir);
    const passages = path.join(dirs.indexDir, second.version, file);
    const bytes = await readFile(passages);
    bytes[bytes.length - 10] = (bytes[bytes.length - 10] ?? 0) ^ 0xff;
    await writeFile(passages, bytes);
    const idx = await loadIndex(dirs.indexDir);
    assert.equal(idx.version, first.version);
    assert.match(idx.fallbackReason ?? '', /seg-\d+\.psg is damaged \(checksum mismatch\).*Rebuild with `sanad index`/);
  });

  test('binary, broken UTF-8 and empty files are skipped with a reason; the rest is indexed', async () => {
    const dirs = await freshCorpus('badfiles');
    await writeFile(path.join(dirs.corpusDir, 'image.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]));
    await writeFile(path.join(dirs.corpusDir, 'latin1.txt'), Buffer.from('caf\xe9 au lait', 'latin1'));
    await writeFile(path.join(dirs.corpusDir, 'empty.md'), '   \n');
    const lines: string[] = [];
    const summary = await buildIndex({ ...dirs, embedder: null, log: (l) => lines.push(l) });
    assert.deepEqual(summary.skipped.map((s) => s.path), ['empty.md', 'image.txt', 'latin1.txt']);
    assert.equal(summary.documents, 5);
    // A lexical-only index has no vectors to reuse, and says so, whether it rebuilt or not.
    assert.deepEqual([summary.mode, summary.embedded, summary.reused], ['lexical', 0, 0]);
    const again = await buildIndex({ ...dirs, embedder: null, log: () => {} });
    assert.deepEqual([again.rebuilt, again.reused], [false, 0]);
    assert.equal(lines.filter((l) => l.startsWith('skipped: ')).length, 3);
  });
});

describe('crash safety', () => {
  test('a build killed at any moment leaves a loadable index', async () => {
    const dirs = await freshCorpus('crash');
    // Enough text that the build itself (not just process start-up) takes a while to kill into.
    for (let i = 0; i < 150; i++) {
      const body = Array.from({ length: 6 }, (_, j) => `الفقرة ${j} من الخبر ${i} تتحدث عن التعاون بين البلدين في المجال رقم ${i * 7 + j}.`);
      await writeFile(path.join(dirs.corpusDir, `gen-${i}.txt`), `خبر مولد ${i}\n${body.join('\n')}\n`);
    }
    const first = await buildIndex({ ...dirs, embedder: createFakeEmbedder() });
    await writeFile(path.join(dirs.corpusDir, 'late.txt'), 'خبر متأخر\nفقرة جديدة تماما عن الموانئ السورية والاتفاقيات.\n');
    const { spawn } = await import('node:child_process');
    const cli = path.resolve('bin/sanad.js');
    const args = [cli, 'index', '--provider', 'fake', '--corpus', dirs.corpusDir, '--index', dirs.indexDir];
    const run = (killAfterMs?: number) =>
      new Promise<number>((resolve) => {
        const started = Date.now();
        const child = spawn(process.execPath, args, { stdio: 'ignore' });
        const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve(Date.now() - started);
        });
      });
    // Time one whole build (it publishes), then add a file and kill rebuilds at points across it.
    const whole = await run();
    await writeFile(path.join(dirs.corpusDir, 'later.txt'), 'خبر لاحق\nفقرة أخرى عن المطارات والقواعد الجوية.\n');
    for (const fraction of [0.5, 0.65, 0.8, 0.9, 0.95, 1.0]) {
      await run(Math.round(whole * fraction));
      const idx = await loadIndex(dirs.indexDir);
      assert.equal(idx.fallbackReason, undefined);
      assert.notEqual(idx.version, first.version);
      assert.ok(readAll(idx).passages.some((p) => p.docId === 'late.txt'));
    }
    // Whatever the kills interrupted, a later build takes over the stale lock, finishes, and
    // clears the staging folders the killed builds left.
    const final = await buildIndex({ ...dirs, embedder: createFakeEmbedder() });
    const idx = await loadIndex(dirs.indexDir);
    assert.equal(idx.version, final.version);
    assert.ok(readAll(idx).passages.some((p) => p.docId === 'later.txt'));
    assert.deepEqual((await readdir(dirs.indexDir)).filter((n) => n.startsWith('.tmp-')), []);
  });
});
