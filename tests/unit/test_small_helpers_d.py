"""Small helpers whose exact output the larger tests do not pin: Turtle string escaping in import
modules, the owned subject prefixes of a store patch, the not-UTF-8 record message."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS

from emkg import imports, storepatch
from emkg.namespaces import EMKG
from loaders.core import Problem, RecordInvalid
from loaders.yaml_record import read_record


def test_turtle_string_escapes_quotes_and_backslashes():
    assert imports._turtle_string('a "b" \\c') == '"a \\"b\\" \\\\c"'
    assert imports._turtle_string("plain") == '"plain"'


def test_import_module_keeps_a_label_with_quotes_and_backslashes():
    obo = ('[Term]\nid: NCIT:C1\nname: the "so-called" a\\b form\n'
           'synonym: "x \\"y\\"" EXACT []\n')
    graph = Graph().parse(data=imports.module_for(obo, "test slice"), format="turtle")
    term = URIRef(imports._iri("NCIT:C1"))
    assert set(graph.objects(term, RDFS.label)) == {Literal('the "so-called" a\\b form')}


def _publication_line(iri: str) -> bytes:
    return (f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{EMKG}Publication> .").encode()


def test_owned_subject_prefixes_are_the_publication_and_case_of_each_record():
    lines = {_publication_line(f"{EMKG}publication/smith2020"),
             b"<https://example.org/x> <https://example.org/p> <https://example.org/y> ."}
    assert storepatch._owned_subject_prefixes(lines) == (
        f"<{EMKG}publication/smith2020>".encode(), f"<{EMKG}publication/smith2020/".encode(),
        f"<{EMKG}case/smith2020>".encode(), f"<{EMKG}case/smith2020/".encode())


def test_owned_subject_prefixes_skip_a_publication_outside_the_publication_namespace():
    lines = {_publication_line(f"{EMKG}other/smith2020"), _publication_line("https://example.org/publication/z")}
    assert storepatch._owned_subject_prefixes(lines) == ()


def test_a_record_that_is_not_utf8_gets_one_problem(tmp_path):
    record = tmp_path / "latin1.yaml"
    record.write_bytes("id: caf\xe9\n".encode("latin-1"))
    with pytest.raises(RecordInvalid) as caught:
        read_record(record)
    assert caught.value.problems == [Problem("latin1.yaml", "(file)", None, "file is not UTF-8 text")]


_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:BigShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <https://example.org/p> ?value . FILTER(?value > 3) }" ;
              sh:message "{$this} has {?value}" ] .
ex:LoneShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:severity sh:Warning ;
  sh:sparql [ sh:select '''SELECT $this ?path WHERE { BIND(<https://w3id.org/emkg/q> AS ?path)
                                                 FILTER NOT EXISTS { $this ?path ?x } }''' ;
              sh:message "{$this} lacks {?path}, value {?value}" ] .
"""


def test_sparql_constraint_violations_carry_value_path_message_and_location():
    import pyoxigraph as ox

    from emkg import shacl_sparql
    from emkg.shacl import Violation

    data = Graph().parse(data="@prefix ex: <https://example.org/> . ex:a a ex:Thing ; ex:p 5 .", format="turtle")
    _, moved = shacl_sparql.split(Graph().parse(data=_SHAPES, format="turtle"))
    store = ox.Store()
    store.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    a = URIRef("https://example.org/a")
    found = shacl_sparql.evaluate(store, moved, data, {a: ("a.yaml", "cases[0]", 7)})
    assert found == [
        Violation("Violation", str(a), None, "sh:SPARQLConstraintComponent", "https://example.org/BigShape",
                  "https://example.org/a has 5", "5", "a.yaml", "cases[0]", 7),
        # no ?value selected: the focus node stands in, in the message too (as pySHACL does)
        Violation("Warning", str(a), "emkg:q", "sh:SPARQLConstraintComponent", "https://example.org/LoneShape",
                  "https://example.org/a lacks https://w3id.org/emkg/q, value https://example.org/a",
                  str(a), "a.yaml", "cases[0]", 7)]


def test_a_phenopacket_car_t_infusion_points_each_field_at_its_json_path_and_line():
    from pathlib import Path

    from loaders.phenopacket import convert

    packet = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.phenopacket.json"
    (record,) = convert(packet.read_text(encoding="utf-8"), packet.name).records
    facts = record.data["patients"][0]["facts"]
    index = [f["type"] for f in facts].index("car-t-infusion")
    where = {field: record.source.locate(f"patients[0].facts[{index}]{field}")
             for field in ("", ".product", ".dose")}
    assert where == {"": ("medicalActions[0].treatment", 15),
                     ".product": ("medicalActions[0].treatment.agent.id", 16),
                     ".dose": ("medicalActions[0].treatment.doseIntervals[0].quantity", 17)}
