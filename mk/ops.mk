# Operations and reliability (issue 11): the zinc CLI, fault injection with real SIGKILLs,
# lifecycle races, security, fuzzing, model checking, sanitizers. `make test-ops` runs it all
# in a few minutes and fails if anything is left in /dev/shm.
OPS_TARGET := $(ROOT)/target
OPS_SAN := $(OPS_TARGET)/sanitize
OPS_CC ?= gcc
OPS_FUZZ_ITERS ?= 20000
OPS_LIBFUZZER_SECS ?= 20
# Flags cargo-fuzz uses for libFuzzer coverage (nightly only).
OPS_SANCOV := -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
  -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
  -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions

.PHONY: test-ops ops-cli ops-unit ops-fault ops-races ops-security ops-fuzz ops-libfuzzer \
  ops-model ops-asan ops-tsan ops-deps ops-check-shm

test-ops: core ops-deps ops-unit ops-cli ops-fault ops-races ops-security ops-fuzz ops-libfuzzer \
  ops-model ops-asan ops-tsan
	@$(MAKE) --no-print-directory ops-check-shm
	@echo "test-ops: all operations and reliability suites passed"

# Tools the suites need beyond the preinstalled toolchain: setpriv (util-linux) for the
# cross-user test, and gcc's sanitizer runtimes. Installed only when missing.
ops-deps:
	@need=""; command -v setpriv >/dev/null || need="$$need util-linux"; \
	command -v $(OPS_CC) >/dev/null || need="$$need gcc"; \
	echo 'int main(void){return 0;}' > /tmp/zinc_ops_probe.c; \
	$(OPS_CC) -fsanitize=address,undefined /tmp/zinc_ops_probe.c -o /tmp/zinc_ops_probe 2>/dev/null || need="$$need libasan8 libubsan1"; \
	$(OPS_CC) -fsanitize=thread /tmp/zinc_ops_probe.c -o /tmp/zinc_ops_probe 2>/dev/null || need="$$need libtsan2"; \
	rm -f /tmp/zinc_ops_probe /tmp/zinc_ops_probe.c; \
	if [ -n "$$need" ]; then echo "ops: installing$$need"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$need; fi

ops-unit: core
	cargo test --release -q -p zinc-core --lib admin

# The CLI end to end against real regions (live, stale after a SIGKILL, corrupt), cli/tests.
ops-cli: core
	cargo test --release -p zinc-cli

ops-fault:
	CARGO_TARGET_DIR=$(OPS_TARGET)/crashpoints cargo test --release -p zinc-core --features crashpoints --test fault_injection -- --nocapture

ops-races:
	cargo test --release -p zinc-core --test races -- --nocapture

ops-security:
	cargo test --release -p zinc-core --test security -- --nocapture

# Structured random fuzzing on stable (always). Long run: OPS_FUZZ_ITERS=2000000 make ops-fuzz
ops-fuzz:
	ZINC_FUZZ_ITERS=$(OPS_FUZZ_ITERS) cargo test --release -q --manifest-path fuzz/Cargo.toml \
	  --target-dir $(OPS_TARGET)/ops-fuzz

# Coverage-guided libFuzzer run when a nightly toolchain is installed (skipped, and said so,
# otherwise). Long run: OPS_LIBFUZZER_SECS=3600 make ops-libfuzzer (or `cargo fuzz run
# --features libfuzzer open_object` in fuzz/ with cargo-fuzz).
ops-libfuzzer:
	@toolchains="$$(rustup toolchain list 2>/dev/null || true)"; \
	if grep -q '^nightly' <<<"$$toolchains"; then \
	  RUSTFLAGS="$(OPS_SANCOV)" cargo +nightly build -q --release --manifest-path fuzz/Cargo.toml \
	    --features libfuzzer --bin open_object --target-dir $(OPS_TARGET)/ops-fuzz-nightly \
	    --target x86_64-unknown-linux-gnu && \
	  mkdir -p $(OPS_TARGET)/ops-fuzz-corpus && \
	  $(OPS_TARGET)/ops-fuzz-nightly/x86_64-unknown-linux-gnu/release/open_object \
	    -max_total_time=$(OPS_LIBFUZZER_SECS) -max_len=512 -print_final_stats=1 \
	    $(OPS_TARGET)/ops-fuzz-corpus 2>&1 | grep -E 'stat::number_of_executed_units|Done|ERROR|panicked' ; \
	  test $${PIPESTATUS[0]} -eq 0; \
	else echo "ops-libfuzzer: SKIPPED (no nightly toolchain; the stable fuzz test ran)"; fi

# loom model of the lifecycle protocol and of notify/wait (standalone crate, tests/model).
ops-model:
	cargo test --release -q --manifest-path tests/model/Cargo.toml --target-dir $(OPS_TARGET)/ops-model

# The C ABI under ASan + UBSan (+ LeakSanitizer). Uses the lead's tests/c/test_abi.c as well
# when it exists.
ops-asan: core
	mkdir -p $(OPS_SAN)
	$(OPS_CC) -std=c11 -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	  -fno-sanitize-recover=all -I$(ROOT)/include tests/sanitize/asan_abi.c -L$(OPS_TARGET)/release \
	  -lzinc_core -Wl,-rpath,$(OPS_TARGET)/release -o $(OPS_SAN)/asan_abi
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(OPS_SAN)/asan_abi
	@if [ -f tests/c/test_abi.c ]; then \
	  $(OPS_CC) -std=c11 -D_DEFAULT_SOURCE -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -I$(ROOT)/include tests/c/test_abi.c -L$(OPS_TARGET)/release \
	    -lzinc_core -Wl,-rpath,$(OPS_TARGET)/release -lpthread -o $(OPS_SAN)/test_abi && \
	  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $(OPS_SAN)/test_abi; \
	else echo "ops-asan: tests/c/test_abi.c not present yet; tests/sanitize/asan_abi.c covered the ABI"; fi

# Threads sharing handles for notify/wait under TSan.
ops-tsan: core
	mkdir -p $(OPS_SAN)
	$(OPS_CC) -std=c11 -D_DEFAULT_SOURCE -g -O1 -fsanitize=thread -I$(ROOT)/include \
	  tests/sanitize/tsan_notify.c -L$(OPS_TARGET)/release -lzinc_core \
	  -Wl,-rpath,$(OPS_TARGET)/release -lpthread -o $(OPS_SAN)/tsan_notify
	TSAN_OPTIONS=halt_on_error=1 $(OPS_SAN)/tsan_notify

# Nothing of ours may be left behind.
ops-check-shm:
	@left=$$(ls /dev/shm | grep -E '^zinc_(t_(fi|race|sec|fuzz|asan|tsan|admin|ops)_)' || true); \
	if [ -n "$$left" ]; then echo "test-ops leaked in /dev/shm: $$left"; exit 1; fi

ADAPTER_TESTS += test-ops
