# Go adapter (adapters/go): module zinc.dev/zinc, cgo over the core's C ABI. The core is loaded
# with dlopen: ZINC_LIB (exported by the root Makefile) wins; otherwise the dynamic loader finds
# libzinc_core.so.0 (the system install). Nothing is baked in from this checkout.
GO ?= go
GO_DIR := $(ROOT)/adapters/go

.PHONY: agent-go test-go bench-go lint-go check-go-header dist-go test-dist-go

# The module's zinc.h is a copy of include/zinc.h (`go generate` in adapters/go refreshes it).
check-go-header:
	@cmp -s $(ROOT)/include/zinc.h $(GO_DIR)/zinc.h || { \
	  echo "adapters/go/zinc.h differs from include/zinc.h: run 'cd adapters/go && go generate'"; exit 1; }

# The conformance agent: adapters/go/bin/zinc-agent serve
agent-go: core check-go-header
	cd $(GO_DIR) && $(GO) build -o bin/zinc-agent ./agent

test-go: core agent-go
	cd $(GO_DIR) && GO=$(GO) scripts/test.sh

# Notify / Wait(0) against a bare cgo call.
bench-go: core
	cd $(GO_DIR) && $(GO) test -run xxx -bench . -benchtime 2s ./bench

# gofmt must list no file; go vet over every package (cgo included); zinc.h current.
lint-go: check-go-header
	@cd $(GO_DIR) && unformatted=$$($(GO)fmt -l .) && \
	  if [ -n "$$unformatted" ]; then echo "gofmt -l lists:"; echo "$$unformatted"; exit 1; fi
	cd $(GO_DIR) && $(GO) vet ./...
	@echo "lint-go: gofmt and go vet clean"

# dist/go: the module in module-proxy layout (goproxy/zinc.dev/zinc/@v/v<VERSION>.zip ...) and
# libzinc-core-<VERSION>-linux-x86_64.tar.gz (stripped library, its debug info, zinc.pc, zinc.h).
dist-go: native check-go-header
	python3 $(GO_DIR)/scripts/dist.py $(ROOT) $(ROOT)/dist/go

test-dist-go: dist-go
	$(ROOT)/tests/dist/go.sh

ADAPTER_TESTS += test-go
LINT_TARGETS += lint-go
DIST_TARGETS += dist-go
DIST_TESTS += test-dist-go
