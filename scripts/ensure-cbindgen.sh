#!/usr/bin/env bash
# Installs cbindgen from crates.io once; later runs find it on PATH and return at once.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
command -v cbindgen >/dev/null 2>&1 && exit 0
cargo install cbindgen --locked --version 0.29.4 >&2
