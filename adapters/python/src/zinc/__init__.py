"""Zinc: zero-copy shared memory between processes (and languages) on one machine.

>>> import zinc, numpy as np
>>> with zinc.SharedRegion.create("frames", 1 << 20) as region:   # doctest: +SKIP
...     region.as_numpy(np.float32)[:] = 1.0
...     region.notify()

Python binding of the Zinc core's C ABI through cffi (ABI mode). See the README for how the
core library is found (``ZINC_LIB`` overrides) and for the view-lifetime policy.
"""

from ._ffi import LIBRARY_PATH
from ._region import (
    WAIT_FOREVER,
    ZINC_EAGAIN,
    ZINC_EBADMSG,
    ZINC_EEXIST,
    ZINC_EINVAL,
    ZINC_ENOENT,
    ZINC_EPERM,
    ZINC_ETIMEDOUT,
    ZINC_OK,
    SharedRegion,
    strerror,
)

__version__ = "0.1.0"

__all__ = [
    "SharedRegion",
    "strerror",
    "LIBRARY_PATH",
    "WAIT_FOREVER",
    "ZINC_OK",
    "ZINC_EPERM",
    "ZINC_ENOENT",
    "ZINC_EAGAIN",
    "ZINC_EEXIST",
    "ZINC_EINVAL",
    "ZINC_EBADMSG",
    "ZINC_ETIMEDOUT",
    "__version__",
]
