"""The :class:`SharedRegion` type: a thin, safe wrapper over one Zinc core handle."""

from __future__ import annotations

import operator
import time
import weakref
from typing import TYPE_CHECKING, Any, Optional, Tuple, Union

from ._ffi import ffi, lib

if TYPE_CHECKING:  # numpy is optional at run time; only as_numpy needs it
    import numpy
    import numpy.typing

    ShapeLike = Union[int, Tuple[int, ...]]

__all__ = [
    "SharedRegion",
    "strerror",
    "ZINC_OK",
    "ZINC_EPERM",
    "ZINC_ENOENT",
    "ZINC_EAGAIN",
    "ZINC_EEXIST",
    "ZINC_EINVAL",
    "ZINC_EBADMSG",
    "ZINC_ETIMEDOUT",
    "WAIT_FOREVER",
]

# The core's error codes (include/zinc.h). They are negated errno values, so ``-code`` is the
# ``errno`` of the OSError we raise.
ZINC_OK = 0
ZINC_EPERM = -1
ZINC_ENOENT = -2
ZINC_EAGAIN = -11
ZINC_EEXIST = -17
ZINC_EINVAL = -22
ZINC_EBADMSG = -74
ZINC_ETIMEDOUT = -110
#: ``wait(WAIT_FOREVER)`` (or ``wait(None)``) blocks until notified.
WAIT_FOREVER = 0xFFFFFFFF

_SIZE_MAX = (1 << (8 * ffi.sizeof("uintptr_t"))) - 1
# Long waits are issued to the core in slices of this many milliseconds so that Ctrl-C
# (KeyboardInterrupt) and a close() from another thread are noticed between slices. Slicing
# does not change the semantics: each slice compares the counter with the handle's last seen
# value, so a notification that lands between two slices is still reported.
_WAIT_SLICE_MS = 200


def strerror(code: int) -> str:
    """The core's message for an error code (``zinc_strerror``); never fails."""
    code = operator.index(code)
    if not -(1 << 31) <= code < (1 << 31):
        code = ZINC_EINVAL
    return ffi.string(lib.zinc_strerror(code)).decode("utf-8", "replace")


def _error(code: int, name: Any = None) -> OSError:
    """OSError from a core code: ``errno = -code``, text from ``zinc_strerror``.

    Building a plain ``OSError(errno, msg)`` lets Python pick the subclass itself, so EEXIST
    gives FileExistsError, ENOENT FileNotFoundError, EPERM PermissionError, ETIMEDOUT
    TimeoutError. The core's (negative) code is kept in the ``code`` attribute.
    """
    msg = strerror(code)
    if name is None:
        exc = OSError(-code, msg)
    else:
        exc = OSError(-code, msg, name if isinstance(name, (str, bytes)) else repr(name))
    exc.code = code  # type: ignore[attr-defined]
    return exc


def _encode_name(name: Any) -> bytes:
    # Only marshalling happens here; the name rules themselves are checked by the core.
    if isinstance(name, str):
        try:
            raw = name.encode("utf-8")
        except UnicodeEncodeError:
            raise _error(ZINC_EINVAL, name) from None
    elif isinstance(name, (bytes, bytearray)):
        raw = bytes(name)
    else:
        raise TypeError(f"region name must be str, not {type(name).__name__}")
    if b"\0" in raw:  # a C string would silently stop at the NUL: refuse like the core would
        raise _error(ZINC_EINVAL, name)
    return raw


