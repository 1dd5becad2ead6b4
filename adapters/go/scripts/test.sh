#!/usr/bin/env bash
# The Go adapter's suite, run by `make test-go`: go vet, go test -race (verbose output kept in a
# log, failures shown), the README's examples against each other, a /dev/shm leak check, and one
# closing "N passed, N failed" line. ZINC_LIB must name the core (the root Makefile exports it).
set -uo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
command -v "$GO" >/dev/null || { echo "$GO not found on PATH (expected /usr/local/go/bin)"; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
rc=0
"$GO" vet ./... || rc=1
"$GO" test -race -count=1 -v ./... >"$log" 2>&1 || rc=1
grep -E '^(--- FAIL|FAIL|ok |panic|fatal error)|_test\.go:[0-9]+:' "$log" || true
if [ "$rc" != 0 ]; then echo "---- go test output (tail) ----"; tail -60 "$log"; fi
passed=$(grep -c '^--- PASS' "$log" || true)
failed=$(grep -c '^--- FAIL' "$log" || true)
if scripts/smoke-examples.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); rc=1; fi
# Regions of Go test runs whose process is gone (a concurrent run's live regions are not leaks).
left=$(for f in $(ls /dev/shm | grep -E '^zinc_(t_go_(bench_)?|ex_go_)[0-9]+' || true); do
    pid=$(echo "$f" | grep -oE '[0-9]+' | head -1); [ -d "/proc/$pid" ] || echo "$f"; done)
if [ -n "$left" ]; then echo "leaked in /dev/shm: $left"; failed=$((failed + 1)); rc=1; fi
[ "$passed" -gt 0 ] || rc=1
[ "$failed" = 0 ] || rc=1
echo "go: $passed passed, $failed failed"
exit "$rc"
