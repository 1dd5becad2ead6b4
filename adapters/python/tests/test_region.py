"""The SharedRegion API within one process (plus threads and fork): views, errors, lifetime."""

import copy
import ctypes
import errno
import gc
import os
import pickle
import threading
import time

import numpy as np
import pytest

import zinc
from zinc._ffi import ffi, lib

PAGE = os.sysconf("SC_PAGE_SIZE")


def shm_path(name):
    return f"/dev/shm/zinc_{name}"


# -- creation, properties, views ------------------------------------------------------------


def test_create_open_properties(name):
    with zinc.SharedRegion.create(name, 4 * PAGE) as r:
        assert r.capacity == 4 * PAGE
        assert r.name == name and r.created and not r.closed
        assert os.path.exists(shm_path(name))
        with zinc.SharedRegion.open(name) as o:
            assert o.capacity == 4 * PAGE
            assert not o.created
            assert repr(o) == f"<zinc.SharedRegion name={name!r} capacity={4 * PAGE} opened>"
        assert repr(r) == f"<zinc.SharedRegion name={name!r} capacity={4 * PAGE} created>"
    assert r.closed
    assert repr(r) == f"<zinc.SharedRegion name={name!r} created closed>"
    assert not os.path.exists(shm_path(name))


def test_bytes_name_accepted(name):
    with zinc.SharedRegion.create(name.encode(), PAGE) as r:
        assert r.name == name
        with zinc.SharedRegion.open(name) as o:
            assert o.capacity == PAGE


def test_as_buffer_is_writable_zero_copy(name):
    with zinc.SharedRegion.create(name, PAGE) as r, zinc.SharedRegion.open(name) as o:
        mv = r.as_buffer()
        assert isinstance(mv, memoryview)
        assert len(mv) == PAGE and mv.format == "B" and not mv.readonly and mv.contiguous
        assert bytes(mv) == bytes(PAGE)  # a new region is zero-filled
        mv[0:5] = b"hello"
        other = o.as_buffer()
        assert bytes(other[0:5]) == b"hello"
        other[PAGE - 1] = 0xAB
        assert mv[PAGE - 1] == 0xAB
        win = r.as_buffer(offset=100, length=10)
        assert len(win) == 10
        win[:] = b"0123456789"
        assert bytes(other[100:110]) == b"0123456789"
        assert len(r.as_buffer(offset=PAGE)) == 0
        del mv, other, win


def test_native_pointer_writes_visible(name):
    """Writing through a raw native pointer is seen by the views, and vice versa."""
    with zinc.SharedRegion.create(name, PAGE) as r:
        arr = r.as_numpy()
        mv = r.as_buffer()
        addr = arr.ctypes.data
        assert addr % 64 == 0  # the data area is 64-byte aligned
        assert addr == ctypes.addressof(ctypes.c_char.from_buffer(mv))
        ctypes.memset(addr + 10, 0x5A, 3)
        assert bytes(mv[10:13]) == b"ZZZ" and list(arr[10:13]) == [0x5A] * 3
        arr[20] = 7
        assert ctypes.string_at(addr + 20, 1) == b"\x07"
        del arr, mv


