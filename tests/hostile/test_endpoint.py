"""`emkg query --endpoint`: bad URLs and timeouts refused before any connection; hostile servers bounded.

Fake endpoints are small servers on 127.0.0.1 started here (threads, each connection bounded to
conftest.SERVER_LIFETIME). The audit recorder allows a connection to the fake endpoint's own port only,
so a followed redirect to another port, or any name lookup other than 127.0.0.1, fails the test.
"""

from __future__ import annotations

import json
import time

import pytest
from fenced import refused, run

QUERY = "patients-by-relapse-site"
TIMEOUT = 2.0
SLACK = 8.0  # interpreter start and exit on a loaded machine, beyond the --timeout itself

URLS = {
    "unclosed-ipv6": ("http://[::1/sparql", "Invalid IPv6 URL"),
    "port-99999": ("http://127.0.0.1:99999/sparql", "Port out of range"),
    "port-0": ("http://127.0.0.1:0/sparql", "port must be a number from 1 to 65535"),
    "port-negative": ("http://127.0.0.1:-1/sparql", "not a valid URL"),
    "port-not-a-number": ("http://127.0.0.1:80a/sparql", "not a valid URL"),
    "empty-port": ("http://127.0.0.1:/sparql", "port must be a number"),
    "user-password": ("http://user:password@127.0.0.1/sparql", "must not carry a user name or password"),
    "user-only": ("http://evil.example@127.0.0.1/sparql", "must not carry a user name or password"),
    "ftp": ("ftp://127.0.0.1/sparql", "must be an http:// or https:// URL"),
    "file": ("file:///etc/passwd", "must be an http:// or https:// URL"),
    "gopher": ("gopher://127.0.0.1:70/_", "must be an http:// or https:// URL"),
    "no-scheme": ("//127.0.0.1/sparql", "must be an http:// or https:// URL"),
    "no-host": ("http:///sparql", "must be an http:// or https:// URL"),
    "white-space": ("http://127.0.0.1/spa rql", "white space"),
    "escape-sequence": ("http://127.0.0.1/\x1b[2J", "printable ASCII"),
    "non-ascii-host": ("http://ex\u00e4mple.org/sparql", "printable ASCII"),
    "underscore-host": ("http://bad_host.example/sparql", "not a valid host name"),
    "fragment": ("http://127.0.0.1/sparql#x", "fragment"),
}


@pytest.mark.parametrize("case", sorted(URLS))
def test_bad_endpoint_url_is_refused_before_any_connection(case, tmp_path):
    url, fragment = URLS[case]
    result = run(["query", QUERY, "--endpoint", url, "--timeout", TIMEOUT], tmp_path, category="endpoint url")
    refused(result, fragment, codes=(2,))  # and, by the audit: no socket event at all
    assert "\x1b" not in result.output


TIMEOUTS = ["inf", "-inf", "nan", "-1", "0", "1e309", "abc", "99999", ""]


@pytest.mark.parametrize("value", TIMEOUTS)
def test_timeout_must_be_finite_and_positive(value, tmp_path):
    result = run(["query", QUERY, "--endpoint", "http://127.0.0.1:9/sparql", "--timeout", value], tmp_path,
                 category="timeout")
    refused(result, "--timeout must be a finite number of seconds", codes=(2,))


# --- hostile servers --------------------------------------------------------------------------------

def _headers(status="200 OK", extra=b"", content_type=b"application/sparql-results+json"):
    return f"HTTP/1.1 {status}\r\n".encode() + b"Content-Type: " + content_type + b"\r\nConnection: close\r\n" + extra


def trickle_headers(conn, request, server):
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    while not server.expired():
        conn.sendall(b"X")  # one byte of a header line every 0.2 s: each read succeeds, none completes
        time.sleep(0.2)


def trickle_body(conn, request, server):
    conn.sendall(_headers(extra=b"Content-Length: 1000000\r\n\r\n") + b'{"head": {"vars": ["a"]}, "results": ')
    while not server.expired():
        conn.sendall(b" ")
        time.sleep(0.2)


def silent(conn, request, server):
    while not server.expired():
        time.sleep(0.2)


def one_gigabyte(conn, request, server):
    conn.sendall(_headers(extra=b"\r\n") + b'{"head": {"vars": ["a"]}, "results": {"bindings": [')
    row = b'{"a": {"type": "literal", "value": "' + b"x" * 1000 + b'"}},'
    chunk = row * 64
    sent = 0
    while sent < 1 << 30 and not server.expired():
        conn.sendall(chunk)
        sent += len(chunk)


def announced_gigabyte(conn, request, server):
    conn.sendall(_headers(extra=b"Content-Length: 1073741824\r\n\r\n") + b"{")


def nested_json(conn, request, server):
    conn.sendall(_headers(extra=b"\r\n") + b"[" * 200_000 + b"]" * 200_000)


def nested_in_a_term(conn, request, server):
    value = b"[" * 500 + b"]" * 500
    start = b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": '
    conn.sendall(_headers(extra=b"\r\n") + start + value + b"}]}}")


def huge_number(conn, request, server):
    conn.sendall(_headers(extra=b"\r\n") + b'{"head": {"vars": ["a"]}, "x": ' + b"9" * 5000 + b"}")


def invalid_utf8(conn, request, server):
    conn.sendall(_headers(extra=b"\r\n") + b"\xff\xfe\xfd{")


def redirect_to(location_for):
    def behaviour(conn, request, server):
        location = location_for(server).encode()
        conn.sendall(_headers("302 Found", b"Location: " + location + b"\r\nContent-Length: 0\r\n\r\n"))
    return behaviour


def huge_header_line(conn, request, server):
    conn.sendall(_headers(extra=b"X-Long: " + b"a" * 200_000 + b"\r\n\r\n{}"))


