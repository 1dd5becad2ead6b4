#!/bin/sh
# Runs a README writer/reader pair as two processes: the reader starts first and waits for the
# writer's region and data; the writer waits for the reader's reply. Both must exit 0 and say so.
# usage: run_pair.sh WRITER READER NAME
set -u
w=$1 r=$2 name=$3_$$
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$r" "$name" >"$out/reader" 2>&1 &
rpid=$!
sleep 0.2
"$w" "$name" >"$out/writer" 2>&1
wrc=$?
wait "$rpid"
rrc=$?
cat "$out/reader" "$out/writer"
if [ "$wrc" -ne 0 ] || [ "$rrc" -ne 0 ]; then
  echo "run_pair: writer exit $wrc, reader exit $rrc" >&2
  exit 1
fi
grep -q "^reader: got hello" "$out/reader" && grep -q "^writer: got world" "$out/writer" || {
  echo "run_pair: missing the expected output" >&2
  exit 1
}
[ ! -e "/dev/shm/zinc_$name" ] || { echo "run_pair: /dev/shm/zinc_$name left behind" >&2; exit 1; }
