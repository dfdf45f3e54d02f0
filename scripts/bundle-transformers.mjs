// The second half of `npm run build` (after tsc): bundles transformers.js into the compiled
// package, over tsc's dist/embed/transformers-library.js, so that the published package depends on
// neither @huggingface/transformers nor the onnxruntime-node ≥ 1.19 it pins (whose install script
// downloads CUDA libraries on Linux x64). What stays outside the bundle, and why:
//   - onnxruntime-node: transformers.js require()s it at run time from the bundle's own folder,
//     which resolves to the package's pinned 1.16.3 (or, through the require cache, to the runtime
//     SANAD_ONNXRUNTIME names: src/embed/onnx-runtime.ts);
//   - onnxruntime-common: replaced by src/embed/ort-common.ts, the Tensor class of that same
//     runtime, so the tensors transformers.js builds are always the running runtime's own;
//   - sharp (images, which sanad never reads): replaced by src/embed/no-sharp.ts.
// The build fails if the bundle would import anything else that is not built into Node, and
// writes the licences of the bundled code beside it.
//
//   node scripts/bundle-transformers.mjs
import { builtinModules } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'embed', 'transformers-library.js');
const ALLOWED_IMPORTS = new Set(['onnxruntime-node']);

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/embed/transformers-library.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: [...ALLOWED_IMPORTS],
  alias: {
    'onnxruntime-common': path.join(root, 'src', 'embed', 'ort-common.ts'),
    sharp: path.join(root, 'src', 'embed', 'no-sharp.ts'),
  },
  // The bundled file is read when a model loads, not at start-up: size matters more than names.
  minify: true,
  legalComments: 'none',
  banner: { js: '// transformers.js (@huggingface/transformers, Apache-2.0) bundled by scripts/bundle-transformers.mjs; licences: transformers-library.LICENSES.txt' },
  metafile: true,
  logLevel: 'warning',
});

const output = result.metafile.outputs[path.relative(root, outfile)];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const stray = (output?.imports ?? []).map((i) => i.path).filter((p) => !builtins.has(p) && !ALLOWED_IMPORTS.has(p));
if (!output || stray.length > 0) {
  console.error(`bundle-transformers: the bundle would import ${stray.join(', ') || '(no output)'} at run time; only Node built-ins and ${[...ALLOWED_IMPORTS].join(', ')} may stay outside`);
  process.exit(1);
}
const inputs = Object.keys(result.metafile.inputs);
if (!inputs.some((i) => i.includes('@huggingface/transformers/dist/transformers.node.mjs'))) {
  console.error(`bundle-transformers: transformers.js's node build is not in the bundle (inputs: ${inputs.join(', ')})`);
  process.exit(1);
}

// transformers.js's node build carries these inside it; each licence asks to travel with the code.
const licences = ['@huggingface/transformers', '@huggingface/tokenizers', '@huggingface/jinja', 'onnxruntime-web'].map((name) => {
  const dir = path.join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const file = path.join(dir, 'LICENSE');
  const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : `${pkg.license} (declared in its package.json; the package ships no licence file)`;
  return `${name} ${pkg.version}\n\n${text}\n`;
});
writeFileSync(path.join(path.dirname(outfile), 'transformers-library.LICENSES.txt'), `${licences.join(`\n${'-'.repeat(72)}\n\n`)}`);
console.error(`bundle-transformers: ${path.relative(root, outfile)} (${Math.round((output.bytes ?? 0) / 1024)} KB)`);
