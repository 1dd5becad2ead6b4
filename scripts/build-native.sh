#!/usr/bin/env bash
# Builds the release core and the copy every package ships: target/native/libzinc_core.so,
# stripped, with its debug info kept beside it in libzinc_core.so.debug (linked by
# .gnu_debuglink, so gdb and perf find it when it is installed next to the library).
# Idempotent; prints the path of the stripped library.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
cd "$ROOT"
cargo build --release -q -p zinc-core
ln -sfn libzinc_core.so "$ROOT/target/release/libzinc_core.so.0"
out="$ROOT/target/native"
mkdir -p "$out"
src="$ROOT/target/release/libzinc_core.so"
if [ ! -f "$out/libzinc_core.so" ] || [ "$src" -nt "$out/libzinc_core.so" ]; then
    tmp="$out/.libzinc_core.so.$$"
    objcopy --only-keep-debug "$src" "$out/libzinc_core.so.debug"
    strip --strip-unneeded -o "$tmp" "$src"
    (cd "$out" && objcopy --add-gnu-debuglink=libzinc_core.so.debug "$(basename "$tmp")")
    mv -f "$tmp" "$out/libzinc_core.so"
fi
ln -sfn libzinc_core.so "$out/libzinc_core.so.0"
echo "$out/libzinc_core.so"
