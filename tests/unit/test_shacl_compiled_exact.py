"""emkg.shacl_compiled on small hand-written shapes that use every part it compiles, including parts shapes/ does not
use yet (sh:qualifiedMaxCount, sh:xone, sh:not, every sh:nodeKind, sh:minLength, sh:flags, sh:lessThanOrEquals,
sh:targetNode/SubjectsOf/ObjectsOf, inverse and one-or-more paths, rdf:langString, sh:severity): each compiled check
must give exactly pySHACL's violations on data with conforming and non-conforming values on both sides of each
constraint; and the parts it does not compile stay with pySHACL, whole (`compile_shapes`'s rest graph)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from emkg import shacl_compiled, shacl_sparql
from emkg.shacl import validate

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
"""

ONTOLOGY = PREFIXES + """
ex:Dog rdfs:subClassOf ex:Animal .
ex:Cat rdfs:subClassOf ex:Animal .
"""

SHAPES = PREFIXES + """
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:count ; sh:minCount 2 ; sh:maxCount 3 ; sh:message "two or three counts" ] ;
  sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:maxCount 1 ; sh:datatype xsd:string ; sh:minLength 2 ;
                sh:maxLength 5 ; sh:message "one name of 2 to 5 characters" ] ;
  sh:property [ sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" ; sh:message "a code starts with ab" ] ;
  sh:property [ sh:path ex:label ; sh:datatype rdf:langString ; sh:message "a label has a language" ] ;
  sh:property [ sh:path ex:low ; sh:lessThanOrEquals ex:high ; sh:message "low is at most high" ] ;
  sh:property [ sh:path ex:score ; sh:minExclusive 0 ; sh:maxExclusive 10 ; sh:message "a score is in (0, 10)" ] ;
  sh:property [ sh:path ex:level ; sh:minInclusive 1 ; sh:maxInclusive 3 ; sh:severity sh:Warning ;
                sh:message "a level is 1 to 3" ] ;
  sh:property [ sh:path ex:pet ; sh:class ex:Animal ; sh:nodeKind sh:IRI ; sh:message "a pet is an animal" ] ;
  sh:property [ sh:path ex:colour ; sh:in ( "red" ex:Green ) ; sh:message "red or green" ] ;
  sh:property [ sh:path ex:kind ; sh:xone ( [ sh:class ex:Dog ] [ sh:class ex:Animal ] ) ;
                sh:message "exactly one of dog, animal" ] ;
  sh:property [ sh:path ex:other ; sh:not [ sh:class ex:Cat ] ; sh:message "not a cat" ] ;
  sh:property [ sh:path ex:friend ; sh:or ( [ sh:nodeKind sh:BlankNodeOrLiteral ]
                                                 [ sh:path ex:name ; sh:minCount 1 ] ) ;
                sh:message "a literal or something named" ] ;
  sh:property [ sh:path ex:toy ; sh:qualifiedValueShape [ sh:class ex:Dog ] ; sh:qualifiedMinCount 1 ;
                sh:qualifiedMaxCount 2 ; sh:message "one or two dog toys" ] ;
  sh:property [ sh:path ex:nested ; sh:or ( [ sh:path ex:flag ; sh:hasValue true ] [ sh:class ex:Cat ] ) ;
                sh:message "a flagged node or a cat" ] ;
  sh:property [ sh:path ex:buddy ; sh:node [ sh:class ex:Dog ] ; sh:message "a buddy is a dog" ] .

ex:InverseShape a sh:NodeShape ; sh:targetNode ex:hub ;
  sh:property [ sh:path [ sh:inversePath ex:partOf ] ; sh:minCount 2 ; sh:message "a hub has two parts" ] .

ex:SubjectsShape a sh:NodeShape ; sh:targetSubjectsOf ex:partOf ;
  sh:property [ sh:path [ sh:oneOrMorePath ex:partOf ] ; sh:nodeKind sh:IRI ; sh:maxCount 1 ;
                sh:message "one chain up" ] .

ex:ObjectsShape a sh:NodeShape ; sh:targetObjectsOf ex:pet ; sh:nodeKind sh:BlankNodeOrIRI ;
  sh:class ex:Animal ; sh:message "a pet node is an animal" .

ex:LiteralKindsShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:literalish ; sh:nodeKind sh:Literal ; sh:message "a literal" ] ;
  sh:property [ sh:path ex:irish ; sh:nodeKind sh:IRIOrLiteral ; sh:message "an IRI or literal" ] ;
  sh:property [ sh:path ex:blankish ; sh:nodeKind sh:BlankNode ; sh:message "a blank node" ] .

ex:UncompiledShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:property [ sh:path ex:count ; sh:uniqueLang true ; sh:message "not compiled" ] .
"""

