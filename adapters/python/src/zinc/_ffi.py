"""cffi (ABI mode) binding of the eight-function Zinc C ABI, and how the core library is found.

Search order for ``libzinc_core.so`` (first hit wins, nothing else is tried after an explicit
``ZINC_LIB``):

1. ``$ZINC_LIB`` -- an explicit path; if set and non-empty it must load, or import fails.
2. The copy shipped inside this package (``zinc/libzinc_core.so``), put there by the build
   backend when the package is installed with pip.
3. A source checkout: ``<repo>/target/release/libzinc_core.so`` when this file lives in
   ``<repo>/adapters/python/src/zinc`` (editable installs, running the tests from the tree).
4. The dynamic linker's normal search (``LD_LIBRARY_PATH``, ``ldconfig`` cache) by name.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path
from typing import Any, List, Tuple

import cffi

CDEF = """
typedef void *ZincHandle;
int32_t zinc_create(const char *name, uintptr_t capacity, ZincHandle *out);
int32_t zinc_open(const char *name, ZincHandle *out);
uint8_t *zinc_ptr(ZincHandle h);
uintptr_t zinc_capacity(ZincHandle h);
void zinc_close(ZincHandle h);
void zinc_notify(ZincHandle h);
int32_t zinc_wait(ZincHandle h, uint32_t timeout_ms);
const char *zinc_strerror(int32_t code);
"""

if sys.platform == "darwin":
    LIB_FILE = "libzinc_core.dylib"
elif sys.platform == "win32":
    LIB_FILE = "zinc_core.dll"
else:
    LIB_FILE = "libzinc_core.so"

ffi = cffi.FFI()
ffi.cdef(CDEF)


def _candidates() -> List[Tuple[str, str]]:
    """(how, path) pairs in search order, after ZINC_LIB and before the system search."""
    here = Path(__file__).resolve().parent
    out: List[Tuple[str, str]] = [("packaged", str(here / LIB_FILE))]
    # <repo>/adapters/python/src/zinc -> <repo>
    for parent in here.parents:
        if (parent / "core" / "Cargo.toml").is_file() or (parent / "include" / "zinc.h").is_file():
            out.append(("source checkout", str(parent / "target" / "release" / LIB_FILE)))
            break
    return out


def _load() -> Tuple[Any, str]:
    explicit = os.environ.get("ZINC_LIB", "")
    if explicit:
        try:
            return ffi.dlopen(explicit), explicit
        except OSError as e:
            raise ImportError(
                f"zinc: cannot load the core library from ZINC_LIB={explicit!r}: {e}"
            ) from e
    tried = []
    for how, cand in _candidates():
        if os.sep in cand and not os.path.isfile(cand):
            tried.append(f"{how}: {cand} (missing)")
            continue
        try:
            return ffi.dlopen(cand), cand
        except OSError as e:
            tried.append(f"{how}: {cand} ({e})")
    found = ctypes.util.find_library("zinc_core")  # slow (runs ldconfig): only as a last resort
    if found:
        try:
            return ffi.dlopen(found), found
        except OSError as e:
            tried.append(f"system: {found} ({e})")
    raise ImportError(
        "zinc: cannot find the core library " + LIB_FILE + "; tried:\n  "
        + "\n  ".join(tried + ["system: dynamic linker search (not found)"])
        + "\nReinstall the package (pip install adapters/python builds it with cargo), build the"
        " core (cargo build --release -p zinc-core) or set ZINC_LIB=/abs/path/" + LIB_FILE
    )


lib, LIBRARY_PATH = _load()
