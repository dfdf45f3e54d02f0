// The evidence view must work from an installed package, not only from a checkout: every file the
// page is assembled from is packed, and what it needs at run time is a dependency, not a dev one.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { FONT_PACKAGE, VIEW_ASSETS } from '../src/view/page.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

test('npm pack ships every file of the view, and its run-time packages are dependencies', async () => {
  // --ignore-scripts: the file list is the question here, not a build.
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>;
  const packed = new Set(pack?.files.map((f) => f.path));
  assert.deepEqual(VIEW_ASSETS.filter((f) => !packed.has(f)), [], 'view assets missing from the package');
  const pkg = JSON.parse(await readFile(`${root}package.json`, 'utf8')) as { dependencies: Record<string, string> };
  for (const name of [FONT_PACKAGE, '@modelcontextprotocol/ext-apps']) assert.ok(pkg.dependencies[name], `${name} is a run-time dependency`);
});
