#!/usr/bin/env python3
"""Zinc conformance agent for the Python adapter (contract: tests/matrix/README.md).

    python3 adapters/python/agent/agent.py serve

Drives Zinc only through the public ``zinc`` API (imported from adapters/python/src, so it
exercises the adapter source in this checkout; the core is found through ZINC_LIB, which the
Makefile and the matrix driver set). If the running interpreter lacks numpy/cffi and the
adapter's venv (adapters/python/.venv, made by `make agent-python`) exists, the agent
re-executes itself there.
"""

import os
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # adapters/python
VENV_PY = os.path.join(HERE, ".venv", "bin", "python")

try:
    import cffi  # noqa: F401
    import numpy as np
except ImportError:
    in_venv = os.path.realpath(sys.prefix) == os.path.realpath(os.path.join(HERE, ".venv"))
    if os.path.exists(VENV_PY) and not in_venv and not os.environ.get("ZINC_AGENT_REEXEC"):
        os.environ["ZINC_AGENT_REEXEC"] = "1"
        os.execv(VENV_PY, [VENV_PY, os.path.abspath(__file__)] + sys.argv[1:])
    raise

sys.path.insert(0, os.path.join(HERE, "src"))
# The library never looks into a checkout (docs/ADAPTER_CONTRACT.md section 2); the agent, a
# checkout tool, names the checkout's core when the caller (make, the matrix) did not.
_built = os.path.join(HERE, "..", "..", "target", "release", "libzinc_core.so")
if not os.environ.get("ZINC_LIB") and os.path.isfile(_built):
    os.environ["ZINC_LIB"] = os.path.realpath(_built)
import zinc  # noqa: E402

WAIT_MS = 30000
CHUNK = 1 << 20


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def pattern_chunk(seed, start, n):
    i = np.arange(start, start + n, dtype=np.uint32)
    return (((i ^ (i >> 8) ^ (i >> 16)) + (seed & 0xFF)) & 0xFF).astype(np.uint8)


def fill(view, seed, reply):
    for start in range(0, len(view), CHUNK):
        n = min(CHUNK, len(view) - start)
        p = pattern_chunk(seed, start, n)
        view[start : start + n] = (255 - p) if reply else p


def check(view, seed, reply):
    """None if every byte matches, else a description of the first mismatch."""
    for start in range(0, len(view), CHUNK):
        n = min(CHUNK, len(view) - start)
        p = pattern_chunk(seed, start, n)
        want = (255 - p) if reply else p
        # Copy the chunk once: the peer may still be writing the live view (a writer's first
        # wake-up can be its own notify), and a second read of it could disagree with the first.
        got = np.array(view[start : start + n])
        bad = np.flatnonzero(got != want)
        if bad.size:
            j = int(bad[0])
            what = "reply" if reply else "pattern"
            return f"byte {start + j}: got {int(got[j])} want {int(want[j])} ({what})"
    return None


class Fail(Exception):
    pass


def zfail(e):
    code = getattr(e, "code", None)
    if code is None:
        code = -e.errno if e.errno else -1
    return f"FAIL {code} {e.strerror}"


def wait_or_fail(region):
    if not region.wait(WAIT_MS):
        raise Fail(f"FAIL {zinc.ZINC_ETIMEDOUT} {zinc.strerror(zinc.ZINC_ETIMEDOUT)}")


def await_reply(region, view, seed):
    """Wait for the reader's reply. A handle also sees its own notify (SPEC section 6: wait
    returns when the counter differs from this handle's last seen value), so the first wake-up
    may be our own notification: if the reply is not there yet on that first wake, wait again.
    After a later wake-up the reader has notified, so the data is final and checked."""
    deadline = time.monotonic() + WAIT_MS / 1000.0
    wakes = 0
    while True:
        left = int((deadline - time.monotonic()) * 1000)
        if left <= 0 or not region.wait(left):
            raise Fail(f"FAIL {zinc.ZINC_ETIMEDOUT} {zinc.strerror(zinc.ZINC_ETIMEDOUT)}")
        wakes += 1
        bad = check(view, seed, reply=True)
        if bad is None:
            return
        if wakes >= 2:
            raise Fail("FAIL " + bad)


def cmd_writer(args):
    name, capacity, seed = args[0], int(args[1]), int(args[2])
    noreply = "noreply" in args[3:]
    region = zinc.SharedRegion.create(name, capacity)
    view = None
    try:
        say("READY")
        sys.stdin.readline()  # GO
        view = region.as_numpy()
        fill(view, seed, reply=False)
        region.notify()
        if not noreply:
            await_reply(region, view, seed)
    finally:
        view = None  # drop the view first, so close() unmaps (and removes the name) right now
        region.close()
    say("PASS")


