#!/usr/bin/env bash
# Build, test, lint and package the Zinc C# adapter with Debian's Mono (mcs -langversion:7.2).
#
#   adapters/csharp/build.sh lib     bin/Zinc.dll
#   adapters/csharp/build.sh agent   + bin/ZincAgent.exe  (conformance agent: mono bin/ZincAgent.exe serve)
#   adapters/csharp/build.sh test    + bin/ZincTests.exe, run under NUnit 2.6 (nunit-console)
#   adapters/csharp/build.sh bench   + bin/ZincBench.exe, run
#   adapters/csharp/build.sh lint    every source set with -warn:4 -warnaserror, plus a layout check
#   adapters/csharp/build.sh dist    dist/csharp/Zinc.<VERSION>.nupkg (needs target/native: make native)
#
# Installs mono-devel and nunit-console with apt-get when missing (apt-get update once, then
# install); a machine that has them is left alone. .NET users build Zinc.csproj instead.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="$HERE/bin"
MODE="${1:-test}"
VERSION="$(tr -d '[:space:]' < "$ROOT/VERSION")"
MCS_FLAGS=(-langversion:7.2 -unsafe -optimize+ -debug -nologo)
NUNIT=/usr/lib/cli/nunit.framework-2.6.3/nunit.framework.dll
CECIL=/usr/lib/mono/gac/Mono.Cecil/0.11.0.0__0738eb9f132ed756/Mono.Cecil.dll
NETSTANDARD=/usr/lib/mono/4.5/Facades/netstandard.dll

ensure_tools() {
    local missing=()
    command -v mcs >/dev/null 2>&1 && command -v mono >/dev/null 2>&1 || missing+=(mono-devel)
    command -v nunit-console >/dev/null 2>&1 && [ -f "$NUNIT" ] || missing+=(nunit-console libnunit-cil-dev)
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi
    echo "build.sh: installing Debian's ${missing[*]}" >&2
    $sudo apt-get update
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
}

# The assembly's version, from the repository's VERSION file (the .NET build reads it too).
version_info() {
    mkdir -p "$BIN"
    local f="$BIN/AssemblyInfo.cs"
    local text="[assembly: System.Reflection.AssemblyVersion(\"$VERSION.0\")]
[assembly: System.Reflection.AssemblyInformationalVersion(\"$VERSION\")]"
    if [ ! -f "$f" ] || [ "$(cat "$f")" != "$text" ]; then printf '%s\n' "$text" > "$f"; fi
}

# compile OUT TARGET [-r:REF...] SOURCES... : rebuild OUT only when an input is newer.
compile() {
    local out="$1" target="$2"; shift 2
    local -a refs=() srcs=()
    local a
    for a in "$@"; do case "$a" in -r:*) refs+=("$a") ;; *) srcs+=("$a") ;; esac; done
    if [ -f "$out" ]; then
        local stale=0 f
        for f in "${srcs[@]}" "${refs[@]/#-r:/}" "$HERE/build.sh"; do
            if [ "$f" -nt "$out" ]; then stale=1; break; fi
        done
        [ $stale = 0 ] && return 0
    fi
    echo "build.sh: mcs -> ${out#"$ROOT"/}" >&2
    mcs "${MCS_FLAGS[@]}" -target:"$target" "${refs[@]}" -out:"$out" "${srcs[@]}"
}

