#!/usr/bin/env bash
# Package test of the C++ adapter (make test-dist-cpp): unpacks
# dist/cpp/zinc-cpp-<VERSION>-linux-x86_64.tar.gz into a temporary prefix with the checkout hidden
# (tests/dist/hide-checkout.sh), then builds the README's writer/reader pair verbatim twice —
# CMake find_package(zinc), and pkg-config + g++ -std=c++20 — and runs each pair as two processes
# (the reader waits for the writer's data, the writer loops on the data for the reply).
set -uo pipefail
SUITE=test-dist-cpp
. "$(dirname "$0")/lib.sh"
PKG="zinc-cpp-$VERSION-linux-x86_64"
TARBALL="$ROOT/dist/cpp/$PKG.tar.gz"
require "$TARBALL"

new_workdir
mkdir -p "$work/src" "$work/prefix"
cp "$TARBALL" "$work/"
cp "$ROOT/adapters/cpp/tests/run_pair.sh" "$work/"

# The code run is the README's, taken from its code blocks, which must equal adapters/cpp/examples.
python3 "$ROOT/adapters/cpp/tests/readme_blocks.py" "$ROOT/adapters/cpp/README.md" --extract "$work/src"
result "README code blocks equal adapters/cpp/examples" $?

cat >"$work/inner.sh" <<INNER
#!/usr/bin/env bash
# Runs with the checkout hidden. One "ok NAME" or "FAIL NAME" line per check.
set -u
cd "$work"
check() { local name=\$1; shift; if "\$@" >"$work/log" 2>&1; then echo "ok   \$name"; else cat "$work/log"; echo "FAIL \$name"; fi; }
tar -C prefix -xzf "$PKG.tar.gz"
P="$work/prefix/$PKG"
check "package layout (include/, lib/libzinc_core.so.0 + link, cmake, pkg-config)" bash -c '
  set -e
  for f in include/zinc.h include/zinc/zinc.hpp lib/libzinc_core.so.0 lib/cmake/zinc/zincConfig.cmake \
           lib/cmake/zinc/zincConfigVersion.cmake lib/pkgconfig/zinc.pc; do test -f "\$0/\$f"; done
  test "\$(readlink "\$0/lib/libzinc_core.so")" = libzinc_core.so.0
  readelf -d "\$0/lib/libzinc_core.so.0" | grep -q "Library soname: \[libzinc_core.so.0\]"
  ! readelf -S "\$0/lib/libzinc_core.so.0" | grep -q "\.debug_info"
  ! grep -rl "$ROOT" "\$0"
  test "\$(PKG_CONFIG_PATH="\$0/lib/pkgconfig" pkg-config --modversion zinc)" = "$VERSION"' "\$P"
check "CMake find_package(zinc): build the README pair" bash -c '
  cmake -S src -B build-cmake -DCMAKE_PREFIX_PATH="\$0" && cmake --build build-cmake' "\$P"
check "CMake pair: reader and writer processes" sh ./run_pair.sh build-cmake/writer build-cmake/reader dist_cpp_cmake
check "pkg-config + g++ -std=c++20: build the README pair" bash -c '
  set -e; export PKG_CONFIG_PATH="\$0/lib/pkgconfig"; mkdir -p build-pc
  for p in writer reader; do g++ -std=c++20 src/\$p.cpp \$(pkg-config --cflags --libs zinc) -o build-pc/\$p; done' "\$P"
check "pkg-config pair: reader and writer processes" sh ./run_pair.sh build-pc/writer build-pc/reader dist_cpp_pc
INNER
run_hidden "$work" "$work/inner.sh"
finish
