#!/usr/bin/env bash
# Package test of the JavaScript adapter (make test-dist-js): checks what
# dist/js/zinc-shm-<VERSION>.tgz holds (and what `npm pack --dry-run` of adapters/js would ship),
# then, in a fresh project with the checkout hidden and ZINC_LIB unset
# (tests/dist/hide-checkout.sh): `npm init -y && npm install <tarball>` (koffi from the npm
# registry) and runs the README's writer/reader pair, verbatim, as two processes under Node.js;
# then `npm install bun deno` in that project and the same pair under each runtime that installs.
set -uo pipefail
SUITE=test-dist-js
. "$(dirname "$0")/lib.sh"
JS="$ROOT/adapters/js"
TARBALL="$ROOT/dist/js/zinc-shm-$VERSION.tgz"
require "$TARBALL"

new_workdir
cp "$TARBALL" "$work/"

# The code run is the README's: its blocks after <!-- examples/X.mjs --> must equal those files.
node - "$JS/README.md" "$JS/examples" "$work" <<'EOF'
const fs = require('node:fs');
const [readme, examples, out] = process.argv.slice(2);
const text = fs.readFileSync(readme, 'utf8');
let bad = 0;
for (const file of ['writer.mjs', 'reader.mjs']) {
  const m = text.match(new RegExp(`<!-- examples/${file.replace('.', '\\.')} -->\\n\`\`\`js\\n([\\s\\S]*?)\`\`\`\\n`));
  const want = fs.readFileSync(`${examples}/${file}`, 'utf8');
  if (m === null) { console.error(`README has no block for examples/${file}`); bad++; continue; }
  if (m[1] !== want) { console.error(`README block differs from examples/${file}`); bad++; continue; }
  fs.writeFileSync(`${out}/${file}`, m[1]);
}
process.exit(bad === 0 ? 0 : 1);
EOF
result "README writer/reader blocks equal adapters/js/examples" $?

# What the package ships: the library and the stripped core, not the agent, tests or benches.
check_contents() {
  local list
  list="$(tar -tzf "$TARBALL" | sort)" || return 1
  grep -qx 'package/native/linux-x64/libzinc_core.so' <<<"$list" || { echo "no native library"; return 1; }
  grep -qx 'package/src/index.js' <<<"$list" || { echo "no src/index.js"; return 1; }
  grep -qx 'package/src/index.d.ts' <<<"$list" || { echo "no src/index.d.ts"; return 1; }
  if grep -E '^package/(agent|tests?|bench|examples|scripts|node_modules)/' <<<"$list"; then
    echo "ships files it must not"; return 1
  fi
  local pkg
  pkg="$(tar -xzOf "$TARBALL" package/package.json)" || return 1
  PKG="$pkg" VERSION="$VERSION" node -e '
    const p = JSON.parse(process.env.PKG);
    if (p.version !== process.env.VERSION) throw new Error(`version ${p.version} != VERSION ${process.env.VERSION}`);
    if (p.private) throw new Error("package is private");
    if (!p.files.includes("native/")) throw new Error("files does not list native/");' || return 1
  mkdir -p "$work/unpacked" && tar -C "$work/unpacked" -xzf "$TARBALL" || return 1
  local so="$work/unpacked/package/native/linux-x64/libzinc_core.so"
  elf_has -d "$so" 'Library soname: \[libzinc_core.so.0\]' || { echo "SONAME"; return 1; }
  elf_lacks -S "$so" '\.debug_info' || { echo "native library is not stripped"; return 1; }
  if grep -rl "$ROOT" "$work/unpacked"; then echo "the package names the checkout"; return 1; fi
  rm -rf "$work/unpacked"
}
check_contents
result "tarball: native/linux-x64/libzinc_core.so (stripped), src/, version $VERSION, not private, no agent/tests/bench" $?

