#!/usr/bin/env bash
# Retrieval quality of the shipped pipeline on every set, in every mode, with a real model folder:
# the three dev sets on their own pools, the mixed Arabic+Persian pool, and the two question sets
# over the shipped corpus. Writes one JSON report per run into bench/results/ (or OUT).
#   bash bench/quality.sh MODEL_DIR [DEV_EVAL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
M=${1:?usage: bench/quality.sh MODEL_DIR [DEV_EVAL_DIR]}
D=${2:-../shared/dev-eval}
OUT=${OUT:-bench/results}
run() { local name=$1; shift; node bin/sanad.js eval "$@" --model "$M" --json > "$OUT/quality-$name.json"; echo "quality: $name done" >&2; }
for s in xquad-ar xquad-en-ar persianqa-fa; do
  run "$s" --queries "$D/$s/queries.jsonl" --passages "$D/$s/passages.jsonl"
done
run mixed --passages "$D/xquad-ar/passages.jsonl" --passages "$D/persianqa-fa/passages.jsonl" \
  --queries "$D/xquad-ar/queries.jsonl" --queries "$D/xquad-en-ar/queries.jsonl" --queries "$D/persianqa-fa/queries.jsonl"
run xlang --queries eval/xlang-queries.jsonl --corpus corpus
run corpus16 --queries eval/corpus-queries.jsonl --corpus corpus
