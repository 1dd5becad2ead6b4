#!/usr/bin/env python3
"""Hand a float32 tensor (100 MiB by default) from one Python process to another.

    python3 bench/python/bench.py [--mib 100] [--reps 15] [--quick]

Latency of one hand-off, from the moment the producer starts handing the tensor over until the
consumer holds a usable numpy array of it (both stamps from CLOCK_MONOTONIC, which is shared by
all processes). Compared:

  zinc, in place      the producer wrote the tensor straight into the Zinc region: notify() ->
                      wait() -> as_numpy() in the consumer.
  zinc, copy in       the tensor starts in private memory: np.copyto into the region + notify.
  shm+Pipe, in place  multiprocessing.shared_memory, a Pipe message as the signal.
  shm+Pipe, copy in   same, with the copy into the segment.
  mp.Queue (pickle)   queue.put(tensor) / queue.get(): pickled through a pipe.
  unix socket         sendall(tensor) / recv_into a preallocated array.

Then the cost of one SharedRegion.notify() / wait(0) (nobody notified: a poll that times out)
against a bare cffi call into the same library (zinc_capacity) and the raw cffi zinc_notify /
zinc_wait(h, 0) calls, i.e. the adapter's own overhead. Medians are reported.
"""

import argparse
import multiprocessing as mp
import os
import socket
import statistics
import sys
import tempfile
import time
import timeit
from multiprocessing import shared_memory

import numpy as np

try:
    import zinc
except ImportError:  # run from the source tree
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                    "adapters", "python", "src"))
    import zinc

WAIT_MS = 60000
now = time.monotonic_ns


# ---- Zinc ---------------------------------------------------------------------------------
# Two regions: "data" (producer notifies, consumer waits) and "ack" (consumer notifies when it
# holds the array, producer waits), so neither side ever waits on a handle it notified itself.

def zinc_consumer(data_name, ack_name, reps, results):
    with zinc.SharedRegion.open(data_name) as data, zinc.SharedRegion.open(ack_name) as ack:
        ack.notify()  # opened
        stamps = []
        for _ in range(reps):
            if not data.wait(WAIT_MS):
                raise SystemExit("consumer timed out")
            t = data.as_numpy(np.float32)
            stamps.append(now())
            assert t[-1] == t[0]  # the array is usable
            del t
            ack.notify()
        results.send(stamps)


def bench_zinc(nbytes, reps, copy_in, src):
    pid = os.getpid()
    data_name, ack_name = f"bench_py_data_{pid}", f"bench_py_ack_{pid}"
    lat = []
    with zinc.SharedRegion.create(data_name, nbytes) as data, \
            zinc.SharedRegion.create(ack_name, 4096) as ack:
        dest = data.as_numpy(np.float32)
        dest[:] = src  # "in place": the producer made the tensor right here
        rx, tx = mp.Pipe(duplex=False)
        p = mp.Process(target=zinc_consumer, args=(data_name, ack_name, reps, tx))
        p.start()
        assert ack.wait(WAIT_MS)
        starts = []
        for i in range(reps):
            src[0] = src[-1] = i
            t0 = now()
            if copy_in:
                np.copyto(dest, src)
            else:
                dest[0] = dest[-1] = i
            data.notify()
            starts.append(t0)
            assert ack.wait(WAIT_MS)
        stamps = rx.recv()
        p.join()
        del dest
    lat = [b - a for a, b in zip(starts, stamps)]
    return lat


# ---- multiprocessing.shared_memory + Pipe -------------------------------------------------

