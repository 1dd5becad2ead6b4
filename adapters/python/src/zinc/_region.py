"""The :class:`SharedRegion` type: a thin wrapper over one Zinc core handle."""

from __future__ import annotations

import operator
import threading
import weakref
from typing import TYPE_CHECKING, Any, Union

from ._ffi import CONSTANTS, ffi, lib

if TYPE_CHECKING:  # numpy is optional at run time; only as_numpy needs it
    import numpy
    import numpy.typing

    ShapeLike = Union[int, tuple[int, ...]]

# The core's codes, taken from zinc.h (negated errno values: ``-code`` is the OSError's errno).
ZINC_OK: int = CONSTANTS["ZINC_OK"]
ZINC_EPERM: int = CONSTANTS["ZINC_EPERM"]
ZINC_ENOENT: int = CONSTANTS["ZINC_ENOENT"]
ZINC_EBADF: int = CONSTANTS["ZINC_EBADF"]
ZINC_EAGAIN: int = CONSTANTS["ZINC_EAGAIN"]
ZINC_EEXIST: int = CONSTANTS["ZINC_EEXIST"]
ZINC_EINVAL: int = CONSTANTS["ZINC_EINVAL"]
ZINC_EBADMSG: int = CONSTANTS["ZINC_EBADMSG"]
ZINC_ETIMEDOUT: int = CONSTANTS["ZINC_ETIMEDOUT"]
#: ``wait(WAIT_FOREVER)`` (or ``wait(None)``) blocks until notified or closed.
ZINC_WAIT_FOREVER: int = CONSTANTS["ZINC_WAIT_FOREVER"]
WAIT_FOREVER = ZINC_WAIT_FOREVER

_SIZE_MAX = (1 << (8 * ffi.sizeof("uintptr_t"))) - 1
_views_lock = threading.Lock()


def strerror(code: int) -> str:
    """The core's message for an error code (``zinc_strerror``); never fails."""
    code = operator.index(code)
    if not -(1 << 31) <= code < (1 << 31):
        code = ZINC_EINVAL
    return str(ffi.string(lib.zinc_strerror(code)).decode("utf-8", "replace"))


def error(code: int, name: str | None = None) -> OSError:
    """The OSError for a core code: ``errno = -code``, ``strerror`` the core's text.

    Python picks the subclass from the errno (FileExistsError, FileNotFoundError,
    PermissionError...); the core's negative code is kept in the ``code`` attribute.
    """
    exc = OSError(-code, strerror(code)) if name is None else OSError(-code, strerror(code), name)
    exc.code = code  # type: ignore[attr-defined]
    return exc


def _encode_name(name: Any) -> bytes:
    if isinstance(name, (bytes, bytearray)):
        raw = bytes(name)
    elif isinstance(name, str):
        raw = name.encode("utf-8", "surrogateescape")
    else:
        raise TypeError(f"region name must be str, not {type(name).__name__}")
    if b"\0" in raw:  # a C string would stop at the NUL: refuse with the core's -22, not truncate
        raise error(ZINC_EINVAL, _display(name))
    return raw


def _handle(fn: Any, cname: bytes, name: Any, *args: Any) -> Any:
    """Call zinc_create/zinc_open; the new core handle, or the core's error."""
    out = ffi.new("ZincHandle *")
    rc = fn(cname, *args, out)
    if rc != ZINC_OK:
        raise error(rc, _display(name))
    return out[0]


def _display(name: Any) -> str:
    return bytes(name).decode("ascii", "replace") if isinstance(name, (bytes, bytearray)) else name


class _Mapping:
    """A second core handle on the region that only backs views.

    Views keep it alive; it is closed when the last of them is collected. So ``close()`` of the
    region closes its own handle at once (waking its waiters with -9) and never unmaps memory
    that a view still reaches.
    """

    __slots__ = ("raw", "data", "size", "lib")

    def __init__(self, raw: Any) -> None:
        self.raw, self.lib = raw, lib
        self.data = lib.zinc_ptr(raw)
        self.size = int(lib.zinc_capacity(raw))

    def keep(self, _cdata: Any) -> None:
        """The destructor of every view's pointer: holding it holds this mapping."""

    def __del__(self) -> None:
        self.lib.zinc_close(self.raw)


