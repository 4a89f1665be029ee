"""The defined-class audit (issue 10 item 3): the extramedullary-site list behind emkg:CombinedRelapse
covers every verified UBERON site, and on the curated records a marrow-only relapse is never inferred
to be combined (the issue's wrong inference for seeds 002 and 003). The per-class positive and negative
cases, through HermiT and the build's rule path, are in test_reasoning.py."""

from __future__ import annotations

import pytest
from rdflib import RDF, Literal, URIRef

from emkg import reason
from emkg.graph import evidence_graph, ontology_graph, record_files
from emkg.namespaces import EMKG, expand
from emkg.verified_terms import read_verified

EXTRAMEDULLARY = URIRef(EMKG + "ExtramedullarySite")
COMBINED = URIRef(EMKG + "CombinedRelapse")
HAS_SITE, MARROW_INVOLVED = URIRef(EMKG + "hasSite"), URIRef(EMKG + "boneMarrowInvolved")
# bone marrow and blood: sites of a marrow (haematological) relapse, never extramedullary
NOT_EXTRAMEDULLARY = {URIRef(expand(c)) for c in ("UBERON:0002371", "UBERON:0000178", "UBERON:0013756")}


@pytest.fixture(scope="module")
def ontology():
    return ontology_graph()


def test_every_verified_uberon_site_is_classified(ontology):
    sites = {URIRef(iri) for iri, row in read_verified().items()
             if row["curie"].startswith("UBERON:0") and row["status"] == "VERIFIED"}
    assert sites >= NOT_EXTRAMEDULLARY
    extramedullary = set(ontology.subjects(RDF.type, EXTRAMEDULLARY))
    unclassified = sorted(str(s) for s in sites - NOT_EXTRAMEDULLARY - extramedullary)
    assert not unclassified, f"add to the extramedullary-site block of emkg.ttl (or NOT_EXTRAMEDULLARY): {unclassified}"
    assert not extramedullary & NOT_EXTRAMEDULLARY


def test_marrow_only_relapses_in_the_records_are_not_combined(ontology):
    graph = evidence_graph(record_files()).graph
    inferred = reason.fast_inferred_types(graph, ontology)
    marrow_only = [r for r in graph.subjects(MARROW_INVOLVED, Literal(True))
                   if set(graph.objects(r, HAS_SITE)) <= NOT_EXTRAMEDULLARY]
    assert len(marrow_only) >= 2, "expected the marrow-only relapses of seeds 002 and 003"
    assert not [r for r in marrow_only if (r, COMBINED) in inferred]
    combined = [r for r in graph.subjects(MARROW_INVOLVED, Literal(True)) if (r, COMBINED) in inferred]
    assert combined, "the records' marrow + extramedullary relapses are still inferred combined"
    for relapse in combined:
        assert set(graph.objects(relapse, HAS_SITE)) - NOT_EXTRAMEDULLARY
