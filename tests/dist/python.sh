#!/usr/bin/env bash
# Package test of the Python adapter (make test-dist-python), after make dist-python.
# Copies dist/python's wheel and sdist into a fresh temp project and, with the checkout hidden
# (tests/dist/hide-checkout.sh: ZINC_LIB unset, the repository covered by an empty tmpfs):
#   - pip-installs the manylinux wheel (+ numpy) into a new venv and runs the README's
#     producer/consumer pair verbatim as two processes;
#   - checks the installed package loads its own library, and that ZINC_LIB is used alone;
#   - pip-installs the sdist into another venv (cargo builds the core from the Rust sources it
#     carries) and uses it without numpy.
# Prints "test-dist-python: N passed, M failed"; fails when anything fails.
set -uo pipefail
SUITE=test-dist-python
. "$(dirname "$0")/lib.sh"
DIST="$ROOT/dist/python"
PY_DIR="$ROOT/adapters/python"
shopt -s nullglob
wheels=("$DIST"/zinc_shm-"$VERSION"-py3-none-*manylinux*_x86_64.whl)
sdist="$DIST/zinc_shm-$VERSION.tar.gz"
if [ "${#wheels[@]}" -ne 1 ] || [ ! -f "$sdist" ]; then
  echo "test-dist-python: need exactly one manylinux wheel and the sdist in $DIST (run make dist-python)" >&2
  result "artifacts exist" 1
  finish
fi
wheel="${wheels[0]}"

new_workdir
cp "$wheel" "$sdist" "$work/"
echo "$VERSION" >"$work/VERSION"

# The code run is the README's: its two ```python blocks, which must equal examples/.
python3 - "$PY_DIR/README.md" "$PY_DIR/examples" "$work" <<'EOF'
import re, sys, pathlib
readme, examples, work = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
blocks = re.findall(r"```python\n(.*?)```", open(readme).read(), flags=re.S)
for f in ("producer.py", "consumer.py"):
    found = [b for b in blocks if b.startswith(f"# {f}")]
    assert found == [(examples / f).read_text()], f"README block of {f} differs from examples/{f}"
    (work / f).write_text(found[0])
EOF
result "README code blocks equal adapters/python/examples" $?

# What the wheel holds: the package, the stripped library, the header; no agent, no tests.
python3 - "$wheel" <<'EOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
want = {"zinc/__init__.py", "zinc/_ffi.py", "zinc/_region.py", "zinc/py.typed", "zinc/zinc.h",
        "zinc/libzinc_core.so"}
assert want <= names, want - names
extra = [n for n in names if not n.startswith(("zinc/", "zinc_shm-"))] + \
        [n for n in names if "agent" in n or "test" in n or "example" in n]
assert not extra, extra
EOF
status=$?
# Each property of the wheel's library, checked on its own so a failure names what was wrong.
lib="$work/unzipped/zinc/libzinc_core.so"
wheel_lib_problems() {
  unzip -q -o "$wheel" zinc/libzinc_core.so -d "$work/unzipped" || { echo "cannot unzip the library"; return; }
  elf_has -d "$lib" "Library soname: \[libzinc_core.so.0\]" || echo "no SONAME libzinc_core.so.0"
  elf_lacks -S "$lib" "\.debug_info" || echo "not stripped (.debug_info present)"
  elf_has -S "$lib" "\.gnu_debuglink" || echo "no .gnu_debuglink"
  [ -f "$DIST/libzinc_core.so.debug" ] || echo "no $DIST/libzinc_core.so.debug"
  # The newest glibc symbol version it needs must be at most 2.17 (manylinux_2_17).
  local newest
  newest="$(objdump -T "$lib" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)"
  if [ -z "$newest" ]; then echo "no GLIBC symbol versions found"
  elif ! printf '%s\n' "$newest" 2.17 | sort -VC; then echo "needs glibc $newest (> 2.17)"
  fi
}
problems="$(wheel_lib_problems 2>&1)"
[ "$status" -eq 0 ] || problems="$problems${problems:+; }wheel contents wrong (above)"
[ -z "$problems" ] || echo "wheel layout: $problems" >&2
[ -z "$problems" ]
result "wheel layout: zinc/ with the stripped library (SONAME, debuglink, glibc <= 2.17) and zinc.h; no agent/tests" $?

