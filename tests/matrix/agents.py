"""Starting and talking to conformance agents (tests/matrix/README.md); shared by the matrix
driver and the polyglot demo."""

import os
import queue
import shlex
import subprocess
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def load_agents():
    """[(language, argv)] from agents.tsv, in file order."""
    agents = []
    for line in (ROOT / "tests/matrix/agents.tsv").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            lang, cmd = line.split("\t", 1)
            agents.append((lang, shlex.split(cmd)))
    return agents


class Agent:
    """One agent process in serve mode. Lines it prints arrive on a queue, so every read can
    time out instead of hanging the driver on a stuck runtime."""

    def __init__(self, lang, argv):
        self.lang, self.argv = lang, argv
        self.proc = None
        self.lines = queue.Queue()
        self.start_error = None

    def start(self):
        try:
            self.proc = subprocess.Popen(
                self.argv, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True, bufsize=1, env=os.environ.copy())
        except OSError as e:
            self.start_error = f"cannot start {' '.join(self.argv)}: {e}"
            return self
        lines = self.lines = queue.Queue()
        proc = self.proc

        def pump(stream, tag):
            for line in stream:
                lines.put((tag, line.rstrip("\n")))
            if tag == "out":
                lines.put(("eof", None))

        threading.Thread(target=pump, args=(proc.stdout, "out"), daemon=True).start()
        threading.Thread(target=pump, args=(proc.stderr, "err"), daemon=True).start()
        return self

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def send(self, line):
        if not self.alive():
            raise AgentError(f"{self.lang} agent is not running ({self.start_error or 'exited'})")
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError) as e:
            raise AgentError(f"{self.lang} agent: cannot send {line!r}: {e}")

    def expect(self, timeout):
        """The next stdout line, or AgentError on timeout / exit. Stderr is collected."""
        errs = []
        while True:
            try:
                tag, line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AgentError(f"{self.lang} agent: no reply in {timeout:.0f} s {errs[-3:]}")
            if tag == "out":
                return line
            if tag == "eof":
                raise AgentError(f"{self.lang} agent exited {errs[-5:]}")
            errs.append(line)

    def drain(self):
        """Forget buffered output (after a failed exchange)."""
        while True:
            try:
                tag, _ = self.lines.get_nowait()
                if tag == "eof":
                    return
            except queue.Empty:
                return

    def restart(self):
        self.stop()
        return self.start()

    def stop(self):
        if self.proc is None:
            return
        if self.alive():
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except Exception:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class AgentError(Exception):
    pass