def many_headers(conn, request, server):
    conn.sendall(_headers(extra=b"".join(b"X-%d: 1\r\n" % i for i in range(500)) + b"\r\n{}"))


def error_with_escapes(conn, request, server):
    body = b"\x1b]0;owned\x07\x1b[2J\x1b[31mboom\r\ncarriage"
    conn.sendall(_headers("500 Internal Server Error", b"Content-Length: %d\r\n\r\n" % len(body)) + body)


def garbage_status(conn, request, server):
    conn.sendall(b"HELLO THERE\r\n\r\n")


def html_page(conn, request, server):
    body = b"<html><body>Welcome</body></html>"
    conn.sendall(_headers(content_type=b"text/html", extra=b"Content-Length: %d\r\n\r\n" % len(body)) + body)


SERVERS = {
    "trickling-headers": (trickle_headers, "did not answer within 2 s"),
    "trickling-body": (trickle_body, "did not answer within 2 s"),
    "silent": (silent, "did not answer within 2 s"),
    "one-gigabyte-answer": (one_gigabyte, "over the limit"),
    "announced-gigabyte": (announced_gigabyte, "announced an answer of 1,073,741,824 bytes"),
    "deeply-nested-json": (nested_json, "nested too deeply"),
    "nested-json-in-a-term": (nested_in_a_term, "malformed result term"),
    "5000-digit-number": (huge_number, "did not answer with SPARQL results JSON"),
    "invalid-utf8": (invalid_utf8, "did not answer with SPARQL results JSON"),
    "redirect-to-ftp": (redirect_to(lambda s: "ftp://127.0.0.1/sparql"), "not followed"),
    "redirect-to-file": (redirect_to(lambda s: "file:///etc/passwd"), "not followed"),
    "redirect-to-other-port": (redirect_to(lambda s: f"http://127.0.0.1:{s.port + 1}/sparql"), "not followed"),
    "redirect-to-other-host": (redirect_to(lambda s: f"http://localhost:{s.port}/sparql"), "not followed"),
    "redirect-to-https": (redirect_to(lambda s: f"https://127.0.0.1:{s.port}/sparql"), "not followed"),
    "redirect-with-credentials": (redirect_to(lambda s: f"http://u:p@127.0.0.1:{s.port}/x"), "user name or password"),
    "redirect-loop": (redirect_to(lambda s: s.url), "redirected more than 3 times"),
    "huge-header-line": (huge_header_line, "cannot query"),
    "500-headers": (many_headers, "cannot query"),
    "error-with-escape-sequences": (error_with_escapes, "HTTP 500"),
    "garbage-status-line": (garbage_status, "cannot query"),
    "html-page": (html_page, "did not answer with SPARQL results JSON"),
}


@pytest.mark.parametrize("case", sorted(SERVERS))
def test_hostile_endpoint_answer_is_bounded(case, fake_endpoint, tmp_path):
    behaviour, fragment = SERVERS[case]
    server = fake_endpoint(behaviour)
    result = run(["query", QUERY, "--endpoint", server.url, "--timeout", TIMEOUT], tmp_path,
                 category="endpoint answer", connect=[server.port])
    refused(result, fragment, codes=(2,))
    assert result.seconds < TIMEOUT + SLACK, result.describe()
    assert not any(c in result.output for c in "\x1b\x07\r"), result.describe()


def test_the_recorder_sees_a_connection_it_was_not_told_about(fake_endpoint, tmp_path):
    # the audit check itself: the same run, with the fake endpoint's port not allowed, is a violation
    server = fake_endpoint(html_page)
    result = run(["query", QUERY, "--endpoint", server.url, "--timeout", TIMEOUT], tmp_path,
                 category="endpoint answer")
    assert any(v.startswith("connect:") for v in result.violations), result.describe()


def test_a_well_behaved_endpoint_still_works(fake_endpoint, tmp_path):
    answer = {"head": {"vars": ["patient"]}, "results": {"bindings": [
        {"patient": {"type": "uri", "value": "https://w3id.org/emkg/case/x/P1"}}]}}
    body = json.dumps(answer).encode()

    def behaviour(conn, request, server):
        conn.sendall(_headers(extra=b"Content-Length: %d\r\n\r\n" % len(body)) + body)

    server = fake_endpoint(behaviour)
    result = run(["query", QUERY, "--endpoint", server.url, "--timeout", TIMEOUT, "--format", "json"], tmp_path,
                 category="endpoint answer", connect=[server.port])
    assert result.code == 0, result.describe()
    assert json.loads(result.stdout) == answer
    assert not result.violations


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_a_same_origin_redirect_is_followed_with_the_query(method, fake_endpoint, tmp_path):
    answer = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "7"}}]}}
    body = json.dumps(answer).encode()

    def behaviour(conn, request, server):
        if request.split(b" ", 2)[1].startswith(b"/sparql"):
            conn.sendall(_headers("307 Temporary Redirect", b"Location: /moved?x=1\r\nContent-Length: 0\r\n\r\n"))
        else:
            conn.sendall(_headers(extra=b"Content-Length: %d\r\n\r\n" % len(body)) + body)

    server = fake_endpoint(behaviour)
    result = run(["query", QUERY, "--endpoint", server.url, "--timeout", TIMEOUT, "--format", "json",
                  "--http-method", method], tmp_path, category="endpoint answer", connect=[server.port])
    assert result.code == 0 and json.loads(result.stdout) == answer, result.describe()
    assert not result.violations
    moved = [r for r in server.requests if b" /moved?x=1" in r.split(b"\r\n", 1)[0]]
    assert moved and b"query=" in moved[0], server.requests  # the query went along (body or URL)
