import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_BYTES, decodeSource, isSkipped, readCorpus } from '../src/corpus/read.ts';
import { firstInvalidUtf8Offset } from '../src/corpus/decode.ts';
import type { SkippedFile, SourceDocument } from '../src/types.ts';

const FILES = fileURLToPath(new URL('./fixtures/corpus-files/', import.meta.url));
const enc = new TextEncoder();

function ok(x: SourceDocument | SkippedFile): SourceDocument {
  if (isSkipped(x)) throw new Error(`expected a document, got skip: ${x.reason}`);
  return x;
}

describe('decodeSource', () => {
  it('removes the UTF-8 BOM, keeps CRLF, hashes the raw bytes', () => {
    const bytes = enc.encode('\ufeffعنوان\r\nنص.\r\n');
    const doc = ok(decodeSource('a.txt', bytes));
    assert.equal(doc.text, 'عنوان\r\nنص.\r\n');
    assert.equal(doc.bytes, bytes.length);
    assert.equal(doc.id, 'a.txt');
    assert.equal(doc.path, 'a.txt');
    // sha256 of the bytes including the BOM, not of the decoded text.
    // `printf '\xef\xbb\xbf…' | sha256sum` of the same bytes.
    assert.equal(doc.sha256, '172d0b069e4b2a7263c92590f55b824db759bb73dd7bdf2647301565c13689dc');
    assert.notEqual(doc.sha256, ok(decodeSource('a.txt', enc.encode('عنوان\r\nنص.\r\n'))).sha256);
  });

  it('names the file and the first bad byte offset for invalid UTF-8', () => {
    const bytes = new Uint8Array([0x41, 0x42, 0xd8, 0xa7, 0xc3, 0x28, 0x43]);
    const r = decodeSource('dir/bad.txt', bytes);
    assert.ok(isSkipped(r));
    assert.equal(r.path, 'dir/bad.txt');
    assert.match(r.reason, /^dir\/bad\.txt: skipped, not valid UTF-8 \(first bad byte at offset 4\); re-save it as UTF-8/);
  });

  it('refuses binary content by NUL byte and by control-byte ratio', () => {
    const nul = decodeSource('x.txt', new Uint8Array([0x41, 0x00, 0x42]));
    assert.ok(isSkipped(nul));
    assert.match(nul.reason, /binary content \(NUL byte at offset 1\)/);
    const ctl = decodeSource('y.txt', new Uint8Array([1, 2, 3, 4, 0x41, 0x42, 0x43, 0x44]));
    assert.ok(isSkipped(ctl));
    assert.match(ctl.reason, /binary content \(4 control bytes in the first 8\)/);
  });

  it('refuses empty and whitespace-only files, and HTML with no readable text', () => {
    const empty = decodeSource('e.txt', new Uint8Array());
    assert.ok(isSkipped(empty));
    assert.match(empty.reason, /^e\.txt: skipped, the file is empty/);
    const blank = decodeSource('b.md', enc.encode(' \n\t\r\n'));
    assert.ok(isSkipped(blank));
    assert.match(blank.reason, /only whitespace/);
    const html = decodeSource('n.html', enc.encode('<nav>Menu</nav><script>x()</script>'));
    assert.ok(isSkipped(html));
    assert.match(html.reason, /no readable text once markup/);
  });

  it('extracts text from .html/.htm but keeps .md raw', () => {
    assert.equal(ok(decodeSource('a.htm', enc.encode('<p>أ &amp; ب</p><p>ج</p>'))).text, 'أ & ب\nج');
    assert.equal(ok(decodeSource('a.md', enc.encode('# عنوان\n\nنص'))).text, '# عنوان\n\nنص');
  });
});

describe('firstInvalidUtf8Offset', () => {
  it('finds overlong forms, surrogates, truncation and accepts valid text', () => {
    assert.equal(firstInvalidUtf8Offset(enc.encode('سلام 👋')), -1);
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0x41, 0xc0, 0xaf])), 1); // overlong "/"
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0xed, 0xa0, 0x80])), 0); // surrogate
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0x41, 0x42, 0xe2, 0x82])), 2); // truncated
    assert.equal(firstInvalidUtf8Offset(new Uint8Array([0xf4, 0x90, 0x80, 0x80])), 0); // > U+10FFFF
  });
});

