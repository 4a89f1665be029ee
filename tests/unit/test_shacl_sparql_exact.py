"""emkg.shacl_sparql on hand-written SHACL-SPARQL shapes: which constraints move to Oxigraph (`split`), and that the
moved ones report exactly pySHACL's violations (message with every {?var} and {$this} filled as pySHACL fills
them, value, path, severity, focus, location), over targets of every kind and literals Oxigraph writes otherwise."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from emkg import shacl_sparql
from emkg.shacl import SH, validate

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""

MOVED = PREFIXES + """
ex:DoseShape a sh:NodeShape ; sh:targetClass ex:Dose ;
  sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <http://example.org/amount> ?value . FILTER(?value > 10) }" ;
              sh:message "dose {?value} of {$this} is above 10" ] .
ex:PathShape a sh:NodeShape ; sh:targetNode ex:d1, ex:d2 ; sh:severity sh:Warning ;
  sh:sparql [ sh:select '''SELECT DISTINCT $this ?path ?unit WHERE { $this ?path ?unit .
                FILTER(?path = <http://example.org/unit> && ?unit != <http://example.org/mg>) }''' ;
              sh:message "{?unit} is not mg (on {?path})" ] .
ex:SubjectsShape a sh:NodeShape ; sh:targetSubjectsOf ex:amount ;
  sh:sparql [ sh:select '''SELECT $this WHERE { $this ?p ?o .
                FILTER NOT EXISTS { $this <http://example.org/unit> [] } }''' ;
              sh:message "no unit" ] .
ex:ObjectsShape a sh:NodeShape ; sh:targetObjectsOf ex:unit ;
  sh:sparql [ sh:select "SELECT REDUCED $this ?label WHERE { $this rdfs:label ?label }" ;
              sh:prefixes ex:prefixes ; sh:message "unit {$this} is labelled {?label}" ] .
ex:prefixes sh:declare [ sh:prefix "rdfs" ; sh:namespace "http://www.w3.org/2000/01/rdf-schema#"^^xsd:anyURI ] .
ex:TargetShape a sh:NodeShape ;
  sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this <http://example.org/amount> 1.50 }" ] ;
  sh:sparql [ sh:select "SELECT $this ?value WHERE { $this <http://example.org/amount> ?value }" ;
              sh:message "exactly {?value}" ] .
"""

STAYS = PREFIXES + """
ex:Named a sh:NodeShape ; sh:targetClass ex:Dose ; sh:node ex:Referred .
ex:Referred a sh:NodeShape ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ; sh:message "referred" ] .
ex:ClassShape a sh:NodeShape, rdfs:Class ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ; sh:message "implicit class target" ] .
ex:ShapeMessage a sh:NodeShape ; sh:targetClass ex:Dose ; sh:message "on the shape" ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ; sh:message "m" ] .
ex:Deactivated a sh:NodeShape ; sh:targetClass ex:Dose ; sh:deactivated true ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ; sh:message "m" ] .
ex:TwoMessages a sh:NodeShape ; sh:targetClass ex:Dose ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ; sh:message "one", "two" ] .
ex:UsesPath a sh:NodeShape ; sh:targetClass ex:Dose ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this $PATH ?o }" ; sh:message "m" ] .
ex:UsesValue a sh:NodeShape ; sh:targetClass ex:Dose ;
  sh:sparql [ sh:select "SELECT $this ?failure WHERE { $this ?p ?o }" ; sh:message "m" ] .
ex:NoThis a sh:NodeShape ; sh:targetClass ex:Dose ;
  sh:sparql [ sh:select "SELECT ?o WHERE { $this ?p ?o }" ; sh:message "m" ] .
ex:NoTarget a sh:NodeShape ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ; sh:message "m" ] .
ex:BoundTarget a sh:NodeShape ; sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ?p $x }" ] ;
  sh:sparql [ sh:select "SELECT $this WHERE { $this ?p ?o }" ; sh:message "m" ] .
"""

DATA = PREFIXES + """
ex:d1 a ex:Dose ; ex:amount 12 ; ex:unit ex:g .
ex:d2 a ex:Dose ; ex:amount 1.50 ; ex:unit ex:mg .
ex:d3 a ex:Dose ; ex:amount 10 .
ex:g rdfs:label "gram" .
ex:mg rdfs:label "milligram", "mg"@en .
"""


def _rows(violations) -> list[tuple]:
    return sorted((v.severity, v.focus, v.path, v.constraint, v.shape, v.message, v.value, v.file, v.field, v.line)
                  for v in violations)


def _store(data: Graph) -> ox.Store:
    db = ox.Store()
    db.load(data.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return db


def test_moved_constraints_report_exactly_what_pyshacl_reports():
    shapes, data = Graph().parse(data=MOVED, format="turtle"), Graph().parse(data=DATA, format="turtle")
    rest, moved = shacl_sparql.split(shapes)
    assert sorted(str(c.shape).rsplit("/", 1)[1] for c in moved) == [
        "DoseShape", "ObjectsShape", "PathShape", "SubjectsShape", "TargetShape"]
    assert not list(rest.subjects(SH.sparql, None))
    locations = {URIRef("http://example.org/d1"): ("doses.yaml", "doses[0]", 3)}
    found = shacl_sparql.evaluate(_store(data), moved, data, locations)
    expected = validate(data, shapes, Graph(), locations)[1]
    assert _rows(found) == _rows(expected)
    assert sorted(v.message for v in found) == [
        "dose 12 of http://example.org/d1 is above 10", "exactly 1.50", "http://example.org/g is not mg (on "
        "http://example.org/unit)", "no unit", "unit http://example.org/g is labelled gram",
        "unit http://example.org/mg is labelled mg", "unit http://example.org/mg is labelled milligram"]


def test_each_constraint_that_cannot_move_stays_with_pyshacl():
    shapes = Graph().parse(data=STAYS, format="turtle")
    rest, moved = shacl_sparql.split(shapes)
    assert moved == []
    assert isomorphic(rest, shapes)


@pytest.mark.parametrize("select", ["SELECT $this WHERE { $this ?p ?o }",
                                    "select distinct ?this where { $this ?p ?o }"])
def test_a_moved_constraint_is_one_query_over_the_shapes_focus_nodes(select):
    shapes = Graph().parse(data=PREFIXES + f"""
        ex:S a sh:NodeShape ; sh:targetClass ex:Dose ; sh:targetNode ex:x ;
          sh:sparql [ sh:select "{select}" ; sh:message "m" ] .""", format="turtle")
    rest, (constraint,) = shacl_sparql.split(shapes)
    body = select.replace("$this", "?this")
    assert constraint.query == (
        "SELECT * WHERE { { SELECT DISTINCT ?this WHERE { "
        "{ ?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* <http://example.org/Dose> } UNION "
        "{ VALUES ?this { <http://example.org/x> } } } }\n{ " + body + "\n} }")
    assert (constraint.message, constraint.severity) == ("m", "Violation")
    assert len(rest) == len(shapes) - 3, "the sh:sparql link, its select and message are gone"
