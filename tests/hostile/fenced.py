"""Run one hostile input through the CLI in a fenced subprocess and check what it did.

Each run: a fresh interpreter (tests/hostile/audited.py) under RLIMIT_AS, killed at HARD_TIMEOUT; its
time and peak memory (the child's VmHWM, else ru_maxrss from wait4) are measured, and its audit events are checked:
- no network event, except a connection to the loopback port of the test's own fake endpoint;
- no process event (subprocess, os.system, exec, spawn, fork);
- no file opened for writing, and no file-system change (remove, rename, mkdir ...), except under a
  folder the test names (emkg submit's evidence folder);
- no file opened for reading outside the program itself (its code, the Python installation, ontology/,
  shapes/, queries/) and the inputs the test names.
`refused()` then asks for exit 1 or 2, one clear error line and no traceback, within the bounds.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from emkg import paths

RUNNER = Path(__file__).with_name("audited.py")
MAX_SECONDS = 20.0  # the issue called a run over 20 s a hang; idle runs take about 1 s
MAX_RSS_BYTES = 1 << 30  # 1 GiB resident: the five runs over 1 GiB are the failures to prevent
ADDRESS_SPACE = 3 << 30  # RLIMIT_AS: a hard stop well above the resident bound (mapped libraries count)
HARD_TIMEOUT = 60.0
PROGRAM_ROOTS = tuple(str(p) for p in {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
                                       (paths.PROJECT_ROOT / "emkg").resolve(),
                                       (paths.PROJECT_ROOT / "loaders").resolve(), paths.ONTOLOGY_DIR.resolve(),
                                       paths.SHAPES_DIR.resolve(), paths.QUERIES_DIR.resolve()})
# Data that validate and submit read by design: the curated records (duplicates are checked against them)
# and the source-text folders (quotes are checked against them). Nothing else of the machine's.
PROGRAM_ROOTS += tuple(str(p.resolve()) for p in (paths.EVIDENCE_DIR, *paths.source_text_dirs()))
MEASURED: list[dict] = []  # every run of the session, for the summary printed by conftest.py


@dataclass
class Run:
    args: list[str]
    code: int
    stdout: str
    stderr: str
    seconds: float
    max_rss: int  # bytes
    events: list = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def describe(self) -> str:
        return (f"emkg {' '.join(map(repr, self.args))[:300]}\nexit {self.code}, {self.seconds:.1f} s, "
                f"{self.max_rss / 2**20:.0f} MiB\nstdout: {self.stdout[-1500:]}\nstderr: {self.stderr[-3000:]}\n"
                f"violations: {self.violations[:10]}")


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run(args: list, tmp_path: Path, *, category: str, reads=(), writes=(), connect=(), stdin=None,
        env: dict | None = None) -> Run:
    """Run `emkg ARGS` audited. reads/writes: paths (files or folders) allowed; connect: allowed ports."""
    log = tmp_path / f"audit-{time.monotonic_ns()}.json"
    argv = [os.fsencode(a) if isinstance(a, bytes) else str(a) for a in args]
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, str(RUNNER), str(log), *argv], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                               preexec_fn=_limit_memory, cwd=tmp_path,
                               env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})})
    chunks: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda name=name, stream=stream: chunks.__setitem__(name, stream.read()))
               for name, stream in (("out", process.stdout), ("err", process.stderr))]
    for reader in readers:
        reader.start()
    while True:  # wait4, not wait: the child's own peak memory comes with its exit status
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - started > HARD_TIMEOUT:
            process.send_signal(signal.SIGKILL)
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.02)
    seconds = time.monotonic() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    for reader in readers:
        reader.join()
    out, err = chunks.get("out", b""), chunks.get("err", b"")
    max_rss = usage.ru_maxrss * 1024
    log_data = json.loads(log.read_text()) if log.exists() else {}
    events = log_data.get("events", [])
    if log_data.get("peak_rss_kb"):  # the child's own peak; ru_maxrss also counts the forked pytest's pages
        max_rss = log_data["peak_rss_kb"] * 1024
    result = Run([os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args], process.returncode,
                 out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds, max_rss, events)
    result.violations = _violations(events, tmp_path, reads, writes, connect)
    if category != "recorder":  # the recorder's self-checks are not hostile inputs
        MEASURED.append({"category": category, "args": result.args[:4], "seconds": seconds, "max_rss": max_rss,
                         "code": result.code})
    return result


def _inside(path: str, roots) -> bool:
    real = os.path.realpath(path)
    return any(real == os.path.realpath(r) or real.startswith(os.path.realpath(r).rstrip("/") + "/")
               for r in roots)


def _violations(events, cwd: Path, reads, writes, connect) -> list[str]:
    bad = []
    read_roots = PROGRAM_ROOTS + tuple(str(r) for r in reads) + tuple(str(w) for w in writes)
    for name, args in events:
        if name == "open":
            path, mode = os.path.join(str(cwd), args[0]), str(args[1] or "r")
            writing = any(flag in mode for flag in "wax+")
            if writing and not _inside(path, writes):
                bad.append(f"write: {path}")
            elif not writing and not _inside(path, read_roots):
                bad.append(f"read: {path}")
        elif name == "socket.connect":
            address = args[1]
            if not (isinstance(address, list) and address[:1] == ["127.0.0.1"] and address[1] in connect):
                bad.append(f"connect: {address}")
        elif name == "socket.getaddrinfo":
            if not connect or args[0] not in ("127.0.0.1", "localhost"):
                bad.append(f"name lookup: {args[0]}")
        elif name.startswith("socket."):
            if not connect or name not in ("socket.__new__", "socket.getaddrinfo"):
                bad.append(f"network: {name} {args}")
        elif name.startswith(("subprocess.", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork",
                              "pty.", "webbrowser.")):
            bad.append(f"process: {name} {args}")
        elif name.startswith(("os.", "shutil.")):
            targets = [a for a in args if isinstance(a, str)]
            if not targets or not all(_inside(os.path.join(str(cwd), t), writes) for t in targets):
                bad.append(f"file system: {name} {args}")
        elif name == "http.client.connect":  # (connection, host, port)
            if not (args[1] == "127.0.0.1" and args[2] in connect):
                bad.append(f"connect: {args[1:]}")
        elif name == "http.client.send":  # only on a connection allowed above
            if not connect:
                bad.append(f"network: {name}")
        elif name.startswith(("urllib.", "http.", "ftplib.", "smtplib.")):
            bad.append(f"network: {name} {args}")
    return bad


def refused(result: Run, *fragments: str, codes=(1, 2)) -> None:
    """Exit 1 or 2, one clear error line, no traceback, in bounds, and no event beyond the input."""
    assert result.code in codes, result.describe()
    assert "Traceback" not in result.output, result.describe()
    lines = [line for line in result.output.splitlines() if line.strip()]
    # validate prints "<file> [<format>]: UNUSABLE" and the reason; the other commands the reason only
    reasons = [line for line in lines if not line.endswith(("UNUSABLE", "INVALID")) and
               not line.startswith("Usage:") and not line.startswith("Try ")]
    assert len(reasons) == 1, f"expected one error line:\n{result.describe()}"
    assert len(reasons[0]) < 400, reasons[0]
    for fragment in fragments:
        assert fragment in reasons[0], f"{fragment!r} not in {reasons[0]!r}"
    bounded(result)


def bounded(result: Run) -> None:
    assert result.seconds < MAX_SECONDS, result.describe()
    assert result.max_rss < MAX_RSS_BYTES, result.describe()
    assert not result.violations, result.describe()
