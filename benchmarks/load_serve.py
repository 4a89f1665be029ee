"""Loopback load test of `emkg serve`: many clients at once, and one query cut by the timeout meanwhile.

    python benchmarks/load_serve.py [--clients 20] [--seconds 60] [--timeout 2] [--workers 2]
                                    [--build-dir build] [--results benchmarks/results/load_serve.md]

Starts `emkg serve` (a separate process, on a free 127.0.0.1 port) over the built store. Each client
loops for --seconds over every stored query (default parameters, through /api/queries/NAME) and a
plain SPARQL COUNT through /sparql, one request at a time; a request that is not answered 200 is a
failure. At a third of the run one extra client sends a query that runs far past --timeout; it must be
answered 503 within the timeout (plus a margin) while the other clients keep being answered. Writes
the figures (p50 / p99 latency, failures, the slow query's fate, date, machine, load average) to
--results. Exit 1 if any request failed or the slow query was not cut. Needs a build (`emkg build`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from emkg import catalogue, paths, progress  # noqa: E402

SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# Seconds the slow query's answer may take past --timeout (waiting for a free worker behind the other
# clients) and still count as cut; uncut, the query would run for hours (a three-way cross product).
CUT_MARGIN = 5.0


@dataclass
class Figures:
    clients: int
    seconds: float
    timeout: float
    workers: int
    requests: int = 0
    failed: int = 0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    slow_status: int | None = None
    slow_seconds: float | None = None
    slow_cut: bool = False
    answered_while_slow_ran: int = 0
    failures: list[str] = field(default_factory=list)
    started: str = ""
    machine: str = ""
    load_before: tuple[float, float, float] = (0.0, 0.0, 0.0)
    load_after: tuple[float, float, float] = (0.0, 0.0, 0.0)
    command: str = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url: str, timeout: float = 60.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                    timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start_server(build_dir: Path | None, port: int, timeout: float, workers: int) -> subprocess.Popen:
    command = [sys.executable, "-c", "from emkg.cli import main; main()", "serve", "--port", str(port),
               "--timeout", str(timeout), "--workers", str(workers)]
    if build_dir:
        command += ["--build-dir", str(build_dir)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"emkg serve exited: {server.stderr.read().strip()}")
        try:
            if request(f"http://127.0.0.1:{port}/api/queries", timeout=5)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("emkg serve did not answer within 60 s")


def run(clients: int, seconds: float, timeout: float, workers: int, build_dir: Path | None) -> Figures:
    figures = Figures(clients, seconds, timeout, workers, started=datetime.now(UTC).isoformat(timespec="seconds"),
                      machine=f"{platform.node()} {platform.machine()} {os.cpu_count()} CPUs, Python "
                              f"{platform.python_version()}", load_before=os.getloadavg())
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    urls = [f"{base}/api/queries/{name}" for name in catalogue.catalogue()]
    urls.append(f"{base}/sparql?" + urllib.parse.urlencode({"query": COUNT_QUERY}))
    server = start_server(build_dir, port, timeout, workers)
    latencies: list[tuple[float, float]] = []  # (end time, seconds)
    lock = threading.Lock()
    slow_window: list[float] = []

    def client(number: int) -> None:
        end = time.monotonic() + seconds
        position = number
        while time.monotonic() < end:
            url = urls[position % len(urls)]
            position += 1
            began = time.monotonic()
            try:
                status, body = request(url)
                problem = None if status == 200 else f"{status} {body[:120]!r} for {url}"
            except OSError as exc:
                problem = f"{exc} for {url}"
            finished = time.monotonic()
            with lock:
                latencies.append((finished, finished - began))
                if problem:
                    figures.failed += 1
                    figures.failures.append(problem)

    def slow_client() -> None:
        time.sleep(seconds / 3)
        began = time.monotonic()
        status, body = request(f"{base}/sparql?" + urllib.parse.urlencode({"query": SLOW_QUERY}))
        ended = time.monotonic()
        slow_window.extend([began, ended])
        figures.slow_status, figures.slow_seconds = status, round(ended - began, 3)
        figures.slow_cut = status == 503 and b"timeout" in body and ended - began <= timeout + CUT_MARGIN

    try:
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        threads.append(threading.Thread(target=slow_client))
        for thread in threads:
            thread.start()
        for _ in progress.track(range(int(seconds)), f"{clients} clients"):  # a bar on a terminal only
            time.sleep(1)
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    times = sorted(seconds_taken * 1000 for _, seconds_taken in latencies)
    figures.requests = len(times)
    if times:
        figures.p50_ms = round(statistics.median(times), 1)
        figures.p99_ms = round(times[min(len(times) - 1, int(0.99 * len(times)))], 1)
        figures.max_ms = round(times[-1], 1)
    if slow_window:
        figures.answered_while_slow_ran = sum(1 for end, _ in latencies if slow_window[0] < end < slow_window[1])
    figures.load_after = os.getloadavg()
    figures.failures = figures.failures[:20]
    return figures


def markdown(figures: Figures) -> str:
    load = lambda values: " / ".join(f"{v:.2f}" for v in values)  # noqa: E731
    return "\n".join([
        "# Loopback load test of `emkg serve` (generated by benchmarks/load_serve.py - do not edit)",
        "",
        f"- command: `{figures.command}`",
        f"- date: {figures.started}; machine: {figures.machine}",
        f"- load average (1/5/15 min) before: {load(figures.load_before)}; after: {load(figures.load_after)}",
        f"- {figures.clients} clients for {figures.seconds:g} s, server timeout {figures.timeout:g} s, "
        f"{figures.workers} query workers",
        "",
        "| requests | failed | p50 ms | p99 ms | max ms |",
        "|---:|---:|---:|---:|---:|",
        f"| {figures.requests} | {figures.failed} | {figures.p50_ms} | {figures.p99_ms} | {figures.max_ms} |",
        "",
        f"Slow query (past the timeout): answered {figures.slow_status} after {figures.slow_seconds} s; "
        f"cut: {'yes' if figures.slow_cut else 'NO'}; other requests answered meanwhile: "
        f"{figures.answered_while_slow_ran}.",
        "",
        "```json",
        json.dumps(asdict(figures), indent=2),
        "```",
        "",
    ])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--timeout", type=float, default=2.0, help="the server's --timeout")
    parser.add_argument("--workers", type=int, default=2, help="the server's --workers")
    parser.add_argument("--build-dir", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=HERE / "results" / "load_serve.md")
    args = parser.parse_args(argv)
    if not (paths.store_dir(args.build_dir) / "CURRENT").is_file():
        print(f"error: no built store at {paths.store_dir(args.build_dir)}; run `emkg build`", file=sys.stderr)
        return 2
    figures = run(args.clients, args.seconds, args.timeout, args.workers, args.build_dir)
    figures.command = shlex.join(["python", "benchmarks/load_serve.py", *(argv if argv is not None else sys.argv[1:])])
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(markdown(figures), encoding="utf-8")
    print(f"{figures.requests} requests, {figures.failed} failed, p50 {figures.p50_ms} ms, p99 {figures.p99_ms} ms; "
          f"slow query {figures.slow_status} after {figures.slow_seconds} s (cut: {figures.slow_cut}), "
          f"{figures.answered_while_slow_ran} answered meanwhile; wrote {args.results}")
    return 0 if figures.failed == 0 and figures.slow_cut else 1


if __name__ == "__main__":
    sys.exit(main())
