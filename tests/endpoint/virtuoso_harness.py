"""A private Virtuoso for the endpoint tests: installed if missing, started on loopback, loaded, stopped.

Everything lives in one scratch folder: a virtuoso.ini written here (database, log and lock files in that
folder; SQL and HTTP ports on free 127.0.0.1 ports; DirsAllowed limited to that folder and the build's
release folder; no plugins or other listeners), so nothing on the machine's own Virtuoso is touched.
In CI a missing Virtuoso is a failure, never a skip: every problem raises HarnessError with the reason,
and the fixture turns it into pytest.fail.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "virtuoso-opensource"
GRAPH = "https://w3id.org/emkg/test/seed-graph"
START_WAIT = 120.0  # seconds; a first start creates the database files, about 5 s here
INSTALL_WAIT = 1800.0


class HarnessError(RuntimeError):
    """Virtuoso could not be installed, started or loaded; the message says why."""


@dataclass
class Timings:
    install: float = 0.0
    start: float = 0.0
    load: float = 0.0
    notes: list[str] = field(default_factory=list)


def find_binaries() -> tuple[str, str] | None:
    """(virtuoso-t, isql) if both are installed. Debian names Virtuoso's isql `isql-vt` (unixODBC owns isql)."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    return (server, isql) if server and isql else None


def install() -> float:
    """apt-get the package (CI runs as root on a fresh Debian); return the seconds it took."""
    if shutil.which("apt-get") is None:
        raise HarnessError("virtuoso-t is not installed and there is no apt-get to install it with")
    if os.geteuid() != 0:
        raise HarnessError(f"virtuoso-t is not installed and installing {PACKAGE} needs root")
    started = time.perf_counter()
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", PACKAGE]):
        try:
            done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=INSTALL_WAIT)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"`{' '.join(command)}` did not finish in {INSTALL_WAIT:.0f} s") from None
        if done.returncode != 0:
            tail = "\n".join((done.stdout + done.stderr).splitlines()[-20:])
            raise HarnessError(f"`{' '.join(command)}` failed (exit {done.returncode}):\n{tail}")
    if find_binaries() is None:
        raise HarnessError(f"installed {PACKAGE} but found no virtuoso-t and isql-vt on PATH")
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_ini(folder: Path, allowed: list[Path], sql_port: int, http_port: int) -> Path:
    """A minimal private configuration: only the database, the SQL port and the HTTP /sparql endpoint."""
    dirs = ", ".join(str(p.resolve()) for p in [folder, *allowed])
    ini = folder / "virtuoso.ini"
    ini.write_text(f"""\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
ServerThreads = 4
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
MaxStaticCursorRows = 5000
DirsAllowed = {dirs}
VADInstallDir = {folder}
TempDir = {folder}
CaseMode = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 4
ServerThreads = 4
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
DefaultQuery = ASK {{ }}
""", encoding="utf-8")
    return ini


def _die_with_parent() -> None:
    # If pytest itself is killed, the kernel stops Virtuoso too (PR_SET_PDEATHSIG), so no server lingers.
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class Virtuoso:
    """One running private server. Use as a context manager; `stop()` is safe to call twice."""

    def __init__(self, folder: Path, allowed: list[Path], server: str, isql: str) -> None:
        self.folder, self.server, self.isql = folder, server, isql
        self.sql_port, self.http_port = free_port(), free_port()
        self.ini = write_ini(folder, allowed, self.sql_port, self.http_port)
        self.endpoint = f"http://127.0.0.1:{self.http_port}/sparql"
        self.password = "dba"  # a new database's own default; replaced by a random one once started
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Virtuoso:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def log_tail(self, lines: int = 40) -> str:
        texts = []
        for name in ("virtuoso.log", "stdout.log"):
            path = self.folder / name
            if path.is_file():
                texts.append(f"--- {name} ---\n" + "\n".join(path.read_text(errors="replace").splitlines()[-lines:]))
        return "\n".join(texts) or "(no log written)"

    def start(self) -> float:
        started = time.perf_counter()
        with open(self.folder / "stdout.log", "wb") as out:
            self.process = subprocess.Popen(
                [self.server, "+foreground", "+configfile", str(self.ini)], cwd=self.folder, stdout=out,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + START_WAIT
        while True:
            if self.process.poll() is not None:
                raise HarnessError(f"virtuoso-t exited with code {self.process.returncode} while starting:\n"
                                   f"{self.log_tail()}")
            try:
                if self.sparql("ASK { }", timeout=5).get("boolean") is not None:
                    break
            except (OSError, ValueError, urllib.error.URLError):
                pass
            if time.monotonic() > deadline:
                raise HarnessError(f"{self.endpoint} did not answer within {START_WAIT:.0f} s:\n{self.log_tail()}")
            time.sleep(0.25)
        # The SQL port is loopback-only, but dba/dba is public knowledge: use a random password from here on.
        new_password = "p" + secrets.token_hex(12)
        self.sql(f"USER_SET_PASSWORD('dba', '{new_password}');", hide=new_password)
        self.password = new_password
        return time.perf_counter() - started

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def sql(self, statements: str, timeout: float = 300, hide: str = "") -> str:
        """Run SQL through isql on the loopback SQL port; a statement error fails the harness."""
        command = [self.isql, f"127.0.0.1:{self.sql_port}", "dba", self.password, "VERBOSE=OFF",
                   "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT", f"EXEC={statements}"]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise HarnessError(f"isql did not finish in {timeout:.0f} s: {statements}") from None
        output = done.stdout + done.stderr
        if done.returncode != 0 or "*** Error" in output:
            shown = statements.replace(hide, "***") if hide else statements
            raise HarnessError(f"isql failed (exit {done.returncode}) on {shown!r}:\n{output}")
        return done.stdout

    def sparql(self, query: str, graph: str | None = None, timeout: float = 60) -> dict:
        """A raw SPARQL protocol request (no SPARQLWrapper), for the harness's own checks."""
        form = {"query": query, **({"default-graph-uri": graph} if graph else {})}
        request = urllib.request.Request(self.endpoint, data=urllib.parse.urlencode(form).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())

    def load_ntriples(self, ntriples: Path, graph: str = GRAPH) -> int:
        """Bulk-load one N-Triples file into `graph`; check every line became a triple; return the count."""
        started = time.perf_counter()
        folder = str(ntriples.parent.resolve()).replace("'", "''")
        name = ntriples.name.replace("'", "''")
        self.sql(f"ld_dir('{folder}', '{name}', '{graph}'); rdf_loader_run(); checkpoint;")
        errors = self.sql("SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "0 Rows" not in errors and ntriples.name in errors:
            raise HarnessError(f"Virtuoso's bulk loader reported errors:\n{errors}")
        expected = sum(1 for line in ntriples.read_text(encoding="utf-8").splitlines()
                       if line.strip() and not line.lstrip().startswith("#"))
        answer = self.sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        loaded = int(answer["results"]["bindings"][0]["n"]["value"])
        if loaded != expected:
            raise HarnessError(f"loaded {loaded} triples into <{graph}> but {ntriples} has {expected} lines")
        if graph == GRAPH:  # the seed graph's figures (other tests load graphs of their own beside it)
            self.load_seconds = time.perf_counter() - started
            self.triples = loaded
        return loaded
