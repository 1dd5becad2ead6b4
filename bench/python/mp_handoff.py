"""Bulk handoff through multiprocessing.shared_memory plus a signal (the Python alternative).

Same protocol as the Rust handoffs (bench/src/handoff.rs): the writer takes a CLOCK_MONOTONIC
stamp, fills the block (numpy fill = memset), sends SIGUSR1 to the reader; the reader, blocked in
sigwait, wakes, reads every byte (numpy sum over uint64 words, checked against the expected
value), takes its stamp and acks through a pipe with it. Processes are pinned like the Rust
benchmarks: writer on CPU 0, reader on CPU 1.

    python mp_handoff.py --out FILE [--smoke]
"""

import json
import os
import signal
import struct
import sys
import time
from multiprocessing import shared_memory

import numpy as np

MIB = 1 << 20


def pin(cpu):
    if os.cpu_count() and os.cpu_count() >= 2:
        os.sched_setaffinity(0, {cpu})


def value(r):
    return (r % 250) + 1


def run(size, rounds, warmup=1):
    total = rounds + warmup
    shm = shared_memory.SharedMemory(create=True, size=size)
    rfd, wfd = os.pipe()
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(rfd)
            os.close(ready_r)
            pin(1)
            peer = shared_memory.SharedMemory(name=shm.name)
            # (Attaching registers the name with the resource tracker that this process shares
            # with the writer; the writer's unlink unregisters it once for both.)
            words = np.frombuffer(peer.buf, dtype=np.uint64)
            os.write(ready_w, b"r")
            for r in range(total):
                signal.sigwait({signal.SIGUSR1})
                v = value(r)
                expected = (int.from_bytes(bytes([v]) * 8, "little") * (size // 8)) % (1 << 64)
                ok = int(words.sum(dtype=np.uint64)) == expected
                t1 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
                os.write(wfd, struct.pack("=QB", t1, 1 if ok else 0))
            del words
            peer.close()
        except BaseException as e:  # report, then leave without running parent cleanup
            print(f"mp_handoff reader: {e!r}", file=sys.stderr)
            code = 1
        os._exit(code)
    os.close(wfd)
    os.close(ready_w)
    pin(0)
    times = []
    try:
        if os.read(ready_r, 1) != b"r":
            raise RuntimeError("reader failed to start")
        arr = np.frombuffer(shm.buf, dtype=np.uint8)
        for r in range(total):
            t0 = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
            arr.fill(value(r))
            os.kill(pid, signal.SIGUSR1)
            msg = b""
            while len(msg) < 9:
                chunk = os.read(rfd, 9 - len(msg))
                if not chunk:
                    raise RuntimeError("reader died")
                msg += chunk
            t1, ok = struct.unpack("=QB", msg)
            if not ok:
                raise RuntimeError("reader saw wrong bytes")
            if r >= warmup:
                times.append((t1 - t0) / 1e9)
        del arr
    finally:
        _, status = os.waitpid(pid, 0)
        os.sched_setaffinity(0, range(os.cpu_count() or 1))
        shm.close()
        shm.unlink()
        os.close(rfd)
        os.close(ready_r)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGUSR1})
    if status != 0:
        raise RuntimeError(f"reader exited with status {status}")
    return times


def main():
    args = sys.argv[1:]
    smoke = "--smoke" in args
    out = args[args.index("--out") + 1] if "--out" in args else None
    sizes = [MIB, 16 * MIB] if smoke else [MIB, 16 * MIB, 100 * MIB, 1024 * MIB]
    rows = []
    for size in sizes:
        if smoke:
            rounds = 2
        else:
            rounds = 20 if size <= MIB else 10 if size <= 16 * MIB else 5 if size <= 128 * MIB else 3
        t = run(size, rounds)
        med = sorted(t)[len(t) // 2]
        print(f"[python mp] handoff {size // MIB} MiB: median {med * 1e3:.3f} ms", file=sys.stderr)
        rows.append({"key": "python_mp_shm", "label": "Python multiprocessing.shared_memory + SIGUSR1",
                     "size": size, "times_s": t})
    doc = {"python": sys.version.split()[0], "numpy": np.__version__, "handoff": rows}
    text = json.dumps(doc)
    if out:
        with open(out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
