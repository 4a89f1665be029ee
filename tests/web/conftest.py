"""A running `emkg serve` over the session's build, on a free loopback port, in a thread of the test process."""

from __future__ import annotations

import threading

import pytest

from emkg import paths, serve

TIMEOUT = 2.0
MAX_ROWS = 500
# A query that keeps pyoxigraph busy far past TIMEOUT on the seed graph (a three-way cross product).
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="session")
def endpoint(built):
    """The base URL (http://127.0.0.1:PORT) of a server with TIMEOUT and MAX_ROWS."""
    server = serve.make_server(paths.store_dir(built), "127.0.0.1", 0, timeout=TIMEOUT, max_rows=MAX_ROWS,
                               workers=2)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}"
    server.shutdown()
    serve.close(server)