build_lib() {
    ensure_tools
    version_info
    compile "$BIN/Zinc.dll" library "$HERE"/src/*.cs "$BIN/AssemblyInfo.cs"
}

build_agent() {
    build_lib
    compile "$BIN/ZincAgent.exe" exe -r:"$BIN/Zinc.dll" "$HERE"/agent/*.cs
}

build_tests() {
    build_agent
    compile "$BIN/ZincTests.exe" exe -r:"$BIN/Zinc.dll" -r:"$NUNIT" "$HERE"/tests/*.cs
}

run_tests() {
    build_tests
    if [ ! -f "${ZINC_LIB:-}" ]; then
        echo "build.sh: ZINC_LIB=${ZINC_LIB:-} not found: build the core first (make core)" >&2
        exit 1
    fi
    local out="$BIN/TestResult.xml" rc=0
    rm -f "$out"
    (cd "$BIN" && nunit-console -nologo -noshadow -labels -xml="$out" ZincTests.exe "${@}") || rc=$?
    [ -f "$out" ] || { echo "test-csharp: NUnit wrote no results (exit $rc)" >&2; exit 1; }
    # NUnit's own summary, reduced to the project's count line.
    python3 - "$out" <<'EOF'
import sys, xml.etree.ElementTree as ET
cases = ET.parse(sys.argv[1]).getroot().iter("test-case")
ran = [c for c in cases if c.get("executed") == "True"]
ok = sum(c.get("success") == "True" for c in ran)
print(f"test-csharp: {ok} passed, {len(ran) - ok} failed")
sys.exit(0 if ran and ok == len(ran) else 1)
EOF
    local left
    left="$(ls /dev/shm | grep -E '^zinc_(t_cs_|zinc_parity_)' || true)"
    if [ -n "$left" ]; then
        echo "test-csharp: FAIL: left in /dev/shm: $left" >&2
        (cd /dev/shm && rm -f $left)
        exit 1
    fi
    return $rc
}

# Every source set compiled with all warnings as errors, and the adapter's layout and style.
lint() {
    ensure_tools
    version_info
    local tmp
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' RETURN
    local -a strict=(-langversion:7.2 -unsafe -nologo -warn:4 -warnaserror)
    # -doc: every public member of the library is documented (CS1591 is an error too).
    mcs "${strict[@]}" -target:library -doc:"$tmp/Zinc.xml" -out:"$tmp/Zinc.dll" "$HERE"/src/*.cs "$BIN/AssemblyInfo.cs"
    mcs "${strict[@]}" -r:"$tmp/Zinc.dll" -out:"$tmp/ZincAgent.exe" "$HERE"/agent/*.cs
    mcs "${strict[@]}" -r:"$tmp/Zinc.dll" -r:"$NUNIT" -out:"$tmp/ZincTests.exe" "$HERE"/tests/*.cs
    mcs "${strict[@]}" -r:"$tmp/Zinc.dll" -out:"$tmp/ZincBench.exe" "$HERE"/bench/*.cs
    local ex
    for ex in "$HERE"/examples/*.cs; do
        mcs "${strict[@]}" -r:"$tmp/Zinc.dll" -out:"$tmp/$(basename "$ex" .cs).exe" "$ex"
    done
    mcs "${strict[@]}" -r:"$CECIL" -out:"$tmp/Retarget.exe" "$HERE"/pack/Retarget.cs
    # Style of .editorconfig (no C# formatter ships with Mono): LF, no tabs, no trailing blanks,
    # a final newline, <= 160 columns.
    local bad
    bad="$(grep -nP '\r|\t| +$|^.{161,}' "$HERE"/{src,agent,tests,bench,examples,pack}/*.cs || true)"
    local f
    for f in "$HERE"/{src,agent,tests,bench,examples,pack}/*.cs; do
        [ -z "$(tail -c1 "$f")" ] || bad+=$'\n'"$f: no newline at the end"
    done
    if [ -n "$bad" ]; then echo "lint-csharp: style:"; echo "$bad"; exit 1; fi
    echo "lint-csharp: passed"
}

# dist/csharp/Zinc.<VERSION>.nupkg: lib/netstandard2.1/Zinc.dll (+ XML docs) and
# runtimes/linux-x64/native/libzinc_core.so; the core's debug info goes next to the package.
dist() {
    ensure_tools
    version_info
    local native="$ROOT/target/native/libzinc_core.so"
    [ -f "$native" ] || { echo "build.sh: $native missing: run 'make native'" >&2; exit 1; }
    local out="$ROOT/dist/csharp" stage
    stage="$(mktemp -d)"
    trap 'rm -rf "$stage"' RETURN
    mkdir -p "$out" "$stage/mscorlib" "$stage/lib/netstandard2.1" "$stage/runtimes/linux-x64/native" "$stage/_rels"
    compile "$BIN/Retarget.exe" exe -r:"$CECIL" "$HERE/pack/Retarget.cs"
    mcs -langversion:7.2 -unsafe -optimize+ -nologo -target:library -nowarn:1591 -doc:"$stage/lib/netstandard2.1/Zinc.xml" \
        -out:"$stage/mscorlib/Zinc.dll" "$HERE"/src/*.cs "$BIN/AssemblyInfo.cs"
    # mcs compiles against Mono's mscorlib; the package's assembly references netstandard 2.1 only.
    MONO_PATH="$(dirname "$CECIL")" mono "$BIN/Retarget.exe" "$stage/mscorlib/Zinc.dll" "$stage/lib/netstandard2.1/Zinc.dll"
    rm -r "$stage/mscorlib"
    cp "$native" "$stage/runtimes/linux-x64/native/libzinc_core.so"
    sed "s/@VERSION@/$VERSION/" "$HERE/pack/Zinc.nuspec" > "$stage/Zinc.nuspec"
    cp "$HERE/pack/[Content_Types].xml" "$stage/"
    cp "$HERE/pack/.rels" "$stage/_rels/.rels"
    local pkg="$out/Zinc.$VERSION.nupkg"
    rm -f "$pkg"
    (cd "$stage" && find . -exec touch -d "@$(stat -c %Y "$ROOT/VERSION")" {} + &&
        zip -q -X -D -r "$pkg" Zinc.nuspec '[Content_Types].xml' _rels lib runtimes)
    cp "$ROOT/target/native/libzinc_core.so.debug" "$out/"
    echo "$pkg"
}

# The tests load the core through ZINC_LIB (the root Makefile exports it).
export ZINC_LIB="${ZINC_LIB:-$ROOT/target/release/libzinc_core.so}"

case "$MODE" in
    lib) build_lib ;;
    agent) build_agent ;;
    test) run_tests "${@:2}" ;;
    bench)
        build_lib
        compile "$BIN/ZincBench.exe" exe -r:"$BIN/Zinc.dll" "$HERE"/bench/*.cs
        exec mono "$BIN/ZincBench.exe" "${@:2}"
        ;;
    lint) lint ;;
    dist) dist ;;
    *) echo "usage: $0 [lib|agent|test|bench|lint|dist]" >&2; exit 2 ;;
esac
