"""emkg serve's /sparql request checks, with their exact status and message, over a two-triple store
(no build needed; tests/web/test_serve_protocol.py drives the endpoint over the seed graph)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest
from conftest import serving

ONE_QUERY = "give exactly one query (query=... or a application/sparql-query body)\n"
READ_ONLY = "updates are refused: this endpoint is read-only\n"
DATASET = "default-graph-uri / named-graph-uri are refused: the endpoint queries the built graph only\n"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def small_endpoint(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small-store") / "store"
    db = ox.Store(str(folder))
    ex = "http://example.org/"
    db.extend([ox.Quad(ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.Literal("1")),
               ox.Quad(ox.NamedNode(ex + "b"), ox.NamedNode(ex + "p"), ox.Literal("2"))])
    db.flush()
    del db
    yield from serving(folder, timeout=10, max_rows=100, workers=1)


def ask(endpoint, path, data=None, headers=None):
    """(status, content type, body text) of one request."""
    request = urllib.request.Request(f"{endpoint}{path}", data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type"), response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type"), exc.read().decode()


def url(**params) -> str:
    return "/sparql?" + urllib.parse.urlencode(params, doseq=True)


def test_one_query_is_answered(small_endpoint):
    status, media_type, body = ask(small_endpoint, url(query=COUNT), headers={"Accept": "application/json"})
    assert (status, media_type) == (200, "application/json")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"
    status, _, body = ask(small_endpoint, "/sparql", COUNT.encode(), {"Content-Type": "application/sparql-query",
                                                                     "Accept": "application/json"})
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"


@pytest.mark.parametrize("path, data, headers", [
    ("/sparql", None, {}),  # no query at all
    (url(query=[COUNT, COUNT]), None, {}),  # two queries, both valid
    (url(query=[COUNT, "ASK {}"]), None, {}),
    (url(query=""), None, {}),  # one empty query
    (url(query="  \n "), None, {}),  # one blank query
    ("/sparql", urllib.parse.urlencode({"query": [COUNT, COUNT]}, doseq=True).encode(), FORM),
    ("/sparql", urllib.parse.urlencode({"other": "x"}).encode(), FORM),
    ("/sparql", b" ", {"Content-Type": "application/sparql-query"}),
])
def test_not_exactly_one_query_is_a_bad_request(small_endpoint, path, data, headers):
    assert ask(small_endpoint, path, data, headers) == (400, "text/plain; charset=utf-8", ONE_QUERY)


@pytest.mark.parametrize("path, data, headers, expected", [
    (url(update="DROP ALL"), None, {}, (403, READ_ONLY)),
    ("/sparql", urllib.parse.urlencode({"update": "DROP ALL"}).encode(), FORM, (403, READ_ONLY)),
    ("/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update"}, (403, READ_ONLY)),
    (url(query=COUNT, **{"default-graph-uri": "http://example.org/g"}), None, {}, (403, DATASET)),
    (url(query=COUNT, **{"named-graph-uri": "http://example.org/g"}), None, {}, (403, DATASET)),
    ("/sparql", COUNT.encode(), {"Content-Type": "text/plain"},
     (415, "POST a form (query=...) or application/sparql-query\n")),
])
def test_refused_requests_say_why(small_endpoint, path, data, headers, expected):
    status, media_type, body = ask(small_endpoint, path, data, headers)
    assert (status, body) == expected and media_type == "text/plain; charset=utf-8"
