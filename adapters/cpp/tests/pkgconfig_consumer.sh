#!/bin/sh
# Builds the README writer/reader pair with nothing but pkg-config flags from the install
# prefix (g++ -std=c++20), then runs the pair.   usage: pkgconfig_consumer.sh PREFIX SRCDIR OUTDIR
set -eu
prefix=$1 src=$2 out=$3
mkdir -p "$out"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
flags=$(pkg-config --cflags --libs zinc)
echo "pkg-config zinc: $flags"
for prog in writer reader; do
  ${CXX:-g++} -std=c++20 -Wall -Wextra -Werror "$src/$prog.cpp" $flags -o "$out/$prog"
done
env -u LD_LIBRARY_PATH -u ZINC_LIB sh "$(dirname "$0")/run_pair.sh" "$out/writer" "$out/reader" example_cpp_pc
