# JavaScript adapters (adapters/js): one package, three runtimes (Node.js via koffi, Bun via
# bun:ffi, Deno via Deno.dlopen). Bun and Deno come from npm as dev dependencies, so `npm ci`
# installs all three runtimes' pieces; it runs only when package(-lock).json changed.
JS_DIR := $(ROOT)/adapters/js
JS_STAMP := $(JS_DIR)/node_modules/.package-lock.json
JS_BIN := $(JS_DIR)/node_modules/.bin
JS_STAGE := $(ROOT)/target/js-package
JS_RUNTIMES := "node" "$(JS_BIN)/bun" "$(JS_BIN)/deno run --allow-ffi --allow-env=ZINC_LIB"

.PHONY: js-deps agent-js test-js bench-js lint-js dist-js test-dist-js

$(JS_STAMP): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	cd $(JS_DIR) && npm ci --no-audit --no-fund
	@touch $@

js-deps: $(JS_STAMP)

# The conformance agent is a script, the same for the three runtimes (from the repo root):
#   node adapters/js/agent/agent.mjs serve
#   adapters/js/node_modules/.bin/bun adapters/js/agent/agent.mjs serve
#   adapters/js/node_modules/.bin/deno run --allow-ffi --allow-env=ZINC_LIB adapters/js/agent/agent.mjs serve
# This target installs what it needs and checks that it starts in each runtime.
agent-js: js-deps core
	@for rt in $(JS_RUNTIMES); do \
	    out=$$(printf 'errors\nabi\nquit\n' | $$rt $(JS_DIR)/agent/agent.mjs serve | tail -1); \
	    [ "$$out" = DONE ] || { echo "agent-js: '$$rt agent/agent.mjs serve' printed '$$out'"; exit 1; }; \
	done; echo "agent-js: node, bun and deno agents ready"

test-js: agent-js
	$(JS_DIR)/tests/run.sh

# notify() through the API against bare FFI calls, per runtime.
bench-js: js-deps core
	cd $(JS_DIR) && node bench/bench.mjs
	cd $(JS_DIR) && $(JS_BIN)/bun bench/bench.mjs
	cd $(JS_DIR) && $(JS_BIN)/deno run --allow-ffi --allow-env=ZINC_LIB,ZINC_BENCH_N bench/bench.mjs

# deno lint (static checks) and deno fmt --check (formatting) over every JS file of the adapter,
# configured by tests/lint.json; tsc checks the declarations (src/*.d.ts) and src/ against them.
lint-js: js-deps
	cd $(JS_DIR) && $(JS_BIN)/deno lint --config tests/lint.json
	cd $(JS_DIR) && $(JS_BIN)/deno fmt --check --config tests/lint.json
	cd $(JS_DIR) && $(JS_BIN)/tsc -p tests/types
	@echo "lint-js: deno lint, deno fmt --check and tsc passed"

# dist/js/zinc-shm-<VERSION>.tgz: what `npm publish` would upload, with the stripped core in
# native/<platform>-<arch>/ (its debug info beside the tarball). Packed from a staging copy so
# that the library never lands in the source tree.
dist-js: native
	rm -rf $(JS_STAGE) $(ROOT)/dist/js
	mkdir -p $(JS_STAGE) $(ROOT)/dist/js
	cp -r $(JS_DIR)/package.json $(JS_DIR)/README.md $(JS_DIR)/src $(JS_STAGE)/
	plat=$$(node -p 'process.platform + "-" + process.arch'); mkdir -p $(JS_STAGE)/native/$$plat; \
	  cp $(ROOT)/target/native/libzinc_core.so $(JS_STAGE)/native/$$plat/
	cd $(JS_STAGE) && npm pkg set version=$(VERSION) && npm pkg delete scripts devDependencies
	cd $(JS_STAGE) && npm pack --silent --pack-destination $(ROOT)/dist/js >/dev/null
	cp $(ROOT)/target/native/libzinc_core.so.debug $(ROOT)/dist/js/
	@ls -l $(ROOT)/dist/js

test-dist-js: dist-js
	$(ROOT)/tests/dist/js.sh

ADAPTER_TESTS += test-js
LINT_TARGETS += lint-js
DIST_TARGETS += dist-js
DIST_TESTS += test-dist-js
