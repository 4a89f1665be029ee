"""`emkg query --endpoint` failure modes, without Virtuoso: each is one clear line and exit code 2.

Small local servers stand in for broken endpoints (silent, refusing, erroring, answering HTML); nothing
here leaves the loopback interface.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from test_virtuoso import comparable
from virtuoso_harness import free_port

from emkg import remote
from emkg.cli import main

QUERY = "patients-by-relapse-site"


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def assert_clean_usage_error(result, *fragments):
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


class _Handler(http.server.BaseHTTPRequestHandler):
    status, content_type, body = 200, "text/html", b"<html>not SPARQL</html>"

    def do_GET(self):
        self.send_response(self.status)
        self.send_header("Content-Type", self.content_type)
        self.end_headers()
        self.wfile.write(self.body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_endpoint():
    """Start a loopback HTTP server answering with the given status, content type and body."""
    servers = []

    def start(status=200, content_type="text/html", body=b"<html>not SPARQL</html>"):
        handler = type("Handler", (_Handler,), {"status": status, "content_type": content_type, "body": body})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/sparql"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/sparql", "127.0.0.1:8890/sparql",
                                 "http:///sparql", "gopher://127.0.0.1/", "javascript:alert(1)", "http://a b/"])
def test_non_http_urls_are_refused(url):
    assert_clean_usage_error(run("query", QUERY, "--endpoint", url), "--endpoint")


def test_connection_refused_is_a_clean_error():
    port = free_port()  # nothing listens there
    assert_clean_usage_error(run("query", QUERY, "--endpoint", f"http://127.0.0.1:{port}/sparql"), "cannot reach")


def test_silent_endpoint_times_out():
    with socket.socket() as listener:  # accepts the connection (backlog) but never answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        started = time.monotonic()
        result = run("query", QUERY, "--endpoint", url, "--timeout", "0.5")
        elapsed = time.monotonic() - started
    assert_clean_usage_error(result, "did not answer within 0.5 s")
    assert elapsed < 10


@pytest.mark.parametrize(("status", "fragment"), [(500, "500"), (404, "404"), (400, "400"), (503, "HTTP 503")])
def test_http_errors_are_clean_errors(status, fragment, fake_endpoint):
    url = fake_endpoint(status=status, body=b"Virtuoso 37000 Error SP030: SPARQL compiler\nline 2")
    assert_clean_usage_error(run("query", QUERY, "--endpoint", url), fragment)


@pytest.mark.parametrize("body", [b"<html>not SPARQL</html>", b"", b"\xff\xfe", b'{"head": {}}', b"[1, 2]"])
def test_an_answer_that_is_not_select_json_is_a_clean_error(body, fake_endpoint):
    url = fake_endpoint(content_type="application/sparql-results+json", body=body)
    assert_clean_usage_error(run("query", QUERY, "--endpoint", url), url)


def test_an_ask_answer_is_refused(fake_endpoint):
    url = fake_endpoint(content_type="application/sparql-results+json", body=b'{"head": {}, "boolean": true}')
    assert_clean_usage_error(run("query", QUERY, "--endpoint", url), "ASK")


@pytest.mark.parametrize("text", ["CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "ASK { ?s ?p ?o }",
                                  "PREFIX x: <http://x/> DESCRIBE x:y", "INSERT DATA { <http://x/a> <http://x/b> 1 }",
                                  "DROP ALL"])
def test_non_select_queries_are_not_sent(text):
    # The port is closed: had the query been sent, the error would be "cannot reach", not this one.
    with pytest.raises(remote.RemoteError, match="only SELECT queries"):
        remote.select(f"http://127.0.0.1:{free_port()}/sparql", text)


def test_select_with_keywords_in_its_comments_is_sent_as_a_query(fake_endpoint):
    # SPARQLWrapper alone takes this for a CONSTRUCT (or an update, for "add"): the form is read here.
    text = ("#+ summary: grade by construct\n#+ question: add the numbers\n#+ tags: describe, construct\n"
            "PREFIX x: <http://x/#construct>\nSELECT ?construct WHERE { ?construct ?p ?o }")
    assert remote.query_form(text) == "SELECT"
    body = b'{"head": {"vars": ["construct"]}, "results": {"bindings": [{"construct": {"type": "uri", "value": "http://x/a"}}]}}'
    url = fake_endpoint(content_type="application/sparql-results+json", body=body)
    assert remote.select(url, text) == (["construct"], [[ox.NamedNode("http://x/a")]])


def test_remote_only_options_need_an_endpoint(built):
    assert_clean_usage_error(run("query", QUERY, "--timeout", "5", "--build-dir", built), "needs --endpoint")
    assert_clean_usage_error(run("query", QUERY, "--default-graph", "http://x/g"), "needs --endpoint")
    both = run("query", QUERY, "--endpoint", "http://127.0.0.1:1/sparql", "--build-dir", built)
    assert_clean_usage_error(both, "exclude each other")
    bad_graph = run("query", QUERY, "--endpoint", f"http://127.0.0.1:{free_port()}/", "--default-graph", "not an iri")
    assert_clean_usage_error(bad_graph, "--default-graph")
    assert run("query", QUERY, "--endpoint", "http://127.0.0.1:1/", "--timeout", "0").exit_code == 2


def test_results_json_becomes_pyoxigraph_terms():
    xsd = "http://www.w3.org/2001/XMLSchema#"
    body = json.dumps({"head": {"vars": ["a", "b", "c", "d", "e", "f", "g"]}, "results": {"bindings": [{
        "a": {"type": "uri", "value": "https://w3id.org/emkg/x"},
        "b": {"type": "literal", "value": "chat", "xml:lang": "fr"},
        "c": {"type": "typed-literal", "datatype": xsd + "int", "value": "7"},
        "d": {"type": "literal", "value": "plain"},
        "e": {"type": "bnode", "value": "nodeID://b10001"},
        "f": {"type": "typed-literal", "datatype": xsd + "boolean", "value": "1"},
    }]}}).encode()
    columns, [row] = remote.parse_results(body)
    assert columns == ["a", "b", "c", "d", "e", "f", "g"]
    assert row[:4] == [ox.NamedNode("https://w3id.org/emkg/x"), ox.Literal("chat", language="fr"),
                       ox.Literal("7", datatype=ox.NamedNode(xsd + "int")), ox.Literal("plain")]
    assert isinstance(row[4], ox.BlankNode)
    assert row[5] == ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean"))
    assert row[6] is None


def test_comparison_keeps_real_differences():
    xsd = "http://www.w3.org/2001/XMLSchema#"
    lit = lambda v, t: ox.Literal(v, datatype=ox.NamedNode(xsd + t))  # noqa: E731
    assert comparable([[lit("3", "integer")]]) == comparable([[lit("3", "int")]])
    assert comparable([[lit("1.0E1", "double")]]) == comparable([[lit("10.0", "double")]])
    for left, right in [(lit("3", "integer"), lit("3.0", "decimal")), (lit("3", "integer"), lit("4", "integer")),
                        (ox.Literal("a", language="en"), ox.Literal("a")), (ox.Literal("a"), None),
                        (ox.NamedNode("http://x/a"), ox.Literal("http://x/a"))]:
        assert comparable([[left]]) != comparable([[right]])
    joined = {"t": "; "}
    assert comparable([[ox.Literal("a; b")]], ["t"], joined) == comparable([[ox.Literal("b; a")]], ["t"], joined)
    assert comparable([[ox.Literal("a; b")]], ["t"], joined) != comparable([[ox.Literal("a; c")]], ["t"], joined)


def test_query_without_endpoint_does_not_import_the_http_client(built):
    code = ("import sys; from click.testing import CliRunner; from emkg.cli import main; "
            f"r = CliRunner().invoke(main, ['query', '{QUERY}', '--build-dir', sys.argv[1]]); "
            "assert r.exit_code == 0, r.output; print('emkg.remote' in sys.modules or 'http.client' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code, str(built)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
