# C# adapter (adapters/csharp): P/Invoke over libzinc_core.so, built with Mono's mcs, tested
# under NUnit 2.6. adapters/csharp/build.sh installs mono-devel and nunit-console when missing.
.PHONY: test-csharp agent-csharp bench-csharp lint-csharp dist-csharp test-dist-csharp

# Conformance agent: mono adapters/csharp/bin/ZincAgent.exe serve
agent-csharp: core
	adapters/csharp/build.sh agent

test-csharp: core agent-csharp
	adapters/csharp/build.sh test

ADAPTER_TESTS += test-csharp

# Notify() / Wait(0) against a bare P/Invoke; the last line is the JSON bench/report.py reads.
bench-csharp: core
	adapters/csharp/build.sh bench 2000000

# Every source set with mcs -warn:4 -warnaserror (and documented public API), plus a style check.
lint-csharp:
	adapters/csharp/build.sh lint

LINT_TARGETS += lint-csharp

# dist/csharp/Zinc.$(VERSION).nupkg with the stripped core in runtimes/linux-x64/native/.
dist-csharp: native
	adapters/csharp/build.sh dist

DIST_TARGETS += dist-csharp

# Restores the package into a temp project with the checkout hidden and runs the README pair.
test-dist-csharp: dist-csharp
	tests/dist/csharp.sh

DIST_TESTS += test-dist-csharp