cat >"$work/inner.sh" <<INNER
#!/usr/bin/env bash
# Runs with the checkout hidden. One "ok NAME" or "FAIL NAME" line per check.
set -u
cd "$work"
export PIP_DISABLE_PIP_VERSION_CHECK=1
check() { local name=\$1; shift; if "\$@" >"$work/log" 2>&1; then echo "ok   \$name"; else tail -40 "$work/log"; echo "FAIL \$name"; fi; }
name="dist_py_\$\$"

check "pip install the wheel (+ numpy) into a new venv" bash -c '
  set -e
  python3 -m venv venv-wheel
  venv-wheel/bin/pip install --quiet "$(basename "$wheel")" numpy
  cd /tmp && "$work/venv-wheel/bin/python" -c "
import zinc, os, sys
assert zinc.LIBRARY_PATH == os.path.join(os.path.dirname(zinc.__file__), \"libzinc_core.so\"), zinc.LIBRARY_PATH
assert zinc.LIBRARY_PATH.startswith(\"$work/venv-wheel/\"), zinc.LIBRARY_PATH
assert zinc.__version__ == open(\"$work/VERSION\").read().strip()
from importlib.metadata import version
assert version(\"zinc-shm\") == zinc.__version__
"'

check "README pair from the wheel: consumer and producer processes" bash -c '
  set -e
  venv-wheel/bin/python consumer.py "\$0" >consumer.out 2>consumer.err & c=\$!
  timeout 120 venv-wheel/bin/python producer.py "\$0" >producer.out
  wait \$c
  printf "consumer: step %s, mean %s.0\n" 1 1 2 2 3 3 | diff - consumer.out
  test "\$(cat producer.out)" = "producer: done"
  test ! -e "/dev/shm/zinc_\$0"' "\$name"

check "ZINC_LIB is used alone: a wrong path fails the import, nothing else is tried" bash -c '
  ! ZINC_LIB=/nonexistent/libzinc_core.so venv-wheel/bin/python -c "import zinc" 2>err.txt
  grep -q "zinc: cannot load libzinc_core.so from ZINC_LIB=/nonexistent/libzinc_core.so" err.txt'

check "pip install the sdist into a new venv (cargo builds the core) and use it without numpy" bash -c '
  set -e
  export PATH="\$HOME/.cargo/bin:\$PATH"
  python3 -m venv venv-sdist
  venv-sdist/bin/pip install --quiet "$(basename "$sdist")"
  cd /tmp && "$work/venv-sdist/bin/python" -c "
import os, sys, zinc
lib = zinc.LIBRARY_PATH
assert lib.startswith(\"$work/venv-sdist/\") and lib.endswith(\"zinc/libzinc_core.so\"), lib
with zinc.SharedRegion.create(sys.argv[1], 8192) as r, zinc.SharedRegion.open(sys.argv[1]) as o:
    view = r.as_buffer()
    view[:3] = b\"abc\"
    r.notify()
    assert o.wait(1000) and bytes(o.as_buffer()[:3]) == b\"abc\"
    del view
try:
    zinc.SharedRegion.open(sys.argv[1])
    sys.exit(\"region still there\")
except FileNotFoundError:
    pass
" "\$0_sdist"' "\$name"
INNER

run_hidden "$work" "$work/inner.sh"
[ "$passed" -eq 6 ] || { [ "$failed" -gt 0 ] || { echo "FAIL the hidden-checkout run did not report every check"; failed=$((failed + 1)); }; }
finish
