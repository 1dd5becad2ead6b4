#!/usr/bin/env bash
# Build and test the Zinc C# adapter with Debian's Mono (mcs -langversion:7.2).
#
#   adapters/csharp/build.sh lib     bin/Zinc.dll
#   adapters/csharp/build.sh agent   + bin/ZincAgent.exe  (conformance agent: mono bin/ZincAgent.exe serve)
#   adapters/csharp/build.sh test    + bin/ZincTests.exe, then runs the suite (default)
#   adapters/csharp/build.sh bench   + runs the Notify()/P-Invoke timing
#
# Installs mono-devel with apt-get when mcs or mono is missing (apt-get update once, then install);
# a machine that has them is left alone. .NET users build Zinc.csproj instead (see README.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$HERE/bin"
MODE="${1:-test}"
MCS_FLAGS=(-langversion:7.2 -unsafe -optimize+ -debug -nologo)

ensure_mono() {
    if command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1; then
        return 0
    fi
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    echo "build.sh: mcs/mono missing: installing Debian's mono-devel" >&2
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends mono-devel
}

# compile OUT SOURCES... : rebuild OUT only when a source or Zinc.dll is newer.
compile() {
    local out="$1" target="$2"; shift 2
    local -a refs=()
    if [ "$out" != "$BIN/Zinc.dll" ]; then refs=(-r:"$BIN/Zinc.dll"); fi
    if [ -f "$out" ]; then
        local stale=0 f
        for f in "$@" "${refs[@]/#-r:/}" "$HERE/build.sh"; do
            if [ "$f" -nt "$out" ]; then stale=1; break; fi
        done
        if [ "$stale" = 0 ]; then return 0; fi
    fi
    echo "build.sh: mcs -> ${out#"$ROOT"/}" >&2
    mcs "${MCS_FLAGS[@]}" -target:"$target" "${refs[@]}" -out:"$out" "$@"
}

build_lib() {
    ensure_mono
    mkdir -p "$BIN"
    compile "$BIN/Zinc.dll" library "$HERE"/src/*.cs
}

build_agent() {
    build_lib
    compile "$BIN/ZincAgent.exe" exe "$HERE"/agent/*.cs
}

build_tests() {
    build_agent
    compile "$BIN/ZincTests.exe" exe "$HERE"/tests/*.cs
}

# The tests load the core through ZINC_LIB (the root Makefile exports it).
export ZINC_LIB="${ZINC_LIB:-$ROOT/target/release/libzinc_core.so}"

case "$MODE" in
    lib) build_lib ;;
    agent) build_agent ;;
    test)
        build_tests
        if [ ! -f "$ZINC_LIB" ]; then
            echo "build.sh: $ZINC_LIB not found: build the core first (make core)" >&2
            exit 1
        fi
        cd "$HERE"
        exec mono --debug "$BIN/ZincTests.exe" "${@:2}"
        ;;
    bench)
        build_tests
        exec mono "$BIN/ZincTests.exe" bench "${@:2}"
        ;;
    *) echo "usage: $0 [lib|agent|test|bench]" >&2; exit 2 ;;
esac