class _Handle:
    """One core handle plus the bookkeeping that keeps the mapping alive while it is used.

    ``users`` holds one token per live view (buffer/array) and per core call in flight (e.g. a
    ``wait`` blocked in another thread, with the GIL released). ``close()`` only marks the
    handle closing; ``zinc_close`` runs exactly once, when the handle is closing and ``users``
    is empty. Nothing here refers back to the ``SharedRegion``, so the region object can be
    collected while its views live on.

    Lock-free on purpose (notify/wait are hot paths): ``list.append``/``list.pop`` are atomic;
    a user appends its token *before* checking ``closing`` and ``close`` sets ``closing``
    *before* checking ``users``, so either close sees the token (and defers) or the user sees
    ``closing`` (and backs out without calling the core). Whoever finds the handle closing and
    unused pops the single ``unmap_token``; only one thread can, so ``zinc_close`` runs once.
    """

    __slots__ = ("raw", "data", "capacity", "name", "users", "closing", "unmap_token", "lib",
                 "__weakref__")

    def __init__(self, raw: Any, name: str) -> None:
        self.raw = raw
        self.lib = lib  # keep the library reachable for late (interpreter-exit) releases
        self.name = name
        self.data = lib.zinc_ptr(raw)
        self.capacity = int(lib.zinc_capacity(raw))
        self.users: list = []
        self.closing = False
        self.unmap_token = [True]

    def release(self, _unused: Any = None) -> None:
        self.users.pop()
        if self.closing and not self.users:
            self._unmap_once()

    def close(self) -> None:
        self.closing = True
        if not self.users:
            self._unmap_once()

    def _unmap_once(self) -> None:
        try:
            self.unmap_token.pop()
        except IndexError:
            return  # somebody else closed it
        raw, self.raw = self.raw, ffi.NULL
        self.data = ffi.NULL
        self.lib.zinc_close(raw)


def _closed(name: str) -> ValueError:
    return ValueError(f"operation on closed SharedRegion {name!r}")


