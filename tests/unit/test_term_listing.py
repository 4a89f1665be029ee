"""emkg.terms (`emkg terms FIELD [TEXT]`) on a small ontology written here: values from a property's range
(individuals, or subclasses where there are none), from the term sources of a field without a range,
aliases, the text filter over CURIE, label and synonyms, the listing, and unknown fields."""

from __future__ import annotations

import pytest
from rdflib import Graph

from emkg import terms
from emkg.terms import Term, UnknownField, allowed, render

ONTOLOGY = """
@prefix emkg: <https://w3id.org/emkg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oio: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix UBERON: <http://purl.obolibrary.org/obo/UBERON_> .
@prefix NCIT: <http://purl.obolibrary.org/obo/NCIT_> .
@prefix PR: <http://purl.obolibrary.org/obo/PR_> .

<https://w3id.org/emkg/ontology> a owl:Ontology .
emkg:outcome rdfs:range emkg:ResponseCategory .
emkg:CompleteRemission a emkg:ResponseCategory ; rdfs:label "complete remission" ; skos:altLabel "CR" .
emkg:MRDNegativeCR a emkg:MRDNegativeResponse ; rdfs:label "MRD-negative complete remission" .
emkg:MRDNegativeResponse rdfs:subClassOf emkg:ResponseCategory ; rdfs:label "MRD-negative response" .
emkg:PartialRemission a emkg:ResponseCategory ; rdfs:label "Partial remission" .
emkg:NoLabel a emkg:ResponseCategory .
[] a emkg:ResponseCategory ; rdfs:label "a blank node is no value" .

emkg:hasCostimulatoryDomain rdfs:range emkg:Domain .
emkg:Domain rdfs:label "domain" .
emkg:CD28Domain rdfs:subClassOf emkg:Domain ; rdfs:label "CD28 costimulatory domain" .
emkg:FourOneBBDomain rdfs:subClassOf emkg:CD28Domain ; rdfs:label "4-1BB costimulatory domain" .

emkg:Therapy rdfs:label "therapy" .
emkg:Radiotherapy rdfs:subClassOf emkg:Therapy ; rdfs:label "radiotherapy" .
NCIT:C15313 rdfs:label "Radiation Therapy" .
NCIT:C102758 rdfs:label "Tisagenlecleucel" ; oio:hasExactSynonym "Kymriah", "CTL019" .

UBERON:0000473 rdfs:label "testis" ; oio:hasExactSynonym "testicle", "male gonad" ;
    oio:hasRelatedSynonym "gonad of male reproductive system" ; oio:hasNarrowSynonym "orchis" ;
    oio:hasBroadSynonym "gonad" ; skos:altLabel "testes", "t1", "t2" .
UBERON:0001359 rdfs:label "cerebrospinal fluid" ; oio:hasExactSynonym "CSF" .
UBERON:9999999 a owl:Class .
<http://purl.obolibrary.org/obo/UBERONX_1> rdfs:label "not an UBERON term" .
PR:000001002 rdfs:label "CD19 molecule" .
emkg:Analyte rdfs:label "analyte" .
emkg:BlastCells a emkg:Analyte ; rdfs:label "blast cells" .
"""


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(data=ONTOLOGY, format="turtle")


def _curies(found: list[Term]) -> list[str]:
    return [t.curie for t in found]


def test_a_range_gives_its_individuals_sorted_by_label(ontology):
    found = allowed("outcome", ontology)
    assert found == [Term("emkg:NoLabel", "", ()), Term("emkg:CompleteRemission", "complete remission", ("CR",)),
                     Term("emkg:MRDNegativeCR", "MRD-negative complete remission", ()),
                     Term("emkg:PartialRemission", "Partial remission", ())]


def test_a_range_without_individuals_gives_its_subclasses_under_an_alias(ontology):
    assert _curies(allowed("costimulation", ontology)) == ["emkg:FourOneBBDomain", "emkg:CD28Domain"]
    assert _curies(allowed("domain", ontology)) == ["emkg:FourOneBBDomain", "emkg:CD28Domain"]


def test_a_field_without_a_range_takes_the_terms_of_its_sources(ontology):
    assert _curies(allowed("sites", ontology)) == ["UBERON:0001359", "UBERON:0000473"]
    assert _curies(allowed("category", ontology)) == ["NCIT:C15313", "emkg:Radiotherapy", "NCIT:C102758"]
    assert _curies(allowed("analyte", ontology)) == ["emkg:CarTCells", "emkg:BlastCells", "PR:000001002"]
    assert allowed("analyte", ontology, "car")[0] == Term("emkg:CarTCells", "", ())


def test_the_text_keeps_terms_whose_curie_label_or_synonym_contains_it(ontology):
    assert _curies(allowed("site", ontology, "TESTICLE")) == ["UBERON:0000473"]
    assert _curies(allowed("site", ontology, "csf")) == ["UBERON:0001359"]
    assert _curies(allowed("site", ontology, "0000473")) == ["UBERON:0000473"]
    assert _curies(allowed("site", ontology, "Cerebrospinal")) == ["UBERON:0001359"]
    assert _curies(allowed("category", ontology, "kymriah")) == ["NCIT:C102758"]
    assert allowed("site", ontology, "kidney") == []


def test_the_listing_aligns_curies_and_shows_six_synonyms_at_most(ontology):
    assert render(allowed("site", ontology)) == (
        "UBERON:0001359  cerebrospinal fluid  (also: CSF)\n"
        "UBERON:0000473  testis  (also: gonad; gonad of male reproductive system; male gonad; orchis; t1; t2)\n")
    assert render(allowed("costimulation", ontology)) == (
        "emkg:FourOneBBDomain  4-1BB costimulatory domain\n"
        "emkg:CD28Domain       CD28 costimulatory domain\n")
    assert render([]) == "no matching terms\n"


def test_an_unknown_field_is_named_with_close_matches_and_every_field(ontology):
    fields = ", ".join(sorted(terms.field_predicates()))
    with pytest.raises(UnknownField) as raised:
        allowed("sitez", ontology)
    assert str(raised.value) == ("no term field 'sitez' (did you mean site, sites?); "
                                 f"fields with listed values: {fields}")
    with pytest.raises(UnknownField) as raised:
        allowed("zzzzqq", ontology)
    assert str(raised.value) == f"no term field 'zzzzqq'; fields with listed values: {fields}"


def test_every_term_field_of_the_record_format_is_listed_once_per_property():
    fields = terms.field_predicates()
    assert fields["outcome"] == ["emkg:outcome"]
    assert fields["sites"] == ["emkg:hasSite"]
    assert fields["category"] == ["rdf:type"]
    assert all(len(set(predicates)) == len(predicates) for predicates in fields.values())
    assert {"grading_system", "targets", "laterality", "unit", "design"} <= set(fields)
