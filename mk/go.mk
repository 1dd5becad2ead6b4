# Go adapter (adapters/go): cgo over the core's C ABI. The core is loaded with dlopen: ZINC_LIB
# (exported by the root Makefile) wins; otherwise the RUNPATH baked in by cgo finds target/release.
GO ?= go
GO_DIR := $(ROOT)/adapters/go

.PHONY: agent-go test-go bench-go

# The conformance agent: adapters/go/bin/zinc-agent serve
agent-go: core
	cd $(GO_DIR) && $(GO) build -o bin/zinc-agent ./cmd/zinc-agent

test-go: core agent-go
	cd $(GO_DIR) && GO=$(GO) scripts/test.sh

# Notify / Wait(0) against a bare cgo call: go test -run xxx -bench . ./...
bench-go: core
	cd $(GO_DIR) && $(GO) test -run xxx -bench . -benchtime 2s ./...

ADAPTER_TESTS += test-go