def shm_consumer(shm_name, nbytes, conn, reps):
    shm = shared_memory.SharedMemory(name=shm_name)
    conn.send("ready")
    stamps = []
    for _ in range(reps):
        conn.recv()
        t = np.ndarray((nbytes // 4,), dtype=np.float32, buffer=shm.buf)
        stamps.append(now())
        assert t[-1] == t[0]
        del t
        conn.send("ack")
    conn.send(stamps)
    shm.close()


def bench_shm(nbytes, reps, copy_in, src):
    shm = shared_memory.SharedMemory(create=True, size=nbytes)
    try:
        dest = np.ndarray((nbytes // 4,), dtype=np.float32, buffer=shm.buf)
        dest[:] = src
        a, b = mp.Pipe()
        p = mp.Process(target=shm_consumer, args=(shm.name, nbytes, b, reps))
        p.start()
        assert a.recv() == "ready"
        starts = []
        for i in range(reps):
            src[0] = src[-1] = i
            t0 = now()
            if copy_in:
                np.copyto(dest, src)
            else:
                dest[0] = dest[-1] = i
            a.send("go")
            starts.append(t0)
            assert a.recv() == "ack"
        stamps = a.recv()
        p.join()
        del dest
    finally:
        shm.close()
        shm.unlink()
    return [b - a for a, b in zip(starts, stamps)]


# ---- multiprocessing.Queue (pickle) -------------------------------------------------------

def queue_consumer(q, back, reps):
    back.put("ready")
    stamps = []
    for _ in range(reps):
        t = q.get()
        stamps.append(now())
        assert t[-1] == t[0]
        del t
        back.put("ack")
    back.put(stamps)


def bench_queue(nbytes, reps, src):
    q, back = mp.Queue(), mp.Queue()
    p = mp.Process(target=queue_consumer, args=(q, back, reps))
    p.start()
    assert back.get() == "ready"
    starts = []
    for i in range(reps):
        src[0] = src[-1] = i
        starts.append(now())
        q.put(src)
        assert back.get() == "ack"
    stamps = back.get()
    p.join()
    return [b - a for a, b in zip(starts, stamps)]


# ---- Unix socket ---------------------------------------------------------------------------

def socket_consumer(path, nbytes, reps):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    buf = np.empty(nbytes // 4, dtype=np.float32)
    view = memoryview(buf).cast("B")
    stamps = []
    for _ in range(reps):
        got = 0
        while got < nbytes:
            n = s.recv_into(view[got:], nbytes - got)
            if n == 0:
                raise SystemExit("socket closed")
            got += n
        stamps.append(now())
        assert buf[-1] == buf[0]
        s.sendall(b"k")
    s.sendall(repr(stamps).encode() + b"\n")
    s.close()


def bench_socket(nbytes, reps, src):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "sock")
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(path)
        srv.listen(1)
        p = mp.Process(target=socket_consumer, args=(path, nbytes, reps))
        p.start()
        c, _ = srv.accept()
        starts = []
        for i in range(reps):
            src[0] = src[-1] = i
            starts.append(now())
            c.sendall(memoryview(src).cast("B"))
            assert c.recv(1) == b"k"
        rest = b""
        while not rest.endswith(b"\n"):
            chunk = c.recv(65536)
            if not chunk:
                break
            rest += chunk
        p.join()
        c.close()
        srv.close()
    stamps = eval(rest.decode())  # our own child's repr of a list of ints
    return [b - a for a, b in zip(starts, stamps)]


# ---- per-call costs ------------------------------------------------------------------------

def bench_calls(n, repeat):
    from zinc._ffi import ffi, lib
    name = f"bench_py_calls_{os.getpid()}"
    out = {}
    with zinc.SharedRegion.create(name, 4096) as r:
        h = ffi.new("ZincHandle *")
        assert lib.zinc_open(name.encode(), h) == 0
        raw = h[0]
        try:
            cases = [
                ("bare cffi call (zinc_capacity)", lambda: lib.zinc_capacity(raw)),
                ("raw cffi zinc_notify", lambda: lib.zinc_notify(raw)),
                ("raw cffi zinc_wait(h, 0), nothing pending", lambda: lib.zinc_wait(raw, 0)),
                ("SharedRegion.notify()", r.notify),
                ("SharedRegion.wait(0), nothing pending", lambda: r.wait(0)),
            ]
            for label, fn in cases:
                # consume pending notifications, so that a wait(0) below measures a poll that
                # finds nothing (nobody notifies while a wait case is measured)
                lib.zinc_wait(raw, 0)
                r.wait(0)
                times = timeit.repeat(fn, number=n, repeat=repeat)
                out[label] = statistics.median(times) / n * 1e9
        finally:
            lib.zinc_close(raw)
    return out


def fmt_ms(ns):
    return f"{ns / 1e6:10.3f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mib", type=int, default=100, help="tensor size in MiB (default 100)")
    ap.add_argument("--reps", type=int, default=15, help="hand-offs per method (default 15)")
    ap.add_argument("--calls", type=int, default=200000, help="calls per timing (default 200k)")
    ap.add_argument("--quick", action="store_true", help="tiny run (1 MiB, 3 reps) for CI")
    args = ap.parse_args()
    if args.quick:
        args.mib, args.reps, args.calls = 1, 3, 2000
    nbytes = args.mib << 20
    mp.set_start_method("fork", force=True)
    src = np.random.default_rng(1).random(nbytes // 4, dtype=np.float32)

    print(f"zinc {zinc.__version__}, core {zinc.LIBRARY_PATH}")
    print(f"hand-off of a {args.mib} MiB float32 tensor ({nbytes // 4} elements), "
          f"{args.reps} reps, python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"{os.cpu_count()} CPUs\n")
    rows = [
        ("zinc, in place (notify/wait)", lambda: bench_zinc(nbytes, args.reps, False, src)),
        ("zinc, copy in + notify/wait", lambda: bench_zinc(nbytes, args.reps, True, src)),
        ("shared_memory + Pipe, in place", lambda: bench_shm(nbytes, args.reps, False, src)),
        ("shared_memory + Pipe, copy in", lambda: bench_shm(nbytes, args.reps, True, src)),
        ("mp.Queue (pickle)", lambda: bench_queue(nbytes, args.reps, src)),
        ("unix socket (sendall/recv_into)", lambda: bench_socket(nbytes, args.reps, src)),
    ]
    print(f"{'method':34s} {'median ms':>10s} {'min ms':>10s} {'max ms':>10s}")
    print("-" * 67)
    for label, fn in rows:
        lat = fn()
        print(f"{label:34s} {fmt_ms(statistics.median(lat))} {fmt_ms(min(lat))} "
              f"{fmt_ms(max(lat))}", flush=True)

    print(f"\nper-call cost, median of 7 x {args.calls} calls")
    print(f"{'call':44s} {'ns/call':>10s}")
    print("-" * 55)
    for label, ns in bench_calls(args.calls, 7).items():
        print(f"{label:44s} {ns:10.1f}")
    left = [n for n in os.listdir("/dev/shm") if n.startswith("zinc_bench_py_")] \
        if os.path.isdir("/dev/shm") else []
    if left:
        print(f"leaked: {left}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
