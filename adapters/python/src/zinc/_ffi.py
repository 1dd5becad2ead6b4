"""cffi (ABI mode) binding of the Zinc C ABI, declared from ``include/zinc.h`` itself.

The cdef is generated at import time from the header: the wheel ships it as ``zinc/zinc.h``;
in a source checkout it is read from ``include/zinc.h``. The core library is found in the order
of docs/ADAPTER_CONTRACT.md section 2: ``$ZINC_LIB`` (alone, no fallback), then the copy inside
this package, then the system's dynamic loader by name. Never the working directory.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import cffi

LIB_FILE = "libzinc_core.dylib" if sys.platform == "darwin" else "libzinc_core.so"
SYSTEM_NAMES = (
    ("libzinc_core.0.dylib", LIB_FILE)
    if sys.platform == "darwin"
    else ("libzinc_core.so.0", LIB_FILE)
)
_HERE = Path(__file__).resolve().parent
# The header's C limit macros, the only non-literal values cffi cannot parse itself.
_C_LIMITS = {"UINT32_MAX": "0xFFFFFFFF", "INT32_MAX": "0x7FFFFFFF"}


def _header() -> Path:
    packaged = _HERE / "zinc.h"
    if packaged.is_file():
        return packaged
    checkout = _HERE.parents[3] / "include" / "zinc.h"  # <repo>/adapters/python/src/zinc
    if checkout.is_file():
        return checkout
    raise ImportError(f"zinc: include/zinc.h not found (looked at {packaged} and {checkout})")


def cdef_from_header(text: str) -> tuple[str, list[str]]:
    """The cffi cdef of a cbindgen header, and the names of its integer constants."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    out: list[str] = []
    constants: list[str] = []
    skipping: list[bool] = []  # one entry per open #if; True inside `#ifdef __cplusplus`
    for line in text.splitlines():
        directive = re.match(r"\s*#\s*(\w+)\s*(.*?)\s*$", line)
        if directive is None:
            if not any(skipping):
                out.append(line)
            continue
        word, rest = directive.groups()
        if word in ("if", "ifdef", "ifndef"):
            skipping.append(rest == "__cplusplus")
        elif word == "endif":
            skipping.pop()
        elif word == "define" and not any(skipping):
            name, _, value = rest.partition(" ")
            value = _C_LIMITS.get(value.strip(), value.strip())
            if value:  # `#define ZINC_H` (the include guard) has no value
                out.append(f"#define {name} {value}")
                constants.append(name)
        elif word not in ("include", "define"):
            raise ImportError(f"zinc: unexpected directive in zinc.h: {line.strip()}")
    return "\n".join(out), constants


def _reason(e: OSError) -> str:
    return str(e).split(".  Additionally, ctypes.util.find_library()")[0]  # cffi's 2nd try


def _load(ffi: Any) -> tuple[Any, str]:
    explicit = os.environ.get("ZINC_LIB", "")
    if explicit:
        try:
            return ffi.dlopen(explicit), explicit
        except OSError as e:
            raise ImportError(
                f"zinc: cannot load libzinc_core.so from ZINC_LIB={explicit} ({e}); "
                "ZINC_LIB is used alone, nothing else was tried"
            ) from e
    tried = ["ZINC_LIB: not set"]
    packaged = _HERE / LIB_FILE
    if packaged.is_file():
        try:
            return ffi.dlopen(str(packaged)), str(packaged)
        except OSError as e:
            tried.append(f"package: {packaged} ({_reason(e)})")
    else:
        tried.append(f"package: {packaged} (no such file)")
    for name in SYSTEM_NAMES:
        try:
            return ffi.dlopen(name), name
        except OSError as e:
            tried.append(f"system loader: {name} ({_reason(e)})")
    raise ImportError(
        "zinc: cannot load libzinc_core.so; tried, in order:\n  "
        + "\n  ".join(tried)
        + "\nInstall the zinc-shm wheel (it carries the library), install the core where the "
        "dynamic loader finds it, or set ZINC_LIB=/abs/path/libzinc_core.so"
    )


HEADER = _header()
CDEF, _constant_names = cdef_from_header(HEADER.read_text())
ffi = cffi.FFI()
ffi.cdef(CDEF)
lib, LIBRARY_PATH = _load(ffi)
#: Every constant of zinc.h (error codes and ZINC_WAIT_FOREVER), by name.
CONSTANTS: dict[str, int] = {name: int(getattr(lib, name)) for name in _constant_names}
#: The functions the header declares, in its order.
FUNCTIONS: list[str] = re.findall(r"\b(zinc_\w+)\s*\(", CDEF)
