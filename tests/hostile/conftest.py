"""Fixtures of the hostile-input tests: fake endpoints on loopback, and the per-category summary.

`pytest tests/hostile` ends with a summary (pytest's terminal summary) naming how many hostile runs
each category had and the slowest and the largest run, measured by tests/hostile/fenced.py.
"""

from __future__ import annotations

import collections
import socket
import threading
import time

import pytest
from fenced import MEASURED

SERVER_LIFETIME = 30.0  # no fake endpoint connection lives longer than this


class FakeEndpoint:
    """A loopback TCP server; `behaviour(conn, request_bytes, server)` answers each connection."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(16)
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.requests: list[bytes] = []
        self.stopped = threading.Event()
        self.started = time.monotonic()
        threading.Thread(target=self._accept, daemon=True).start()

    def expired(self) -> bool:
        return self.stopped.is_set() or time.monotonic() - self.started > SERVER_LIFETIME

    def _accept(self):
        while not self.expired():
            try:
                conn, _ = self.listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket):
        conn.settimeout(5)
        try:
            request = _read_request(conn)
            self.requests.append(request)
            self.behaviour(conn, request, self)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self):
        self.stopped.set()
        self.listener.close()


def _read_request(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


@pytest.fixture
def fake_endpoint():
    servers = []

    def start(behaviour) -> FakeEndpoint:
        server = FakeEndpoint(behaviour)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def pytest_terminal_summary(terminalreporter):
    if not MEASURED:
        return
    counts = collections.Counter(m["category"] for m in MEASURED)
    slowest = max(MEASURED, key=lambda m: m["seconds"])
    largest = max(MEASURED, key=lambda m: m["max_rss"])
    terminalreporter.section("hostile inputs")
    for category, count in sorted(counts.items()):
        terminalreporter.write_line(f"{category:<16} {count:>4} run(s)")
    terminalreporter.write_line(f"{'total':<16} {len(MEASURED):>4} run(s)")
    terminalreporter.write_line(f"slowest: {slowest['seconds']:.2f} s ({slowest['category']}: "
                                f"{' '.join(slowest['args'])[:120]})")
    terminalreporter.write_line(f"largest: {largest['max_rss'] / 2**20:.0f} MiB peak RSS ({largest['category']}: "
                                f"{' '.join(largest['args'])[:120]})")
