# C++ adapter (adapters/cpp): header-only zinc.hpp, CMake package + pkg-config, GoogleTest.
# Also the Rust packaging (dist-rust: the zinc-core crate). All C++ build output goes under
# build/cpp/.
CPP_SRC     := $(ROOT)/adapters/cpp
CPP_BUILD   := $(ROOT)/build/cpp
CPP_PREFIX  := $(CPP_BUILD)/prefix
CPP_JOBS    ?= 2
CPP_VERSION := $(shell cat $(ROOT)/VERSION)
CPP_DIST    := zinc-cpp-$(CPP_VERSION)-linux-x86_64
CPP_CONFIG  := -DCMAKE_BUILD_TYPE=RelWithDebInfo \
               -DZINC_CORE_LIB=$(ROOT)/target/release/libzinc_core.so \
               -DZINC_INSTALL_LIB=$(ROOT)/target/native/libzinc_core.so \
               -DZINC_AGENT_OUTPUT_DIR=$(CPP_BUILD)/agent \
               -DCMAKE_INSTALL_PREFIX=$(CPP_PREFIX) \
               -DZINC_CPP_PREFIX=$(CPP_PREFIX) \
               -DZINC_CPP_EXAMPLE_DIR=$(CPP_BUILD)/example

.PHONY: cpp-deps cpp-configure agent-cpp install-cpp example-cpp test-cpp bench-cpp lint-cpp \
        dist-cpp test-dist-cpp dist-rust test-dist-rust

cpp-deps:
	$(CPP_SRC)/scripts/ensure-deps.sh

# The in-tree targets link target/release; the install ships target/native's stripped copy.
cpp-configure: cpp-deps core native
	cmake -S $(CPP_SRC) -B $(CPP_BUILD)/build $(CPP_CONFIG) >/dev/null

# The conformance agent: build/cpp/agent/zinc-agent serve
agent-cpp: cpp-configure
	cmake --build $(CPP_BUILD)/build --target zinc-agent -j $(CPP_JOBS)

# Installs headers, libzinc_core.so.0 (+ the .so link), the CMake package and zinc.pc into
# build/cpp/prefix.
install-cpp: cpp-configure
	cmake --build $(CPP_BUILD)/build -j $(CPP_JOBS)
	cmake --install $(CPP_BUILD)/build >/dev/null

# The README's writer/reader pair (adapters/cpp/examples), built against the installed package
# only (find_package(zinc CONFIG)); ctest runs it, and builds it again with pkg-config.
example-cpp: install-cpp
	cmake -S $(CPP_SRC)/examples -B $(CPP_BUILD)/example -DCMAKE_PREFIX_PATH=$(CPP_PREFIX) >/dev/null
	cmake --build $(CPP_BUILD)/example -j $(CPP_JOBS)

test-cpp: core agent-cpp example-cpp
	cd $(CPP_BUILD)/build && ctest --output-on-failure -j $(CPP_JOBS)

ADAPTER_TESTS += test-cpp

# notify() / wait(0) against a bare call into the core; the last line is the JSON that
# bench/report.py puts into BENCHMARKS.md.
bench-cpp: cpp-configure
	cmake --build $(CPP_BUILD)/build --target zinc-cpp-bench -j $(CPP_JOBS) >/dev/null
	$(CPP_BUILD)/build/zinc-cpp-bench 2000000

# clang-format (adapters/cpp/.clang-format) on every C++ file, then the header, the agent and the
# examples compiled with -Wall -Wextra -Wpedantic -Werror as C++17 and C++20, linked and
# run-time-loading modes (the suites build with the same flags in test-cpp).
CPP_LINT_FLAGS := -fsyntax-only -Wall -Wextra -Wpedantic -Werror -I$(CPP_SRC)/include -I$(ROOT)/include
lint-cpp:
	$(CPP_SRC)/scripts/ensure-clang-format.sh
	cd $(CPP_SRC) && clang-format --dry-run -Werror $$(find . -name '*.cpp' -o -name '*.hpp' | sort)
	for std in c++17 c++20; do \
	  g++ -std=$$std $(CPP_LINT_FLAGS) -x c++ $(CPP_SRC)/include/zinc/zinc.hpp -o /dev/null; \
	  g++ -std=$$std $(CPP_LINT_FLAGS) -DZINC_DYNAMIC_LOAD $(CPP_SRC)/agent/agent.cpp; \
	  g++ -std=$$std $(CPP_LINT_FLAGS) $(CPP_SRC)/agent/agent.cpp; \
	done
	g++ -std=c++20 $(CPP_LINT_FLAGS) $(CPP_SRC)/examples/writer.cpp
	g++ -std=c++20 $(CPP_LINT_FLAGS) $(CPP_SRC)/examples/reader.cpp
	@echo "lint-cpp: clang-format and -Wall -Wextra -Wpedantic -Werror clean"

LINT_TARGETS += lint-cpp

# dist/cpp/zinc-cpp-<VERSION>-linux-x86_64.tar.gz: the install tree (include/, lib/ with the
# stripped libzinc_core.so.0, lib/cmake/zinc, lib/pkgconfig/zinc.pc) under one top directory,
# and libzinc_core.so.debug beside it.
dist-cpp: native cpp-deps
	rm -rf $(CPP_BUILD)/dist $(CPP_BUILD)/dist-root
	cmake -S $(CPP_SRC) -B $(CPP_BUILD)/dist -DCMAKE_BUILD_TYPE=Release -DZINC_BUILD_TESTS=OFF \
	  -DZINC_CORE_LIB=$(ROOT)/target/native/libzinc_core.so \
	  -DZINC_INSTALL_LIB=$(ROOT)/target/native/libzinc_core.so \
	  -DCMAKE_INSTALL_PREFIX=$(CPP_BUILD)/dist-root/$(CPP_DIST) >/dev/null
	cmake --install $(CPP_BUILD)/dist >/dev/null
	mkdir -p $(ROOT)/dist/cpp
	tar --owner=0 --group=0 --numeric-owner -C $(CPP_BUILD)/dist-root -czf $(ROOT)/dist/cpp/$(CPP_DIST).tar.gz $(CPP_DIST)
	cp $(ROOT)/target/native/libzinc_core.so.debug $(ROOT)/dist/cpp/
	@ls -l $(ROOT)/dist/cpp

test-dist-cpp: dist-cpp
	$(ROOT)/tests/dist/cpp.sh

# dist/rust/zinc-core-<VERSION>.crate: what `cargo publish` would upload.
dist-rust:
	cargo package -p zinc-core --allow-dirty --no-verify -q
	mkdir -p $(ROOT)/dist/rust
	cp $(ROOT)/target/package/zinc-core-$(CPP_VERSION).crate $(ROOT)/dist/rust/
	@ls -l $(ROOT)/dist/rust

test-dist-rust: dist-rust
	$(ROOT)/tests/dist/rust.sh

DIST_TARGETS += dist-cpp dist-rust
DIST_TESTS += test-dist-cpp test-dist-rust