def cmd_reader(args):
    name, seed = args[0], int(args[1])
    noreply = "noreply" in args[2:]
    region = zinc.SharedRegion.open(name)
    view = None
    try:
        say("OPENED")
        wait_or_fail(region)
        view = region.as_numpy()
        bad = check(view, seed, reply=False)
        if bad:
            raise Fail("FAIL " + bad)
        if not noreply:
            fill(view, seed, reply=True)
            region.notify()
    finally:
        view = None
        region.close()
    say("PASS")


def cmd_checksum(args):
    region = zinc.SharedRegion.open(args[0])
    data = None
    try:
        say("OPENED")
        wait_or_fail(region)
        data = region.as_numpy("<f4")
        total = float(np.add.reduce(data, dtype=np.float64))
        done = time.time_ns()
    finally:
        data = None
        region.close()
    say(f"CHECKSUM {int(total)} {done}")


def cmd_errors(_args):
    pid = os.getpid()

    def closed_wait():
        r = zinc.SharedRegion.create(f"zinc_parity_closed_{pid}", 4096)
        r.close()
        r.wait(0)

    def double_close():
        r = zinc.SharedRegion.create(f"zinc_parity_dc_{pid}", 4096)
        r.close()
        r.close()

    for label, call in (
        ("create_bad_name", lambda: zinc.SharedRegion.create("bad/name", 4096)),
        ("create_bad_size", lambda: zinc.SharedRegion.create(f"zinc_parity_{pid}", 1000)),
        ("open_missing", lambda: zinc.SharedRegion.open(f"zinc_parity_missing_{pid}")),
        ("open_nul_name", lambda: zinc.SharedRegion.open("zinc\0nul")),
        ("wait_closed", closed_wait),
        ("double_close", double_close),
    ):
        try:
            r = call()
        except OSError as e:
            say(f"{label} {e.code} {e.strerror}")
        else:
            if r is not None:
                r.close()
                say(f"{label} 0 unexpected success")
            else:
                say(f"{label} 0 success")
    say("DONE")


def ctype_name(t):
    """The protocol's normalised name of a cffi type: i32 u32 usize ptr void."""
    if t.kind in ("pointer", "function"):
        return "ptr"
    return {
        "void": "void",
        "int32_t": "i32",
        "uint32_t": "u32",
        "uintptr_t": "usize",
        "size_t": "usize",
    }.get(t.cname, t.cname)


def cmd_abi(_args):
    """What the adapter itself declares: its constants, its messages, its FFI table."""
    for name in zinc.__all__:
        if name.startswith("ZINC_"):
            say(f"const {name} {getattr(zinc, name)}")
    for code in (-1, -2, -9, -11, -17, -22, -28, -74, -110):
        say(f"message {code} {zinc.error(code).strerror}")
    for fn in zinc._ffi.FUNCTIONS:
        t = zinc._ffi.ffi.typeof(getattr(zinc._ffi.lib, fn))
        say(" ".join(["fn", fn, ctype_name(t.result)] + [ctype_name(a) for a in t.args]))
    say("DONE")


COMMANDS = {
    "writer": (cmd_writer, 3),
    "reader": (cmd_reader, 2),
    "checksum": (cmd_checksum, 1),
    "errors": (cmd_errors, 0),
    "abi": (cmd_abi, 0),
}


def serve():
    while True:
        line = sys.stdin.readline()
        if not line:
            return 0
        parts = line.split()
        if not parts:
            continue
        cmd, args = parts[0], parts[1:]
        if cmd == "quit":
            return 0
        entry = COMMANDS.get(cmd)
        if entry is None or len(args) < entry[1]:
            say(f"FAIL bad command: {line.strip()}")
            continue
        # The reply is printed after the except block, when the traceback (and any view it
        # kept alive) is gone, so the region is closed before the driver hears the verdict.
        try:
            entry[0](args)
            continue
        except Fail as f:
            msg = str(f)
        except OSError as e:
            msg = zfail(e)
        except Exception as e:  # never die on one bad cell
            msg = f"FAIL {type(e).__name__}: {e}"
        say(msg)


def main(argv):
    if len(argv) >= 2 and argv[1] == "serve":
        return serve()
    if len(argv) >= 2 and argv[1] == "check":
        print(f"python agent ok: zinc {zinc.__version__}, core {zinc.LIBRARY_PATH}")
        return 0
    print("usage: agent/agent.py serve | check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
