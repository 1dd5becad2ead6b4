"""Keep bench/python/bench.py from rotting: it compiles and a tiny run prints its table."""

import subprocess
import sys

from conftest import REPO, child_env

BENCH = REPO / "bench" / "python" / "bench.py"


def test_bench_compiles():
    compile(BENCH.read_text(), str(BENCH), "exec")


def test_bench_quick_run():
    out = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    for label in (
        "zinc, in place",
        "shared_memory + Pipe",
        "mp.Queue (pickle)",
        "unix socket",
        "SharedRegion.notify()",
        "SharedRegion.wait(0)",
        "bare cffi call",
    ):
        assert label in out.stdout, out.stdout
