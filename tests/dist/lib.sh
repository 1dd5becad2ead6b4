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
new_workdir() {  # sets $work to a fresh directory, removed on exit (read-only parts too: Go's module cache)
  work="$(mktemp -d "/tmp/zinc-dist-${SUITE#test-dist-}.XXXXXX")"
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
}
require() {  # require FILE...: each artifact must exist, else one failure and the closing line
  local f
  for f in "$@"; do
    if [ ! -f "$f" ]; then
      echo "$SUITE: $f missing (run make ${SUITE#test-})" >&2
      result "artifact exists" 1
      finish
    fi
  done
}
# ELF checks read readelf's whole output before matching. `readelf ... | grep -q` under pipefail
# fails at random: grep exits at its first match while readelf still writes its last buffer
# (section tables are just over 4 KiB), readelf dies of SIGPIPE and the pipeline reports 141.
elf_has() {  # elf_has -d|-S FILE PATTERN: readelf works and its output matches PATTERN
  local out
  out="$(readelf "$1" "$2")" && grep -q -- "$3" <<<"$out"
}
elf_lacks() {  # elf_lacks -d|-S FILE PATTERN: readelf works and its output does not match PATTERN
  local out
  out="$(readelf "$1" "$2")" && ! grep -q -- "$3" <<<"$out"
}
run_hidden() {  # run_hidden WORKDIR SCRIPT: runs SCRIPT with the checkout hidden, counting its
  # "ok   ..." and "FAIL ..." lines into this suite's totals
  local line
  while IFS= read -r line; do
    echo "$line"
    case "$line" in
      "ok   "*) passed=$((passed + 1)) ;;
      "FAIL "*) failed=$((failed + 1)) ;;
    esac
  done < <("$ROOT/tests/dist/hide-checkout.sh" "$1" bash "$2" 2>&1)
}
