# Sourced by every tests/dist/<language>.sh after it sets SUITE (e.g. SUITE=test-dist-go):
# ROOT and VERSION, the pass/fail counters, and the closing count line make test reads.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VERSION="$(tr -d '[:space:]' < "$ROOT/VERSION")"
passed=0 failed=0
result() {  # result NAME STATUS
  if [ "$2" -eq 0 ]; then passed=$((passed + 1)); echo "ok   $1"; else failed=$((failed + 1)); echo "FAIL $1"; fi
}
finish() {  # prints "SUITE: N passed, M failed"; exits non-zero on any failure or on no test
  echo "$SUITE: $passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}
