"""Run a stored query on a remote SPARQL 1.1 endpoint (SPARQLWrapper) and read back the same rows.

The query text sent is exactly what `store.bind_values` produces for the embedded store: parameters are
bound as a VALUES block of validated RDF terms, so no user text is ever pasted into the query (SPARQLWrapper
has no parameter binding of its own). Results come back as SPARQL 1.1 results JSON and are turned into the
pyoxigraph terms `store.select` returns, so `output.render` prints both the same way.

Every failure (bad URL, refused connection, timeout, HTTP error, an answer that is not SELECT results
JSON) is raised as one `RemoteError` with a one-line message; the CLI prints it and exits 2.
SPARQLWrapper is imported inside `select`, so `emkg query` without --endpoint never loads it.
"""

from __future__ import annotations

import ast
import json
import re
import time
import urllib.error
import warnings
from urllib.parse import urlsplit

import pyoxigraph as ox

from emkg.store import bind_values

DEFAULT_TIMEOUT = 30.0
METHODS = ("POST", "GET")
_CHUNK = 1 << 16
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_BOOLEAN_CANONICAL = {"1": "true", "0": "false"}
# SPARQLWrapper turns these HTTP statuses into its own exceptions; say which status it was.
_STATUS = {"QueryBadFormed": "HTTP 400 (bad query)", "Unauthorized": "HTTP 401 (unauthorized)",
           "EndPointNotFound": "HTTP 404 (not found)", "URITooLong": "HTTP 414 (URI too long, try POST)",
           "EndPointInternalError": "HTTP 500 (internal error)"}

Row = list[ox.NamedNode | ox.Literal | ox.BlankNode | None]


class RemoteError(Exception):
    """The endpoint could not answer the query; the message is one line, fit to show a researcher."""


def check_endpoint(url: str) -> str:
    """Accept only absolute http(s) URLs with a host: no file:, ftp: or other schemes urllib would open."""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"--endpoint must be an http:// or https:// URL, got {url!r}")
    if any(c.isspace() for c in url):
        raise RemoteError(f"--endpoint must not contain white space, got {url!r}")
    return url


def check_graph(iri: str) -> str:
    """A default graph must be an absolute IRI (pyoxigraph checks the syntax)."""
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise RemoteError(f"--default-graph must be an absolute IRI, got {iri!r}") from None
    if ":" not in iri:
        raise RemoteError(f"--default-graph must be an absolute IRI, got {iri!r}")
    return iri


def select(endpoint: str, query: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None, *,
           timeout: float = DEFAULT_TIMEOUT, default_graph: str | None = None, method: str = "POST",
           ) -> tuple[list[str], list[Row]]:
    """Run a SELECT query with typed bindings on `endpoint`; return (columns, rows) like `store.select`."""
    from SPARQLWrapper import JSON, SELECT, SPARQLWrapper
    from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

    check_endpoint(endpoint)
    if method not in METHODS:
        raise RemoteError(f"HTTP method must be one of {', '.join(METHODS)}, got {method!r}")
    if not timeout > 0:
        raise RemoteError(f"--timeout must be a positive number of seconds, got {timeout!r}")
    form = query_form(query)
    if form != "SELECT":
        raise RemoteError(f"only SELECT queries can be run on an endpoint; this is a {form or 'unreadable'} query")
    text = bind_values(query, bindings or {})
    wrapper = SPARQLWrapper(endpoint)
    with warnings.catch_warnings():  # SPARQLWrapper warns when its own guess of the query form fails
        warnings.simplefilter("ignore")
        wrapper.setQuery(text)
    # SPARQLWrapper guesses the form by searching the text for the first keyword, and its comment
    # stripping skips every other comment line: a stored query whose header says "construct" or "add"
    # was taken for a CONSTRUCT or a SPARQL Update (sent as update=). The form is known: say so.
    wrapper.queryType = SELECT
    wrapper.setReturnFormat(JSON)
    wrapper.setMethod(method)
    # setTimeout() truncates to int, and int(0.5) == 0 means "no timeout" to SPARQLWrapper: set the float.
    wrapper.timeout = timeout
    if default_graph:
        wrapper.addDefaultGraph(check_graph(default_graph))
    where = f"endpoint {endpoint}"
    deadline = time.monotonic() + timeout
    try:
        response = wrapper.query().response
        body = _read(response, deadline, timeout)
    except SPARQLWrapperException as exc:
        status = _STATUS.get(type(exc).__name__, "an error")
        raise RemoteError(f"{where} answered {status}{_server_says(exc)}") from None
    except urllib.error.HTTPError as exc:
        raise RemoteError(f"{where} answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise RemoteError(f"{where} did not answer within {timeout:g} s (--timeout)") from None
        raise RemoteError(f"cannot reach {where}: {_one_line(str(reason))}") from None
    except TimeoutError:  # socket.timeout is TimeoutError since Python 3.10
        raise RemoteError(f"{where} did not answer within {timeout:g} s (--timeout)") from None
    except (OSError, ValueError) as exc:  # reset connections, malformed HTTP, bad proxy settings
        raise RemoteError(f"cannot query {where}: {_one_line(str(exc)) or type(exc).__name__}") from None
    return parse_results(body, where)


_PROLOGUE_AND_FORM = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*([A-Za-z]+)", re.IGNORECASE)


def query_form(query: str) -> str:
    """The query's form keyword (SELECT, CONSTRUCT, ASK, DESCRIBE, INSERT ...) after comments and the prologue."""
    body = "\n".join(line for line in query.splitlines() if not line.lstrip().startswith("#"))
    match = _PROLOGUE_AND_FORM.match(body)
    return match.group(1).upper() if match else ""


def _read(response, deadline: float, timeout: float) -> bytes:
    """Read the whole answer; the socket timeout bounds each read, the deadline bounds a slow trickle."""
    chunks = []
    while chunk := response.read(_CHUNK):
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise TimeoutError(f"answer not complete after {timeout:g} s")
    return b"".join(chunks)


def parse_results(body: bytes, where: str = "the endpoint") -> tuple[list[str], list[Row]]:
    """SPARQL 1.1 results JSON (SELECT form) -> column names and rows of pyoxigraph terms (None = unbound)."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
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


def _server_says(exc: Exception) -> str:
    # SPARQLWrapper keeps the server's body only inside its message, as the repr of the bytes.
    _, sep, body = str(exc).partition("Response:\n")
    if not sep:
        return ""
    try:
        text = ast.literal_eval(body)
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    except (ValueError, SyntaxError):
        text = body
    text = _one_line(text)
    return f" ({text[:200]}{'…' if len(text) > 200 else ''})" if text else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())
