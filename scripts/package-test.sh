#!/usr/bin/env bash
# The packed-tarball install test (`npm run test:package`, called by .ci/run): packs the project
# as npm would publish it, installs the tarball into an empty folder the way `npx -y sanad` does
# (no project .npmrc, no install flags, only the npm registry), and runs the installed command:
# --help, init, index with a real ONNX model (the tiny fixture), and an MCP client session.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/sanad-package-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$repo"

echo "package test: packing"
npm pack --silent --pack-destination "$work" > "$work/tarball-name"
tarball="$work/$(tail -n 1 "$work/tarball-name")"
listing="$(tar tzf "$tarball")"
for want in package/bin/sanad.js package/dist/bin.js package/dist/cli.js package/server.json package/corpus/000_a89eda4c32949ba3.txt package/assets/view/view.html package/solr/configset/conf/schema.xml package/solr/configset/conf/solrconfig.xml; do
  grep -qx "$want" <<<"$listing" || { echo "package test: $want is missing from the tarball" >&2; exit 1; }
done
if grep -E '^package/(src|test|bench|scripts|eval|index)/|\.ts$' <<<"$listing"; then
  echo "package test: the tarball ships sources, tests or data it should not (above)" >&2
  exit 1
fi
echo "package test: $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) KB"

mkdir "$work/app"
cd "$work/app"
echo '{ "name": "sanad-package-test", "private": true }' > package.json
# A user's environment: none of the switches the checkout uses to keep GPU downloads away.
unset ONNXRUNTIME_NODE_INSTALL npm_config_onnxruntime_node_install ONNXRUNTIME_NODE_INSTALL_CUDA
export HF_HUB_OFFLINE=1
npm install --no-audit --no-fund --foreground-scripts "$tarball" > "$work/install.log" 2>&1 || { cat "$work/install.log" >&2; exit 1; }
if grep -inE 'cuda|nuget|tensorrt' "$work/install.log"; then
  echo "package test: the install tried to fetch GPU libraries (above)" >&2
  exit 1
fi
if find node_modules -iname '*cuda*' -o -iname '*tensorrt*' | grep .; then
  echo "package test: GPU libraries were installed (above)" >&2
  exit 1
fi
# transformers.js travels inside dist/ (scripts/bundle-transformers.mjs): neither it nor what it
# would pull in (its own onnxruntime-node, sharp, the web runtime) may be installed.
for pkg in typescript tsx @huggingface/transformers @huggingface/tokenizers sharp onnxruntime-web; do
  [ ! -e "node_modules/$pkg" ] || { echo "package test: $pkg was installed; it must not be a run-time dependency" >&2; exit 1; }
done
ort="$(find "$PWD/node_modules" -path '*/onnxruntime-node/package.json' -exec node -p 'require(process.argv[1]).version' {} \; | sort -u | paste -sd ' ')"
[ "$ort" = "1.16.3" ] || { echo "package test: onnxruntime-node installed: ${ort:-none}; only the pinned 1.16.3 may be" >&2; exit 1; }

npx --no-install sanad --help | grep -q '^usage: sanad <command>'
[ "$(npx --no-install sanad --version)" = "sanad $(node -p "require('$repo/package.json').version")" ]
npx --no-install sanad init corpus
SANAD_MODEL="$repo/test/fixtures/tiny-model" npx --no-install sanad index --json > index.json
node -e 'const s = require("./index.json"); if (s.mode !== "hybrid" || s.documents !== 5) { console.error(s); process.exit(1); }'
# SANAD_ONNXRUNTIME (the GPU opt-in) reaches the bundled transformers.js: a runtime folder of its
# own (the installed one behind another version string and a line per model session) must be the
# one that runs the model.
mkdir "$work/named-ort"
echo '{ "name": "onnxruntime-node", "version": "0.0.0-named", "main": "index.js" }' > "$work/named-ort/package.json"
cat > "$work/named-ort/index.js" <<JS
const real = require('$PWD/node_modules/onnxruntime-node');
module.exports = {
  ...real,
  env: { ...real.env, versions: { ...real.env.versions, node: 'named-1' } },
  InferenceSession: { create: (...args) => { process.stderr.write('named runtime: session\\n'); return real.InferenceSession.create(...args); } },
};
JS
SANAD_ONNXRUNTIME="$work/named-ort" SANAD_MODEL="$repo/test/fixtures/tiny-model" npx --no-install sanad index --index "$work/named-index" --json > named.json 2> "$work/named.err" || { cat "$work/named.err" >&2; exit 1; }
grep -q "ONNX Runtime: onnxruntime-node named-1 ($work/named-ort)" "$work/named.err" && grep -q '^named runtime: session$' "$work/named.err" || {
  cat "$work/named.err" >&2; echo "package test: SANAD_ONNXRUNTIME did not run the named runtime" >&2; exit 1;
}
# Outside a checkout, with no corpus folder, serve says how to get one instead of failing obscurely.
if (cd "$work" && npx --prefix "$work/app" --no-install sanad serve --corpus "$work/none" --index "$work/none-index" 2> "$work/serve.err"); then
  echo "package test: serve without a corpus should fail" >&2
  exit 1
fi
grep -q 'npx sanad init' "$work/serve.err" || { cat "$work/serve.err" >&2; exit 1; }

cd "$repo"
node --import tsx scripts/package-check.ts "$work/app"
echo "package test: passed"
