"""Zinc: zero-copy shared memory between processes (and languages) on one machine.

A cffi (ABI mode) binding of the Zinc core's C ABI. See the README for how the core library is
found (``ZINC_LIB`` first) and for the view-lifetime policy.
"""

from ._ffi import LIBRARY_PATH
from ._region import (
    WAIT_FOREVER,
    ZINC_EAGAIN,
    ZINC_EBADF,
    ZINC_EBADMSG,
    ZINC_EEXIST,
    ZINC_EINVAL,
    ZINC_ENOENT,
    ZINC_EPERM,
    ZINC_ETIMEDOUT,
    ZINC_OK,
    ZINC_WAIT_FOREVER,
    SharedRegion,
    error,
    strerror,
)

__version__ = "0.1.0"  # the repository's VERSION; a test keeps them equal

__all__ = [
    "SharedRegion",
    "error",
    "strerror",
    "LIBRARY_PATH",
    "WAIT_FOREVER",
    "ZINC_OK",
    "ZINC_EPERM",
    "ZINC_ENOENT",
    "ZINC_EBADF",
    "ZINC_EAGAIN",
    "ZINC_EEXIST",
    "ZINC_EINVAL",
    "ZINC_EBADMSG",
    "ZINC_ETIMEDOUT",
    "ZINC_WAIT_FOREVER",
    "__version__",
]
