"""emkg.shacl._ParsedOnceGraph: the scratch data graph pySHACL queries answers every call exactly as an rdflib
Graph does, and parses each SPARQL text once per (text, base, namespaces), not once per focus node.

The validations that use it take seconds; these calls take milliseconds, so a wrong answer or a cache that mixes
up two queries is found here first."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef

from emkg.shacl import _ParsedOnceGraph

A = Namespace("http://a.example/")
B = Namespace("http://b.example/")
TRIPLES = [(A.x, A.p, Literal(1)), (A.y, A.p, Literal(2)), (B.x, B.p, Literal(3)), (A.x, A.q, A.y)]


def _graphs() -> tuple[Graph, _ParsedOnceGraph]:
    plain, scratch = Graph(), _ParsedOnceGraph()
    for triple in TRIPLES:
        plain.add(triple)
        scratch.add(triple)
    return plain, scratch


def _rows(result) -> list:
    return sorted(tuple(row) for row in result)


CALLS = [
    ("default arguments", ("SELECT ?s ?o WHERE { ?s <http://a.example/p> ?o }",), {}),
    ("a relative IRI read against base a", ("SELECT ?s ?o WHERE { ?s <p> ?o }",), {"base": "http://a.example/"}),
    ("the same text against base b", ("SELECT ?s ?o WHERE { ?s <p> ?o }",), {"base": "http://b.example/"}),
    ("a prefix from initNs a", ("SELECT ?s ?o WHERE { ?s ex:p ?o }",), {"initNs": {"ex": A}}),
    ("the same text with ex bound to b", ("SELECT ?s ?o WHERE { ?s ex:p ?o }",), {"initNs": {"ex": B}}),
    ("$this bound as pySHACL binds it", ("SELECT ?o WHERE { $this <http://a.example/p> ?o }",),
     {"initBindings": {"this": A.y}}),
    ("an ASK", ("ASK { <http://a.example/x> <http://a.example/q> <http://a.example/y> }",), {}),
    ("processor and result named", ("SELECT ?o WHERE { ?s <http://b.example/p> ?o }", "sparql", "sparql"), {}),
]


@pytest.mark.parametrize("args,kwargs", [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_each_call_answers_as_rdflib_does(args, kwargs):
    plain, scratch = _graphs()
    expected = _rows(plain.query(*args, **kwargs)) if "ASK" not in args[0] else plain.query(*args, **kwargs).askAnswer
    found = scratch.query(*args, **kwargs)
    assert (_rows(found) if "ASK" not in args[0] else found.askAnswer) == expected


def test_the_answers_themselves():
    """Not only the same as rdflib: the values a reader expects, so a mistake in both would show too."""
    _, scratch = _graphs()
    text = "SELECT ?s ?o WHERE { ?s <p> ?o }"
    assert _rows(scratch.query(text, base="http://a.example/")) == [(A.x, Literal(1)), (A.y, Literal(2))]
    assert _rows(scratch.query(text, base="http://b.example/")) == [(B.x, Literal(3))]
    prefixed = "SELECT ?o WHERE { ?s ex:p ?o }"
    assert _rows(scratch.query(prefixed, initNs={"ex": B})) == [(Literal(3),)]
    assert _rows(scratch.query(prefixed, initNs={"ex": A})) == [(Literal(1),), (Literal(2),)]
    bound = "SELECT ?o WHERE { $this <http://a.example/p> ?o }"
    assert _rows(scratch.query(bound, initBindings={"this": A.x})) == [(Literal(1),)]
    assert _rows(scratch.query(bound, initBindings={"this": A.y})) == [(Literal(2),)]


def test_each_text_is_parsed_once_per_base_and_namespaces():
    _, scratch = _graphs()
    text = "SELECT ?o WHERE { $this <p> ?o }"
    for node in (A.x, A.y, A.x):
        scratch.query(text, base="http://a.example/", initBindings={"this": node})
    assert list(scratch._parsed) == [(text, "http://a.example/", ())]
    parsed = scratch._parsed[(text, "http://a.example/", ())]
    scratch.query(text, base="http://a.example/", initBindings={"this": A.y})
    assert scratch._parsed[(text, "http://a.example/", ())] is parsed, "parsed again"
    scratch.query(text, base="http://b.example/")
    scratch.query("SELECT ?o WHERE { ?s ex:p ?o }", initNs={"ex": A})
    assert sorted(scratch._parsed, key=str) == sorted(
        [(text, "http://a.example/", ()), (text, "http://b.example/", ()),
         ("SELECT ?o WHERE { ?s ex:p ?o }", None, (("ex", A),))], key=str)


def test_a_parsed_query_is_passed_through():
    from rdflib.plugins.sparql import prepareQuery

    _, scratch = _graphs()
    query = prepareQuery("SELECT ?o WHERE { <http://a.example/x> <http://a.example/q> ?o }")
    assert _rows(scratch.query(query)) == [(URIRef("http://a.example/y"),)]
    assert scratch._parsed == {}
