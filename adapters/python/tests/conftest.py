"""Shared fixtures: unique region names, child processes, and a /dev/shm leak check per test."""

import contextlib
import gc
import itertools
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
PKG_ROOT = HERE.parent  # adapters/python
SRC = PKG_ROOT / "src"
REPO = PKG_ROOT.parent.parent
sys.path.insert(0, str(SRC))
# The adapter never looks into a checkout by itself (docs/ADAPTER_CONTRACT.md section 2): the
# suite names the core it tests, as `make test-python` does.
os.environ.setdefault("ZINC_LIB", str(REPO / "target" / "release" / "libzinc_core.so"))

PREFIX = f"t_py_{os.getpid()}_"
_counter = itertools.count()


def shm_leftovers():
    try:
        return sorted(n for n in os.listdir("/dev/shm") if n.startswith("zinc_" + PREFIX))
    except FileNotFoundError:  # not Linux
        return []


@pytest.fixture
def new_name():
    """A factory of unique region names (t_py_<pid>_<counter>)."""

    def make():
        return f"{PREFIX}{next(_counter)}"

    return make


@pytest.fixture
def name(new_name):
    return new_name()


@pytest.fixture(autouse=True)
def no_shm_leak():
    """Every test must leave nothing in /dev/shm (after its views were collected)."""
    before = set(shm_leftovers())
    yield
    gc.collect()
    left = sorted(set(shm_leftovers()) - before)
    for n in left:  # clean up so one failure does not cascade, then fail
        with contextlib.suppress(OSError):
            os.unlink("/dev/shm/" + n)
    assert not left, f"test leaked shared memory objects: {left}"


def child_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    return env


class Child:
    """A real child Python process running `code`, talking line by line over stdin/stdout."""

    def __init__(self, code):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(code)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
            bufsize=1,
        )

    def send(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def expect(self, want=None):
        line = self.proc.stdout.readline()
        if not line:
            err = self.proc.stderr.read()
            raise AssertionError(f"child exited early (rc={self.proc.wait()}): {err}")
        line = line.rstrip("\n")
        if want is not None:
            assert line == want, f"child said {line!r}, expected {want!r}"
        return line

    def finish(self, timeout=60):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
            raise AssertionError(f"child hung; stderr: {err}") from None
        assert self.proc.returncode == 0, f"child failed rc={self.proc.returncode}: {err}"
        return out


@pytest.fixture
def spawn():
    children = []

    def start(code):
        c = Child(code)
        children.append(c)
        return c

    yield start
    for c in children:
        if c.proc.poll() is None:
            c.proc.kill()
            c.proc.wait()
        for f in (c.proc.stdin, c.proc.stdout, c.proc.stderr):
            with contextlib.suppress(OSError):
                f.close()


def pytest_sessionfinish(session, exitstatus):
    left = shm_leftovers()
    if left:
        print(f"\n/dev/shm leftovers after the Python suite: {left}", file=sys.stderr)
        session.exitstatus = 1
