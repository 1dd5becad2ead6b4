#!/usr/bin/env bash
# Package test of the Java adapter (make test-dist-java): copies dist/java/zinc-<VERSION>.jar
# into a fresh temp project and, with the checkout hidden (tests/dist/hide-checkout.sh: ZINC_LIB
# unset, the repository under an empty tmpfs), compiles the README's writer/reader pair verbatim
# with javac against the jar alone, then runs them as two JVMs with only the jar on the class
# path: the reader waits for the writer's data, the writer loops on the data for the reply. The
# core comes from the jar (extracted to a private temp file).
set -uo pipefail
SUITE=test-dist-java
. "$(dirname "$0")/lib.sh"
JAR="$ROOT/dist/java/zinc-$VERSION.jar"
require "$JAR"
JDK="$("$ROOT/adapters/java/scripts/find-jdk.sh")" || { result "a JDK >= 22 under /usr/lib/jvm" 1; finish; }
case "$JDK/" in "$ROOT"/*) result "the JDK lies outside the checkout" 1; finish ;; esac

new_workdir
cp "$JAR" "$work/"

# The code run is the README's: each block after "<!-- example: examples/X.java -->" must equal
# adapters/java/examples/X.java, and the copies taken from the README are what gets compiled.
python3 - "$ROOT/adapters/java/README.md" "$ROOT/adapters/java" "$work" <<'PY'
import re, sys, pathlib
readme, adapter, work = map(pathlib.Path, sys.argv[1:])
blocks = re.findall(r"<!-- example: (examples/\w+\.java) -->\n```java\n(.*?)```\n", readme.read_text(), re.S)
names = sorted(p for p, _ in blocks)
ok = names == ["examples/Reader.java", "examples/Writer.java"]
for path, code in blocks:
    if code != (adapter / path).read_text():
        print(f"README block differs from adapters/java/{path}")
        ok = False
    (work / pathlib.Path(path).name).write_text(code)
if names != ["examples/Reader.java", "examples/Writer.java"]:
    print(f"README example blocks found: {names}")
sys.exit(0 if ok else 1)
PY
result "README code blocks equal adapters/java/examples (Writer.java, Reader.java)" $?

# The jar: the stripped core as a resource, the library classes, nothing of the agent, bench or
# tests, and the repository's version.
(
  set -e
  list="$(unzip -Z1 "$JAR")"
  grep -qx 'dev/zinc/native/linux-x86_64/libzinc_core.so' <<<"$list"
  grep -qx 'dev/zinc/SharedRegion.class' <<<"$list"
  ! grep -E 'Agent|Bench|Test|Child|junit|\.java$' <<<"$list"
  unzip -p "$JAR" dev/zinc/native/linux-x86_64/libzinc_core.so >"$work/core.so"
  elf_has -d "$work/core.so" 'Library soname: \[libzinc_core.so.0\]'
  elf_has -S "$work/core.so" '\.gnu_debuglink'
  elf_lacks -S "$work/core.so" '\.debug_info'
  manifest="$(unzip -p "$JAR" META-INF/MANIFEST.MF | tr -d '\r')"
  grep -qx "Implementation-Version: $VERSION" <<<"$manifest"
  rm "$work/core.so"
) >"$work/log" 2>&1
st=$?; [ $st -eq 0 ] || cat "$work/log"
result "jar holds the stripped core and only the library, version $VERSION" $st

name="dist_java_$$"
cat >"$work/inner.sh" <<INNER
#!/usr/bin/env bash
# Runs with the checkout hidden.
set -u
cd "$work"
[ -z "\${ZINC_LIB:-}" ] || { echo "ZINC_LIB is still set"; exit 1; }
[ ! -e "$ROOT/target" ] || { echo "the checkout is visible"; exit 1; }
"$JDK/bin/javac" -Xlint:all -Werror -cp "zinc-$VERSION.jar" -d classes Writer.java Reader.java || exit 1
ls /tmp | grep "^zinc-native-" | sort >tmp-before
run() { "$JDK/bin/java" --enable-native-access=ALL-UNNAMED -cp "zinc-$VERSION.jar:classes" "\$@"; }
run Reader "$name" >reader.out 2>reader.err &
reader=\$!
sleep 0.5 # the reader is up first and waits for the writer's region
run Writer "$name" >writer.out 2>writer.err
w=\$?
wait "\$reader"
r=\$?
cat writer.out reader.out writer.err reader.err
[ \$w -eq 0 ] && [ \$r -eq 0 ] || exit 1
grep -qx "writer: got world" writer.out && grep -qx "reader: got hello from $name, replied world" reader.out || exit 1
ls /tmp | grep "^zinc-native-" | sort | comm -13 tmp-before - | grep . && { echo "an extracted library was left in /tmp"; exit 1; }
exit 0
INNER
chmod +x "$work/inner.sh"
"$ROOT/tests/dist/hide-checkout.sh" "$work" "$work/inner.sh"
st=$?
[ ! -e "/dev/shm/zinc_$name" ] || { echo "left /dev/shm/zinc_$name"; rm -f "/dev/shm/zinc_$name"; st=1; }
result "javac + java with only the jar: README reader and writer processes (checkout hidden)" $st
finish
