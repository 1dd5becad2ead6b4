#!/usr/bin/env python3
"""The polyglot demo: Python hands a 64 MiB float32 tensor to eight other languages, no copy.

Python creates a region, fills it with numpy and notifies once. Readers in Rust, Go, Node, Bun,
Deno, C++, Java and C# (the conformance agents, tests/matrix/README.md) have each opened the
region and are waiting; each sums every element and reports when it finished. Beside them: the
same tensor sent to one reader process over a Unix socket.

    make demo          # builds what it needs, then runs this with the Python adapter's venv
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "adapters/python/src"))
sys.path.insert(0, str(ROOT / "tests/matrix"))

import numpy as np  # noqa: E402
import zinc  # noqa: E402
from agents import Agent, AgentError, load_agents  # noqa: E402

CAPACITY = 64 << 20  # 64 MiB = 16 Mi float32 elements
READERS = ["rust", "go", "node", "bun", "deno", "cpp", "java", "csharp"]


def unix_socket_handoff(tensor):
    """Sends the tensor's bytes to a child process over a Unix socket; the child receives them
    into numpy and sums them. Returns (checksum, µs from first byte sent to sum done)."""
    child_code = (
        "import socket,sys,time,numpy as np\n"
        "s=socket.socket(fileno=int(sys.argv[1]));n=int(sys.argv[2]);buf=bytearray(n);v=memoryview(buf);got=0\n"
        "while got<n:\n got+=s.recv_into(v[got:])\n"
        "a=np.frombuffer(buf,dtype=np.float32);total=int(np.cumsum(a,dtype=np.float64)[-1])\n"
        "s.sendall(f'{total} {time.time_ns()}'.encode())\n"
    )
    parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    proc = subprocess.Popen([sys.executable, "-c", child_code, str(child.fileno()), str(tensor.nbytes)],
                            pass_fds=[child.fileno()])
    child.close()
    time.sleep(0.3)  # let the child start before the clock runs
    start = time.time_ns()
    parent.sendall(memoryview(tensor).cast("B"))
    total, done = parent.recv(64).decode().split()
    proc.wait()
    parent.close()
    return int(total), (int(done) - start) / 1e3


def main():
    agents = {lang: Agent(lang, argv) for lang, argv in load_agents() if lang in READERS}
    name = f"demo_{os.getpid()}"
    for a in agents.values():
        a.start()

    with zinc.SharedRegion.create(name, CAPACITY) as region:
        tensor = region.as_numpy(np.float32)  # a view of the shared pages, not a copy
        tensor[:] = np.arange(tensor.size, dtype=np.uint32) % 4096
        expected = int(np.cumsum(tensor, dtype=np.float64)[-1])
        opened = {}
        for lang in READERS:
            try:
                agents[lang].send(f"checksum {name}")
                line = agents[lang].expect(60)
                opened[lang] = line if line != "OPENED" else None
            except AgentError as e:
                opened[lang] = str(e)
        t0 = time.time_ns()
        region.notify()  # one notify wakes all eight readers
        rows = []
        for lang in READERS:
            if opened[lang]:
                rows.append((lang, "-", "FAIL", opened[lang]))
                continue
            try:
                line = agents[lang].expect(60).split()
                if line[0] != "CHECKSUM":
                    raise AgentError(" ".join(line))
                total, done = int(line[1]), int(line[2])
                rows.append((lang, total, "yes" if total == expected else "NO", f"{(done - t0) / 1e3:,.0f}"))
            except (AgentError, IndexError, ValueError) as e:
                rows.append((lang, "-", "FAIL", str(e)))
        sock_total, sock_us = unix_socket_handoff(tensor)
        del tensor  # release the view so the region can close
    for a in agents.values():
        a.stop()

    print(f"\nPython wrote a {CAPACITY >> 20} MiB float32 tensor ({CAPACITY // 4:,} elements) into "
          f"region {name!r} and notified once.\nExpected checksum: {expected}\n")
    print(f"{'language':<10}{'checksum':>16}  {'match':<6}{'µs notify→checksum':>22}")
    for lang, total, ok, us in rows:
        print(f"{lang:<10}{total!s:>16}  {ok:<6}{us:>22}")
    print(f"\n{'Unix socket (Python → Python, same tensor):':<44} checksum {sock_total} "
          f"{'matches' if sock_total == expected else 'MISMATCH'}, {sock_us:,.0f} µs send→checksum")
    print("Readers share two cores, so their times include waiting for a CPU; each one read the\n"
          "very pages Python wrote: no serialisation, no copy.")
    bad = [r for r in rows if r[2] != "yes"] + ([1] if sock_total != expected else [])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