class SharedRegion:
    """A named Zinc shared-memory region mapped into this process.

    Create one with :meth:`create` (the owner) or attach to a live one with :meth:`open`. The data
    area is exposed without copying by :meth:`as_buffer` and :meth:`as_numpy`; views stay valid
    after :meth:`close` until they are collected. ``close()`` from another thread wakes a blocked
    :meth:`wait`, which raises the core's -9 error. See the README for threads and fork.
    """

    __slots__ = ("_raw", "_cname", "_name", "_created", "_views", "_close", "__weakref__")

    _raw: Any  # the core handle (a cffi ``void *``)
    _cname: bytes
    _name: str
    _created: bool
    _views: _Mapping | None
    _close: weakref.finalize[..., Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use SharedRegion.create(name, capacity) or SharedRegion.open(name)")

    @classmethod
    def _wrap(cls, raw: Any, cname: bytes, name: str, created: bool) -> SharedRegion:
        self = object.__new__(cls)
        self._raw, self._cname, self._name, self._created = raw, cname, name, created
        self._views = None
        # Close at garbage collection or interpreter exit if the user forgot to; runs once.
        self._close = weakref.finalize(self, lib.zinc_close, raw)
        return self

    @classmethod
    def create(cls, name: str, capacity: int) -> SharedRegion:
        """Create the region ``name`` with ``capacity`` usable bytes (zero-filled).

        Raises ``FileExistsError`` if a live region has that name, ``OSError`` with
        ``errno == EINVAL`` for an invalid name or capacity (> 0, a multiple of the page size).
        """
        try:
            cap = operator.index(capacity)
        except TypeError:
            raise TypeError(f"capacity must be an int, not {type(capacity).__name__}") from None
        if not 0 <= cap <= _SIZE_MAX:
            _encode_name(name)
            raise error(ZINC_EINVAL, _display(name))
        cname = _encode_name(name)
        return cls._wrap(_handle(lib.zinc_create, cname, name, cap), cname, _display(name), True)

    @classmethod
    def open(cls, name: str) -> SharedRegion:
        """Attach to the live region ``name`` (``FileNotFoundError`` if there is none)."""
        cname = _encode_name(name)
        return cls._wrap(_handle(lib.zinc_open, cname, name), cname, _display(name), False)

    @property
    def name(self) -> str:
        """The region's name (without the ``zinc_`` prefix)."""
        return self._name

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return not self._close.alive

    @property
    def capacity(self) -> int:
        """Usable bytes in the data area; 0 after close."""
        return int(lib.zinc_capacity(self._raw))

    @property
    def created(self) -> bool:
        """True if this object created the region (it is the owner), False if it opened it."""
        return self._created

    def _check_open(self) -> None:
        if lib.zinc_ptr(self._raw) == ffi.NULL:  # the core's answer for a closed handle
            raise error(ZINC_EBADF, self._name)

    def _export(self, offset: Any, length: Any) -> Any:
        """A cffi buffer over ``[offset, offset + length)`` of the data area (``length`` None:
        to its end) that keeps the mapping alive."""
        m = self._views
        if m is None:
            with _views_lock:  # close() takes it too, so no mapping is made after close
                self._check_open()
                if self._views is None:
                    self._views = _Mapping(_handle(lib.zinc_open, self._cname, self._name))
                m = self._views
        offset = operator.index(offset)
        length = m.size - offset if length is None else operator.index(length)
        if not (0 <= offset <= m.size and 0 <= length <= m.size - offset):
            raise ValueError(
                f"window offset={offset} length={length} does not fit the data area "
                f"({m.size} bytes)"
            )
        return ffi.buffer(ffi.gc(m.data + offset, m.keep), length)

    def as_buffer(self, offset: int = 0, length: int | None = None) -> memoryview:
        """A writable ``memoryview`` (format ``'B'``) on the data area, without copying.

        ``offset``/``length`` select a window. Writes are seen by every process mapping the
        region, and vice versa. Raises the core's -9 error after close.
        """
        self._check_open()
        return memoryview(self._export(offset, length))

    def as_numpy(
        self,
        dtype: numpy.typing.DTypeLike = "uint8",
        shape: ShapeLike | None = None,
        offset: int = 0,
    ) -> numpy.ndarray:
        """A writable ``numpy.ndarray`` over the data area, without copying.

        ``shape`` (int or tuple) defaults to ``((capacity - offset) // itemsize,)``; ``offset``
        is in bytes from the start of the data area (64-byte aligned). Requires numpy.
        """
        import numpy as np

        self._check_open()
        dt = np.dtype(dtype)
        if dt.hasobject:
            raise TypeError(f"dtype {dt} holds Python objects and cannot live in shared memory")
        if dt.itemsize == 0:
            raise ValueError(f"dtype {dt} has no size")
        if shape is None:
            shape = (self.capacity - operator.index(offset)) // dt.itemsize
        dims = tuple(map(operator.index, shape if isinstance(shape, (tuple, list)) else [shape]))
        if min(dims, default=0) < 0:
            raise ValueError(f"negative dimension in shape {dims}")
        count = 1
        for d in dims:
            count *= d
        buf = self._export(offset, count * dt.itemsize)
        return np.frombuffer(buf, dtype=dt, count=count).reshape(dims)

    def notify(self) -> None:
        """Signal "data changed": bump the region's counter and wake every waiter (no-op after
        close)."""
        lib.zinc_notify(self._raw)

    def wait(self, timeout_ms: int | None = 1000) -> bool:
        """Wait until some handle of this region notifies.

        True if notified since this handle last looked (at once if that already happened),
        False when ``timeout_ms`` expired. ``0`` polls; ``None`` or :data:`WAIT_FOREVER` waits
        without limit. The GIL is released while blocked. Raises the core's -9 error on a closed
        handle, also when another thread closes it during the wait.
        """
        if timeout_ms is None:
            timeout_ms = WAIT_FOREVER
        try:
            ms = operator.index(timeout_ms)
        except TypeError:
            raise TypeError(
                f"timeout_ms must be an int or None, not {type(timeout_ms).__name__}"
            ) from None
        if not 0 <= ms <= WAIT_FOREVER:
            raise ValueError(f"timeout_ms must be in [0, {WAIT_FOREVER}], got {ms}")
        rc = lib.zinc_wait(self._raw, ms)
        if rc in (ZINC_OK, ZINC_ETIMEDOUT):
            return bool(rc == ZINC_OK)
        raise error(rc, self._name)

    def close(self) -> None:
        """Close this handle; a second close does nothing. Views made earlier stay valid."""
        with _views_lock:
            self._views = None
            self._close()

    def __enter__(self) -> SharedRegion:
        self._check_open()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        kind = "created" if self._created else "opened"
        state = f"{kind} closed" if self.closed else f"capacity={self.capacity} {kind}"
        return f"<zinc.SharedRegion name={self._name!r} {state}>"

    def __reduce__(self) -> Any:
        raise TypeError("a SharedRegion cannot be pickled; open it by name in the other process")

    def __copy__(self) -> Any:
        raise TypeError("a SharedRegion cannot be copied")

    def __deepcopy__(self, memo: Any) -> Any:
        raise TypeError("a SharedRegion cannot be copied")
