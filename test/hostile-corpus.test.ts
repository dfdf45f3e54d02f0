// The corpus folder under attack: files swapped between listing and reading, FIFOs, loops,
// hostile file names, UTF-16, and HTML crafted to make extraction slow.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeSource } from '../src/corpus/decode.ts';
import { extractHtmlText } from '../src/corpus/html.ts';
import { ingestCorpus } from '../src/corpus/ingest.ts';
import { readCorpus } from '../src/corpus/read.ts';
import { segmentDocument } from '../src/corpus/segment.ts';

const ARTICLE = 'عنوان الخبر\nقال الوزير إن المحادثات كانت مثمرة وإن الجانبين اتفقا على مواصلة التعاون.\n';
const SECRET = 'root:x:0:0:secret outside the corpus folder';

const temps: string[] = [];
after(async () => {
  for (const t of temps) await rm(t, { recursive: true, force: true });
});

async function tempCorpus(): Promise<{ corpus: string; outside: string }> {
  const base = await mkdtemp(path.join(tmpdir(), 'sanad-hostile-corpus-'));
  temps.push(base);
  const corpus = path.join(base, 'corpus');
  const outside = path.join(base, 'outside');
  await mkdir(path.join(corpus, 'sub'), { recursive: true });
  await mkdir(outside);
  await writeFile(path.join(outside, 'a.txt'), SECRET);
  await writeFile(path.join(outside, 'b.txt'), SECRET);
  await writeFile(path.join(corpus, 'a.txt'), ARTICLE);
  await writeFile(path.join(corpus, 'sub', 'b.txt'), ARTICLE);
  return { corpus, outside };
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

describe('files swapped between listing and reading', () => {
  it('a file replaced by a symbolic link to a file outside the corpus is not read', async () => {
    const { corpus, outside } = await tempCorpus();
    const { files, skipped } = await readCorpus(corpus, {
      afterListing: async () => {
        await unlink(path.join(corpus, 'a.txt'));
        await symlink(path.join(outside, 'a.txt'), path.join(corpus, 'a.txt'));
      },
    });
    assert.deepEqual(files.map((f) => f.id), ['sub/b.txt']);
    assert.ok(files.every((f) => !f.text.includes('secret')));
    assert.deepEqual(skipped, [
      { path: 'a.txt', reason: 'a.txt: skipped, it was replaced by a symbolic link while the corpus was being read; not read (index again once the folder is stable)' },
    ]);
  });

  it('a file replaced by a FIFO is skipped at once instead of hanging the build', async () => {
    const { corpus } = await tempCorpus();
    const { files, skipped } = await readCorpus(corpus, {
      afterListing: async () => {
        await unlink(path.join(corpus, 'a.txt'));
        mkfifo(path.join(corpus, 'a.txt'));
      },
    });
    assert.deepEqual(files.map((f) => f.id), ['sub/b.txt']);
    assert.match(skipped[0]?.reason ?? '', /^a\.txt: skipped, it was replaced by a named pipe \(FIFO\) while the corpus was being read/);
  });

  it('a folder replaced by a link to a folder outside the corpus leads nowhere', async () => {
    const { corpus, outside } = await tempCorpus();
    const { files, skipped } = await readCorpus(corpus, {
      afterListing: async () => {
        await rename(path.join(corpus, 'sub'), path.join(corpus, '.moved'));
        await symlink(outside, path.join(corpus, 'sub'));
      },
    });
    assert.deepEqual(files.map((f) => f.id), ['a.txt']);
    assert.match(skipped[0]?.reason ?? '', /^sub\/b\.txt: skipped, a folder on its path was swapped for a link leading outside the corpus/);
  });

  it('a file saved atomically (renamed over) in the meantime is read with its new content', async () => {
    const { corpus } = await tempCorpus();
    const { files } = await readCorpus(corpus, {
      afterListing: async () => {
        await writeFile(path.join(corpus, '.a.tmp'), `${ARTICLE}سطر جديد.\n`);
        await rename(path.join(corpus, '.a.tmp'), path.join(corpus, 'a.txt'));
      },
    });
    assert.ok(files.find((f) => f.id === 'a.txt')?.text.endsWith('سطر جديد.\n'));
  });
});

describe('entries that are not articles get a warning line', () => {
  it('FIFOs, links to an ancestor folder and hostile names are skipped with a reason each', async () => {
    const { corpus } = await tempCorpus();
    mkfifo(path.join(corpus, 'pipe.txt'));
    await symlink(corpus, path.join(corpus, 'sub', 'up'));
    await symlink(path.join(corpus, 'sub'), path.join(corpus, 'again'));
    await writeFile(path.join(corpus, 'evil\nname.txt'), ARTICLE);
    await writeFile(path.join(corpus, 'rlo\u202etxt.md'), ARTICLE);
    await writeFile(path.join(corpus, 'sep\u2028.txt'), ARTICLE);
    const warned: string[] = [];
    const { files, skipped } = await readCorpus(corpus, { onWarn: (s) => warned.push(s.reason) });
    assert.deepEqual(files.map((f) => f.id), ['a.txt', 'sub/b.txt']);
    assert.deepEqual(warned, [
      '"evil\\u{A}name.txt": skipped, its name contains a line break (U+000A), which would break every citation of it; rename it',
      '"rlo\\u{202E}txt.md": skipped, its name contains a bidi control character (U+202E), which would break every citation of it; rename it',
      '"sep\\u{2028}.txt": skipped, its name contains a line break (U+2028), which would break every citation of it; rename it',
      'again: skipped, symbolic link to the folder sub/ inside the corpus, whose files are read under that path; not followed',
      'pipe.txt: skipped, it is a named pipe (FIFO), not a regular file',
      'sub/up: skipped, symbolic link to the corpus folder itself, which would loop; not followed',
    ]);
    assert.equal(skipped.length, warned.length);
    // Every warning is one line: a name never breaks it.
    for (const w of warned) assert.doesNotMatch(w, /[\n\r\u2028\u2029\u0085]/u);
  });
});

describe('UTF-16 files', () => {
  const text = 'عنوان\r\nنص الخبر، مع أرقام 2025.\n';
  it('are decoded with or without a byte-order mark, in either byte order', () => {
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.from(le).swap16();
    for (const bytes of [Buffer.concat([Buffer.from([0xff, 0xfe]), le]), Buffer.concat([Buffer.from([0xfe, 0xff]), be]), le, be]) {
      const doc = decodeSource('u.txt', bytes);
      assert.ok(!('reason' in doc), 'reason' in doc ? doc.reason : '');
      assert.equal(doc.text, text);
      assert.equal(doc.bytes, bytes.length);
    }
  });

  it('are named as such when they do not decode', () => {
    const broken = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('نص', 'utf16le'), Buffer.from([0x00, 0xd8])]);
    const r = decodeSource('u.txt', broken);
    assert.ok('reason' in r);
    assert.match(r.reason, /^u\.txt: skipped, not valid UTF-16 \(little-endian\)/);
  });
});