describe('readCorpus', () => {
  const temps: string[] = [];
  after(async () => {
    for (const t of temps) await rm(t, { recursive: true, force: true });
  });

  it('reads supported files recursively, sorted, and skips bad ones with reasons', async () => {
    const warned: string[] = [];
    const { files, skipped } = await readCorpus(FILES, { onWarn: (s) => warned.push(s.path) });
    assert.deepEqual(
      files.map((f) => f.id),
      ['UPPER.TXT', 'article.html', 'article.md', 'bom-crlf.txt', 'one-paragraph.txt', 'sub/nested.txt'],
    );
    assert.deepEqual(
      skipped.map((s) => s.path),
      ['binary.txt', 'blank.txt', 'controls.txt', 'cp1256.txt', 'empty.txt'],
    );
    assert.deepEqual(warned, skipped.map((s) => s.path));
    for (const s of skipped) assert.ok(s.reason.startsWith(`${s.path}: skipped, `), s.reason);
    const bom = files.find((f) => f.id === 'bom-crlf.txt');
    assert.ok(bom);
    assert.equal(bom.text.charCodeAt(0), 'ل'.charCodeAt(0));
    assert.equal(bom.text.includes('\r\n'), true);
  });

  it('skips files over maxBytes with size and limit in the reason', async () => {
    assert.equal(DEFAULT_MAX_BYTES, 20 * 1024 * 1024);
    const { files, skipped } = await readCorpus(FILES, { maxBytes: 300 });
    assert.deepEqual(files.map((f) => f.id), ['UPPER.TXT', 'one-paragraph.txt', 'sub/nested.txt']);
    const big = skipped.find((s) => s.path === 'article.html');
    assert.ok(big);
    assert.equal(big.reason, 'article.html: skipped, 1.3 KB is over the 300 bytes limit; split the file or raise maxBytes');
  });

  it('follows symlinks inside the corpus, never outside', async () => {
    const base = await mkdtemp(join(tmpdir(), 'sanad-corpus-'));
    temps.push(base);
    const corpus = join(base, 'corpus');
    const outside = join(base, 'outside');
    await mkdir(join(corpus, 'real'), { recursive: true });
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'نص خارج مجلد المدونة لا يجب أن يقرأ أبدا.');
    await cp(join(FILES, 'one-paragraph.txt'), join(corpus, 'real', 'a.txt'));
    await symlink(join(outside, 'secret.txt'), join(corpus, 'leak.txt'));
    await symlink(outside, join(corpus, 'leakdir'));
    await symlink(join(corpus, 'real', 'a.txt'), join(corpus, 'alias.txt'));
    await symlink(corpus, join(corpus, 'loop'));
    await symlink(join(base, 'missing.txt'), join(corpus, 'broken.txt'));

    const { files, skipped } = await readCorpus(corpus);
    assert.deepEqual(files.map((f) => f.id), ['alias.txt', 'real/a.txt']);
    assert.deepEqual(skipped.map((s) => s.path), ['broken.txt', 'leak.txt', 'leakdir', 'loop']);
    assert.match(skipped[1]?.reason ?? '', /^leak\.txt: skipped, symbolic link points outside the corpus folder/);
    assert.match(skipped[0]?.reason ?? '', /^broken\.txt: skipped, broken symbolic link \(ENOENT\)/);
    assert.equal(skipped[3]?.reason, 'loop: skipped, symbolic link to the corpus folder itself, which would loop; not followed');
  });

  it('throws a recoverable error when the folder does not exist', async () => {
    await assert.rejects(readCorpus('/nonexistent/sanad-corpus'), /Cannot read the corpus folder \/nonexistent\/sanad-corpus \(ENOENT\); check that it exists/);
  });
});
