"""The full API across two real processes (the child is a separate Python interpreter)."""

import errno
import gc
import os
import signal
import time

import numpy as np
import pytest

import zinc

PAGE = os.sysconf("SC_PAGE_SIZE")


def test_float32_tensor_round_trip(name, spawn):
    """Parent creates and fills a float32 tensor and notifies; the child opens, waits, checks
    every element, answers with the negated tensor and notifies back."""
    cap = 16 << 20
    n = cap // 4
    child = spawn(f"""
        import numpy as np, zinc, sys
        r = zinc.SharedRegion.open({name!r})
        print("OPENED", r.capacity, r.created, flush=True)
        assert r.wait(30000) is True
        t = r.as_numpy(np.float32)
        want = np.arange({n}, dtype=np.float32) * np.float32(0.5)
        ok = bool(np.array_equal(t, want))
        t *= -1
        r.notify()
        print("CHECKED", ok, flush=True)
        del t
        r.close()
        r.notify()  # a no-op on a closed handle
        try:
            r.wait(0)
        except OSError as e:
            print("CLOSED", e.code, flush=True)
    """)
    with zinc.SharedRegion.create(name, cap) as r:
        assert child.expect() == f"OPENED {cap} False"
        t = r.as_numpy(np.float32)
        assert t.shape == (n,)
        t[:] = np.arange(n, dtype=np.float32) * np.float32(0.5)
        r.notify()
        assert r.wait(30000) is True
        assert child.expect() == "CHECKED True"
        assert np.array_equal(t, -np.arange(n, dtype=np.float32) * np.float32(0.5))
        child.expect("CLOSED -9")
        child.finish()
        del t
    assert not os.path.exists(f"/dev/shm/zinc_{name}")


def test_child_creates_parent_opens_ownership(name, spawn):
    """The creator (child) closes and exits while we still hold the region: it stays usable,
    and it is removed when our (last) handle closes."""
    child = spawn(f"""
        import sys, zinc
        r = zinc.SharedRegion.create({name!r}, {2 * PAGE})
        b = r.as_buffer()
        b[:5] = b"child"
        print("CREATED", flush=True)
        sys.stdin.readline()
        assert r.wait(30000)
        b[5:10] = b"bye!!"
        del b
        r.close()
        print("DONE", flush=True)
    """)
    child.expect("CREATED")
    o = zinc.SharedRegion.open(name)
    mv = o.as_buffer()
    assert o.capacity == 2 * PAGE and bytes(mv[:5]) == b"child"
    with pytest.raises(FileExistsError):
        zinc.SharedRegion.create(name, PAGE)
    child.send("GO")
    o.notify()
    child.expect("DONE")
    child.finish()
    # the creator closed and exited; the region lives on for us
    assert bytes(mv[:10]) == b"childbye!!"
    assert os.path.exists(f"/dev/shm/zinc_{name}")
    with zinc.SharedRegion.open(name) as again:
        assert again.capacity == 2 * PAGE
    del mv
    o.close()
    gc.collect()
    assert not os.path.exists(f"/dev/shm/zinc_{name}")
    with pytest.raises(FileNotFoundError):
        zinc.SharedRegion.open(name)


def test_wait_across_processes_timeout_and_coalescing(name, spawn):
    with zinc.SharedRegion.create(name, PAGE) as r:
        child = spawn(f"""
            import sys, zinc
            r = zinc.SharedRegion.open({name!r})
            print("T", r.wait(50), flush=True)          # nobody notified: False, no exception
            sys.stdin.readline()
            print("N", r.wait(30000), r.wait(0), flush=True)   # 3 notifies coalesce into one
            r.notify()
            r.close()
        """)
        assert child.expect() == "T False"
        r.notify()
        r.notify()
        r.notify()
        child.send("GO")
        assert child.expect() == "N True False"
        assert r.wait(30000) is True
        child.finish()


def test_errors_across_processes(name, spawn):
    child = spawn(f"""
        import sys, zinc, errno
        r = zinc.SharedRegion.create({name!r}, {PAGE})
        print("READY", flush=True)
        sys.stdin.readline()
        r.close()
        print("CLOSED", flush=True)
    """)
    child.expect("READY")
    with pytest.raises(FileExistsError) as ei:
        zinc.SharedRegion.create(name, PAGE)
    assert ei.value.errno == errno.EEXIST
    child.send("GO")
    child.expect("CLOSED")
    child.finish()
    with pytest.raises(FileNotFoundError):
        zinc.SharedRegion.open(name)


