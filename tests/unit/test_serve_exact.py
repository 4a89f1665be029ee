"""emkg.serve's request handler, exactly: for each route and each refusal, the status, every header and the
body the server sends, and what it hands the worker pool. The pool is a stand-in in this process (the real
one, with worker processes, is driven by tests/web/test_serve_*.py), so every line of the handler runs where
mutmut's map sees it."""

from __future__ import annotations

import http.client
import json
import platform
import threading

import pytest

from emkg import serve, serve_guard, serve_workers
from emkg.serve_workers import Answer

POLICY = ("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
SERVER = f"emkg-serve Python/{platform.python_version()}"


class FakePool:
    """Records what the handler asks; answers with `answer` or raises `error`."""

    def __init__(self):
        self.calls, self.answer, self.error = [], Answer("application/sparql-results+json", b'{"x": 1}'), None

    def run(self, text, accept, stored=False):
        self.calls.append((text, accept, stored))
        if self.error is not None:
            raise self.error
        return self.answer


@pytest.fixture
def server():
    pool = FakePool()
    srv = serve.EndpointServer(("127.0.0.1", 0), pool)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def exchange(srv, method, path, body=None, headers=None):
    """(status, reason, [(header, value)] without Date, body) of one request."""
    connection = http.client.HTTPConnection(*srv.server_address[:2], timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        got = response.read()
        headers = [(k, v) for k, v in response.getheaders() if k != "Date"]
        return response.status, response.reason, headers, got
    finally:
        connection.close()


def headers_for(media_type: str, body: bytes) -> list[tuple[str, str]]:
    return [("Server", SERVER), ("Content-Type", media_type), ("Content-Length", str(len(body))),
            ("X-Content-Type-Options", "nosniff"), ("Content-Security-Policy", POLICY)]


def refused(status: int, reason: str, message: str):
    body = (message + "\n").encode()
    return status, reason, headers_for("text/plain; charset=utf-8", body), body


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
READ_ONLY = refused(403, "Forbidden", "updates are refused: this endpoint is read-only")
DATASET = refused(403, "Forbidden", "default-graph-uri / named-graph-uri are refused: the endpoint queries the built "
                  "graph only")
ONE_QUERY = refused(400, "Bad Request", "give exactly one query (query=... or a application/sparql-query body)")


def test_a_get_query_goes_to_the_pool_and_its_answer_is_sent_as_is(server):
    got = exchange(server, "GET", "/sparql?query=ASK%20%7B%7D&x=1", headers={"Accept": "text/csv"})
    assert got == (200, "OK", headers_for("application/sparql-results+json", b'{"x": 1}'), b'{"x": 1}')
    assert server.pool.calls == [("ASK {}", "text/csv", False)]


def test_a_text_answer_is_labelled_utf8(server):
    server.pool.answer = Answer("text/csv", "n\r\né\r\n".encode())
    got = exchange(server, "GET", "/sparql?query=Q")
    assert got == (200, "OK", headers_for("text/csv; charset=utf-8", "n\r\né\r\n".encode()), "n\r\né\r\n".encode())
    assert server.pool.calls == [("Q", None, False)]


def test_a_post_form_and_a_sparql_query_body_are_read(server):
    assert exchange(server, "POST", "/sparql", b"query=SELECT+%C3%A9", FORM)[0] == 200
    assert exchange(server, "POST", "/sparql", "SELECT é".encode(),
                    {"Content-Type": "Application/SPARQL-Query; charset=utf-8"})[0] == 200
    assert exchange(server, "POST", "/sparql?query=Q", b"", FORM)[0] == 200  # the URL's query, an empty form
    assert exchange(server, "POST", "/sparql?query=A", b"query=B", FORM)[0] == 200  # the form's wins
    assert server.pool.calls == [("SELECT é", None, False), ("SELECT é", None, False), ("Q", None, False),
                                 ("B", None, False)]


@pytest.mark.parametrize(("method", "path", "body", "headers", "expected"), [
    ("POST", "/sparql", b"INSERT DATA {}", {"Content-Type": "application/sparql-update"},
     READ_ONLY),
    ("POST", "/sparql", b"query=Q", {"Content-Type": "text/plain"},
     refused(415, "Unsupported Media Type", "POST a form (query=...) or application/sparql-query")),
    ("POST", "/sparql", b"query=Q", {},
     refused(415, "Unsupported Media Type", "POST a form (query=...) or application/sparql-query")),
    ("GET", "/sparql?update=DROP%20ALL", None, {}, READ_ONLY),
    ("POST", "/sparql", b"update=DROP+ALL", FORM, READ_ONLY),
    ("GET", "/sparql?query=Q&default-graph-uri=http://g", None, {},
     DATASET),
    ("GET", "/sparql?query=Q&named-graph-uri=", None, {},
     DATASET),
    ("GET", "/sparql", None, {}, ONE_QUERY),
    ("GET", "/sparql?query=%20%0A", None, {}, ONE_QUERY),
    ("GET", "/sparql?query=A&query=B", None, {}, ONE_QUERY),
    ("POST", "/sparql", b"x", {"Content-Length": "ten"}, refused(400, "Bad Request", "bad Content-Length")),
    ("POST", "/api/queries", b"", {}, refused(405, "Method Not Allowed", "POST is not allowed on /api/queries")),
    ("POST", "/", b"", {}, refused(405, "Method Not Allowed", "POST is not allowed on /")),
    ("GET", "/static/../serve.py", None, {}, refused(404, "Not Found", "not found: /static/../serve.py")),
    ("GET", "/static/vendor", None, {}, refused(404, "Not Found", "not found: /static/vendor")),
    ("GET", "/vendor/nothing.js", None, {}, refused(404, "Not Found", "not found: /vendor/nothing.js")),
    ("GET", "/etc/app.js", None, {}, refused(404, "Not Found", "not found: /etc/app.js")),
    ("GET", "/app.js", None, {}, refused(404, "Not Found", "not found: /app.js")),
])
def test_refused_requests_get_their_status_and_one_line_and_reach_no_worker(server, method, path, body, headers,
                                                                            expected):
    assert exchange(server, method, path, body, headers) == expected
    assert server.pool.calls == []


def test_a_body_over_the_limit_is_refused_unread_and_the_connection_closed(server):
    import socket

    with socket.create_connection(server.server_address[:2], timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 1000001\r\n\r\n")
        answer = b""
        while chunk := sock.recv(65536):  # the server closes the connection after its answer
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 413 Request Entity Too Large"
    assert body == b"request body over 1000000 bytes\n"
    assert exchange(server, "POST", "/sparql", b"Q" * 1_000_000, {"Content-Type": "application/sparql-query"})[0] == 200


@pytest.mark.parametrize(("error", "status", "reason"), [
    (serve_guard.QueryRefused("SERVICE is refused"), 403, "Forbidden"),
    (serve_guard.QuerySyntaxError("line 1: bad"), 400, "Bad Request"),
    (serve_workers.NotAcceptable("no acceptable result format"), 406, "Not Acceptable"),
    (serve_workers.QueryTimeout("the query ran past the timeout"), 503, "Service Unavailable"),
    (serve_workers.ServerBusy("no query worker became free"), 503, "Service Unavailable"),
    (serve_workers.TooManyResults("more than 5 rows"), 507, "Insufficient Storage"),
    (serve_workers.QueryFailed("pyoxigraph says no"), 400, "Bad Request"),
])
def test_each_refusal_of_the_pool_has_its_status_and_says_why(server, error, status, reason):
    server.pool.error = error
    assert exchange(server, "GET", "/sparql?query=Q") == refused(status, reason, str(error))


def test_a_refusal_not_in_the_table_is_not_answered_as_one(server):
    class Other(serve_workers.QueryFailed):
        pass

    server.pool.error = Other("x")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        exchange(server, "GET", "/sparql?query=Q")


def test_a_stored_query_is_bound_and_run_as_stored(server):
    from emkg import catalogue, store

    stored = catalogue.get("patients-by-relapse-site")
    param = stored.params[0]
    value = param.allowed[0] if param.allowed else "UBERON:0000473"
    got = exchange(server, "GET", f"/api/queries/patients-by-relapse-site?{param.name}={value}&empty=")
    assert got[0] == 200
    expected = store.bind_values(stored.text, stored.bindings({param.name: value}))
    assert server.pool.calls == [(expected, None, True)]


def test_a_stored_query_with_a_bad_name_or_value_is_a_bad_request(server):
    from emkg import catalogue

    with pytest.raises(catalogue.CatalogueError) as error:
        catalogue.get("no-such-query")
    assert exchange(server, "GET", "/api/queries/no-such-query") == refused(400, "Bad Request", str(error.value))
    stored = catalogue.get("patients-by-relapse-site")
    name = stored.params[0].name
    with pytest.raises((catalogue.CatalogueError, ValueError)) as error:
        stored.bindings({name: "not a term <>"})
    assert exchange(server, "GET", f"/api/queries/patients-by-relapse-site?{name}=not%20a%20term%20%3C%3E") == \
        refused(400, "Bad Request", str(error.value))
    assert server.pool.calls == []


def test_the_catalogue_is_every_stored_query_with_its_parameters(server):
    from emkg import catalogue

    status, _, headers, body = exchange(server, "GET", "/api/queries")
    assert (status, headers) == (200, headers_for("application/json", body))
    listed = json.loads(body)
    queries = catalogue.catalogue()
    assert [q["name"] for q in listed] == list(queries)
    for entry in listed:
        q = queries[entry["name"]]
        assert entry == {"name": q.name, "summary": q.summary, "question": q.question, "tags": list(q.tags),
                         "columns": list(q.columns),
                         "params": [{"name": p.name, "type": p.type, "default": p.default,
                                     "allowed": list(p.allowed), "doc": p.doc} for p in q.params]}
    assert any(entry["params"] for entry in listed) and all(entry["summary"] for entry in listed)


@pytest.mark.parametrize(("path", "file", "media_type"), [
    ("/", "index.html", "text/html; charset=utf-8"),
    ("/index.html", "index.html", "text/html; charset=utf-8"),
    ("/static/app.js", "app.js", "text/javascript; charset=utf-8"),
    ("/static/style.css", "style.css", "text/css; charset=utf-8"),
    ("/vendor/yasgui.min.css", "vendor/yasgui.min.css", "text/css; charset=utf-8"),
    ("/vendor/README.md", "vendor/README.md", "text/plain; charset=utf-8"),
    ("/vendor/YASGUI-LICENSE.txt", "vendor/YASGUI-LICENSE.txt", "text/plain; charset=utf-8"),
])
def test_the_pages_files_are_served_with_their_type_and_the_page_policy(server, path, file, media_type):
    content = (serve.WEB_DIR / file).read_bytes()
    assert exchange(server, "GET", path) == (200, "OK", headers_for(media_type, content), content)


def test_an_unknown_suffix_is_served_as_bytes(tmp_path, monkeypatch, server):
    (tmp_path / "vendor").mkdir()
    (tmp_path / "data.bin").write_bytes(b"\x00\x01")
    (tmp_path / "pic.png").write_bytes(b"png")
    (tmp_path / "pic.svg").write_bytes(b"<svg/>")
    monkeypatch.setattr(serve, "WEB_DIR", tmp_path)
    octets = headers_for("application/octet-stream", b"\x00\x01")
    assert exchange(server, "GET", "/static/data.bin") == (200, "OK", octets, b"\x00\x01")
    assert exchange(server, "GET", "/static/pic.png")[2][1] == ("Content-Type", "image/png")
    assert exchange(server, "GET", "/static/pic.svg")[2][1] == ("Content-Type", "image/svg+xml")


def test_requests_are_logged_to_stderr_only_when_verbose(server, capsys):
    exchange(server, "GET", "/sparql?query=Q")
    assert capsys.readouterr().err == ""
    server.verbose = True
    exchange(server, "GET", "/sparql?query=Q")
    err = capsys.readouterr().err
    assert err.startswith("127.0.0.1 - - [") and err.endswith('] "GET /sparql?query=Q HTTP/1.1" 200 -\n')


def test_is_loopback():
    assert [serve.is_loopback(h) for h in ("localhost", "::1", "127.0.0.1", "127.9.9.9", "0.0.0.0", "128.0.0.1",
                                            "localhost.example", "::")] == [True, True, True, True, False, False,
                                                                           False, False]


def test_run_serves_until_sigterm_then_says_stopped_and_closes_the_pool(capsys):
    import os
    import signal

    pool = FakePool()
    pool.closed = False

    def close():
        pool.closed = True

    pool.close = close
    srv = serve.EndpointServer(("127.0.0.1", 0), pool)
    answered = []

    def client():
        answered.append(exchange(srv, "GET", "/sparql?query=Q")[0])
        os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.getsignal(signal.SIGTERM)
    threading.Thread(target=client, daemon=True).start()
    try:
        serve.run(srv)  # returns only when the SIGTERM has stopped it
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert answered == [200]
    assert capsys.readouterr().err == "stopped\n"
    assert pool.closed and srv.socket.fileno() == -1


def test_make_server_starts_the_pool_it_is_given_and_closes_it_if_the_port_is_taken(monkeypatch, tmp_path):
    import socket

    made = []

    class Pool(FakePool):
        def __init__(self, store_dir, size, timeout, max_rows):
            super().__init__()
            self.args, self.closed = (store_dir, size, timeout, max_rows), False
            made.append(self)

        def close(self):
            self.closed = True

    monkeypatch.setattr(serve_workers, "WorkerPool", Pool)
    srv = serve.make_server(tmp_path, "127.0.0.1", 0, timeout=3.5, max_rows=9, workers=4, verbose=True)
    try:
        assert (srv.pool, srv.verbose, made[0].args) == (made[0], True, (tmp_path, 4, 3.5, 9))
        assert srv.server_address[0] == "127.0.0.1"
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            with pytest.raises(OSError):
                serve.make_server(tmp_path, "127.0.0.1", taken.getsockname()[1])
        assert made[1].closed and made[1].args == (tmp_path, 2, 10.0, 10_000)  # the defaults
        assert not made[0].closed
    finally:
        serve.close(srv)
    assert made[0].closed and srv.socket.fileno() == -1


def test_a_body_that_is_not_utf8_reaches_the_pool_with_replacement_characters(server):
    assert exchange(server, "POST", "/sparql", b"SELECT \xff", {"Content-Type": "application/sparql-query"})[0] == 200
    assert exchange(server, "POST", "/sparql", b"query=ASK+\xfe", FORM)[0] == 200
    assert server.pool.calls == [("SELECT \ufffd", None, False), ("ASK \ufffd", None, False)]
