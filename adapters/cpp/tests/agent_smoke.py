#!/usr/bin/env python3
"""Drives two C++ agent processes the way the matrix driver does (tests/matrix/README.md):
writer/reader with and without reply, checksum, errors, failures, quit. Exits non-zero on any
deviation from the protocol."""
import ctypes
import os
import struct
import subprocess
import sys
import time

AGENT, CORE = sys.argv[1], sys.argv[2]


def start():
    return subprocess.Popen([AGENT, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True, bufsize=1)


def send(p, line):
    p.stdin.write(line + "\n")
    p.stdin.flush()


def recv(p):
    line = p.stdout.readline()
    if not line:
        raise SystemExit(f"agent {p.pid} closed its output")
    return line.rstrip("\n")


def expect(got, want_prefix):
    if not got.startswith(want_prefix):
        raise SystemExit(f"expected {want_prefix!r}, got {got!r}")
    return got


def strerror(core, code):
    return core.zinc_strerror(code).decode()


def main():
    w, r = start(), start()
    pid = os.getpid()
    for i, (cap, seed, mode) in enumerate([(4096, 7, ""), (65536, 200, ""), (8192, 3, " noreply")]):
        name = f"agent_cpp_{pid}_{i}"
        send(w, f"writer {name} {cap} {seed}{mode}")
        expect(recv(w), "READY")
        send(r, f"reader {name} {seed}{mode}")
        expect(recv(r), "OPENED")
        send(w, "GO")
        expect(recv(r), "PASS")
        expect(recv(w), "PASS")

    # Reader of a missing region: FAIL <code> <message>, and the agent keeps serving.
    send(r, f"reader agent_cpp_{pid}_missing 1")
    expect(recv(r), "FAIL -2 ")
    send(r, f"checksum agent_cpp_{pid}_missing")
    expect(recv(r), "FAIL -2 ")
    # Writer with an invalid size.
    send(w, f"writer agent_cpp_{pid}_bad 1000 1")
    expect(recv(w), "FAIL -22 ")

    # Checksum: this script plays the demo writer through the core's C ABI (ctypes), filling
    # float32 values 0..1023; the agent must print their exact sum.
    core = ctypes.CDLL(CORE)
    core.zinc_create.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_void_p)]
    core.zinc_ptr.argtypes = [ctypes.c_void_p]
    core.zinc_ptr.restype = ctypes.c_void_p
    core.zinc_notify.argtypes = [ctypes.c_void_p]
    core.zinc_close.argtypes = [ctypes.c_void_p]
    core.zinc_strerror.restype = ctypes.c_char_p
    name = f"agent_cpp_{pid}_sum"
    h = ctypes.c_void_p()
    if core.zinc_create(name.encode(), 4096, ctypes.byref(h)) != 0:
        raise SystemExit("zinc_create failed")
    values = struct.pack("<1024f", *range(1024))
    ctypes.memmove(core.zinc_ptr(h), values, len(values))
    send(r, f"checksum {name}")
    expect(recv(r), "OPENED")
    core.zinc_notify(h)
    got = expect(recv(r), "CHECKSUM ").split()
    core.zinc_close(h)
    if len(got) != 3 or got[1] != str(sum(range(1024))) or not got[2].isdigit():
        raise SystemExit(f"bad checksum line {got}, expected sum {sum(range(1024))}")
    if abs(int(got[2]) - time.time_ns()) > 60 * 10**9:
        raise SystemExit(f"checksum timestamp is not unix time in ns: {got[2]}")

    # A data area that is not finite floats (the byte pattern holds NaNs): FAIL, not garbage.
    name = f"agent_cpp_{pid}_nan"
    send(w, f"writer {name} 4096 5 noreply")
    expect(recv(w), "READY")
    send(r, f"checksum {name}")
    expect(recv(r), "OPENED")
    send(w, "GO")
    expect(recv(r), "FAIL ")
    expect(recv(w), "PASS")

    send(w, "errors")
    lines = [recv(w) for _ in range(7)]
    labels = ["create_bad_name -22 ", "create_bad_size -22 ", "open_missing -2 ",
              "open_nul_name -22 ", "wait_closed -9 ", "double_close 0 success", "DONE"]
    for line, label in zip(lines, labels):
        expect(line, label)
    messages = {int(l.split(" ", 2)[1]): l.split(" ", 2)[2] for l in lines[:5]}
    for code, text in messages.items():
        if text != strerror(core, code):
            raise SystemExit(f"message for {code} is {text!r}, the core says {strerror(core, code)!r}")

    # abi: constants, messages and the eight signatures, as include/zinc.h declares them.
    send(w, "abi")
    abi = []
    while not abi or abi[-1] != "DONE":
        abi.append(recv(w))
    want_consts = {"ZINC_OK": 0, "ZINC_EPERM": -1, "ZINC_ENOENT": -2, "ZINC_EBADF": -9,
                   "ZINC_EAGAIN": -11, "ZINC_EEXIST": -17, "ZINC_EINVAL": -22,
                   "ZINC_EBADMSG": -74, "ZINC_ETIMEDOUT": -110, "ZINC_WAIT_FOREVER": 4294967295}
    got_consts = {l.split()[1]: int(l.split()[2]) for l in abi if l.startswith("const ")}
    if got_consts != want_consts:
        raise SystemExit(f"abi consts {got_consts}")
    for code in (-1, -2, -9, -11, -17, -22, -28, -74, -110):
        if f"message {code} {strerror(core, code)}" not in abi:
            raise SystemExit(f"abi: no core message for {code}")
    want_fns = ["fn zinc_create i32 ptr usize ptr", "fn zinc_open i32 ptr ptr", "fn zinc_ptr ptr ptr",
                "fn zinc_capacity usize ptr", "fn zinc_close void ptr", "fn zinc_notify void ptr",
                "fn zinc_wait i32 ptr u32", "fn zinc_strerror ptr i32"]
    if [l for l in abi if l.startswith("fn ")] != want_fns:
        raise SystemExit(f"abi fns {abi}")

    send(w, "nonsense")
    expect(recv(w), "FAIL ")
    send(w, "quit")
    w.stdin.close()
    r.stdin.close()  # EOF also ends an agent
    if w.wait(30) != 0 or r.wait(30) != 0:
        raise SystemExit("agent exit status not 0")
    left = [n for n in os.listdir("/dev/shm") if n.startswith(f"zinc_agent_cpp_{pid}_")]
    if left:
        raise SystemExit(f"leaked: {left}")
    print("agent protocol OK")


if __name__ == "__main__":
    main()