# The files list of adapters/js itself (npm pack --dry-run): nothing but src/, README, package.json.
dry="$(cd "$JS" && npm pack --dry-run --json 2>/dev/null)"
DRY="$dry" node -e '
  const [{ files }] = JSON.parse(process.env.DRY);
  const bad = files.map((f) => f.path).filter((p) => !/^(src\/|native\/|README\.md$|package\.json$)/.test(p));
  if (bad.length) { console.error("npm pack --dry-run would ship:", bad); process.exit(1); }
  if (!files.some((f) => f.path === "src/region.js")) { console.error("no src/region.js"); process.exit(1); }'
result "npm pack --dry-run of adapters/js ships only src/, native/, README.md, package.json" $?

cat >"$work/inner.sh" <<'INNER'
#!/usr/bin/env bash
# Runs with the checkout hidden, in the temp project. One "ok NAME" or "FAIL NAME" per check.
set -u
tarball="$1" id="$2"
log() { sed 's/^/    /' "$1"; }
check() {
  local name=$1; shift
  if "$@" >check.log 2>&1; then echo "ok   $name"; else log check.log; echo "FAIL $name"; fi
}
# pair RUNTIME-COMMAND...: reader first (it waits for the region), then the writer.
pair() {
  local name="zinc_dist_js_${id}_$RANDOM"
  "$@" reader.mjs "$name" >reader.out 2>&1 &
  local rpid=$!
  sleep 0.3
  timeout 60 "$@" writer.mjs "$name" >writer.out 2>&1
  local ws=$?
  timeout 60 tail --pid=$rpid -f /dev/null; wait $rpid; local rs=$?
  echo "reader ($rs):"; cat reader.out; echo "writer ($ws):"; cat writer.out
  [ "$ws" -eq 0 ] && [ "$rs" -eq 0 ] || return 1
  grep -qx 'reader: hello from the writer' reader.out || return 1
  grep -qx 'writer: hello from the reader' writer.out || return 1
  ! ls /dev/shm | grep -q "^zinc_$name\$"
}
check "npm init -y && npm install $tarball (koffi from the registry)" \
  bash -c "npm init -y >/dev/null && npm install --no-audit --no-fund ./$tarball"
check "installed: node_modules/zinc-shm/native/linux-x64/libzinc_core.so" \
  test -f node_modules/zinc-shm/native/linux-x64/libzinc_core.so
check "node: the library comes from the package (ZINC_LIB unset)" bash -c \
  'node --input-type=module -e "import { libraryPath } from \"zinc-shm\"; console.log(libraryPath)" | grep -q /node_modules/zinc-shm/native/linux-x64/libzinc_core.so$'
check "node: README writer/reader pair, two processes" pair node
ran=node
if npm install --no-audit --no-fund bun deno >npm-rt.log 2>&1; then
  if node_modules/.bin/bun --version >/dev/null 2>&1; then
    check "bun $(node_modules/.bin/bun --version): README writer/reader pair, two processes" pair node_modules/.bin/bun
    ran="$ran bun"
  else
    echo "note: bun installed from npm but does not run here: skipped"
  fi
  if node_modules/.bin/deno --version >/dev/null 2>&1; then
    check "$(node_modules/.bin/deno --version | head -1): README writer/reader pair, two processes" \
      pair node_modules/.bin/deno run --allow-ffi
    ran="$ran deno"
  else
    echo "note: deno installed from npm but does not run here: skipped"
  fi
else
  log npm-rt.log
  echo "note: npm install bun deno failed: the pair ran under Node.js only"
fi
echo "runtimes that ran the pair: $ran"
INNER
chmod +x "$work/inner.sh"

out="$("$ROOT/tests/dist/hide-checkout.sh" "$work" ./inner.sh "$(basename "$TARBALL")" "$$" 2>&1)"
status=$?
echo "$out"
while read -r line; do
  case "$line" in
    "ok   "*) result "${line#ok   }" 0 >/dev/null; ;;
    "FAIL "*) result "${line#FAIL }" 1 >/dev/null; ;;
  esac
done <<<"$out"
if [ "$status" -ne 0 ]; then result "hide-checkout.sh ran the inner test (exit $status)" 1; fi
finish
