"""shacl_sparql: SPARQL-based targets taken out of the shapes for Oxigraph, with their declared prefixes."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from emkg.shacl import SH
from emkg.shacl_sparql import SparqlTargets, _prefixes

EX = "https://example.org/"

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "https://example.org/"^^<http://www.w3.org/2001/XMLSchema#anyURI> ] ,
                [ sh:prefix "a" ; sh:namespace "https://example.org/a/" ] ;
    ex:notADeclaration [ sh:prefix "zz" ; sh:namespace "https://example.org/zz/" ] .
ex:RelapseShape a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:prefixes ex: ; sh:select "SELECT ?this WHERE { ?this a ex:Relapse }" ] ;
    sh:property [ sh:path ex:site ; sh:minCount 1 ] .
ex:ParamShape a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ex:p $value }" ] .
ex:NotATarget a sh:NodeShape ;
    sh:target [ sh:select "SELECT ?this WHERE { ?this a ex:Patient }" ] .
"""


def _shapes() -> Graph:
    return Graph().parse(data=SHAPES, format="turtle")


def test_only_sh_declare_declares_a_prefix_in_prefix_order():
    shapes = _shapes()
    target = shapes.value(URIRef(EX + "RelapseShape"), SH.target)
    assert _prefixes(shapes, [target]) == "PREFIX a: <https://example.org/a/>\nPREFIX ex: <https://example.org/>\n"
    assert _prefixes(shapes, [URIRef(EX + "RelapseShape")]) == ""


def test_a_sparql_target_becomes_one_query_and_leaves_the_shapes():
    shapes = _shapes()
    targets = SparqlTargets.of(shapes)
    assert targets.queries == ((URIRef(EX + "RelapseShape"), "PREFIX a: <https://example.org/a/>\n"
                                "PREFIX ex: <https://example.org/>\nSELECT ?this WHERE { ?this a ex:Relapse }"),)
    relapse_target = shapes.value(URIRef(EX + "RelapseShape"), SH.target)
    assert (URIRef(EX + "RelapseShape"), SH.target, None) not in targets.shapes
    assert (relapse_target, None, None) not in targets.shapes
    # a target with a parameter, or not typed sh:SPARQLTarget, stays for pySHACL
    assert (URIRef(EX + "ParamShape"), SH.target, None) in targets.shapes
    assert (URIRef(EX + "NotATarget"), SH.target, None) in targets.shapes
    assert len(targets.shapes) == len(shapes) - 4  # the sh:target link and the target node's three triples
    assert targets.has_shapes()


def test_resolved_targets_are_the_nodes_the_query_finds():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "r1"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(EX + "Relapse")))
    store.add(ox.Quad(ox.NamedNode(EX + "p1"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(EX + "Patient")))
    resolved = SparqlTargets.of(_shapes()).resolved(store)
    assert set(resolved.objects(URIRef(EX + "RelapseShape"), SH.targetNode)) == {URIRef(EX + "r1")}


def test_a_shape_left_with_only_its_sparql_target_still_runs_on_pyshacl():
    # An untyped shape with a SPARQL target and a node constraint (no sh:NodeShape, no sh:property): once its
    # target moves to Oxigraph, only the query says a shape is left; pySHACL must still run it.
    shapes = Graph().parse(data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/> .
ex:RelapseIsIri sh:nodeKind sh:IRI ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this ex:site ?s }" ] .
""", format="turtle")
    targets = SparqlTargets.of(shapes)
    assert not any(targets.shapes.subjects(RDF.type, SH.NodeShape))
    assert not any(targets.shapes.subjects(SH.property, None))
    assert targets.has_shapes() is True
    assert SparqlTargets.of(Graph()).has_shapes() is False