def test_as_numpy_defaults_and_dtypes(name):
    cap = 4 * PAGE
    with zinc.SharedRegion.create(name, cap) as r:
        a = r.as_numpy()
        assert a.dtype == np.uint8 and a.shape == (cap,)
        f = r.as_numpy(np.float32)
        assert f.dtype == np.float32 and f.shape == (cap // 4,)
        assert not f.flags.owndata and f.flags.writeable and f.flags.c_contiguous
        assert np.shares_memory(a, f)
        f[0] = 1.5
        assert a[:4].view(np.float32)[0] == 1.5
        m = r.as_numpy(np.float64, shape=(8, 16), offset=64)
        assert m.shape == (8, 16) and m.dtype == np.float64
        m[0, 0] = 2.0
        assert f[16:18].view(np.float64)[0] == 2.0
        s = r.as_numpy("<i2", shape=5)
        assert s.shape == (5,)
        tail = r.as_numpy(np.uint32, offset=cap - 8)
        assert tail.shape == (2,)
        empty = r.as_numpy(np.uint8, offset=cap)
        assert empty.shape == (0,)
        del a, f, m, s, tail, empty


def test_as_numpy_64mib_float32_zero_copy(name):
    cap = 64 << 20
    with zinc.SharedRegion.create(name, cap) as w, zinc.SharedRegion.open(name) as r:
        a = w.as_numpy(np.float32)
        b = r.as_numpy(np.float32)
        assert a.shape == (cap // 4,) and not a.flags.owndata
        a[:] = np.arange(a.size, dtype=np.float32)
        assert b[12345] == 12345.0 and b[-1] == float(a.size - 1)
        b[7] = -1.0
        assert a[7] == -1.0
        del a, b


def test_as_numpy_bad_arguments(name):
    with zinc.SharedRegion.create(name, PAGE) as r:
        with pytest.raises(ValueError):
            r.as_numpy(np.uint8, shape=PAGE + 1)
        with pytest.raises(ValueError):
            r.as_numpy(np.float64, shape=(PAGE // 8,), offset=8)
        with pytest.raises(ValueError):
            r.as_numpy(offset=-1)
        with pytest.raises(ValueError):
            r.as_numpy(offset=PAGE + 1)
        with pytest.raises(ValueError):
            r.as_numpy(shape=(-1, 4))
        with pytest.raises(TypeError):
            r.as_numpy(object)
        with pytest.raises(TypeError):
            r.as_numpy([("a", np.int32), ("b", object)])
        with pytest.raises(ValueError):
            r.as_numpy(np.dtype("V0"))
        with pytest.raises(TypeError):
            r.as_numpy(np.uint8, offset=1.5)
        with pytest.raises(ValueError):
            r.as_buffer(offset=PAGE + 1)
        with pytest.raises(ValueError):
            r.as_buffer(offset=10, length=PAGE)
        with pytest.raises(ValueError):
            r.as_buffer(length=-1)
        # nothing leaked a view: close releases the mapping at once
    assert not os.path.exists(shm_path(name))


# -- notify / wait ----------------------------------------------------------------------------


def test_notify_wait_same_process(name):
    with zinc.SharedRegion.create(name, PAGE) as r, zinc.SharedRegion.open(name) as o:
        assert o.wait(0) is False
        assert o.wait(10) is False
        r.notify()
        assert o.wait(0) is True
        assert o.wait(0) is False  # consumed
        r.notify()
        r.notify()  # notifications coalesce
        assert o.wait(1000) is True
        assert o.wait(0) is False
        o.notify()  # any handle may notify, including onto itself
        assert r.wait(None) is True
        o.notify()
        assert r.wait(zinc.WAIT_FOREVER) is True
        o.notify()
        assert r.wait(timeout_ms=500) is True


def test_wait_bad_arguments(name):
    with zinc.SharedRegion.create(name, PAGE) as r:
        with pytest.raises(ValueError):
            r.wait(-1)
        with pytest.raises(ValueError):
            r.wait(zinc.WAIT_FOREVER + 1)
        with pytest.raises(TypeError):
            r.wait(1.5)
        with pytest.raises(TypeError):
            r.wait("10")


def test_cffi_call_releases_gil(name):
    """cffi ABI-mode calls drop the GIL: a thread blocked in zinc_wait itself (one C call, no
    slicing) does not stop the main thread, which notifies it."""
    with zinc.SharedRegion.create(name, PAGE) as r:
        out = ffi.new("ZincHandle *")
        assert lib.zinc_open(name.encode(), out) == 0
        raw = out[0]
        result = []
        started = threading.Event()

        def waiter():
            started.set()
            result.append(lib.zinc_wait(raw, 30000))

        t = threading.Thread(target=waiter)
        t.start()
        started.wait()
        # If the GIL were held during zinc_wait the main thread could not get here before the
        # 30 s timeout, and the waiter would report -110.
        while t.is_alive():
            r.notify()
            t.join(0.05)
        lib.zinc_close(raw)
        assert result == [0]


def test_wait_in_thread_notified_from_main(name):
    with zinc.SharedRegion.create(name, PAGE) as r, zinc.SharedRegion.open(name) as o:
        result = []
        t = threading.Thread(target=lambda: result.append(o.wait(30000)))
        t.start()
        while t.is_alive():
            r.notify()
            t.join(0.05)
        assert result == [True]


def closed_error(e):
    return (
        e.errno == errno.EBADF
        and e.code == zinc.ZINC_EBADF == -9
        and e.strerror == zinc.strerror(-9)
    )


@pytest.mark.parametrize("with_views", [False, True])
def test_close_from_another_thread_wakes_wait_forever(name, with_views):
    """close() from another thread while wait(None) blocks: the waiter gets the core's -9 error
    promptly, also while views (the README's pattern) keep the mapping alive."""
    r = zinc.SharedRegion.create(name, PAGE)
    views = [r.as_numpy(np.int64), r.as_buffer()] if with_views else []
    outcome = []
    started = threading.Event()

    def waiter():
        started.set()
        try:
            outcome.append(r.wait(None))
        except OSError as e:
            outcome.append(e)

    t = threading.Thread(target=waiter)
    t.start()
    started.wait()
    time.sleep(0.2)  # let it block in the core
    assert t.is_alive()
    begin = time.monotonic()
    r.close()
    t.join(10)
    assert not t.is_alive() and time.monotonic() - begin < 2.0
    assert len(outcome) == 1 and isinstance(outcome[0], OSError), outcome
    assert closed_error(outcome[0])
    if views:
        views[0][0] = 5  # the views still work: they hold their own mapping
        assert views[1][0] == 5 and os.path.exists(shm_path(name))
    del views
    gc.collect()
    assert not os.path.exists(shm_path(name))


def test_wait_timeout_is_one_call(name):
    with zinc.SharedRegion.create(name, PAGE) as r:
        begin = time.monotonic()
        assert r.wait(300) is False
        assert 0.25 < time.monotonic() - begin < 5


# -- errors -----------------------------------------------------------------------------------


def test_create_existing_is_file_exists(name):
    with zinc.SharedRegion.create(name, PAGE):
        with pytest.raises(FileExistsError) as ei:
            zinc.SharedRegion.create(name, PAGE)
        e = ei.value
        assert e.errno == errno.EEXIST and e.code == zinc.ZINC_EEXIST == -17
        assert e.strerror == zinc.strerror(-17) and e.strerror
        assert e.filename == name


def test_open_missing_is_file_not_found(name):
    with pytest.raises(FileNotFoundError) as ei:
        zinc.SharedRegion.open(name)
    assert ei.value.errno == errno.ENOENT and ei.value.code == -2
    assert ei.value.strerror == zinc.strerror(zinc.ZINC_ENOENT)


@pytest.mark.parametrize(
    "bad", ["", "bad/name", "a" * 251, "naïve", "sp ace", "a\0b", "zinc\0nul", b"x\0", "\udcff"]
)
def test_invalid_names_are_einval(bad):
    for call in (lambda: zinc.SharedRegion.create(bad, PAGE), lambda: zinc.SharedRegion.open(bad)):
        with pytest.raises(OSError) as ei:
            call()
        assert type(ei.value) is OSError
        assert ei.value.errno == errno.EINVAL and ei.value.code == zinc.ZINC_EINVAL
        assert ei.value.strerror == zinc.strerror(-22)


def test_longest_name_is_fine(new_name):
    name = new_name()
    long_name = name + "x" * (250 - len(name))
    with zinc.SharedRegion.create(long_name, PAGE) as r:
        assert r.name == long_name


@pytest.mark.parametrize("size", [0, 1, 1000, PAGE + 1, PAGE - 1, -PAGE, 1 << 80])
def test_invalid_sizes_are_einval(name, size):
    with pytest.raises(OSError) as ei:
        zinc.SharedRegion.create(name, size)
    assert ei.value.errno == errno.EINVAL and ei.value.code == -22
    assert not os.path.exists(shm_path(name))


def test_argument_types():
    with pytest.raises(TypeError):
        zinc.SharedRegion.create(123, PAGE)
    with pytest.raises(TypeError):
        zinc.SharedRegion.open(None)
    with pytest.raises(TypeError):
        zinc.SharedRegion.create("x", float(PAGE))
    with pytest.raises(TypeError):
        zinc.SharedRegion("x")


@pytest.mark.parametrize("content", [b"", b"\x00" * 10, b"\xff" * 64, b"\x00" * (64 + 4096)])
def test_corrupted_region_is_ebadmsg_or_missing(name, content):
    path = shm_path(name)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    try:
        os.write(fd, content)
        with pytest.raises(OSError) as ei:
            zinc.SharedRegion.open(name)
        assert ei.value.errno in (errno.EBADMSG, errno.ENOENT)
        assert ei.value.strerror == zinc.strerror(-ei.value.errno)
    finally:
        os.close(fd)
        if os.path.exists(path):
            os.unlink(path)


def test_garbage_header_is_ebadmsg(name):
    """A full-size object with a wrong magic, held open (locked) by nobody we know of."""
    path = shm_path(name)
    with zinc.SharedRegion.create(name, PAGE) as r, open(path, "r+b") as f:
        f.write(b"NOTZINC!")  # overwrite the magic of a live region
        f.flush()
        with pytest.raises(OSError) as ei:
            zinc.SharedRegion.open(name)
        assert ei.value.errno == errno.EBADMSG and ei.value.code == zinc.ZINC_EBADMSG
        assert r.capacity == PAGE


def test_strerror_never_fails():
    for code in (0, -1, -2, -11, -17, -22, -74, -110, -28, -9999, 5, 2**31 - 1, -(2**31), 2**40):
        assert isinstance(zinc.strerror(code), str) and zinc.strerror(code)


# -- lifetime: use after close, views across close -------------------------------------------


def test_use_after_close(name):
    """Views and wait raise the core's -9 error; notify does nothing; capacity is 0; a second
    close does nothing."""
    r = zinc.SharedRegion.create(name, PAGE)
    r.close()
    r.close()  # double close is a no-op
    for call in (
        r.as_buffer,
        r.as_numpy,
        lambda: r.as_numpy(np.float32),
        r.wait,
        lambda: r.wait(0),
        lambda: r.wait(None),
        r.__enter__,
    ):
        with pytest.raises(OSError) as ei:
            call()
        assert type(ei.value) is OSError and closed_error(ei.value)
        assert ei.value.filename == name
    r.notify()  # a no-op, like zinc_notify on a closed handle
    assert r.capacity == 0
    assert r.closed and r.name == name and "closed" in repr(r)
    r.__exit__(None, None, None)  # exiting again is harmless (close is idempotent)
    assert not os.path.exists(shm_path(name))


def test_context_manager_closes_on_exception(name):
    with pytest.raises(RuntimeError), zinc.SharedRegion.create(name, PAGE) as r:
        raise RuntimeError("boom")
    assert r.closed and not os.path.exists(shm_path(name))


def test_views_survive_close(name):
    path = shm_path(name)
    r = zinc.SharedRegion.create(name, PAGE)
    arr = r.as_numpy(np.float32)
    mv = r.as_buffer()
    sub = arr[10:20].reshape(2, 5)  # derived numpy view
    piece = mv[100:200]  # derived memoryview
    arr[:] = 4.0
    r.close()
    assert r.closed
    with pytest.raises(OSError) as ei:
        r.as_buffer()
    assert closed_error(ei.value)
    # the mapping is kept while views live: they stay valid and writable
    assert os.path.exists(path)
    assert float(sub.sum()) == 40.0
    sub[0, 0] = 9.0
    assert arr[10] == 9.0
    assert piece[0] == 0 and bytes(mv[40:44]) == np.float32(9.0).tobytes()
    del arr, mv
    gc.collect()
    assert os.path.exists(path)  # sub and piece still hold it
    piece.release()
    del piece
    assert os.path.exists(path)
    assert sub[0, 0] == 9.0
    del sub
    gc.collect()
    assert not os.path.exists(path)  # last view gone -> unmapped -> name removed


def test_opener_views_survive_owner_and_own_close(name):
    path = shm_path(name)
    r = zinc.SharedRegion.create(name, PAGE)
    o = zinc.SharedRegion.open(name)
    view = o.as_buffer()
    r.close()
    o.close()
    view[0] = 1
    assert view[0] == 1 and os.path.exists(path)
    view.release()
    gc.collect()
    assert not os.path.exists(path)


def test_gc_without_close_releases(name):
    r = zinc.SharedRegion.create(name, PAGE)
    arr = r.as_numpy()
    del r
    gc.collect()
    arr[0] = 3  # the region object is gone but its view keeps the mapping
    assert os.path.exists(shm_path(name))
    del arr
    gc.collect()
    assert not os.path.exists(shm_path(name))


def test_not_picklable_or_copyable(name):
    with zinc.SharedRegion.create(name, PAGE) as r:
        with pytest.raises(TypeError):
            pickle.dumps(r)
        with pytest.raises(TypeError):
            copy.copy(r)
        with pytest.raises(TypeError):
            copy.deepcopy(r)


def test_many_views_and_regions_churn(new_name):
    """Lots of create/view/close cycles in mixed orders: no crash, nothing leaked."""
    for i in range(50):
        name = new_name()
        r = zinc.SharedRegion.create(name, PAGE)
        views = [r.as_buffer(), r.as_numpy(np.uint16), r.as_buffer(offset=8, length=8)]
        if i % 3 == 0:
            r.close()
        views[i % 3][0] = i
        del views[i % 2]
        r.close()
        del views
    gc.collect()


# -- fork --------------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_child_uses_inherited_region(name):
    r = zinc.SharedRegion.create(name, PAGE)
    arr = r.as_numpy(np.int32)
    pid = os.fork()
    if pid == 0:  # child: use the inherited handle and view, then close it
        code = 1
        try:
            arr[0] = 1234
            r.notify()
            r.close()
            arr[1] = 5678  # the view still works after the child's close
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert r.wait(30000) is True
    assert list(arr[:2]) == [1234, 5678]
    # the child's close neither counted down nor removed the parent's region
    with zinc.SharedRegion.open(name) as o:
        assert o.capacity == PAGE
    del arr
    r.close()
    assert not os.path.exists(shm_path(name))


def test_close_races_with_calls_from_threads(new_name):
    """Threads hammering notify/wait/as_buffer while the main thread closes: every call either
    works or raises the core's -9 error; nothing crashes, nothing leaks."""
    for _ in range(20):
        name = new_name()
        r = zinc.SharedRegion.create(name, PAGE)
        errors = []
        go = threading.Event()

        def hammer(k, r=r, go=go, errors=errors):
            go.wait()
            try:
                while True:
                    r.notify()
                    r.wait(0)
                    mv = r.as_buffer()
                    mv[k] = k
                    del mv
            except OSError as e:
                if not closed_error(e):
                    errors.append(e)
            except Exception as e:  # anything else is a bug
                errors.append(e)

        threads = [threading.Thread(target=hammer, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        go.set()
        r.close()
        for t in threads:
            t.join(30)
        assert not errors
        gc.collect()
        assert not os.path.exists(shm_path(name))