describe('HTML extraction stays linear on crafted markup', () => {
  const MB = 1024 * 1024;
  // Each pattern was quadratic or worse in a regex-per-tag extractor (unterminated tags, quotes,
  // alt values), or in a drop-stack searched from the top (deep nesting closed by another name).
  const PATTERNS: Record<string, string> = {
    'unterminated <a': '<a',
    'unterminated attribute quote': '<a href="x',
    'unterminated alt': '<img alt="',
    'end tags without ">"': '</a',
    'nested dropped elements': '<nav>',
    'closing tags never opened': '</aside>',
    'stray "<"': '< ',
    'comment openers': '<!--',
    'entities': '&#x&amp',
    'text and inline tags': '<p>نص عربي <b>x</b> ',
  };

  // CPU time of this process, not wall time: the machine is shared, and another job's load
  // stretches wall time but not the work done here.
  const cpuMs = (since: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(since);
    return (d.user + d.system) / 1000;
  };

  it('1 MB of each pathological pattern is extracted and segmented in well under a second of CPU', () => {
    for (const [name, unit] of Object.entries(PATTERNS)) {
      const html = unit.repeat(Math.ceil(MB / unit.length));
      const started = process.cpuUsage();
      extractHtmlText(html);
      const extractMs = cpuMs(started);
      const doc = decodeSource('crafted.html', Buffer.from(html));
      if (!('reason' in doc)) segmentDocument(doc);
      const totalMs = cpuMs(started);
      // Measured 1–80 ms for extraction and up to 350 ms with segmentation; the quadratic
      // extractor took 106 s on 200 KB.
      assert.ok(extractMs < 1000, `${name}: extraction took ${extractMs.toFixed(0)} ms of CPU`);
      assert.ok(totalMs < 3000, `${name}: decode + segmentation took ${totalMs.toFixed(0)} ms of CPU`);
    }
  });

  it('keeps the text around unterminated markup the way a browser does', () => {
    assert.equal(extractHtmlText('<p>قبل</p><a href="x>بعد'), 'قبل');
    assert.equal(extractHtmlText('<p>one<a <b>two</p>'), 'onetwo');
    assert.equal(extractHtmlText('<nav><div>menu</nav>text'), 'text');
    assert.equal(extractHtmlText('<img alt="a > b" src=x>'), '[image: a > b]');
    assert.equal(extractHtmlText('<!-->visible<!--->too'), 'visibletoo');
  });

  it('a crafted page in the corpus is indexed with the rest, not hanging the build', async () => {
    const { corpus } = await tempCorpus();
    await writeFile(path.join(corpus, 'crafted.html'), `<p>${ARTICLE}</p>${'<a'.repeat(200_000)}`);
    const started = performance.now();
    const result = await ingestCorpus(corpus);
    assert.ok(performance.now() - started < 5000);
    assert.deepEqual(result.documents.map((d) => d.meta.id), ['a.txt', 'crafted.html', 'sub/b.txt']);
  });
});