DATA = PREFIXES + """
ex:good a ex:Thing ; ex:count 1, 2 ; ex:name "abc" ; ex:code "ABx" ; ex:label "l"@en ; ex:low 1 ; ex:high 1 ;
  ex:score 9.5 ; ex:level 3 ; ex:pet ex:rex ; ex:colour "red", ex:Green ; ex:kind ex:tom ; ex:other ex:rex ;
  ex:friend "a", ex:good ; ex:toy ex:rex ; ex:nested ex:flagged, ex:tom ; ex:buddy ex:rex ; ex:literalish "x" ;
  ex:irish ex:x .
ex:bad a ex:Thing ; ex:count 1, 2, 3, 4 ; ex:name "a", "abcdef" ; ex:code "xab", ex:ab ; ex:label "l" ;
  ex:low 2 ; ex:high 1 ; ex:score 0, 10 ; ex:level 0, 4 ; ex:pet ex:tom, "rex" ; ex:colour "Red", ex:red ;
  ex:kind ex:rex, ex:stone ; ex:other ex:tom ; ex:friend ex:stone ; ex:toy ex:stone ; ex:nested ex:unflagged ;
  ex:buddy ex:tom ;
  ex:literalish ex:x ; ex:irish ex:y ; ex:blankish ex:z .
ex:few a ex:Thing ; ex:count 1 ; ex:toy ex:rex, ex:rex2, ex:rex3 ; ex:low 1 .
ex:rex a ex:Dog ; ex:name "rex" .
ex:rex2 a ex:Dog .
ex:rex3 a ex:Dog .
ex:tom a ex:Cat .
ex:stone ex:weight 3 .
ex:flagged ex:flag true .
ex:unflagged ex:flag false .
ex:a ex:partOf ex:hub .
ex:b ex:partOf ex:c .
ex:c ex:partOf ex:d .
"""


