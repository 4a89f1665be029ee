"""A running `emkg serve` over the session's build, on a free loopback port, in a thread of the test process."""

from __future__ import annotations

import threading

import pytest

from emkg import paths, serve

TIMEOUT = 2.0  # the timeout tests' server: short, so a cut query ends the test quickly
# Every other test's server: a timeout no ordinary query on the seed graph comes near, even on a loaded machine
# (with 2 s, a small SELECT that waited for the CPU behind other jobs was answered 503, a flaky failure).
ORDINARY_TIMEOUT = 30.0
MAX_ROWS = 500
# A query that keeps pyoxigraph busy far past TIMEOUT on the seed graph (a three-way cross product).
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def serving(store_folder, timeout: float, max_rows: int = MAX_ROWS, workers: int = 2):
    """Run `emkg serve` on the store in a thread on a free loopback port; yields its base URL, then stops it."""
    server = serve.make_server(store_folder, "127.0.0.1", 0, timeout=timeout, max_rows=max_rows, workers=workers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    serve.close(server)


@pytest.fixture(scope="session")
def endpoint(built):
    """The base URL (http://127.0.0.1:PORT) of a server with ORDINARY_TIMEOUT and MAX_ROWS."""
    yield from serving(paths.store_dir(built), ORDINARY_TIMEOUT)


@pytest.fixture(scope="session")
def short_timeout_endpoint(built):
    """The same with TIMEOUT, for the tests of a query cut at its timeout."""
    yield from serving(paths.store_dir(built), TIMEOUT)


@pytest.fixture(scope="module")
def virtuoso_server(built, tmp_path_factory):
    """A private Virtuoso (tests/endpoint/virtuoso_harness.py: installed with apt-get if missing, loopback
    ports, scratch folder) whose DirsAllowed holds the build's release folder and a scratch folder."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "endpoint"))
    from virtuoso_harness import HarnessError, Virtuoso, find_binaries, install

    try:
        binaries = find_binaries()
        if binaries is None:
            install()
            binaries = find_binaries()
        scratch = tmp_path_factory.mktemp("releases")
        folder = tmp_path_factory.mktemp("virtuoso-publish")
        with Virtuoso(folder, [paths.release_dir(built), scratch], *binaries) as server:
            server.start()
            server.scratch = scratch
            yield server
    except HarnessError as exc:
        pytest.fail(f"Virtuoso harness: {exc}", pytrace=False)
