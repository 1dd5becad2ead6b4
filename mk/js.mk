# JavaScript adapters (adapters/js): one package, three runtimes (Node.js via koffi, Bun via
# bun:ffi, Deno via Deno.dlopen). Bun and Deno come from npm as dev dependencies, so `npm ci`
# installs all three runtimes' pieces; it runs only when package(-lock).json changed.
JS_DIR := $(ROOT)/adapters/js
JS_STAMP := $(JS_DIR)/node_modules/.package-lock.json

.PHONY: js-deps agent-js test-js bench-js

$(JS_STAMP): $(JS_DIR)/package.json $(JS_DIR)/package-lock.json
	cd $(JS_DIR) && npm ci --no-audit --no-fund
	@touch $@

js-deps: $(JS_STAMP)

# The conformance agent is a script, the same for the three runtimes (from the repo root):
#   node adapters/js/agent.mjs serve
#   adapters/js/node_modules/.bin/bun adapters/js/agent.mjs serve
#   adapters/js/node_modules/.bin/deno run --allow-ffi --allow-env=ZINC_LIB adapters/js/agent.mjs serve
# This target installs what it needs and checks that it starts in each runtime.
agent-js: js-deps core
	@for rt in "node" "$(JS_DIR)/node_modules/.bin/bun" "$(JS_DIR)/node_modules/.bin/deno run --allow-ffi --allow-env=ZINC_LIB"; do \
	    out=$$(printf 'errors\nquit\n' | $$rt $(JS_DIR)/agent.mjs serve | tail -1); \
	    [ "$$out" = DONE ] || { echo "agent-js: '$$rt agent.mjs serve' printed '$$out'"; exit 1; }; \
	done; echo "agent-js: node, bun and deno agents ready"

test-js: agent-js
	$(JS_DIR)/scripts/test-all.sh

# notify() through the API against bare FFI calls, per runtime.
bench-js: js-deps core
	cd $(JS_DIR) && node bench/bench.mjs
	cd $(JS_DIR) && node_modules/.bin/bun bench/bench.mjs
	cd $(JS_DIR) && node_modules/.bin/deno run --allow-ffi --allow-env=ZINC_LIB,ZINC_BENCH_N bench/bench.mjs

ADAPTER_TESTS += test-js
