"""Run a stored query on a remote SPARQL 1.1 endpoint and read back the same rows, safely.

The query text sent is exactly what `store.bind_values` produces for the embedded store: parameters are
bound as a VALUES block of validated RDF terms, so no user text is ever pasted into the query. Results
come back as SPARQL 1.1 results JSON and are turned into the pyoxigraph terms `store.select` returns, so
`output.render` prints both the same way.

The HTTP exchange is the SPARQL 1.1 Protocol's simplest form (`query=` and `default-graph-uri=` as a
form body for POST or in the URL for GET) over the standard library's http.client, not SPARQLWrapper:
SPARQLWrapper (through urllib) follows any redirect urllib accepts (http -> ftp:// was followed), has
only a per-read socket timeout (a server trickling one byte a second never times out), reads the whole
answer into memory with no cap, and passes a `user:password@` URL on whole. Here:
- one deadline per request covers name lookup, connect, headers and body: the exchange runs in a
  worker thread that is abandoned (and its socket shut) when the deadline passes;
- the answer is read in chunks and refused past `limits.MAX_RESPONSE_BYTES` (or a larger
  Content-Length is refused before reading);
- redirects are followed only to the same scheme, host and port (at most MAX_REDIRECTS);
- URLs with credentials, bad ports (0, 99999), malformed hosts, white space or control characters are
  refused before anything is sent; `timeout` must be finite, positive and at most MAX_TIMEOUT_SECONDS.

Every failure is raised as one `RemoteError` with a one-line message; the CLI prints it and exits 2.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import threading
from urllib.parse import urlencode, urljoin, urlsplit

import pyoxigraph as ox

from emkg import __version__
from emkg.store import bind_values
from loaders.limits import MAX_RESPONSE_BYTES, MAX_TIMEOUT_SECONDS

DEFAULT_TIMEOUT = 30.0
METHODS = ("POST", "GET")
MAX_REDIRECTS = 3
_CHUNK = 1 << 16
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN_CANONICAL = {"1": "true", "0": "false"}
_STATUS = {400: "bad query", 401: "unauthorized", 403: "forbidden", 404: "not found", 414: "URI too long, try POST",
           500: "internal error", 502: "bad gateway", 503: "unavailable"}
_REDIRECTS = (301, 302, 303, 307, 308)
_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?)+$|^\[[0-9A-Fa-f:.]+\]$")
_ACCEPT = "application/sparql-results+json"

Row = list[ox.NamedNode | ox.Literal | ox.BlankNode | None]


class RemoteError(Exception):
    """The endpoint could not answer the query; the message is one line, fit to show a researcher."""


def check_endpoint(url: str) -> str:
    """Accept only absolute http(s) URLs with a valid host and port and no credentials; refuse the rest."""
    if any(c.isspace() for c in url):
        raise RemoteError(f"--endpoint must not contain white space, got {_shown(url)}")
    if any(ord(c) < 0x20 or ord(c) >= 0x7F for c in url):
        raise RemoteError(f"--endpoint must be printable ASCII (percent-encode the rest), got {_shown(url)}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", "Port could not be cast ..."
        raise RemoteError(f"--endpoint is not a valid URL ({exc}): {_shown(url)}") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"--endpoint must be an http:// or https:// URL, got {_shown(url)}")
    if parts.username is not None or parts.password is not None:
        raise RemoteError("--endpoint must not carry a user name or password (user:password@host): they would "
                          "be sent in clear and end up in logs; use an endpoint that needs none")
    if port == 0 or (parts.netloc.endswith(":") and port is None):
        raise RemoteError(f"--endpoint port must be a number from 1 to 65535, got {_shown(url)}")
    host = parts.netloc.rpartition("@")[2]
    host = host[: host.rindex(":")] if port is not None else host
    if not _HOST.match(host):
        raise RemoteError(f"--endpoint host {host!r} is not a valid host name or address")
    if parts.fragment or "#" in url:
        raise RemoteError(f"--endpoint must not contain a fragment ('#'), got {_shown(url)}")
    return url


def check_timeout(timeout) -> float:
    """A finite number of seconds above 0 and at most MAX_TIMEOUT_SECONDS (inf, nan, 0 and -1 are refused)."""
    try:
        value = float(timeout)
    except (TypeError, ValueError):
        raise RemoteError(f"--timeout must be a number of seconds, got {timeout!r}") from None
    if not math.isfinite(value) or not 0 < value <= MAX_TIMEOUT_SECONDS:
        raise RemoteError(f"--timeout must be a finite number of seconds above 0 and at most "
                          f"{MAX_TIMEOUT_SECONDS}, got {timeout!r}")
    return value


def check_graph(iri: str) -> str:
    """A default graph must be an absolute IRI (pyoxigraph checks the syntax)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise RemoteError(f"--default-graph must be an absolute IRI, got {_shown(iri)}") from None
    if ":" not in iri:
        raise RemoteError(f"--default-graph must be an absolute IRI, got {_shown(iri)}")
    return iri


