# Zinc — top-level build. `make demo` and `make test` are the two newcomer commands.
# Each adapter contributes its own targets in mk/<language>.mk (they append to ADAPTER_TESTS),
# so adding a language never edits this file.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
ROOT := $(abspath .)
export PATH := $(HOME)/.cargo/bin:/usr/local/go/bin:$(PATH)
# Every adapter finds the core through ZINC_LIB when it is set (SPEC §7).
export ZINC_LIB ?= $(ROOT)/target/release/libzinc_core.so

# Each mk/<language>.mk appends its suite, its linters, its package build and its package test.
ADAPTER_TESTS :=
LINT_TARGETS :=
DIST_TARGETS :=
DIST_TESTS :=
include $(sort $(wildcard mk/*.mk))

VERSION := $(shell cat $(ROOT)/VERSION)

.PHONY: test-patterns lint lint-rust dist test-dist native check-bindings all build core agent-rust header check-header test test-core test-core-portable test-c check-shm demo matrix clean
all: core

# The core library every adapter loads (target/release/libzinc_core.so).
# Programs linked against it record its SONAME, libzinc_core.so.0: the symlink lets them run
# from the build tree.
core:
	cargo build --release -p zinc-core
	@ln -sfn libzinc_core.so target/release/libzinc_core.so.0

# Everything Rust: core, CLI, benchmarks, examples, the Rust conformance agent.
build:
	cargo build --release --workspace

# include/zinc.h is generated; `make header` rewrites it, `check-header` fails when it is stale.
header:
	scripts/ensure-cbindgen.sh
	cbindgen -q --config core/cbindgen.toml --crate zinc-core --output include/zinc.h core

check-header:
	scripts/ensure-cbindgen.sh
	cbindgen -q --config core/cbindgen.toml --crate zinc-core --output target/zinc.h.check core
	diff -u include/zinc.h target/zinc.h.check || { echo "include/zinc.h is stale: run 'make header'"; exit 1; }

# The stripped library every package ships (target/native/libzinc_core.so + .debug).
native:
	scripts/build-native.sh >/dev/null

# `make lint` runs first in CI: formatting and static checks for every language.
lint: lint-rust $(LINT_TARGETS)
	@echo "make lint: all linters passed"

# Rust: rustfmt and clippy (-D warnings, with the workspace lints: SAFETY comments on every
# unsafe block) on every crate, the standalone fuzz and model crates and the portable backend
# included. (bench/iceoryx2 is linted by lint-bench.)
RUST_SIDE_CRATES := fuzz/Cargo.toml tests/model/Cargo.toml
lint-rust:
	@grep -qx 'version = "$(VERSION)"' Cargo.toml || { echo "Cargo.toml's workspace version is not VERSION ($(VERSION))"; exit 1; }
	cargo fmt --all --check
	for m in $(RUST_SIDE_CRATES); do cargo fmt --check --manifest-path $$m; done
	cargo clippy --release --workspace --all-targets -- -D warnings
	CARGO_TARGET_DIR=$(ROOT)/target/portable cargo clippy --release -p zinc-core --features portable --all-targets -- -D warnings
	for m in $(RUST_SIDE_CRATES); do cargo clippy --release --manifest-path $$m --all-targets -- -D warnings; done

# Every language's installable artifact, in dist/ (see docs/PACKAGING.md).
dist: native $(DIST_TARGETS)
	@ls -la dist

# Installs every artifact in a temp project with the checkout hidden and runs its README example.
test-dist: dist $(DIST_TESTS)

test: check-header test-core test-core-portable test-c $(ADAPTER_TESTS) test-patterns check-bindings matrix test-dist
	@$(MAKE) --no-print-directory check-shm
	@echo "make test: all suites passed"

test-core: build
	cargo test --release --workspace

# The macOS-style backend (spin, then yield/sleep) runs the same suite on Linux.
# Its own target directory: a portable build must never replace target/release/libzinc_core.so,
# which every adapter loads.
test-core-portable:
	CARGO_TARGET_DIR=$(ROOT)/target/portable cargo test --release -p zinc-core --features portable

test-c: core
	$(MAKE) -C tests/c test

# Fails when any test or demo left a Zinc object behind.
check-shm:
	@left=$$(ls /dev/shm | grep '^zinc_' || true); \
	if [ -n "$$left" ]; then echo "leaked in /dev/shm: $$left"; exit 1; fi

# Every language's conformance agent (tests/matrix/README.md); the Rust one is a workspace binary.
AGENTS := agent-rust agent-python agent-go agent-js agent-cpp agent-java agent-csharp

agent-rust:
	cargo build --release -p zinc-core -p zinc-agent

# docs/PATTERNS.md's small-message ring, Rust <-> C++ in both directions.
test-patterns: core
	cargo build --release -p zinc-examples --bin ring_consumer --bin ring_producer
	@mkdir -p target/ring
	for p in ring_consumer ring_producer; do \
	  g++ -std=c++20 -O2 -Wall -Wextra -Werror -Iadapters/cpp/include -Iinclude adapters/cpp/examples/$$p.cpp \
	    -o target/ring/$$p -Ltarget/release -lzinc_core -Wl,-rpath,$(ROOT)/target/release; done
	tests/patterns/ring.sh

# Every adapter's codes, messages and FFI declarations against include/zinc.h and the core.
check-bindings: $(AGENTS)
	python3 scripts/check_bindings.py

# The cross-language matrix: 81 writer/reader cells, fan-out, error parity.
matrix: $(AGENTS)
	python3 tests/matrix/run.py

# The newcomer's first command: Python hands a 64 MiB tensor to eight other languages.
demo: $(AGENTS)
	@$(ROOT)/adapters/python/.venv/bin/python examples/demo/demo.py

clean:
	cargo clean
