# Benchmarks (bench/, crate zinc-bench): `make bench` runs the full suite (several minutes, NOT
# part of `make test`) and rewrites bench/results/ and BENCHMARKS.md; `make test-bench` (part of
# `make test`) compiles every piece of benchmark code and runs a seconds-long smoke of each kind.
BENCH_DIR := $(ROOT)/bench
BENCH_C := $(ROOT)/target/bench-c
BENCH_ENV = ROOT=$(ROOT) ZINC_BENCH=$(ROOT)/target/release/zinc-bench BENCH_C=$(BENCH_C)

.PHONY: bench test-bench zinc-bench zinc-bench-c lint-bench

# The benchmark driver; `zinc bench` runs it too.
zinc-bench: core
	cargo build --release -p zinc-bench

# The C side of the adapter-overhead benchmark: libzinc_core.so against a no-op in another .so.
zinc-bench-c: core
	@mkdir -p $(BENCH_C)
	gcc -O2 -Wall -Wextra -Werror -fPIC -shared -o $(BENCH_C)/libzincnoop.so $(BENCH_DIR)/c/noop.c
	gcc -O2 -Wall -Wextra -Werror -I$(ROOT)/include -o $(BENCH_C)/overhead $(BENCH_DIR)/c/overhead.c \
	    -L$(BENCH_C) -lzincnoop -L$(dir $(ZINC_LIB)) -lzinc_core \
	    -Wl,-rpath,$(BENCH_C) -Wl,-rpath,$(dir $(ZINC_LIB))

bench: zinc-bench zinc-bench-c
	$(BENCH_ENV) $(BENCH_DIR)/scripts/run-all.sh full $(BENCH_DIR)/results $(ROOT)/BENCHMARKS.md

test-bench: zinc-bench zinc-bench-c
	$(BENCH_ENV) $(BENCH_DIR)/scripts/run-all.sh smoke $(BENCH_DIR)/results/tmp/smoke $(BENCH_DIR)/results/tmp/smoke/BENCHMARKS.md
	$(ROOT)/target/release/zinc-bench quick --json > $(BENCH_DIR)/results/tmp/quick.json
	$(BENCH_DIR)/.venv/bin/python -c 'import json,sys; d=json.load(open(sys.argv[1])); \
	    assert all(isinstance(d[k][q], (int, float)) and d[k][q] > 0 for k in ("notify_wait_ns","unix_socket_ns") for q in ("p50","p99")); \
	    assert all(d["handoff_100mb_ms"][k] > 0 for k in ("zinc","unix_socket")); \
	    assert all(isinstance(d[k][q], (int, float)) and d[k][q] > 0 for k in ("fanout_16_us","waiter_cpu_pct_at_40us") for q in ("zinc","futex")); \
	    assert all(d["waiter_cpu_pct_at_40us"][q] <= 105 for q in ("zinc","futex")); print("quick:", d)' $(BENCH_DIR)/results/tmp/quick.json
	@left=$$(ls /dev/shm | grep '^zinc_zbench' || true); \
	if [ -n "$$left" ]; then echo "test-bench leaked in /dev/shm: $$left"; exit 1; fi
	@echo "test-bench: 1 passed, 0 failed"

ADAPTER_TESTS += test-bench

# Clippy on the benchmark crates (zinc-bench in the workspace; bench/iceoryx2 is its own
# workspace and is linted when it builds here: see bench/scripts/ensure-iceoryx2.sh).
# --no-deps: lint the benchmark code only, not zinc-core (the core has its own lint target).
lint-bench:
	cargo clippy -p zinc-bench --all-targets --no-deps -- -D warnings
	@if iox="$$($(BENCH_DIR)/scripts/ensure-iceoryx2.sh 2>/dev/null)"; then \
	    cd $(BENCH_DIR)/iceoryx2 && cargo clippy --release --locked --all-targets -- -D warnings; \
	else echo "lint-bench: bench/iceoryx2 does not build on this machine (libclang missing?): not linted"; fi

LINT_TARGETS += lint-bench
