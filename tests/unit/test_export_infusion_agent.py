"""phenopacket_export: the CAR-T agent a medical action names, for registered and unregistered products."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from emkg.phenopacket_export import _Packet

TURTLE = """
@prefix emkg: <https://w3id.org/emkg/> .
@prefix ex: <https://w3id.org/emkg/example/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix NCIT: <http://purl.obolibrary.org/obo/NCIT_> .
ex:inf-1 a emkg:CARTInfusion ; emkg:aboutPatient ex:p1 ; emkg:usesProduct ex:%s .
ex:tisa a NCIT:C102758 .
ex:tisa-named a NCIT:C102758 ; rdfs:label "Kymriah" .
ex:house a emkg:CARTProduct .
ex:house-named a emkg:CARTProduct ; rdfs:label "CD19 CAR-T of the house" .
ex:house-other a emkg:CARTProduct ; rdfs:label "HD-19" .
"""


@pytest.mark.parametrize(("product", "agent"), [
    ("tisa", {"id": "NCIT:C102758", "label": "CAR-T"}),
    ("tisa-named", {"id": "NCIT:C102758", "label": "Kymriah"}),
    ("house", {"id": "emkg:example/house", "label": "CAR-T"}),
    ("house-named", {"id": "emkg:example/house-named", "label": "CD19 CAR-T of the house"}),
    ("house-other", {"id": "emkg:example/house-other", "label": "HD-19 (CAR-T)"}),
])
def test_the_agent_is_the_product_class_or_its_own_iri_labelled_as_car_t(product, agent):
    graph = Graph().parse(data=TURTLE % product, format="turtle")
    packet = _Packet(graph, URIRef("https://w3id.org/emkg/example/p1"))
    action = packet.infusion(URIRef("https://w3id.org/emkg/example/inf-1"), 0)
    assert action == {"treatment": {"agent": agent}}
