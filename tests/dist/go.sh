#!/usr/bin/env bash
# Package test of the Go adapter (make test-dist-go). Copies ONLY dist/go (the module in
# module-proxy layout and the library tarball) into a temporary directory and, with the checkout
# hidden (tests/dist/hide-checkout.sh: no ZINC_LIB, no LD_LIBRARY_PATH, no GOFLAGS), installs the
# library into a temporary prefix (lib + pkgconfig), builds the README's writer/reader pair
# (extracted from the module's README, which must equal its examples/) against the module
#   1. through a `replace` directive pointing at the unzipped module, and
#   2. through GOPROXY=file://.../goproxy (go get zinc.dev/zinc@v<VERSION>, a private module cache),
# and runs each pair as two processes: the reader waits for the writer's notification, the
# writer loops on the data for the reader's answer. Also checks the library search order from
# outside: the loader via LD_LIBRARY_PATH (the prefix's libdir, from pkg-config), ZINC_LIB, and
# the error listing what was tried when nothing is found.
set -uo pipefail
SUITE=test-dist-go
. "$(dirname "$0")/lib.sh"
DIST="$ROOT/dist/go"
ZIP="$DIST/goproxy/zinc.dev/zinc/@v/v$VERSION.zip"
TARBALL="$DIST/libzinc-core-$VERSION-linux-x86_64.tar.gz"
if [ ! -f "$ZIP" ] || [ ! -f "$TARBALL" ]; then
  echo "test-dist-go: $ZIP or $TARBALL missing (run make dist-go)" >&2
  result "artifacts exist" 1
  finish
fi
command -v pkg-config >/dev/null || { apt-get update -qq && apt-get install -y -qq pkg-config >/dev/null; }
GO="$(command -v go || echo /usr/local/go/bin/go)"

new_workdir
cp -r "$DIST" "$work/dist"
mod="$work/mod/zinc.dev/zinc@v$VERSION"  # where the module zip is unpacked

cat >"$work/inner.sh" <<INNER
#!/usr/bin/env bash
# Runs with the checkout hidden. One "ok NAME" or "FAIL NAME" line per check.
set -u
cd "$work"
export PATH="$(dirname "$GO"):\$PATH" GOFLAGS=-mod=mod GOTOOLCHAIN=local
check() { local name=\$1; shift; if "\$@" >"$work/log" 2>&1; then echo "ok   \$name"; else cat "$work/log"; echo "FAIL \$name"; fi; }

# pair DIR [ENV...]: runs DIR/bin/reader, then DIR/bin/writer, on one fresh name.
cat >pair.sh <<'PAIR'
set -u
dir=\$1; shift
name="go_dist_\$\$_\$RANDOM"
env "\$@" "\$dir/bin/reader" "\$name" >"\$dir/reader.out" 2>&1 & reader=\$!
env "\$@" "\$dir/bin/writer" "\$name" >"\$dir/writer.out" 2>&1 & writer=\$!
rc=0
wait \$reader || rc=1
wait \$writer || rc=1
cat "\$dir/reader.out" "\$dir/writer.out"
grep -q "the reader acknowledged with the right checksum" "\$dir/writer.out" || rc=1
grep -q "read 1048576 bytes" "\$dir/reader.out" || rc=1
if [ -e "/dev/shm/zinc_\$name" ]; then echo "left in /dev/shm"; rm -f "/dev/shm/zinc_\$name"; rc=1; fi
exit \$rc
PAIR

check "unzip the module zip: zinc.dev/zinc@v$VERSION with zinc.h, nothing pointing into a checkout" bash -c '
  set -e
  python3 -c "import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(\"mod\")" dist/goproxy/zinc.dev/zinc/@v/v$VERSION.zip
  m=mod/zinc.dev/zinc@v$VERSION
  test "\$(head -1 \$m/go.mod)" = "module zinc.dev/zinc"
  test -f \$m/zinc.h && test -f \$m/cgo.go && test -f \$m/LICENSE-MIT
  grep -q "\"Version\": \"v$VERSION\"" dist/goproxy/zinc.dev/zinc/@v/v$VERSION.info
  ! grep -rn "SRCDIR\|rpath\|target/release" \$m --include=*.go'
