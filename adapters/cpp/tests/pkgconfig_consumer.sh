#!/bin/sh
# Builds examples/cpp/main.cpp with nothing but pkg-config flags from the install prefix, runs it.
# usage: pkgconfig_consumer.sh PREFIX SOURCE OUTDIR
set -eu
prefix=$1 src=$2 out=$3
mkdir -p "$out"
PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --exists zinc
flags=$(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" pkg-config --cflags --libs zinc)
echo "pkg-config zinc: $flags"
${CXX:-c++} -std=c++20 -Wall -Wextra -Werror "$src" $flags -o "$out/zinc-example-pc"
env -u LD_LIBRARY_PATH -u ZINC_LIB "$out/zinc-example-pc"
