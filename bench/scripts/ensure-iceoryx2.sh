#!/usr/bin/env bash
# Idempotently builds the iceoryx2 side binary (bench/iceoryx2, its own cargo workspace).
# iceoryx2's build script runs bindgen, which needs libclang: installed from apt if missing.
# Prints the binary's path on success; on failure prints the reason on stderr and exits 1.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
have_libclang() {
    [ -n "${LIBCLANG_PATH:-}" ] || compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null \
        || compgen -G '/usr/lib/*-linux-gnu/libclang*.so*' >/dev/null
}
if ! have_libclang; then
    if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
        echo "ensure-iceoryx2: installing libclang-dev (bindgen needs it)" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libclang-dev) >&2 || true
    fi
fi
if ! have_libclang; then
    echo "ensure-iceoryx2: libclang not found and could not be installed; iceoryx2-pal-posix's build script (bindgen) cannot run" >&2
    exit 1
fi
cd "$here/iceoryx2"
if ! cargo build --release --locked -q >&2; then
    echo "ensure-iceoryx2: cargo build of bench/iceoryx2 failed (see above)" >&2
    exit 1
fi
echo "$here/iceoryx2/target/release/zinc-bench-iceoryx2"
