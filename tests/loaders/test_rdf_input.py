"""RDF submissions: fresh graph, no remote or file contexts, nothing fetched or opened."""

from __future__ import annotations

import builtins
import json
import socket
import urllib.request
from pathlib import Path

import pytest

from loaders.rdf_input import read_rdf
from loaders.source_map import Unusable

VALID = Path(__file__).parent.parent / "records" / "valid"


@pytest.fixture
def no_network_no_files(monkeypatch):
    """Any network connection fails the test; every file opened is recorded."""
    opened: list[str] = []

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    real_open = builtins.open

    def recording_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(builtins, "open", recording_open)
    return opened


def test_turtle_and_jsonld_give_the_same_graph_with_lines():
    ttl, where = read_rdf((VALID / "minimal-case.ttl").read_text(), "c.ttl", "turtle")
    jsonld, _ = read_rdf((VALID / "minimal-case.jsonld").read_text(), "c.jsonld", "json-ld")
    assert set(ttl) == set(jsonld) and len(ttl) > 50
    field, line = where[next(s for s in ttl.subjects() if str(s).endswith("/P1/crs"))]
    assert field == "emkg:case/test-minimal-case/P1/crs" and "P1/crs>" in \
        (VALID / "minimal-case.ttl").read_text().splitlines()[line - 1]


@pytest.mark.parametrize("context", ["https://example.org/context.jsonld", "file:///etc/passwd", "context.jsonld",
                                     ["https://example.org/a.jsonld", {"ex": "https://example.org/"}],
                                     {"@import": "https://example.org/a.jsonld"}])
def test_jsonld_remote_or_file_context_is_rejected_without_any_fetch(no_network_no_files, context):
    document = {"@context": context, "@id": "https://example.org/x", "https://example.org/p": "v"}
    with pytest.raises(Unusable, match="fetched"):
        read_rdf(json.dumps(document), "x.jsonld", "json-ld")
    nested = {"@context": {}, "@graph": [{"@context": context, "@id": "https://example.org/x"}]}
    with pytest.raises(Unusable, match="fetched"):
        read_rdf(json.dumps(nested), "x.jsonld", "json-ld")
    assert not [f for f in no_network_no_files if "passwd" in f or "context" in f]


def test_turtle_base_and_sparql_text_open_and_fetch_nothing(no_network_no_files):
    text = ('@base <file:///etc/passwd> .\n@prefix sh: <http://www.w3.org/ns/shacl#> .\n'
            '<x> a sh:NodeShape ; sh:select "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }" ;\n'
            '  <http://www.w3.org/2002/07/owl#imports> <http://example.org/onto.ttl> .\n')
    graph, _ = read_rdf(text, "x.ttl", "turtle")
    assert len(graph) == 3
    assert not [f for f in no_network_no_files if "passwd" in f]


@pytest.mark.parametrize("text, fmt", [("<a> <b> .", "turtle"), ('{"@id": ', "json-ld"), ("# nothing\n", "turtle")])
def test_broken_rdf_is_unusable(text, fmt):
    with pytest.raises(Unusable):
        read_rdf(text, "x", fmt)
