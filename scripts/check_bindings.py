#!/usr/bin/env python3
"""`make check-bindings`: fails when any adapter's error codes, messages or FFI declarations
drift from the one source of truth, include/zinc.h and the core's zinc_strerror.

Every conformance agent answers `abi` with what its adapter itself declares (its constant
table, its error objects' messages, its FFI declaration table; tests/matrix/README.md). This
script parses zinc.h, asks the core for each message, and compares."""

import ctypes
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests/matrix"))
from agents import Agent, AgentError, load_agents  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CODES = [-1, -2, -9, -11, -17, -22, -28, -74, -110]
TIMEOUT = 60.0


def c_type(t):
    t = t.strip()
    if "*" in t or t == "ZincHandle":
        return "ptr"
    return {"int32_t": "i32", "uint32_t": "u32", "uintptr_t": "usize", "void": "void"}[t]


def parse_header(text):
    consts = {m[1]: int(m[2]) for m in re.finditer(r"#define (ZINC_\w+) (-?\d+)\b", text)}
    if "#define ZINC_WAIT_FOREVER UINT32_MAX" in text:
        consts["ZINC_WAIT_FOREVER"] = 2**32 - 1
    fns = {}
    for m in re.finditer(r"^([\w ]+?\**)\s*(zinc_\w+)\(([^)]*)\);", text, re.M):
        ret, name, args = m[1], m[2], m[3]
        params = [] if args.strip() in ("", "void") else [
            c_type(re.sub(r"\b\w+$", "", a.strip()).replace("const", "")) for a in args.split(",")]
        fns[name] = (c_type(ret.replace("const", "")), params)
    return consts, fns


def core_messages():
    lib = ctypes.CDLL(os.environ.get("ZINC_LIB", str(ROOT / "target/release/libzinc_core.so")))
    lib.zinc_strerror.restype = ctypes.c_char_p
    lib.zinc_strerror.argtypes = [ctypes.c_int32]
    return {c: lib.zinc_strerror(c).decode() for c in CODES}


def ask_abi(lang, argv):
    agent = Agent(lang, argv).start()
    try:
        agent.send("abi")
        lines = []
        while True:
            line = agent.expect(TIMEOUT)
            if line == "DONE":
                return lines
            lines.append(line)
    finally:
        agent.stop()


def check(lang, lines, consts, fns, messages):
    problems = []
    seen_consts, seen_msgs, seen_fns = {}, {}, {}
    for line in lines:
        kind, _, rest = line.partition(" ")
        if kind == "const":
            name, value = rest.split()
            seen_consts[name] = int(value)
        elif kind == "message":
            code, _, text = rest.partition(" ")
            seen_msgs[int(code)] = text
        elif kind == "fn":
            name, ret, *params = rest.split()
            seen_fns[name] = (ret, params)
        else:
            problems.append(f"unexpected line {line!r}")
    for name, value in seen_consts.items():
        if consts.get(name) != value:
            problems.append(f"{name} = {value}, zinc.h says {consts.get(name)}")
    for name in (n for n in consts if n != "ZINC_WAIT_FOREVER"):
        if name not in seen_consts:
            problems.append(f"{name} missing")
    for code, text in messages.items():
        if seen_msgs.get(code) != text:
            problems.append(f"message {code}: {seen_msgs.get(code)!r} != core {text!r}")
    for name, sig in fns.items():
        if seen_fns.get(name) != sig:
            problems.append(f"{name}: declared {seen_fns.get(name)}, zinc.h {sig}")
    for name in seen_fns.keys() - fns.keys():
        problems.append(f"{name} declared but not in zinc.h")
    return problems


def main():
    consts, fns = parse_header((ROOT / "include/zinc.h").read_text())
    if len(fns) != 8:
        print(f"zinc.h: expected the 8 functions of the ABI, parsed {sorted(fns)}")
        return 1
    messages = core_messages()
    passed = failed = 0
    seen = set()
    for lang, argv in load_agents():
        key = " ".join(argv[-3:]) if lang in ("node", "bun", "deno") else lang
        try:
            problems = check(lang, ask_abi(lang, argv), consts, fns, messages)
        except AgentError as e:
            problems = [str(e)]
        seen.add(key)
        if problems:
            failed += 1
            print(f"check-bindings {lang}: FAIL")
            for p in problems:
                print(f"    {p}")
        else:
            passed += 1
            print(f"check-bindings {lang}: ok ({len(consts)} constants, {len(messages)} messages, 8 functions)")
    print(f"check-bindings: {passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
