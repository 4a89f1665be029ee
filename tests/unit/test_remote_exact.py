"""emkg.remote, exactly: the request the client sends (method, path, query, headers, body), the redirects it
follows or refuses, the terms it reads back, and the whole one-line message of every refusal. A loopback
http.server in a thread stands in for the endpoint; nothing leaves 127.0.0.1."""

from __future__ import annotations

import http.server
import threading
from urllib.parse import parse_qsl

import pyoxigraph as ox
import pytest

from emkg import remote
from emkg.remote import RemoteError

QUERY = "SELECT ?s WHERE { ?s ?p ?o }"
EMPTY = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
FORM = "query=SELECT+%3Fs+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D"


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Records each request; answers with the scripted (status, headers, body) for its path."""

    protocol_version = "HTTP/1.0"

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append((self.command, self.path, dict(self.headers.items()), body))
        status, headers, payload = self.server.script.get(self.path.split("?")[0], (200, {}, EMPTY))
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.seen, server.script = [], {}
    threading.Thread(target=server.serve_forever, daemon=True).start()
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def _common_headers(server) -> dict:
    return {"Host": f"127.0.0.1:{server.server_address[1]}", "Accept-Encoding": "identity",
            "Accept": "application/sparql-results+json", "User-Agent": "emkg/0.1.0"}


def test_post_sends_the_bound_query_and_default_graph_as_a_form_body(endpoint):
    bindings = {"site": ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0000473")}
    assert remote.select(f"{endpoint.base}/sparql?x=1", QUERY, bindings, default_graph="http://g/1") == (["s"], [])
    ((method, path, headers, body),) = endpoint.seen
    sent = "SELECT ?s WHERE { VALUES ?site { <http://purl.obolibrary.org/obo/UBERON_0000473> } ?s ?p ?o }"
    assert (method, path) == ("POST", "/sparql?x=1")
    assert headers == {**_common_headers(endpoint), "Content-Length": str(len(body)),
                       "Content-Type": "application/x-www-form-urlencoded"}
    assert parse_qsl(body.decode("ascii")) == [("query", sent), ("default-graph-uri", "http://g/1")]
    assert body.decode("ascii").isascii()


def test_get_sends_the_form_in_the_url_after_the_endpoints_own_query(endpoint):
    assert remote.select(f"{endpoint.base}/sparql?x=1", QUERY, method="GET") == (["s"], [])
    remote.select(f"{endpoint.base}/sparql", QUERY, method="GET")
    remote.select(endpoint.base, QUERY)
    (first, second, third) = endpoint.seen
    assert first == ("GET", f"/sparql?x=1&{FORM}", _common_headers(endpoint), b"")
    assert second[:2] == ("GET", f"/sparql?{FORM}")
    assert third[:2] == ("POST", "/")


def test_a_same_origin_redirect_is_followed_with_the_same_request(endpoint):
    endpoint.script["/old"] = (303, {"Location": "/new?y=2"}, b"")
    assert remote.select(f"{endpoint.base}/old", QUERY) == (["s"], [])
    assert [(m, p, b) for m, p, _, b in endpoint.seen] == [("POST", "/old", FORM.encode()),
                                                          ("POST", "/new?y=2", FORM.encode())]


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_every_redirect_status_is_followed(endpoint, status):
    endpoint.script["/old"] = (status, {"Location": f"{endpoint.base}/new"}, b"")
    assert remote.select(f"{endpoint.base}/old", QUERY) == (["s"], [])
    assert [p for _, p, _, _ in endpoint.seen] == ["/old", "/new"]


@pytest.mark.parametrize(("location", "shown"), [
    ("http://127.0.0.2:{port}/x", "'http://127.0.0.2:{port}/x'"),
    ("https://127.0.0.1:{port}/x", "'https://127.0.0.1:{port}/x'"),
    ("http://127.0.0.1:1/x", "'http://127.0.0.1:1/x'"),
    ("ftp://127.0.0.1/x", "'ftp://127.0.0.1/x'"),
    ("", "'http://127.0.0.1:{port}/old'"),
])
def test_a_redirect_elsewhere_is_refused_before_anything_is_sent_there(endpoint, location, shown):
    port = endpoint.server_address[1]
    endpoint.script["/old"] = (302, {"Location": location.format(port=port)} if location else {}, b"")
    url = f"{endpoint.base}/old"
    with pytest.raises(RemoteError) as error:
        remote.select(url, QUERY)
    assert str(error.value) == (f"endpoint {url} redirected to {shown.format(port=port)}: another scheme, host or "
                                "port, not followed")
    assert len(endpoint.seen) == 1


def test_redirects_stop_after_three(endpoint):
    for i in range(5):
        endpoint.script[f"/r{i}"] = (307, {"Location": f"/r{i + 1}"}, b"")
    url = f"{endpoint.base}/r0"
    with pytest.raises(RemoteError) as error:
        remote.select(url, QUERY)
    assert str(error.value) == f"endpoint {url} redirected more than 3 times"
    assert [p for _, p, _, _ in endpoint.seen] == ["/r0", "/r1", "/r2", "/r3"]


def test_three_redirects_are_followed(endpoint):
    for i in range(3):
        endpoint.script[f"/r{i}"] = (307, {"Location": f"/r{i + 1}"}, b"")
    assert remote.select(f"{endpoint.base}/r0", QUERY) == (["s"], [])


@pytest.mark.parametrize(("status", "reason", "body", "message"), [
    (400, None, b"Virtuoso 37000 Error SP030:\n  SPARQL   compiler",
     "HTTP 400 (bad query): Virtuoso 37000 Error SP030: SPARQL compiler"),
    (401, None, b"", "HTTP 401 (unauthorized)"),
    (403, None, b"no", "HTTP 403 (forbidden): no"),
    (404, None, b"", "HTTP 404 (not found)"),
    (414, None, b"", "HTTP 414 (URI too long, try POST)"),
    (500, None, b"\x00bad\x07", "HTTP 500 (internal error): ?bad?"),
    (500, None, b"\xffbad \xe9", "HTTP 500 (internal error): \ufffdbad \ufffd"),
    (502, None, b"", "HTTP 502 (bad gateway)"),
    (503, None, b"", "HTTP 503 (unavailable)"),
    (418, None, b"", "HTTP 418 (I'm a Teapot)"),
    (209, None, b"", "HTTP 209 (error)"),
    (429, None, "é".encode() * 150, "HTTP 429 (Too Many Requests): " + "é" * 150),
    (429, None, b"x" * 300, "HTTP 429 (Too Many Requests): " + "x" * 200 + "…"),
    (429, None, b"x" * 200, "HTTP 429 (Too Many Requests): " + "x" * 200),
])
def test_an_error_status_is_one_line_with_the_start_of_what_the_server_said(endpoint, status, reason, body, message):
    endpoint.script["/sparql"] = (status, {}, body)
    url = f"{endpoint.base}/sparql"
    with pytest.raises(RemoteError) as error:
        remote.select(url, QUERY)
    assert str(error.value) == f"endpoint {url} answered {message}"


def test_an_answer_over_the_limit_is_refused_announced_or_not(endpoint):
    endpoint.script["/big"] = (200, {"Content-Length": "1001"}, b"x" * 1001)
    endpoint.script["/unannounced"] = (200, {}, b"x" * 1001)
    endpoint.script["/exact"] = (200, {"Content-Length": str(len(EMPTY))}, EMPTY)
    with pytest.raises(RemoteError) as error:
        remote.select(f"{endpoint.base}/big", QUERY, max_bytes=1000)
    assert str(error.value) == (f"endpoint {endpoint.base}/big announced an answer of 1,001 bytes, over the limit "
                                "of 1,000")
    with pytest.raises(RemoteError) as error:
        remote.select(f"{endpoint.base}/unannounced", QUERY, max_bytes=1000)
    assert str(error.value) == (f"endpoint {endpoint.base}/unannounced sent more than 1,000 bytes, over the limit; "
                                "ask for fewer rows")
    assert remote.select(f"{endpoint.base}/exact", QUERY, max_bytes=len(EMPTY)) == (["s"], [])


def test_a_large_answer_under_the_limit_is_read_whole_across_chunks(endpoint):
    rows = ",".join(f'{{"s": {{"type": "literal", "value": "{i:06d}"}}}}' for i in range(6000))
    body = f'{{"head": {{"vars": ["s"]}}, "results": {{"bindings": [{rows}]}}}}'.encode()
    assert len(body) > 3 * (1 << 16)
    endpoint.script["/many"] = (200, {}, body)
    columns, got = remote.select(f"{endpoint.base}/many", QUERY, max_bytes=len(body))
    assert got == [[ox.Literal(f"{i:06d}")] for i in range(6000)]
    with pytest.raises(RemoteError, match="sent more than"):
        remote.select(f"{endpoint.base}/many", QUERY, max_bytes=len(body) - 1)


@pytest.mark.parametrize(("url", "message"), [
    ("http://a b/", "--endpoint must not contain white space, got 'http://a b/'"),
    ("http://x/\x7f", "--endpoint must be printable ASCII (percent-encode the rest), got 'http://x/\\x7f'"),
    ("http://x/é", "--endpoint must be printable ASCII (percent-encode the rest), got 'http://x/é'"),
    ("http://x:99999/", "--endpoint is not a valid URL (Port out of range 0-65535): 'http://x:99999/'"),
    ("http://[::1/", "--endpoint is not a valid URL (Invalid IPv6 URL): 'http://[::1/'"),
    ("ftp://x/", "--endpoint must be an http:// or https:// URL, got 'ftp://x/'"),
    ("http:///s", "--endpoint must be an http:// or https:// URL, got 'http:///s'"),
    ("http://u:p@x/", "--endpoint must not carry a user name or password (user:password@host): they would be sent "
                      "in clear and end up in logs; use an endpoint that needs none"),
    ("http://u@x/", "--endpoint must not carry a user name or password (user:password@host): they would be sent "
                    "in clear and end up in logs; use an endpoint that needs none"),
    ("http://x:0/", "--endpoint port must be a number from 1 to 65535, got 'http://x:0/'"),
    ("http://x:/", "--endpoint port must be a number from 1 to 65535, got 'http://x:/'"),
    ("http://x_y:80/", "--endpoint host 'x_y' is not a valid host name or address"),
    ("http://-x/", "--endpoint host '-x' is not a valid host name or address"),
    ("http://x/#f", "--endpoint must not contain a fragment ('#'), got 'http://x/#f'"),
    ("http://x/#", "--endpoint must not contain a fragment ('#'), got 'http://x/#'"),
    ("http://x/" + "a" * 300, "--endpoint must be an http:// or https:// URL, got "),
])
def test_each_refused_endpoint_has_its_own_one_line_message(url, message):
    if url.endswith("a" * 300):
        url = "gopher" + url[4:]
        message += repr(url)[:199] + "…"
    with pytest.raises(RemoteError) as error:
        remote.check_endpoint(url)
    assert str(error.value) == message


@pytest.mark.parametrize("url", ["http://x/", "HTTPS://x.org:443/sparql?a=b", "http://127.0.0.1:8890/sparql",
                                 "http://[::1]:8890/", "http://x.org.:1/", "http://x:65535/"])
def test_good_endpoints_are_returned_unchanged(url):
    assert remote.check_endpoint(url) == url


@pytest.mark.parametrize(("value", "expected"), [("0.5", 0.5), (3600, 3600.0), (1e-3, 0.001)])
def test_good_timeouts(value, expected):
    assert remote.check_timeout(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("soon", "--timeout must be a number of seconds, got 'soon'"),
    (None, "--timeout must be a number of seconds, got None"),
    (0, "--timeout must be a finite number of seconds above 0 and at most 3600, got 0"),
    (-1, "--timeout must be a finite number of seconds above 0 and at most 3600, got -1"),
    (3600.5, "--timeout must be a finite number of seconds above 0 and at most 3600, got 3600.5"),
    ("inf", "--timeout must be a finite number of seconds above 0 and at most 3600, got 'inf'"),
    ("nan", "--timeout must be a finite number of seconds above 0 and at most 3600, got 'nan'"),
])
def test_bad_timeouts(value, message):
    with pytest.raises(RemoteError) as error:
        remote.check_timeout(value)
    assert str(error.value) == message


@pytest.mark.parametrize("iri", ["relative", "http://a b", "x" * 300, "x" * 199, "x" * 198])
def test_a_default_graph_must_be_an_absolute_iri(iri):
    with pytest.raises(RemoteError) as error:
        remote.check_graph(iri)
    shown = {"x" * 300: "'" + "x" * 198 + "…", "x" * 199: "'" + "x" * 198 + "…"}.get(iri, repr(iri))  # at most 200
    assert str(error.value) == f"--default-graph must be an absolute IRI, got {shown}"
    assert remote.check_graph("urn:x") == "urn:x"


def test_select_refuses_a_bad_method_and_a_non_select_query_with_exact_messages():
    with pytest.raises(RemoteError) as error:
        remote.select("http://127.0.0.1:9/", QUERY, method="PUT")
    assert str(error.value) == "HTTP method must be one of POST, GET, got 'PUT'"
    with pytest.raises(RemoteError) as error:
        remote.select("http://127.0.0.1:9/", "ASK { ?s ?p ?o }")
    assert str(error.value) == "only SELECT queries can be run on an endpoint; this is a ASK query"
    with pytest.raises(RemoteError) as error:
        remote.select("http://127.0.0.1:9/", "{ nonsense")
    assert str(error.value) == "only SELECT queries can be run on an endpoint; this is a unreadable query"


@pytest.mark.parametrize(("text", "form"), [
    ("select * {}", "SELECT"), ("# SELECT\nASK {}", "ASK"),
    ("  PREFIX a: <x:>\n prefix : <y:> BASE <z:> construct {}", "CONSTRUCT"),
    ("\n\n   # c\nDESCRIBE <x:>", "DESCRIBE"), ("", ""), ("<x:> a", ""),
])
def test_the_query_form_is_read_after_comments_and_prologue(text, form):
    assert remote.query_form(text) == form


def test_results_json_becomes_the_terms_the_embedded_store_returns():
    body = b"""{"head": {"vars": ["a", "b", "c"]}, "results": {"bindings": [
      {"a": {"type": "uri", "value": "http://x/1"}, "b": {"type": "literal", "value": "hi", "xml:lang": "en"},
       "c": {"type": "typed-literal", "value": "3", "datatype": "http://www.w3.org/2001/XMLSchema#integer"}},
      {"a": {"type": "bnode", "value": "b1"}, "b": {"type": "literal", "value": "1",
       "datatype": "http://www.w3.org/2001/XMLSchema#boolean"},
       "c": {"type": "literal", "value": "s", "datatype": "http://www.w3.org/2001/XMLSchema#string"}},
      {"a": {"type": "bnode", "value": "b1"}, "b": {"type": "literal", "value": "0",
       "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}},
      {"a": {"type": "bnode", "value": "nodeID://b7"}, "b": {"type": "literal", "value": "true",
       "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}, "c": {"type": "literal", "value": "l",
       "datatype": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}},
      {"a": {"type": "bnode", "value": "nodeID://b7"}, "b": {"type": "literal", "value": "plain", "xml:lang": ""}}
    ]}}"""
    columns, rows = remote.parse_results(body)
    boolean = ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean")
    assert columns == ["a", "b", "c"]
    assert rows[0] == [ox.NamedNode("http://x/1"), ox.Literal("hi", language="en"),
                       ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))]
    assert rows[1][1:] == [ox.Literal("true", datatype=boolean), ox.Literal("s")]
    assert rows[2][1:] == [ox.Literal("false", datatype=boolean), None]
    assert rows[3][1:] == [ox.Literal("true", datatype=boolean), ox.Literal("l")]
    assert rows[4][1:] == [ox.Literal("plain"), None]
    assert rows[1][0] == rows[2][0] == ox.BlankNode("b1")  # the same label, the same node
    assert isinstance(rows[3][0], ox.BlankNode) and rows[3][0] == rows[4][0] != rows[1][0]


@pytest.mark.parametrize(("body", "message"), [
    (b"<html>", "the endpoint did not answer with SPARQL results JSON (it began: '<html>')"),
    (b"\xff\xfe  x", "the endpoint did not answer with SPARQL results JSON (it began: '\ufffd\ufffd x')"),
    (b"a\n  b" + b"c" * 100,
     "the endpoint did not answer with SPARQL results JSON (it began: 'a " + "b" + "c" * 75 + "')"),
    (b"[" * 100000, "the endpoint answered with JSON nested too deeply to be SPARQL results"),
    (b'{"head": {}, "boolean": true}', "the endpoint answered with an ASK answer; stored queries are SELECT queries"),
    (b'{"head": {"vars": []}}', "the endpoint answered with not SELECT results; stored queries are SELECT queries"),
    (b'{"head": {"vars": []}, "results": {"bindings": {}}}',
     "the endpoint answered with not SELECT results; stored queries are SELECT queries"),
    (b"[1]", "the endpoint answered with not SELECT results; stored queries are SELECT queries"),
    (b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "triple", "value": "x"}}]}}',
     "the endpoint sent a malformed result term: unknown term type 'triple'"),
    (b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": {"type": "uri"}}]}}',
     "the endpoint sent a malformed result term: 'value'"),
    (b'{"head": {"vars": ["a"]}, "results": {"bindings": [7]}}',
     "the endpoint sent a malformed result term: 'int' object has no attribute 'get'"),
])
def test_unreadable_results_are_one_line_errors(body, message):
    with pytest.raises(RemoteError) as error:
        remote.parse_results(body)
    assert str(error.value) == message


def test_the_error_names_where_it_came_from():
    with pytest.raises(RemoteError) as error:
        remote.parse_results(b"<", "endpoint http://x/")
    assert str(error.value) == "endpoint http://x/ did not answer with SPARQL results JSON (it began: '<')"


@pytest.mark.parametrize(("raised", "message"), [
    (ConnectionRefusedError(111, "Connection refused"), "cannot reach endpoint E: [Errno 111] Connection refused"),
    (ConnectionRefusedError(), "cannot reach endpoint E: ConnectionRefusedError"),
    (TimeoutError(), "endpoint E did not answer within 1.5 s (--timeout)"),
    (ConnectionResetError(104, "Connection reset\nby peer"),
     "cannot query endpoint E: [Errno 104] Connection reset by peer"),
    (ValueError(), "cannot query endpoint E: ValueError"),
    (EOFError("eof"), "cannot query endpoint E: eof"),
    (RemoteError("as is"), "as is"),
])
def test_failures_in_the_exchange_become_one_line_errors(raised, message):
    def work(sockets):
        raise raised

    with pytest.raises(RemoteError) as error:
        remote._with_deadline(work, 1.5, "endpoint E")
    assert str(error.value) == message


def test_an_http_client_error_is_a_clean_error_and_other_errors_pass_through():
    import http.client

    def bad(sockets):
        raise http.client.BadStatusLine("HTTP/9 x")

    with pytest.raises(RemoteError) as error:
        remote._with_deadline(bad, 1, "endpoint E")
    assert str(error.value) == "cannot query endpoint E: HTTP/9 x"

    def bug(sockets):
        raise KeyError("bug")

    with pytest.raises(KeyError):
        remote._with_deadline(bug, 1, "endpoint E")


def test_a_gaierror_is_unreachable():
    import socket

    def work(sockets):
        raise socket.gaierror(-2, "Name or service not known")

    with pytest.raises(RemoteError) as error:
        remote._with_deadline(work, 1, "endpoint E")
    assert str(error.value) == "cannot reach endpoint E: [Errno -2] Name or service not known"


@pytest.mark.parametrize(("first", "second", "same"), [
    ("http://x/a", "http://x:80/b", True), ("https://x/a", "HTTPS://x:443/b", True), ("http://x/", "https://x/", False),
    ("http://x:81/", "http://x/", False), ("http://x/", "http://y/", False), ("http://x/", "http://x:99999/", False),
])
def test_same_origin_is_scheme_host_and_port_with_defaults(first, second, same):
    assert remote._same_origin(first, second) is same


def test_an_https_endpoint_is_spoken_to_over_tls(endpoint):
    url = f"https://127.0.0.1:{endpoint.server_address[1]}/sparql"  # the server speaks plain HTTP only
    with pytest.raises(RemoteError) as error:
        remote.select(url, QUERY, timeout=5)
    assert str(error.value).startswith(f"cannot query endpoint {url}: ")
    assert endpoint.seen == []  # no plain-text request reached it