def select(endpoint: str, query: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None, *,
           timeout: float = DEFAULT_TIMEOUT, default_graph: str | None = None, method: str = "POST",
           max_bytes: int = MAX_RESPONSE_BYTES) -> tuple[list[str], list[Row]]:
    """Run a SELECT query with typed bindings on `endpoint`; return (columns, rows) like `store.select`."""
    check_endpoint(endpoint)
    if method not in METHODS:
        raise RemoteError(f"HTTP method must be one of {', '.join(METHODS)}, got {method!r}")
    timeout = check_timeout(timeout)
    form = query_form(query)
    if form != "SELECT":
        raise RemoteError(f"only SELECT queries can be run on an endpoint; this is a {form or 'unreadable'} query")
    fields = [("query", bind_values(query, bindings or {}))]
    if default_graph:
        fields.append(("default-graph-uri", check_graph(default_graph)))
    where = f"endpoint {endpoint}"
    body = _with_deadline(lambda abort: _request(endpoint, method, urlencode(fields), max_bytes, abort),
                          timeout, where)
    return parse_results(body, where)


def _with_deadline(work, timeout: float, where: str):
    """Run `work` in a worker thread; give up when `timeout` seconds have passed, whatever it is doing."""
    outcome: dict = {}
    sockets: list[socket.socket] = []

    def run():
        try:
            outcome["value"] = work(sockets)
        except BaseException as exc:  # handed to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="emkg-remote", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():  # trickling headers or body, a hung name lookup: stop reading and abandon it
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        raise RemoteError(f"{where} did not answer within {timeout:g} s (--timeout)")
    if "error" in outcome:
        error = outcome["error"]
        if isinstance(error, RemoteError):
            raise error
        if isinstance(error, TimeoutError):
            raise RemoteError(f"{where} did not answer within {timeout:g} s (--timeout)")
        if isinstance(error, ConnectionRefusedError | socket.gaierror):
            raise RemoteError(f"cannot reach {where}: {_one_line(str(error)) or type(error).__name__}")
        if isinstance(error, OSError | ValueError | EOFError) or type(error).__module__ == "http.client":
            # reset connections, malformed HTTP, over-long header lines
            raise RemoteError(f"cannot query {where}: {_one_line(str(error)) or type(error).__name__}")
        raise error
    return outcome["value"]


def _request(endpoint: str, method: str, form: str, max_bytes: int, sockets: list) -> bytes:
    """POST or GET the query; follow same-origin redirects only; return the body of the 200 answer."""
    import http.client

    url = endpoint
    for _ in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        connection_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else \
            http.client.HTTPConnection
        connection = connection_class(parts.hostname, parts.port)
        target = parts.path or "/"
        headers = {"Accept": _ACCEPT, "User-Agent": f"emkg/{__version__}"}
        if method == "GET":
            target += f"?{parts.query}&{form}" if parts.query else f"?{form}"
            payload = None
        else:
            target += f"?{parts.query}" if parts.query else ""
            payload = form.encode("ascii")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.connect()
            sockets.append(connection.sock)
            connection.request(method, target, body=payload, headers=headers)
            response = connection.getresponse()
            if response.status in _REDIRECTS:
                location = response.getheader("Location") or ""
                following = urljoin(url, location)
                if not location or not _same_origin(url, following):
                    raise RemoteError(f"endpoint {endpoint} redirected to {_shown(following)}: another scheme, host "
                                      "or port, not followed")
                check_endpoint(following)
                url = following
                continue
            body = _read(response, max_bytes, endpoint)
        finally:
            connection.close()
        if response.status != 200:
            status = _STATUS.get(response.status, response.reason or "error")
            raise RemoteError(f"endpoint {endpoint} answered HTTP {response.status} ({status}){_server_says(body)}")
        return body
    raise RemoteError(f"endpoint {endpoint} redirected more than {MAX_REDIRECTS} times")


