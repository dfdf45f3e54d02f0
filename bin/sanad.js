#!/usr/bin/env node
// The `sanad` command. An installed package runs the compiled JavaScript in dist/ (plain Node, no
// TypeScript tooling). A checkout runs dist/ too while it is up to date (`npm install` builds it
// through the `prepare` script); once a source file is newer than the build, it runs the sources
// through tsx (a dev dependency) instead, so an edit takes effect without a build step.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, URL } from 'node:url';

const src = fileURLToPath(new URL('../src/', import.meta.url));
const built = fileURLToPath(new URL('../dist/bin.js', import.meta.url));

/** Newest modification time of the TypeScript sources (a checkout has them; a package does not). */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = `${dir}${entry.name}`;
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(`${file}/`));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(file).mtimeMs);
  }
  return newest;
}

const checkout = existsSync(`${src}bin.ts`);
if (checkout && (!existsSync(built) || newestSource(src) > statSync(built).mtimeMs)) {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    console.error('sanad: dist/ is missing or older than src/, and tsx is not installed to run the sources: run `npm install` (or `npm run build`)');
    process.exit(1);
  }
  register();
  await import('../src/bin.ts');
} else {
  await import('../dist/bin.js');
}
