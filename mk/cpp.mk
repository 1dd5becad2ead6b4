# C++ adapter (adapters/cpp): header-only zinc.hpp, CMake package + pkg-config, GoogleTest.
# All build output goes under build/cpp/.
CPP_SRC     := $(ROOT)/adapters/cpp
CPP_BUILD   := $(ROOT)/build/cpp
CPP_PREFIX  := $(CPP_BUILD)/prefix
CPP_JOBS    ?= 2
CPP_CONFIG  := -DCMAKE_BUILD_TYPE=RelWithDebInfo \
               -DZINC_CORE_LIB=$(ROOT)/target/release/libzinc_core.so \
               -DZINC_AGENT_OUTPUT_DIR=$(CPP_BUILD)/agent \
               -DCMAKE_INSTALL_PREFIX=$(CPP_PREFIX) \
               -DZINC_CPP_PREFIX=$(CPP_PREFIX) \
               -DZINC_CPP_EXAMPLE_BIN=$(CPP_BUILD)/example/zinc-example

.PHONY: cpp-deps cpp-configure agent-cpp install-cpp example-cpp test-cpp bench-cpp

cpp-deps:
	$(CPP_SRC)/scripts/ensure-deps.sh

cpp-configure: cpp-deps core
	cmake -S $(CPP_SRC) -B $(CPP_BUILD)/build $(CPP_CONFIG) >/dev/null

# The conformance agent: build/cpp/agent/zinc-agent serve
agent-cpp: cpp-configure
	cmake --build $(CPP_BUILD)/build --target zinc-agent -j $(CPP_JOBS)

# Installs headers, libzinc_core.so, the CMake package and zinc.pc into build/cpp/prefix.
install-cpp: cpp-configure
	cmake --build $(CPP_BUILD)/build -j $(CPP_JOBS)
	cmake --install $(CPP_BUILD)/build >/dev/null

# examples/cpp, built against the installed package only (find_package(zinc CONFIG)).
example-cpp: install-cpp
	cmake -S $(ROOT)/examples/cpp -B $(CPP_BUILD)/example -DCMAKE_PREFIX_PATH=$(CPP_PREFIX) >/dev/null
	cmake --build $(CPP_BUILD)/example -j $(CPP_JOBS)

test-cpp: core agent-cpp example-cpp
	cd $(CPP_BUILD)/build && ctest --output-on-failure -j $(CPP_JOBS)

ADAPTER_TESTS += test-cpp

# notify() / wait(0) against a bare call into the core; the last line is the JSON that
# bench/report.py puts into BENCHMARKS.md.
bench-cpp: cpp-configure
	cmake --build $(CPP_BUILD)/build --target zinc-cpp-bench -j $(CPP_JOBS) >/dev/null
	$(CPP_BUILD)/build/zinc-cpp-bench 2000000
