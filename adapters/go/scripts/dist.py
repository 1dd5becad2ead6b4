#!/usr/bin/env python3
"""Builds dist/go (make dist-go): the Go module as a module proxy serves it, and the core
library for the system install.

  dist/go/goproxy/zinc.dev/zinc/@v/{list, vX.Y.Z.info, vX.Y.Z.mod, vX.Y.Z.zip}
      GOPROXY=file://.../dist/go/goproxy layout; the .zip holds zinc.dev/zinc@vX.Y.Z/... (every
      file of adapters/go except bin/ and dot files, plus the repository's licence files).
  dist/go/libzinc-core-X.Y.Z-linux-x86_64.tar.gz
      a prefix: lib/libzinc_core.so.0 (stripped), lib/libzinc_core.so -> libzinc_core.so.0,
      lib/libzinc_core.so.debug, lib/pkgconfig/zinc.pc (relocatable), include/zinc.h.

The version is the repository's VERSION file. Usage: dist.py ROOT OUTDIR
"""
import io
import json
import os
import shutil
import sys
import tarfile
import zipfile

MODULE = "zinc.dev/zinc"
STAMP = (2026, 1, 1, 0, 0, 0)  # fixed timestamps: the same sources give the same zip

root, out = sys.argv[1], sys.argv[2]
version = open(os.path.join(root, "VERSION")).read().strip()
mod_dir = os.path.join(root, "adapters", "go")
native = os.path.join(root, "target", "native")

with open(os.path.join(mod_dir, "zinc.h"), "rb") as a, open(os.path.join(root, "include", "zinc.h"), "rb") as b:
    if a.read() != b.read():
        sys.exit("dist-go: adapters/go/zinc.h differs from include/zinc.h (run go generate in adapters/go)")
first = open(os.path.join(mod_dir, "go.mod")).readline().split()
if first != ["module", MODULE]:
    sys.exit(f"dist-go: go.mod declares {first}, want module {MODULE}")

shutil.rmtree(out, ignore_errors=True)
proxy = os.path.join(out, "goproxy", MODULE, "@v")
os.makedirs(proxy)
tag = "v" + version

# The module zip (golang.org/x/mod/zip rules: one top directory module@version, regular files
# only, no nested modules, no vendor directory).
files = []
for dirpath, dirnames, filenames in os.walk(mod_dir):
    rel = os.path.relpath(dirpath, mod_dir)
    dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (rel == "." and d in ("bin", "vendor")))
    if rel != "." and "go.mod" in filenames:
        sys.exit(f"dist-go: nested module in {rel}")
    for f in sorted(filenames):
        p = os.path.join(dirpath, f)
        if f.startswith(".") or os.path.islink(p) or not os.path.isfile(p):
            continue
        files.append((os.path.normpath(os.path.join(rel, f)), p))
for lic in ("LICENSE-MIT", "LICENSE-APACHE"):
    files.append((lic, os.path.join(root, lic)))
with zipfile.ZipFile(os.path.join(proxy, tag + ".zip"), "w", zipfile.ZIP_DEFLATED) as z:
    for name, path in files:
        info = zipfile.ZipInfo(f"{MODULE}@{tag}/{name}", STAMP)
        info.external_attr = (0o755 if os.access(path, os.X_OK) else 0o644) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, open(path, "rb").read())
shutil.copy(os.path.join(mod_dir, "go.mod"), os.path.join(proxy, tag + ".mod"))
with open(os.path.join(proxy, tag + ".info"), "w") as f:
    json.dump({"Version": tag, "Time": "2026-01-01T00:00:00Z"}, f)
with open(os.path.join(proxy, "list"), "w") as f:
    f.write(tag + "\n")

# The system install: a relocatable prefix.
pc = f"""# Relocatable: the prefix is computed from where this file is.
prefix=${{pcfiledir}}/../..
includedir=${{prefix}}/include
libdir=${{prefix}}/lib

Name: zinc
Description: Zero-copy named shared memory: the core's C ABI (libzinc_core.so.0)
Version: {version}
Cflags: -I${{includedir}}
Libs: -L${{libdir}} -Wl,-rpath,${{libdir}} -lzinc_core
"""
top = f"libzinc-core-{version}-linux-x86_64"


def add(tar, name, data=None, path=None, mode=0o644, link=None):
    info = tarfile.TarInfo(f"{top}/{name}")
    info.mtime, info.uid, info.gid, info.uname, info.gname = 1767225600, 0, 0, "root", "root"
    if link:
        info.type, info.linkname, info.mode = tarfile.SYMTYPE, link, 0o777
        tar.addfile(info)
        return
    if path:
        data = open(path, "rb").read()
    info.size, info.mode = len(data), mode
    tar.addfile(info, io.BytesIO(data))


with tarfile.open(os.path.join(out, top + ".tar.gz"), "w:gz") as tar:
    for d in ("lib", "lib/pkgconfig", "include"):
        info = tarfile.TarInfo(f"{top}/{d}")
        info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, 1767225600
        tar.addfile(info)
    add(tar, "lib/libzinc_core.so.0", path=os.path.join(native, "libzinc_core.so"), mode=0o755)
    add(tar, "lib/libzinc_core.so", link="libzinc_core.so.0")
    add(tar, "lib/libzinc_core.so.debug", path=os.path.join(native, "libzinc_core.so.debug"))
    add(tar, "lib/pkgconfig/zinc.pc", data=pc.encode())
    add(tar, "include/zinc.h", path=os.path.join(root, "include", "zinc.h"))

for dirpath, _, filenames in sorted(os.walk(out)):
    for f in sorted(filenames):
        p = os.path.join(dirpath, f)
        print(f"{os.path.getsize(p):>9}  {os.path.relpath(p, root)}")
