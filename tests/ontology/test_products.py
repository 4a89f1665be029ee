"""Registered CAR-T products carry their construct as product-class knowledge (contract G): each
restriction of a registered product class has its own quoted source, none of it is in the case facts,
and after the build's reasoning a query for CD28 products finds a brexucabtagene autoleucel product
whose record says only `product_class`."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef

from emkg import paths, store
from emkg.graph import evidence_graph, ontology_graph, record_files
from emkg.namespaces import EMKG

OA_EXACT = URIRef("http://www.w3.org/ns/oa#exact")
QUOTED_FROM = URIRef("http://www.w3.org/ns/prov#wasQuotedFrom")
REGISTERED = ("AxicabtageneCiloleucel", "BrexucabtageneAutoleucel", "ObecabtageneAutoleucel", "Tisagenlecleucel")
CONSTRUCT = ("targetsAntigen", "hasCostimulatoryDomain", "vector", "cellSource")


@pytest.fixture(scope="module")
def ontology():
    return ontology_graph()


def _restrictions(ontology, product: URIRef) -> dict[URIRef, URIRef]:
    """property -> restriction node, for the hasValue restrictions the class is a subclass of"""
    found = {}
    for parent in ontology.objects(product, RDFS.subClassOf):
        prop = ontology.value(parent, OWL.onProperty)
        if prop is not None and ontology.value(parent, OWL.hasValue) is not None:
            found[prop] = parent
    return found


@pytest.mark.parametrize("name", REGISTERED)
def test_each_construct_restriction_has_its_own_quoted_source(ontology, name):
    product = URIRef(EMKG + name)
    assert (product, RDFS.subClassOf, URIRef(EMKG + "CarTProduct")) in ontology
    restrictions = _restrictions(ontology, product)
    assert set(restrictions) == {URIRef(EMKG + p) for p in CONSTRUCT}
    for prop, restriction in restrictions.items():
        axioms = [a for a in ontology.subjects(OWL.annotatedTarget, restriction)
                  if (a, RDF.type, OWL.Axiom) in ontology and (a, OWL.annotatedSource, product) in ontology
                  and (a, OWL.annotatedProperty, RDFS.subClassOf) in ontology]
        assert len(axioms) == 1, f"{name} {prop}: expected one annotated axiom"
        quote, source = ontology.value(axioms[0], OA_EXACT), ontology.value(axioms[0], QUOTED_FROM)
        assert isinstance(quote, Literal) and len(str(quote)) > 20, f"{name} {prop}: no quote"
        assert isinstance(source, Literal) and source.datatype == XSD.anyURI, f"{name} {prop}: source not an anyURI"
        assert str(source).startswith(("http://", "https://")), f"{name} {prop}"


def test_cd28_and_4_1bb_products_as_the_sources_say(ontology):
    costim = URIRef(EMKG + "hasCostimulatoryDomain")
    domain = {name: ontology.value(_restrictions(ontology, URIRef(EMKG + name))[costim], OWL.hasValue)
              for name in REGISTERED}
    assert domain == {"AxicabtageneCiloleucel": URIRef(EMKG + "CD28Domain"),
                      "BrexucabtageneAutoleucel": URIRef(EMKG + "CD28Domain"),
                      "ObecabtageneAutoleucel": URIRef(EMKG + "FourOneBBDomain"),
                      "Tisagenlecleucel": URIRef(EMKG + "FourOneBBDomain")}


def test_product_class_knowledge_stays_out_of_the_case_facts():
    records = evidence_graph(record_files()).graph - ontology_graph()
    assert not list(records.subjects(RDF.type, OWL.Axiom))
    assert not list(records.subjects(RDF.type, OWL.Restriction))


def test_a_query_for_cd28_products_finds_brexucabtagene_autoleucel(built):
    db = store.open_read_only(paths.store_dir(built))
    brexucel = URIRef(EMKG + "BrexucabtageneAutoleucel")
    columns, rows = store.select(db, """
        PREFIX emkg: <https://w3id.org/emkg/>
        SELECT ?product ?domain WHERE {
          ?product a emkg:CD28CostimulatedCar , emkg:BrexucabtageneAutoleucel ;
                   emkg:inferredType emkg:CD28CostimulatedCar .
          OPTIONAL { ?product emkg:hasCostimulatoryDomain ?domain }
        }""")
    assert rows, "no brexucabtagene autoleucel product among the CD28 products"
    # the record says only product_class: the domain comes from the class, not from a case fact
    assert any(row[columns.index("domain")] is None for row in rows)
    records = evidence_graph(record_files()).graph
    assert any((URIRef(row[columns.index("product")].value), RDF.type, brexucel) in records for row in rows)
