"""RDF submissions, exact: every refusal's whole message (file, where, why) and the CURIE and first line of
every subject, for Turtle (full IRIs, declared prefixes, quoted IRIs) and JSON-LD."""

from __future__ import annotations

import pytest

from loaders.rdf_input import read_rdf
from loaders.source_map import Unusable

REMOTE = "remote or file context {!r} is not accepted (it would be fetched); put the context inline as an object"


@pytest.mark.parametrize(("text", "fmt", "message"), [
    ("", "turtle", "s.ttl: no triples in the file"),
    ('{"@context": {}, "@id": "http://x/a"}', "json-ld", "s.ttl: no triples in the file"),
    ("<a> <b> .", "turtle",
     "s.ttl: not valid turtle: Parser error at line 1 column 9: . is not a valid RDF object (line 1)"),
    ("<http://x/a> <http://x/b> <http://x/c>", "n-triples",
     "s.ttl: not valid n-triples: Parser error at line 1 column 39: Triples must be followed by a dot (line 1)"),
    ('<http://x/a> <http://x/b> "' + "a" * 100_001 + '" .', "turtle",
     "s.ttl: a literal of 100,001 characters, over the limit of 100,000"),
    ('{"@context": "http://x/c", "@id": "http://x/a"}', "json-ld", "s.ttl: $.@context: " + REMOTE.format("http://x/c")),
    ('{"@context": [{}, "http://x/c"]}', "json-ld", "s.ttl: $.@context: " + REMOTE.format("http://x/c")),
    ('{"a": [{"@context": "f.jsonld"}]}', "json-ld", "s.ttl: $.a[0].@context: " + REMOTE.format("f.jsonld")),
    ('{"@context": [null, 5]}', "json-ld", "s.ttl: $.@context: a context is an object"),
    ('{"@context": {"@import": "http://x/c"}}', "json-ld",
     "s.ttl: $.@context.@import: imported contexts are not accepted (they would be fetched); put the context inline"),
    ('{\n"a": }', "json-ld", "s.ttl:2: not valid JSON: Expecting value"),
    ('{"@context": {}, "http://x/p": ' + "[" * 100 + "]" * 100 + "}", "json-ld",
     "s.ttl:1: JSON nested deeper than 100 levels"),
    ("<relative> <http://x/p> <http://x/o> .", "turtle", "s.ttl: not valid turtle: Base <urn:emkg:submission:> has "
     "no slash after colon - with relative 'relative'."),
    ("[1" + "0" * 5000 + "]", "json-ld", "s.ttl: not valid JSON: a number with more than 4,300 digits"),
])
def test_an_unusable_rdf_submission_says_where_and_why(text, fmt, message):
    with pytest.raises(Unusable) as caught:
        read_rdf(text, "s.ttl", fmt)
    assert str(caught.value) == message


TURTLE = """\
@prefix emkg: <https://w3id.org/emkg/> .
@prefix ex: <http://example.org/> .

ex:a emkg:hasSite <http://purl.obolibrary.org/obo/UBERON_0000473> ; emkg:conflictsWith ex:c .
<http://example.org/b> emkg:aboutPatient ex:a .
ex:c emkg:note "text" .
"""


def test_every_subject_has_its_curie_and_the_first_line_it_is_written_on():
    graph, locations = read_rdf(TURTLE, "s.ttl", "turtle")
    assert len(graph) == 4
    assert {str(s): where for s, where in locations.items()} == {
        "http://example.org/a": ("http://example.org/a", 4),
        "http://example.org/b": ("http://example.org/b", 5),
        "http://example.org/c": ("http://example.org/c", 4),  # first written as an object
    }
    jsonld = '{"@context": {"emkg": "https://w3id.org/emkg/"},\n "@id": "https://w3id.org/emkg/case/p/P1",\n' \
             ' "emkg:note": "x"}'
    graph, locations = read_rdf(jsonld, "s.jsonld", "json-ld")
    assert [(str(s), where) for s, where in locations.items()] == [
        ("https://w3id.org/emkg/case/p/P1", ("emkg:case/p/P1", 2))]


def test_json_ld_nested_exactly_100_levels_is_read():
    """The refusal above is at 101 levels; 100 (the stated limit, loaders.limits.MAX_NESTING) are read."""
    text = '{"@context": {}, "@id": "http://x/a", "http://x/p": ' + "[" * 99 + '"v"' + "]" * 99 + "}"
    graph, locations = read_rdf(text, "s.jsonld", "json-ld")
    assert [tuple(str(term) for term in triple) for triple in graph] == [("http://x/a", "http://x/p", "v")]
    assert {str(s): where for s, where in locations.items()} == {"http://x/a": ("http://x/a", 1)}
