#!/usr/bin/env bash
# Package test of the Rust crate (make test-dist-rust): unpacks dist/rust/zinc-core-<VERSION>.crate
# into a temporary directory with the checkout hidden (tests/dist/hide-checkout.sh), makes a new
# cargo project that depends on it by path, and builds and runs the README's Rust writer/reader
# pair verbatim as two processes (the reader waits for the writer's data, the writer loops on the
# data for the reply). The README's blocks must equal examples/src/bin/{writer,reader}.rs.
set -uo pipefail
SUITE=test-dist-rust
. "$(dirname "$0")/lib.sh"
CRATE="$ROOT/dist/rust/zinc-core-$VERSION.crate"
require "$CRATE"

new_workdir
mkdir -p "$work/app/src/bin"
cp "$CRATE" "$work/"
cp "$ROOT/adapters/cpp/tests/run_pair.sh" "$work/"
blocks="$ROOT/adapters/cpp/tests/readme_blocks.py"
# The code run is the top-level README's, which must equal the zinc-examples binaries.
python3 "$blocks" "$ROOT/README.md" --extract "$work/app/src/bin"
result "README.md Rust quick start equals examples/src/bin" $?
python3 "$blocks" "$ROOT/core/README.md"
result "core/README.md (the crate's README) equals examples/src/bin" $?

cat >"$work/app/Cargo.toml" <<TOML
[package]
name = "zinc-readme-pair"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
zinc-core = { path = "../zinc-core-$VERSION" }

[workspace]
TOML

cat >"$work/inner.sh" <<INNER
#!/usr/bin/env bash
# Runs with the checkout hidden. One "ok NAME" or "FAIL NAME" line per check.
set -u
cd "$work"
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR
check() { local name=\$1; shift; if "\$@" >"$work/log" 2>&1; then echo "ok   \$name"; else cat "$work/log"; echo "FAIL \$name"; fi; }
check "unpack the .crate: version $VERSION, README, licence metadata" bash -c '
  set -e
  tar -xzf "zinc-core-$VERSION.crate"
  grep -q "^version = \"$VERSION\"" "zinc-core-$VERSION/Cargo.toml"
  grep -q "^license = \"MIT OR Apache-2.0\"" "zinc-core-$VERSION/Cargo.toml"
  grep -q "^readme = \"README.md\"" "zinc-core-$VERSION/Cargo.toml"
  test -f "zinc-core-$VERSION/README.md" && test -f "zinc-core-$VERSION/build.rs"'
check "cargo build of the README pair against the crate" bash -c 'cd app && cargo build --release -q'
check "README pair: reader and writer processes" sh ./run_pair.sh app/target/release/writer app/target/release/reader dist_rust
check "the binaries link zinc-core statically (no libzinc_core.so needed)" bash -c '
  ! ldd app/target/release/writer | grep -q zinc_core'
INNER
run_hidden "$work" "$work/inner.sh"
finish
