#!/usr/bin/env bash
# The small-message ring of docs/PATTERNS.md ("notify only when the consumer may be asleep"),
# across languages: a Rust consumer fed by a C++ producer, a C++ consumer fed by a Rust
# producer, and Rust against Rust. Each pair moves COUNT 64-byte messages; the consumer checks
# every one (sequence and checksum) and prints its throughput (reported, not asserted).
# Prints "test-patterns: N passed, M failed".
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
COUNT="${COUNT:-1000000}"
RUST="$ROOT/target/release" CPP="$ROOT/target/ring"
passed=0 failed=0
pair() {  # pair LABEL CONSUMER PRODUCER
  local name="t_ring_$$_$passed$failed" out
  out="$(mktemp)"
  "$2" "$name" "$COUNT" >"$out" 2>&1 &
  local consumer=$!
  for _ in $(seq 100); do grep -q ready "$out" && break; sleep 0.05; done
  if timeout 60 "$3" "$name" "$COUNT" && timeout 60 tail --pid=$consumer -f /dev/null && wait $consumer &&
     grep -q "received $COUNT messages in order" "$out"; then
    passed=$((passed + 1)); echo "ok   $1: $(grep received "$out")"
  else
    failed=$((failed + 1)); echo "FAIL $1:"; cat "$out"; kill $consumer 2>/dev/null
  fi
  rm -f "$out"
}
pair "Rust consumer <- C++ producer" "$RUST/ring_consumer" "$CPP/ring_producer"
pair "C++ consumer <- Rust producer" "$CPP/ring_consumer" "$RUST/ring_producer"
pair "Rust consumer <- Rust producer" "$RUST/ring_consumer" "$RUST/ring_producer"
left=$(ls /dev/shm | grep "^zinc_t_ring_$$" || true)
[ -z "$left" ] || { failed=$((failed + 1)); echo "FAIL leaked in /dev/shm: $left"; }
echo "test-patterns: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
