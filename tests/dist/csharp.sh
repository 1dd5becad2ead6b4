#!/usr/bin/env bash
# Package test of the C# adapter (make test-dist-csharp): restores dist/csharp/Zinc.<VERSION>.nupkg
# the way NuGet does (extracted into ~/.nuget/packages/zinc/<VERSION>/) in a temporary directory
# with the checkout hidden (tests/dist/hide-checkout.sh), compiles the README's writer/reader pair
# verbatim against the package's lib/netstandard2.1/Zinc.dll with Mono's mcs, lays the app out as
# a NuGet build does (Zinc.dll beside the app, the core in runtimes/linux-x64/native/), and runs
# the pair as two processes under mono: the reader waits for the region and the message, the
# writer loops on the data until the reply is there.
set -euo pipefail
SUITE=test-dist-csharp
. "$(dirname "$0")/lib.sh"
PKG="$ROOT/dist/csharp/Zinc.$VERSION.nupkg"
require "$PKG"

new_workdir
cp "$PKG" "$work/"

# The code that runs is the README's: its two blocks, which must also equal examples/.
python3 - "$ROOT/adapters/csharp/README.md" "$work" <<'EOF'
import re, sys
readme, out = open(sys.argv[1]).read(), sys.argv[2]
for name in ("Writer.cs", "Reader.cs"):
    m = re.search(r"`examples/" + name + r"`[^\n]*\n+```csharp\n(.*?)```", readme, re.S)
    if not m:
        sys.exit(f"README.md has no code block after `examples/{name}`")
    open(f"{out}/{name}", "w").write(m.group(1))
EOF
if cmp -s "$work/Writer.cs" "$ROOT/adapters/csharp/examples/Writer.cs" &&
   cmp -s "$work/Reader.cs" "$ROOT/adapters/csharp/examples/Reader.cs"; then
    result "readme_blocks_equal_examples" 0
else
    result "readme_blocks_equal_examples (README.md and adapters/csharp/examples/ differ)" 1
fi

cat > "$work/consumer.sh" <<'EOF'
set -euo pipefail
version="$1"; work="$(pwd)"
export HOME="$work/home"
# NuGet restore: the package extracted under its lower-cased id and version.
pkg="$HOME/.nuget/packages/zinc/$version"
mkdir -p "$pkg" app/runtimes/linux-x64/native
unzip -q "Zinc.$version.nupkg" -d "$pkg"
cp "Zinc.$version.nupkg" "$pkg/zinc.$version.nupkg"
grep -q "<version>$version</version>" "$pkg/Zinc.nuspec" || { echo "nuspec version is not $version"; exit 1; }
# mcs resolves a netstandard library through Mono's netstandard facade, as msbuild does.
refs=(-r:"$pkg/lib/netstandard2.1/Zinc.dll" -r:/usr/lib/mono/4.5/Facades/netstandard.dll)
mcs -nologo -langversion:7.2 "${refs[@]}" -out:app/Writer.exe Writer.cs
mcs -nologo -langversion:7.2 "${refs[@]}" -out:app/Reader.exe Reader.cs
# The build output: the assembly beside the app, the native asset under runtimes/<rid>/native.
cp "$pkg/lib/netstandard2.1/Zinc.dll" app/
cp "$pkg/runtimes/linux-x64/native/libzinc_core.so" app/runtimes/linux-x64/native/
name="dist_cs_$$"
cd app
mono Reader.exe "$name" > ../reader.out 2>&1 & reader=$!
sleep 0.5 # the reader starts first and retries Open until the writer has created the region
rc=0
timeout 60 mono Writer.exe "$name" > ../writer.out 2>&1 || rc=$?
wait "$reader" || rc=$?
if [ -e "/dev/shm/zinc_$name" ]; then echo "left /dev/shm/zinc_$name"; rm -f "/dev/shm/zinc_$name"; rc=1; fi
exit $rc
EOF

rc=0
"$ROOT/tests/dist/hide-checkout.sh" "$work" bash consumer.sh "$VERSION" > "$work/consumer.log" 2>&1 || rc=$?
if [ $rc = 0 ]; then result "restore_compile_run_from_the_package" 0; else
    result "restore_compile_run_from_the_package (exit $rc)" 1; sed 's/^/  /' "$work/consumer.log"; fi
reader="$(cat "$work/reader.out" 2>/dev/null || true)"
writer="$(cat "$work/writer.out" 2>/dev/null || true)"
if [ "$reader" = "reader got: hello from C#" ]; then result "reader_got_the_message" 0; else result "reader_got_the_message: '$reader'" 1; fi
if [ "$writer" = "writer got: read 13 bytes" ]; then result "writer_got_the_reply" 0; else result "writer_got_the_reply: '$writer'" 1; fi

finish
