# C# adapter (adapters/csharp): P/Invoke over libzinc_core.so, built and tested with Mono's mcs.
# adapters/csharp/build.sh installs mono-devel when it is missing.
.PHONY: test-csharp agent-csharp bench-csharp

# Conformance agent: mono adapters/csharp/bin/ZincAgent.exe serve
agent-csharp: core
	adapters/csharp/build.sh agent

test-csharp: core agent-csharp
	adapters/csharp/build.sh test

ADAPTER_TESTS += test-csharp

# Notify() / Wait(0) against a bare P/Invoke; the last line is the JSON bench/report.py reads.
bench-csharp: core
	adapters/csharp/build.sh bench 2000000
