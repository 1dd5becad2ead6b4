"""The conformance agent (adapters/python/agent/agent.py) speaking the tests/matrix protocol."""

import os
import re
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import PKG_ROOT, REPO, child_env

import zinc

AGENT = str(PKG_ROOT / "agent" / "agent.py")


class Agent:
    def __init__(self):
        self.p = subprocess.Popen(
            [sys.executable, AGENT, "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
            bufsize=1,
        )

    def send(self, line):
        self.p.stdin.write(line + "\n")
        self.p.stdin.flush()

    def line(self):
        out = self.p.stdout.readline()
        assert out, f"agent died: {self.p.stderr.read()}"
        return out.rstrip("\n")

    def quit(self):
        self.send("quit")
        assert self.p.wait(30) == 0
        for f in (self.p.stdin, self.p.stdout, self.p.stderr):
            f.close()


@pytest.fixture
def agents():
    started = []

    def make():
        a = Agent()
        started.append(a)
        return a

    yield make
    for a in started:
        if a.p.poll() is None:
            a.p.kill()
            a.p.wait()


def pattern(seed, n):
    i = np.arange(n, dtype=np.uint32)
    return (((i ^ (i >> 8) ^ (i >> 16)) + seed) & 0xFF).astype(np.uint8)


@pytest.mark.parametrize("noreply", [False, True])
def test_writer_reader_pair(name, agents, noreply):
    w, r = agents(), agents()
    cap = 1 << 20
    suffix = " noreply" if noreply else ""
    w.send(f"writer {name} {cap} 7{suffix}")
    assert w.line() == "READY"
    r.send(f"reader {name} 7{suffix}")
    assert r.line() == "OPENED"
    w.send("GO")
    assert r.line() == "PASS"
    assert w.line() == "PASS"
    w.quit()
    r.quit()


def test_agent_against_this_process(name, agents):
    """We play the writer ourselves, so a broken agent check would be caught."""
    cap = 3 * 65536
    a = agents()
    with zinc.SharedRegion.create(name, cap) as region:
        a.send(f"reader {name} 300")
        assert a.line() == "OPENED"
        view = region.as_numpy()
        view[:] = pattern(300 & 0xFF, cap)
        view[cap - 1] ^= 1  # one wrong byte
        region.notify()
        assert a.line().startswith(f"FAIL byte {cap - 1}: ")
        del view
    with zinc.SharedRegion.create(name, cap) as region:
        a.send(f"reader {name} 5")
        assert a.line() == "OPENED"
        view = region.as_numpy()
        view[:] = pattern(5, cap)
        region.notify()
        assert region.wait(30000)
        assert a.line() == "PASS"
        assert np.array_equal(view, 255 - pattern(5, cap))
        del view
    a.quit()


def test_checksum(name, agents):
    a = agents()
    with zinc.SharedRegion.create(name, 1 << 20) as region:
        a.send(f"checksum {name}")
        assert a.line() == "OPENED"
        t = region.as_numpy(np.float32)
        t[:] = np.arange(t.size, dtype=np.float32) % 100
        before = time.time_ns()
        region.notify()
        parts = a.line().split()
        assert parts[0] == "CHECKSUM"
        assert int(parts[1]) == int(t.astype(np.float64).sum())
        assert int(parts[2]) >= before
        del t
    a.quit()


def test_errors_and_failures(name, agents):
    a = agents()
    a.send("errors")
    lines = [a.line() for _ in range(7)]
    inval = zinc.strerror(-22)
    assert lines == [
        f"create_bad_name -22 {inval}",
        f"create_bad_size -22 {inval}",
        f"open_missing -2 {zinc.strerror(-2)}",
        f"open_nul_name -22 {inval}",
        f"wait_closed -9 {zinc.strerror(-9)}",
        "double_close 0 success",
        "DONE",
    ]
    assert zinc.strerror(-9) == "closed: the handle was closed"
    # a Zinc failure inside a command is reported and the agent goes on
    a.send(f"reader {name} 1")
    assert a.line() == f"FAIL -2 {zinc.strerror(-2)}"
    with zinc.SharedRegion.create(name, 4096):
        a.send(f"writer {name} 4096 1")
        assert a.line() == f"FAIL -17 {zinc.strerror(-17)}"
    a.send("bogus")
    assert a.line().startswith("FAIL")
    a.quit()
    assert not [n for n in os.listdir("/dev/shm") if "parity" in n and str(a.p.pid) in n]


C_TYPES = {"int32_t": "i32", "uint32_t": "u32", "uintptr_t": "usize", "void": "void"}


def c_type(decl):
    """Normalise a C declaration (type and optional name) the way the abi command must."""
    decl = re.sub(r"\b(const|struct)\b", "", decl).strip()
    if "*" in decl or decl.split()[0] == "ZincHandle":
        return "ptr"
    return C_TYPES[decl.split()[0]]


def test_abi_matches_the_header(agents):
    """The agent's abi output, checked against include/zinc.h parsed independently."""
    header = (REPO / "include" / "zinc.h").read_text()
    want = []
    for name, value in re.findall(r"#define (ZINC_\w+) (\S+)", header):
        want.append(f"const {name} {4294967295 if value == 'UINT32_MAX' else int(value)}")
    for code in (-1, -2, -9, -11, -17, -22, -28, -74, -110):
        want.append(f"message {code} {zinc.strerror(code)}")
    for ret, fn, args in re.findall(r"^([\w ]+?\**)\s*(zinc_\w+)\((.*?)\);", header, re.M):
        want.append(" ".join(["fn", fn, c_type(ret)] + [c_type(x) for x in args.split(",")]))
    assert len([w for w in want if w.startswith("fn ")]) == 8
    a = agents()
    a.send("abi")
    got = []
    while not got or got[-1] != "DONE":
        got.append(a.line())
    assert got[:-1] == want
    a.quit()


def test_agent_check_mode():
    out = subprocess.run(
        [sys.executable, AGENT, "check"],
        env=child_env(),
        text=True,
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 0 and out.stdout.startswith("python agent ok"), out.stderr


def test_agent_runs_from_plain_python3():
    """`python3 adapters/python/agent/agent.py serve` works from the base interpreter too (it
    re-executes itself in adapters/python/.venv when numpy/cffi are missing there)."""
    base = getattr(sys, "_base_executable", sys.executable)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    out = subprocess.run(
        [base, AGENT, "serve"],
        input="errors\nabi\nquit\n",
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "DONE"
