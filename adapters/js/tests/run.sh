#!/usr/bin/env bash
# Runs the JavaScript adapter's suites: declarations (tsc), then the same test bodies under
# node --test, bun test and deno test; checks /dev/shm; prints one total count line.
# Expects `npm ci` done (make js-deps) and ZINC_LIB set (the Makefile exports it). Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_COLOR=1 FORCE_COLOR=0
bin=node_modules/.bin
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0
failed=0
skipped=0
add() { passed=$((passed + ${1:-0})); failed=$((failed + ${2:-0})); skipped=$((skipped + ${3:-0})); }

echo "== types: tsc -p tests/types"
"$bin/tsc" -p tests/types
add 1 0

echo "== node $(node --version): node --test"
status=0
node --expose-gc --test tests/node.test.mjs 2>&1 | tee "$log/node" || status=$?
add "$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log/node")" "$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log/node")" \
    "$(sed -n 's/^# skipped \([0-9]*\)$/\1/p' "$log/node")"
[ "$status" -eq 0 ] || { echo "node tests failed"; exit "$status"; }

echo "== bun $("$bin/bun" --version): bun test"
"$bin/bun" test ./tests/bun.test.js 2>&1 | tee "$log/bun" || status=$?
add "$(sed -n 's/^ *\([0-9]*\) pass$/\1/p' "$log/bun")" "$(sed -n 's/^ *\([0-9]*\) fail$/\1/p' "$log/bun")" \
    "$(sed -n 's/^ *\([0-9]*\) skip$/\1/p' "$log/bun")"
[ "$status" -eq 0 ] || { echo "bun tests failed"; exit "$status"; }

echo "== $("$bin/deno" --version | head -1): deno test"
# -A: the tests write corrupt objects into /dev/shm, which Deno allows only with --allow-all;
# the peer processes they start run with --allow-ffi --allow-env=ZINC_LIB only.
"$bin/deno" test -A --no-check --v8-flags=--expose-gc tests/deno.test.js 2>&1 | tee "$log/deno" || status=$?
add "$(sed -n 's/.*| \([0-9]*\) passed | \([0-9]*\) failed.*/\1/p' "$log/deno")" \
    "$(sed -n 's/.*| \([0-9]*\) passed | \([0-9]*\) failed.*/\2/p' "$log/deno")" \
    "$(sed -n 's/.*| \([0-9]*\) ignored.*/\1/p' "$log/deno")"
[ "$status" -eq 0 ] || { echo "deno tests failed"; exit "$status"; }

left=$(ls /dev/shm | grep '^zinc_t_js_' || true)
if [ -n "$left" ]; then
  echo "leaked in /dev/shm: $left"
  failed=$((failed + 1))
fi
echo "test-js: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
