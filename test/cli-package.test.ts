// What a user of the published package meets first: `sanad init`, the message when no corpus is
// there, and the MCP Registry description (server.json) agreeing with package.json and the CLI.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

const BIN = path.resolve('bin/sanad.js');
const tmp = mkdtempSync(path.join(tmpdir(), 'sanad-cli-package-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function sanad(args: string[], cwd = tmp) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, SANAD_CORPUS: '', SANAD_INDEX: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('init writes the five sample articles, keeps files already there, and prints the next commands', () => {
  const target = path.join(tmp, 'my corpus');
  const first = sanad(['init', target]);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(readdirSync(target).sort(), readdirSync('corpus').filter((f) => f.endsWith('.txt')).sort());
  assert.equal(readFileSync(path.join(target, '000_a89eda4c32949ba3.txt'), 'utf8'), readFileSync('corpus/000_a89eda4c32949ba3.txt', 'utf8'));
  assert.match(first.stderr, /^wrote 5 sample articles into .*my corpus\n/);
  assert.ok(first.stderr.includes(`npx sanad serve --corpus "${target}" --index ${path.join(tmp, 'index')} `), first.stderr);

  writeFileSync(path.join(target, '001_a84ef65c2610b456.txt'), 'my own edit');
  const second = sanad(['init', target]);
  assert.equal(second.code, 0);
  assert.match(second.stderr, /kept .*001_a84ef65c2610b456\.txt \(already there\)/);
  assert.match(second.stderr, /wrote 0 sample articles/);
  assert.equal(readFileSync(path.join(target, '001_a84ef65c2610b456.txt'), 'utf8'), 'my own edit');
  assert.equal(sanad(['init', 'a', 'b']).code, 2);
});

test('index and serve without a corpus folder say how to point at one or write the sample', () => {
  const missing = path.join(tmp, 'nowhere');
  const expected = `no corpus folder at ${missing}: point sanad at your articles with --corpus DIR (or SANAD_CORPUS=DIR), or write the sample corpus there with \`npx sanad init ${missing}\``;
  const index = sanad(['index', '--corpus', missing, '--index', path.join(tmp, 'idx'), '--lexical-only']);
  assert.deepEqual([index.code, index.stderr.trim().split('\n').at(-1)], [2, `sanad index: ${expected}`]);
  const serve = sanad(['serve', '--corpus', missing, '--index', path.join(tmp, 'idx')]);
  assert.deepEqual([serve.code, serve.stderr.trim()], [2, `sanad serve: ${expected}`]);
  // The defaults are ./corpus and ./index of the working folder, and the message names them.
  const bare = sanad(['serve'], tmp);
  assert.match(bare.stderr, new RegExp(`no corpus folder at ${path.join(tmp, 'corpus').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:`));
});

test('server.json names the npm package, its version and a serve command the CLI accepts', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { name: string; version: string; mcpName: string; files: string[] };
  const server = JSON.parse(readFileSync('server.json', 'utf8')) as {
    name: string;
    version: string;
    description: string;
    packages: Array<{ registryType: string; identifier: string; version: string; transport: { type: string }; packageArguments: Array<{ type: string; value?: string; name?: string }> }>;
  };
  assert.equal(server.name, pkg.mcpName);
  assert.equal(server.version, pkg.version);
  assert.ok(server.description.length <= 100, `description has ${server.description.length} characters; the registry allows 100`);
  const [npm] = server.packages;
  assert.deepEqual([npm?.registryType, npm?.identifier, npm?.version, npm?.transport.type], ['npm', pkg.name, pkg.version, 'stdio']);
  assert.ok(pkg.files.includes('server.json'));
  const args = npm?.packageArguments ?? [];
  assert.equal(args[0]?.value, 'serve');
  const help = sanad(['serve', '--help']).stdout;
  for (const named of args.filter((a) => a.type === 'named')) assert.ok(help.includes(`${named.name} `), `serve --help does not list ${named.name}`);
});