check "install the library into a prefix (lib + pkgconfig): zinc.pc $VERSION, SONAME libzinc_core.so.0, stripped" bash -c '
  set -e
  mkdir prefix && tar -xzf dist/libzinc-core-$VERSION-linux-x86_64.tar.gz -C prefix --strip-components=1
  export PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig
  test "\$(pkg-config --modversion zinc)" = "$VERSION"
  libdir=\$(pkg-config --variable=libdir zinc)
  test -f "\$libdir/libzinc_core.so.0" && test -L "\$libdir/libzinc_core.so" && test -f "\$libdir/libzinc_core.so.debug"
  readelf -d "\$libdir/libzinc_core.so.0" | grep -q "SONAME.*\[libzinc_core.so.0\]"
  ! readelf -S "\$libdir/libzinc_core.so.0" | grep -q "\.debug_info"'
libdir="\$(PKG_CONFIG_PATH=$work/prefix/lib/pkgconfig pkg-config --variable=libdir zinc)"

check "the module README's writer/reader blocks equal its examples/" bash -c '
  set -e
  mkdir -p app
  test "\$(bash $mod/scripts/readme-examples.sh $mod/README.md readme | sort | tr "\n" " ")" = "examples/reader/main.go examples/writer/main.go "
  diff -r readme/examples $mod/examples
  for p in writer reader; do mkdir -p app/\$p app2/\$p; cp readme/examples/\$p/main.go app/\$p/; cp readme/examples/\$p/main.go app2/\$p/; done'

check "go build of the README pair against the module (replace => the unzipped module)" bash -c '
  set -e
  cd app
  printf "module example.com/zincapp\n\ngo 1.22\n\nrequire zinc.dev/zinc v$VERSION\n\nreplace zinc.dev/zinc => $mod\n" >go.mod
  go build -o bin/writer ./writer
  go build -o bin/reader ./reader'

check "the binaries need no libzinc_core at start and carry no RUNPATH" bash -c '
  for b in app/bin/writer app/bin/reader; do
    readelf -d \$b | grep -E "RPATH|RUNPATH|zinc_core" && exit 1
  done; exit 0'

check "README pair (replace): reader and writer processes, library from LD_LIBRARY_PATH=\$libdir" \
  bash pair.sh app LD_LIBRARY_PATH="\$libdir"

check "README pair (replace): ZINC_LIB=\$libdir/libzinc_core.so.0 wins, no LD_LIBRARY_PATH" \
  bash pair.sh app ZINC_LIB="\$libdir/libzinc_core.so.0"

check "no library anywhere: the reader fails with the list of places tried" bash -c '
  out=\$(app/bin/reader go_dist_none 2>&1) && exit 1
  echo "\$out"
  echo "\$out" | grep -q "zinc: cannot load libzinc_core.so; tried: ZINC_LIB (not set); libzinc_core.so.0 through the dynamic loader"'

check "a ZINC_LIB that does not load is an error, with no fallback to LD_LIBRARY_PATH" bash -c '
  out=\$(ZINC_LIB=$work/nope/libzinc_core.so LD_LIBRARY_PATH="\$0" app/bin/reader go_dist_none 2>&1) && exit 1
  echo "\$out"
  echo "\$out" | grep -q "tried ZINC_LIB=$work/nope/libzinc_core.so"' "\$libdir"

check "go get zinc.dev/zinc@v$VERSION from GOPROXY=file://dist/goproxy and build the README pair" bash -c '
  set -e
  cd app2
  export GOPROXY=file://$work/dist/goproxy GOSUMDB=off GOMODCACHE=$work/modcache
  printf "module example.com/zincapp2\n\ngo 1.22\n" >go.mod
  go get zinc.dev/zinc@v$VERSION
  grep -q "zinc.dev/zinc v$VERSION" go.mod
  go build -o bin/writer ./writer
  go build -o bin/reader ./reader'

check "README pair (GOPROXY build): reader and writer processes" bash pair.sh app2 LD_LIBRARY_PATH="\$libdir"
INNER
run_hidden "$work" "$work/inner.sh"
finish
