#!/usr/bin/env bash
# Runs the two example programs against each other (a real writer and reader process) and fails
# unless both succeed. Called by `make test-go`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
"${GO:-go}" build -o "$bin/writer" ./examples/writer
"${GO:-go}" build -o "$bin/reader" ./examples/reader
name="ex_go_$$"
# The reader starts first and retries Open until the writer created the region; the writer
# pauses before notifying so that the reader has opened (a notification sent before a handle
# opened is not seen by it).
"$bin/reader" -timeout 30s "$name" & reader=$!
"$bin/writer" -capacity 65536 -delay 2s -timeout 30s "$name" & writer=$!
rc=0
wait "$reader" || rc=$?
wait "$writer" || rc=$?
if [ -e "/dev/shm/zinc_$name" ]; then echo "example region left in /dev/shm"; rc=1; fi
[ "$rc" = 0 ] && echo "examples: writer and reader passed"
exit "$rc"