class SharedRegion:
    """A named Zinc shared-memory region mapped into this process.

    Create one with :meth:`create` (you own it: its name is removed once you and every other
    process have closed it) or attach to an existing one with :meth:`open`. The data area is
    exposed without copying through :meth:`as_buffer` (``memoryview``) and :meth:`as_numpy`
    (``numpy.ndarray``).

    **View lifetime.** :meth:`close` never invalidates a view: it closes the region object at
    once (every later method raises ``ValueError``), but the mapping itself is released -- and,
    for the last handle of a region whose creator has closed, the name removed -- only when the
    last ``memoryview``/``ndarray`` obtained from it (and anything derived from those) has been
    garbage-collected. Views therefore stay valid after ``close()``; drop them (``del``, or
    ``memoryview.release()``) to let the region go.

    Thread safety: one region may be used from several threads; ``wait`` releases the GIL while
    blocked, and ``close`` from another thread is safe (a blocked ``wait`` then returns or raises
    ``ValueError`` within about 0.2 s). Do not pickle a region; open it by name in the other
    process. After ``fork()`` the child may keep using inherited regions and views; they stay the
    parent's: ``close()`` in the child unmaps the child's copy only, and the core never lets a
    child count down or remove the parent's region.
    """

    __slots__ = ("_h", "_finalizer", "_created", "__weakref__")

    _h: _Handle
    _finalizer: "weakref.finalize"
    _created: bool

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use SharedRegion.create(name, capacity) or SharedRegion.open(name)")

    @classmethod
    def _wrap(cls, raw: Any, name: str, created: bool) -> "SharedRegion":
        self = object.__new__(cls)
        h = _Handle(raw, name)
        self._h = h
        self._created = created
        # Close at garbage collection / interpreter exit if the user forgot to.
        self._finalizer = weakref.finalize(self, h.close)
        return self

    @classmethod
    def create(cls, name: str, capacity: int) -> "SharedRegion":
        """Create the region ``name`` with ``capacity`` usable bytes (zero-filled).

        ``capacity`` must be > 0 and a multiple of the page size (4096). Raises
        ``FileExistsError`` if a live region has that name, ``OSError`` with
        ``errno == EINVAL`` for an invalid name or capacity, other ``OSError`` s (e.g.
        ``ENOSPC``) from the operating system.
        """
        raw_name = _encode_name(name)
        try:
            cap = operator.index(capacity)
        except TypeError:
            raise TypeError(
                f"capacity must be an int, not {type(capacity).__name__}") from None
        if not 0 <= cap <= _SIZE_MAX:
            raise _error(ZINC_EINVAL, name)
        out = ffi.new("ZincHandle *")
        rc = lib.zinc_create(raw_name, cap, out)
        if rc != ZINC_OK:
            raise _error(rc, name)
        return cls._wrap(out[0], _display(name), True)

    @classmethod
    def open(cls, name: str) -> "SharedRegion":
        """Attach to the existing region ``name``.

        Raises ``FileNotFoundError`` if no live region has that name, ``OSError`` with
        ``errno == EBADMSG`` for a corrupted one, ``OSError`` with ``errno == EINVAL`` for an
        invalid name.
        """
        raw_name = _encode_name(name)
        out = ffi.new("ZincHandle *")
        rc = lib.zinc_open(raw_name, out)
        if rc != ZINC_OK:
            raise _error(rc, name)
        return cls._wrap(out[0], _display(name), False)

    # -- state -------------------------------------------------------------------------------

    def _live(self) -> _Handle:
        h = self._h
        if h.closing:
            raise _closed(h.name)
        return h

    @property
    def name(self) -> str:
        """The region's name (as given, without the ``zinc_`` prefix). Works after close."""
        return self._h.name

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._h.closing

    @property
    def capacity(self) -> int:
        """Usable bytes in the data area."""
        return self._live().capacity

    @property
    def created(self) -> bool:
        """True if this object created the region (it is the owner), False if it opened it."""
        return self._created

    # -- zero-copy views -----------------------------------------------------------------------

    def _export(self, offset: int, length: int) -> Any:
        """A cffi buffer over ``[offset, offset+length)`` that holds the mapping alive."""
        h = self._h
        h.users.append(None)  # take a token (see _Handle), then check closing
        try:
            if h.closing:
                raise _closed(h.name)
            keeper = ffi.gc(h.data + offset, h.release)
        except BaseException:
            h.release()
            raise
        # The buffer keeps `keeper` alive; memoryviews and numpy arrays keep the buffer alive.
        # When the last of them is collected, `keeper` dies and h.release() runs.
        return ffi.buffer(keeper, length)

    def _window(self, offset: Any, length: Any) -> Tuple[int, int]:
        cap = self._live().capacity
        offset = operator.index(offset)
        if not 0 <= offset <= cap:
            raise ValueError(f"offset {offset} outside the data area [0, {cap}]")
        if length is None:
            length = cap - offset
        length = operator.index(length)
        if length < 0 or offset + length > cap:
            raise ValueError(
                f"window offset={offset} length={length} does not fit the data area "
                f"({cap} bytes)")
        return offset, length

    def as_buffer(self, offset: int = 0, length: Optional[int] = None) -> memoryview:
        """A writable ``memoryview`` (format ``'B'``) on the data area, without copying.

        By default it spans the whole data area; ``offset``/``length`` select a window.
        Writes through it are seen by every process mapping the region, and vice versa.
        The view stays valid after :meth:`close` (see the class docs).
        """
        offset, length = self._window(offset, length)
        return memoryview(self._export(offset, length))

    def as_numpy(
        self,
        dtype: "numpy.typing.DTypeLike" = "uint8",
        shape: "Optional[ShapeLike]" = None,
        offset: int = 0,
    ) -> "numpy.ndarray":
        """A writable ``numpy.ndarray`` over the data area, without copying.

        ``dtype`` is anything ``numpy.dtype()`` accepts (default ``numpy.uint8``); ``shape``
        (an int or a tuple) defaults to ``((capacity - offset) // itemsize,)``; ``offset`` is in
        bytes from the start of the data area (which is 64-byte aligned). The array must fit in
        the data area, otherwise ``ValueError``. Requires numpy. The array stays valid after :meth:`close`.
        """
        try:
            import numpy as np
        except ImportError as e:  # pragma: no cover - exercised only without numpy
            raise ImportError("SharedRegion.as_numpy() requires numpy: pip install numpy") from e
        dt = np.dtype(dtype)
        if dt.hasobject:
            raise TypeError(f"dtype {dt} holds Python object references and cannot live in "
                            "shared memory")
        if dt.itemsize == 0:
            raise ValueError(f"dtype {dt} has no size")
        cap = self._live().capacity
        offset = operator.index(offset)
        if not 0 <= offset <= cap:
            raise ValueError(f"offset {offset} outside the data area [0, {cap}]")
        if shape is None:
            dims: Tuple[int, ...] = ((cap - offset) // dt.itemsize,)
        elif isinstance(shape, tuple) or isinstance(shape, list):
            dims = tuple(operator.index(d) for d in shape)
        else:
            dims = (operator.index(shape),)
        count = 1
        for d in dims:
            if d < 0:
                raise ValueError(f"negative dimension in shape {dims}")
            count *= d
        nbytes = count * dt.itemsize
        if offset + nbytes > cap:
            raise ValueError(
                f"array of shape {dims} and dtype {dt} needs {nbytes} bytes at offset {offset}, "
                f"but the data area has {cap} bytes")
        arr = np.frombuffer(self._export(offset, nbytes), dtype=dt, count=count)
        return arr.reshape(dims)

    # -- notification ------------------------------------------------------------------------

    def notify(self) -> None:
        """Signal "data changed": bump the region's counter and wake every waiter."""
        h = self._h
        # Take a token (see _Handle), then check `closing`; the `try` follows the append
        # directly so that no KeyboardInterrupt can land between taking and returning it.
        h.users.append(None)
        try:
            if h.closing:
                raise _closed(h.name)
            h.lib.zinc_notify(h.raw)
        finally:
            h.release()

    def _wait_once(self, h: _Handle, ms: int) -> bool:
        h.users.append(None)  # take a token (see _Handle), then check closing
        try:
            if h.closing:
                raise _closed(h.name)
            rc = h.lib.zinc_wait(h.raw, ms)
        finally:
            h.release()
        if rc == 0:
            return True
        if rc == ZINC_ETIMEDOUT:
            return False
        raise _error(rc, h.name)

    def wait(self, timeout_ms: Optional[int] = 1000) -> bool:
        """Wait until some handle of this region calls :meth:`notify`.

        Returns True if the region was notified since this handle last looked (at once if that
        already happened), False when ``timeout_ms`` expired -- a timeout is not an error.
        ``timeout_ms=0`` polls; ``None`` or :data:`WAIT_FOREVER` waits without limit.
        Notifications coalesce: several notifies before a wait count as one. The GIL is
        released while blocked.
        """
        h = self._h
        if type(timeout_ms) is int and 0 <= timeout_ms <= _WAIT_SLICE_MS:  # fast path
            return self._wait_once(h, timeout_ms)
        if timeout_ms is None:
            timeout_ms = WAIT_FOREVER
        try:
            ms = operator.index(timeout_ms)
        except TypeError:
            raise TypeError(
                f"timeout_ms must be an int or None, not {type(timeout_ms).__name__}") from None
        if not 0 <= ms <= WAIT_FOREVER:
            raise ValueError(f"timeout_ms must be in [0, {WAIT_FOREVER}], got {ms}")
        if h.closing:
            raise _closed(h.name)
        if ms <= _WAIT_SLICE_MS:
            return self._wait_once(h, ms)
        if ms == WAIT_FOREVER:
            while True:
                if self._wait_once(h, _WAIT_SLICE_MS):
                    return True
        deadline = time.monotonic() + ms / 1000.0
        while True:
            left = int((deadline - time.monotonic()) * 1000.0 + 0.999)
            if left <= 0:
                return False
            if self._wait_once(h, min(left, _WAIT_SLICE_MS)):
                return True

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close this handle. Idempotent; never raises.

        Every later method call raises ``ValueError``. Views obtained earlier remain valid: the
        mapping is released when the last of them is collected (see the class docs).
        """
        self._finalizer()

    def __enter__(self) -> "SharedRegion":
        self._live()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        h = self._h
        kind = "created" if self._created else "opened"
        if h.closing:
            return f"<zinc.SharedRegion name={h.name!r} {kind} closed>"
        return f"<zinc.SharedRegion name={h.name!r} capacity={h.capacity} {kind}>"

    def __reduce__(self) -> Any:
        raise TypeError("a SharedRegion cannot be pickled; pass its name and call "
                        "SharedRegion.open(name) in the other process")

    def __copy__(self) -> Any:
        raise TypeError("a SharedRegion cannot be copied")

    def __deepcopy__(self, memo: Any) -> Any:
        raise TypeError("a SharedRegion cannot be copied")


def _display(name: Any) -> str:
    if isinstance(name, (bytes, bytearray)):
        return bytes(name).decode("ascii", "replace")
    return str(name)
