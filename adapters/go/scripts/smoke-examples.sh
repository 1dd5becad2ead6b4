#!/usr/bin/env bash
# Checks that the README's writer/reader blocks are examples/*/main.go verbatim, then runs the
# two examples against each other (two real processes: the reader waits for the writer's
# notification, the writer loops on the data for the reader's answer). Called by `make test-go`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
[ "$(scripts/readme-examples.sh README.md "$bin/readme" | sort | tr '\n' ' ')" = "examples/reader/main.go examples/writer/main.go " ] \
    || { echo "README: expected the writer/reader blocks"; exit 1; }
diff -r "$bin/readme/examples" examples || { echo "README blocks differ from examples/"; exit 1; }
"${GO:-go}" build -o "$bin/writer" ./examples/writer
"${GO:-go}" build -o "$bin/reader" ./examples/reader
name="ex_go_$$"
"$bin/reader" "$name" & reader=$!
"$bin/writer" "$name" & writer=$!
rc=0
wait "$reader" || rc=$?
wait "$writer" || rc=$?
if [ -e "/dev/shm/zinc_$name" ]; then echo "example region left in /dev/shm"; rm -f "/dev/shm/zinc_$name"; rc=1; fi
[ "$rc" = 0 ] && echo "examples: README blocks == examples/, writer and reader passed"
exit "$rc"