def _same_origin(first: str, second: str) -> bool:
    a, b = urlsplit(first), urlsplit(second)
    default = {"http": 80, "https": 443}
    try:
        return (a.scheme.lower() == b.scheme.lower() and (a.hostname or "") == (b.hostname or "")
                and (a.port or default.get(a.scheme.lower())) == (b.port or default.get(b.scheme.lower())))
    except ValueError:
        return False


def _read(response, max_bytes: int, endpoint: str) -> bytes:
    """The body, in chunks, refused as soon as it passes `max_bytes` (or announces more)."""
    announced = response.getheader("Content-Length")
    if announced and announced.strip().isdigit() and int(announced) > max_bytes:
        raise RemoteError(f"endpoint {endpoint} announced an answer of {int(announced):,} bytes, over the limit of "
                          f"{max_bytes:,}")
    chunks, size = [], 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise RemoteError(f"endpoint {endpoint} sent more than {max_bytes:,} bytes, over the limit; "
                              "ask for fewer rows")
        chunks.append(chunk)
    return b"".join(chunks)


_PROLOGUE_AND_FORM = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*([A-Za-z]+)", re.IGNORECASE)


def query_form(query: str) -> str:
    """The query's form keyword (SELECT, CONSTRUCT, ASK, DESCRIBE, INSERT ...) after comments and the prologue."""
    body = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
    match = _PROLOGUE_AND_FORM.match(body)
    return match.group(1).upper() if match else ""


def parse_results(body: bytes, where: str = "the endpoint") -> tuple[list[str], list[Row]]:
    """SPARQL 1.1 results JSON (SELECT form) -> column names and rows of pyoxigraph terms (None = unbound)."""
    try:
        data = json.loads(body)
    except RecursionError:
        raise RemoteError(f"{where} answered with JSON nested too deeply to be SPARQL results") from None
    except (UnicodeDecodeError, ValueError):  # JSONDecodeError is a ValueError, so is a 5,000-digit number
        start = _one_line(body[:80].decode("utf-8", "replace"))
        raise RemoteError(f"{where} did not answer with SPARQL results JSON (it began: {start!r})") from None
    try:
        columns = [str(v) for v in data["head"]["vars"]]
        bindings = data["results"]["bindings"]
        if not isinstance(bindings, list):
            raise TypeError
    except (KeyError, TypeError):
        kind = "an ASK answer" if isinstance(data, dict) and "boolean" in data else "not SELECT results"
        raise RemoteError(f"{where} answered with {kind}; stored queries are SELECT queries") from None
    blanks: dict[str, ox.BlankNode] = {}
    try:
        rows = [[_term(solution.get(column), blanks) for column in columns] for solution in bindings]
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise RemoteError(f"{where} sent a malformed result term: {_one_line(str(exc))}") from None
    return columns, rows


def _term(value: dict | None, blanks: dict[str, ox.BlankNode]):
    if value is None:
        return None
    kind, text = value["type"], value["value"]
    if kind == "uri":
        return ox.NamedNode(text)
    if kind == "bnode":
        # Labels are only meaningful within one answer, and some engines use labels Oxigraph does not
        # accept (Virtuoso: nodeID://b1); keep the identity, not the spelling.
        if text not in blanks:
            try:
                blanks[text] = ox.BlankNode(text)
            except ValueError:
                blanks[text] = ox.BlankNode()
        return blanks[text]
    if kind in ("literal", "typed-literal"):  # "typed-literal": the 2007 JSON format, still sent by Virtuoso
        language = value.get("xml:lang")
        if language:
            return ox.Literal(text, language=language)
        datatype = value.get("datatype")
        if datatype == _XSD_BOOLEAN:
            # "1" and "true" are the same xsd:boolean; Virtuoso writes 1/0, Oxigraph and the release true/false.
            text = _BOOLEAN_CANONICAL.get(text, text)
        if datatype and datatype not in (_XSD_STRING, _RDF_LANGSTRING):
            return ox.Literal(text, datatype=ox.NamedNode(datatype))
        return ox.Literal(text)
    raise ValueError(f"unknown term type {kind!r}")


def _server_says(body: bytes) -> str:
    text = _one_line(body[:400].decode("utf-8", "replace"))
    text = "".join(c if c.isprintable() else "?" for c in text)
    return f": {text[:200]}{'…' if len(text) > 200 else ''}" if text else ""


def _shown(text: str) -> str:
    """User text in a message: repr() escapes control characters, and long text is cut."""
    shown = repr(text)
    return shown if len(shown) <= 200 else shown[:199] + "…"


def _one_line(text: str) -> str:
    return " ".join(text.split())
