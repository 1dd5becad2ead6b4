#!/usr/bin/env python3
"""The cross-language conformance matrix: every adapter's writer against every adapter's reader
(a fresh region and real processes per cell), a fan-out case, and an error-parity case.

Each language runs as two long-lived agent processes (a writer side and a reader side), so each
runtime starts only twice for the whole matrix. A runtime that cannot start is a failure."""

import os
import sys
import time

from agents import Agent, AgentError, load_agents

CAPACITY = 64 * 1024
TIMEOUT = 45.0
# The `errors` command's cases, in order (tests/matrix/README.md): bad name, bad size, missing
# region, NUL inside a name, wait on a closed handle, double close.
PARITY_CASES = ["create_bad_name", "create_bad_size", "open_missing", "open_nul_name", "wait_closed",
                "double_close"]


def expect(agent, want):
    line = agent.expect(TIMEOUT)
    if line != want:
        raise AgentError(f"{agent.lang}: expected {want!r}, got {line!r}")


def cell(writer, readers, name, seed, noreply=False):
    """One exchange; returns None on success or the reason for failure."""
    flag = " noreply" if noreply else ""
    try:
        writer.send(f"writer {name} {CAPACITY} {seed}{flag}")
        expect(writer, "READY")
        for r in readers:
            r.send(f"reader {name} {seed}{flag}")
            expect(r, "OPENED")
        writer.send("GO")
        for side in [*readers, writer]:
            expect(side, "PASS")
        return None
    except AgentError as e:
        for a in [writer, *readers]:
            if not a.alive() or "no reply" in str(e):
                a.restart()
            else:
                a.drain()
        return str(e)


def main():
    langs = load_agents()
    writers = {lang: Agent(lang, argv).start() for lang, argv in langs}
    readers = {lang: Agent(lang, argv).start() for lang, argv in langs}
    names = [lang for lang, _ in langs]
    pid, counter = os.getpid(), 0
    passed = failed = 0
    failures = []
    grid = {}
    start = time.monotonic()
    try:
        for w in names:
            for r in names:
                counter += 1
                why = cell(writers[w], [readers[r]], f"mx_{pid}_{counter}", counter % 256)
                grid[w, r] = why
                if why:
                    failed += 1
                    failures.append(f"{w} -> {r}: {why}")
                else:
                    passed += 1

        fanouts = [("cpp", ["python", "java", "node"]), ("python", ["rust", "go", "csharp"]),
                   ("java", ["deno", "bun", "cpp"])]
        fan_results = []
        for w, rs in fanouts:
            counter += 1
            why = cell(writers[w], [readers[r] for r in rs], f"mx_{pid}_{counter}", counter % 256, noreply=True)
            fan_results.append((w, rs, why))
            if why:
                failed += 1
                failures.append(f"fan-out {w} -> {'+'.join(rs)}: {why}")
            else:
                passed += 1

        parity = {}
        for lang in names:
            a = writers[lang]
            try:
                a.send("errors")
                lines = [a.expect(TIMEOUT) for _ in range(len(PARITY_CASES) + 1)]
                if lines[-1] != "DONE":
                    raise AgentError(f"expected DONE, got {lines[-1]!r}")
                got = [line.split(" ", 1)[0] for line in lines[:-1]]
                if got != PARITY_CASES:
                    raise AgentError(f"expected cases {PARITY_CASES}, got {got}")
                parity[lang] = tuple(lines[:-1])
            except AgentError as e:
                parity[lang] = (f"error: {e}",)
        reference = parity.get("rust")
        parity_ok = []
        for lang in names:
            ok = parity[lang] == reference and reference is not None
            parity_ok.append((lang, ok))
            if ok:
                passed += 1
            else:
                failed += 1
                failures.append(f"error parity {lang}: {parity[lang]} != rust {reference}")
    finally:
        for a in [*writers.values(), *readers.values()]:
            a.stop()

    width = max(len(n) for n in names) + 1
    print(f"\nwriter \\ reader".ljust(width + 1) + "".join(n.rjust(width) for n in names))
    for w in names:
        print(w.ljust(width) + "".join(("ok" if grid[w, r] is None else "FAIL").rjust(width) for r in names))
    print()
    for w, rs, why in fan_results:
        print(f"fan-out {w} -> {', '.join(rs)}: {'ok' if why is None else 'FAIL'}")
    print("error parity (same code and message as Rust for bad name, bad size, missing region, NUL in a name, "
          "wait on a closed handle, double close): "
          + ", ".join(f"{l} {'ok' if ok else 'FAIL'}" for l, ok in parity_ok))
    if reference:
        for line in reference:
            print(f"    {line}")
    for f in failures:
        print(f"FAILED {f}")
    leaked = [n for n in os.listdir("/dev/shm") if n.startswith(f"zinc_mx_{pid}_")]
    if leaked:
        failed += 1
        print(f"FAILED leaked in /dev/shm: {leaked}")
    print(f"matrix took {time.monotonic() - start:.1f} s")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