def _graph(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


def _rows(violations) -> list[tuple]:
    return sorted((v.severity, v.focus, v.path, v.constraint, v.shape, v.message, v.value, v.file, v.field, v.line)
                  for v in violations)


def _compiled(shapes: Graph, data: Graph, ontology: Graph, locations: dict):
    checks, rest = shacl_compiled.compile_shapes(shapes)
    db = ox.Store()
    db.load((data + ontology).serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    shacl_compiled.add_class_closure(db)
    return checks, rest, shacl_compiled.evaluate(db, checks, shacl_sparql._LexicalForms(data), locations)


def test_every_compiled_constraint_reports_exactly_what_pyshacl_reports():
    shapes, data, ontology = _graph(SHAPES), _graph(DATA), _graph(ONTOLOGY)
    locations = {node: ("things.yaml", f"field of {node.rsplit('/', 1)[1]}", line)
                 for line, node in enumerate(sorted(set(data.subjects())), start=1)}
    checks, rest, found = _compiled(shapes, data, ontology, locations)
    compiled_shapes = {c.shape for c in checks}
    assert compiled_shapes == {"http://example.org/ThingShape", "http://example.org/InverseShape",
                               "http://example.org/SubjectsShape", "http://example.org/ObjectsShape",
                               "http://example.org/LiteralKindsShape"}
    expected = [v for v in validate(data, shapes, ontology, locations)[1] if v.shape in compiled_shapes]
    assert len(expected) > 30, "the data breaks every constraint"
    assert _rows(found) == _rows(expected)
    # the good thing conforms to every compiled constraint, the bad one breaks each of its own
    assert not [v for v in found if v.focus == "http://example.org/good"]
    assert {v.path for v in found if v.focus == "http://example.org/bad"} == {
        f"http://example.org/{p}" for p in ("count", "name", "code", "label", "low", "score", "level", "pet", "colour",
                                            "kind", "other", "friend", "toy", "nested", "buddy", "literalish",
                                            "blankish")}
    assert {(v.severity, v.message) for v in found if v.path == "http://example.org/level"} == {
        ("Warning", "a level is 1 to 3")}


def test_the_shapes_left_to_pyshacl_are_exactly_the_uncompiled_ones():
    shapes = _graph(SHAPES)
    _, rest = shacl_compiled.compile_shapes(shapes)
    expected = _graph(PREFIXES + """
        ex:UncompiledShape a sh:NodeShape ; sh:targetClass ex:Thing ;
          sh:property [ sh:path ex:count ; sh:uniqueLang true ; sh:message "not compiled" ] .""")
    assert isomorphic(rest, expected)
    assert dict(rest.namespaces())["ex"] == dict(shapes.namespaces())["ex"]


@pytest.mark.parametrize("shape", [
    'sh:property [ sh:path ex:p ; sh:minCount 1 ]',  # no message
    'sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "a {$this}" ]',  # a placeholder
    'sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "one", "two" ]',
    'sh:property [ sh:path ex:p ; sh:uniqueLang true ; sh:message "m" ]',
    'sh:property [ sh:path ex:p ; sh:hasValue ex:v ; sh:message "m" ]',
    'sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ; sh:message "m" ]',  # a sequence path
    'sh:property [ sh:path ex:p ; sh:in ( 1 ) ; sh:message "m" ]',  # a number constant
    'sh:property [ sh:path ex:p ; sh:in ( "true"@en ) ; sh:message "m" ]',  # a language-tagged string
    'sh:property [ sh:path ex:p ; sh:node ex:Named ; sh:message "m" ]',
    'sh:property [ sh:path ex:p ; sh:not [ sh:path ex:q ; sh:maxCount 1 ] ; sh:message "m" ]',
    'sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:Dog ] ; sh:qualifiedMinCount 1 ; '
    'sh:qualifiedValueShapesDisjoint true ; sh:message "m" ]',
    'sh:minCount 1 ; sh:message "counts on a node shape"',
    'sh:deactivated true ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ]',
])
def test_a_shape_with_a_part_not_compiled_stays_with_pyshacl_whole(shape):
    text = PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; {shape} .\nex:Named a sh:NodeShape ."
    shapes = _graph(text)
    checks, rest = shacl_compiled.compile_shapes(shapes)
    assert checks == []
    assert isomorphic(rest, shapes)


def test_a_shape_without_targets_or_referred_to_is_not_compiled():
    shapes = _graph(PREFIXES + """
        ex:NoTarget a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:message "m" ] .
        ex:Outer a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ; sh:node ex:Inner ;
            sh:message "m" ] .
        ex:Inner a sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ; sh:message "m" ] .""")
    checks, rest = shacl_compiled.compile_shapes(shapes)
    assert checks == [] and isomorphic(rest, shapes)


def test_a_compiled_check_is_one_query_with_its_report_fields():
    shapes = _graph(PREFIXES + """
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ;
          sh:property [ sh:path ex:p ; sh:maxCount 1 ; sh:datatype xsd:integer ; sh:severity sh:Info ;
                        sh:message "one whole p" ] .""")
    checks, _ = shacl_compiled.compile_shapes(shapes)
    assert [(c.shape, c.path, c.constraint, c.message, c.severity, c.reports_value) for c in checks] == [
        ("http://example.org/S", "http://example.org/p", "sh:DatatypeConstraintComponent", "one whole p", "Info", True),
        ("http://example.org/S", "http://example.org/p", "sh:MaxCountConstraintComponent", "one whole p", "Info",
         False)]
    assert checks[0].query == (
        "SELECT DISTINCT ?this ?v WHERE { { SELECT DISTINCT ?this WHERE { { GRAPH <urn:emkg:shacl:isa> "
        "{ ?this <urn:emkg:shacl:isa> <http://example.org/Thing> } } } } ?this <http://example.org/p> ?v . "
        "FILTER(!((isLiteral(?v) && lang(?v) = \"\" && datatype(?v) = "
        "<http://www.w3.org/2001/XMLSchema#integer>))) }")


def test_can_evaluate_refuses_blank_nodes_and_ill_typed_literals_only():
    good = _graph(PREFIXES + 'ex:a ex:p 1, "x", "y"@en, ex:b .')
    assert shacl_compiled.can_evaluate(good)
    assert not shacl_compiled.can_evaluate(_graph(PREFIXES + "ex:a ex:p [ ex:q 1 ] ."))
    assert not shacl_compiled.can_evaluate(_graph(PREFIXES + '[] ex:p 1 .'))
    assert not shacl_compiled.can_evaluate(_graph(PREFIXES + 'ex:a ex:p "one"^^xsd:integer .'))
