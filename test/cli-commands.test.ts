// `sanad get`, `sanad verify` and `sanad search` with the tools' own arguments: the real command in
// a child process, against an index of the MCP fixture corpus. The limits and their messages are
// the tools' (one set of schemas), which the last test checks against the tool itself.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildIndex } from '../src/indexer/build-index.ts';
import { FIXTURE_CORPUS, fixtureSession } from './helpers/fixture-index.ts';

const BIN = path.resolve('bin/sanad.js');
let root = '';
let indexDir = '';
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'sanad-cli-'));
  indexDir = path.join(root, 'index');
  await buildIndex({ corpusDir: FIXTURE_CORPUS, indexDir, embedder: null });
});
after(() => rm(root, { recursive: true, force: true }));
const session = fixtureSession();

function sanad(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args, '--index', indexDir], { env: { ...process.env, SANAD_INDEX: '', SANAD_CORPUS: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('sanad get', () => {
  it('prints passages with their neighbours, or the nearest ids for an unknown one', async () => {
    const ok = await sanad(['get', 'ar-water-plan.txt#p2', '--before', '1', '--json']);
    assert.equal(ok.code, 0, ok.stderr);
    const out = JSON.parse(ok.stdout) as { passages: Array<{ citation: string; before: Array<{ citation: string }>; after: unknown[] }> };
    assert.deepEqual(out.passages.map((p) => [p.citation, p.before.map((b) => b.citation), p.after.length]), [['ar-water-plan.txt#p2', ['ar-water-plan.txt#p1'], 0]]);
    const unknown = await sanad(['get', 'fa-tehran-air.txt#p7']);
    assert.deepEqual([unknown.code, unknown.stderr.trim()], [1, 'sanad get: unknown citation id "fa-tehran-air.txt#p7"; did you mean fa-tehran-air.txt#p3, fa-tehran-air.txt#p2, fa-tehran-air.txt#p1?']);
  });
});

describe('sanad verify', () => {
  it('exits 0 for a verified quote, 1 for one that is not, with the verdict and the source wording', async () => {
    const normalized = await sanad(['verify', 'وقال مدير المؤسسة ان', '--citation', 'ar-water-plan.txt#p2', '--json']);
    assert.equal(normalized.code, 0, normalized.stderr);
    const v = JSON.parse(normalized.stdout) as { level: string; matches: Array<{ text: string }> };
    assert.deepEqual([v.level, v.matches[0]?.text], ['normalized', 'وَقَالَ مُدِيرُ المُؤَسَّسَةِ إِنَّ']);
    const elsewhere = await sanad(['verify', 'مخزون نبع الفيجة انخفض هذا العام', '--citation', 'ar-water-plan.txt#p1']);
    assert.equal(elsewhere.code, 1);
    assert.match(elsewhere.stdout, /Found outside the requested scope, with a stronger match \(cite these ids instead\):/);
    const empty = await sanad(['verify']);
    assert.deepEqual([empty.code, empty.stderr.trim()], [2, 'sanad verify: the quote: quote is empty: send the sentence you want to attribute']);
  });
});

describe('sanad search', () => {
  it('takes the tool filters: language, documents, variants and outlets', async () => {
    const run = async (...args: string[]) => {
      const r = await sanad(['search', ...args, '--mode', 'lexical', '--json']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { results: Array<{ citation: string }> }).results.map((x) => x.citation);
    };
    const english = await run('Damascus water', '--language', 'en');
    assert.ok(english.length > 0 && english.every((c) => c.startsWith('en-water-brief.txt#')), english.join(', '));
    assert.deepEqual(await run('نبع الفيجة', '--documents', 'ar-water-reprint.txt', '--k', '1'), ['ar-water-reprint.txt#p2']);
    assert.deepEqual(await run('نبع الفيجة', '--outlet', 'وكالة سانا', '--k', '1'), ['ar-water-reprint.txt#p2']);
    const readable = await sanad(['search', 'نبع الفيجة', '--outlet', 'وكالة سانا', '--k', '1', '--mode', 'lexical']);
    assert.match(readable.stdout, /^1 result \(lexical\)\n\n1\. \[ar-water-reprint\.txt#p2\]/u);
    // An English query finds nothing in the Persian article lexically; its Persian variant does.
    assert.deepEqual(await run('schools closed', '--language', 'fa'), []);
    assert.ok((await run('schools closed', '--language', 'fa', '--variants', 'مدارس تعطیل')).length > 0);
  });

  it('refuses what the tool refuses, with the tool\'s own message', async () => {
    for (const [args, field, toolArgs] of [
      [['--k', '60'], 'k', { k: 60 }],
      [['--published-from', '2025-02-30'], 'published_from', { published_from: '2025-02-30' }],
    ] as const) {
      const cli = await sanad(['search', 'water', ...args]);
      const tool = await session.call('search', { query: 'water', ...toolArgs });
      const toolText = tool.content[0]?.type === 'text' ? tool.content[0].text : '';
      const message = cli.stderr.trim().replace(`sanad search: --${field.replaceAll('_', '-')}: `, '');
      assert.equal(cli.code, 2, cli.stderr);
      assert.ok(toolText.includes(message), `tool says ${toolText}; CLI says ${message}`);
    }
  });
});
