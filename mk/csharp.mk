# C# adapter (adapters/csharp): P/Invoke over libzinc_core.so, built and tested with Mono's mcs.
# adapters/csharp/build.sh installs mono-devel when it is missing.
.PHONY: test-csharp agent-csharp

# Conformance agent: mono adapters/csharp/bin/ZincAgent.exe serve
agent-csharp: core
	adapters/csharp/build.sh agent

test-csharp: core agent-csharp
	adapters/csharp/build.sh test

ADAPTER_TESTS += test-csharp