def test_killed_creator_leaves_a_reclaimable_name(name, spawn):
    """A creator killed with SIGKILL never closes: its region is stale. open() says NotFound
    and create() reclaims the name."""
    child = spawn(f"""
        import sys, time, zinc
        r = zinc.SharedRegion.create({name!r}, {PAGE})
        r.as_buffer()[0] = 42
        print("READY", flush=True)
        time.sleep(600)
    """)
    child.expect("READY")
    child.proc.send_signal(signal.SIGKILL)
    child.proc.wait()
    with pytest.raises(FileNotFoundError):
        zinc.SharedRegion.open(name)
    with zinc.SharedRegion.create(name, PAGE) as r:
        assert r.as_buffer()[0] == 0  # a fresh region, not the dead one's bytes
    assert not os.path.exists(f"/dev/shm/zinc_{name}")


def test_many_processes_read_one_tensor(name, spawn):
    """One writer, three reader processes woken by a single notify (wakes all waiters)."""
    shape = (64, 256)
    with zinc.SharedRegion.create(name, 64 * 256 * 8) as r:
        kids = [
            spawn(f"""
            import numpy as np, zinc
            with zinc.SharedRegion.open({name!r}) as r:
                print("OPENED", flush=True)
                assert r.wait(30000)
                a = r.as_numpy(np.float64, shape={shape!r})
                print("SUM", int(a.sum()), flush=True)
                del a
        """)
            for _ in range(3)
        ]
        for k in kids:
            k.expect("OPENED")
        a = r.as_numpy(np.float64, shape=shape)
        a[:] = np.arange(a.size).reshape(shape)
        r.notify()
        for k in kids:
            assert k.expect() == f"SUM {a.size * (a.size - 1) // 2}"
            k.finish()
        del a


def test_readme_example_producer_consumer(name):
    """examples/producer.py and consumer.py (the README's pair, verbatim) as two processes."""
    import re
    import subprocess
    import sys

    from conftest import PKG_ROOT, child_env

    ex = PKG_ROOT / "examples"
    readme = (PKG_ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    for f in ("producer.py", "consumer.py"):
        assert [b for b in blocks if b.startswith(f"# {f}")] == [(ex / f).read_text()], f
    consumer = subprocess.Popen(
        [sys.executable, str(ex / "consumer.py"), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    producer = subprocess.Popen(
        [sys.executable, str(ex / "producer.py"), name],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    pout, perr = producer.communicate(timeout=120)
    cout, cerr = consumer.communicate(timeout=120)
    assert producer.returncode == 0, perr
    assert consumer.returncode == 0, cerr
    assert cout.splitlines() == [f"consumer: step {i}, mean {float(i)}" for i in (1, 2, 3)]
    assert pout.splitlines() == ["producer: done"]


def test_import_without_numpy(name, spawn):
    """numpy is optional at import time; only as_numpy needs it."""
    child = spawn(f"""
        import sys
        sys.modules["numpy"] = None  # make `import numpy` fail
        import zinc
        with zinc.SharedRegion.create({name!r}, 4096) as r:
            mv = r.as_buffer()
            mv[0] = 1
            try:
                r.as_numpy()
            except ImportError as e:
                print("IMPORTERROR", "numpy" in str(e), flush=True)
            del mv
    """)
    assert child.expect() == "IMPORTERROR True"
    child.finish()


def test_ctrl_c_during_a_wait_is_raised_when_it_returns(name, spawn):
    """wait() is one core call (no slicing): Ctrl-C during wait(None) is not lost, it raises
    KeyboardInterrupt as soon as the wait returns (here: on a notification)."""
    child = spawn(f"""
        import zinc
        with zinc.SharedRegion.create({name!r}, 4096) as r:
            try:
                print("WAITING", flush=True)
                r.wait(None)
                print("NOTIFIED", flush=True)
            except KeyboardInterrupt:
                print("INTERRUPTED", flush=True)
    """)
    child.expect("WAITING")
    time.sleep(0.2)
    child.proc.send_signal(signal.SIGINT)
    time.sleep(0.2)
    assert child.proc.poll() is None  # still blocked in the core
    with zinc.SharedRegion.open(name) as o:
        o.notify()
    assert child.expect() == "INTERRUPTED"
    child.finish()
