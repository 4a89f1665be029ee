"""The site groups (emkg:includesSite) that site queries use agree with the defined relapse classes.

CNSRelapse and CutaneousRelapse list their sites in owl:oneOf; the group rooted at the list's broadest
term must include exactly the other members, so "relapses at UBERON:0001017" finds what the reasoner
calls a CNS relapse, no more and no less.
"""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.collection import Collection

from emkg.graph import ontology_graph
from emkg.namespaces import expand

EMKG = "https://w3id.org/emkg/"
GROUP_ROOTS = {"emkg:CNSRelapse": "UBERON:0001017", "emkg:CutaneousRelapse": "UBERON:0002097"}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def _site_list(ontology: Graph, defined_class: URIRef) -> set:
    for one_of in ontology.transitive_objects(defined_class, None):
        for members in ontology.objects(one_of, OWL.oneOf):
            return set(Collection(ontology, members))
    raise AssertionError(f"{defined_class} has no owl:oneOf site list")


@pytest.mark.parametrize("defined_class", sorted(GROUP_ROOTS))
def test_site_group_matches_the_defined_relapse_class(ontology, defined_class):
    root = URIRef(expand(GROUP_ROOTS[defined_class]))
    sites = _site_list(ontology, URIRef(expand(defined_class)))
    included = set(ontology.objects(root, URIRef(EMKG + "includesSite")))
    assert root in sites
    assert included == sites - {root}


def test_site_groups_are_one_level_and_only_on_listed_roots(ontology):
    includes = URIRef(EMKG + "includesSite")
    roots = {URIRef(expand(curie)) for curie in GROUP_ROOTS.values()}
    assert set(ontology.subjects(includes, None)) == roots
    for member in ontology.objects(None, includes):
        assert (member, includes, None) not in ontology, "a nested group would need a transitive query path"
    assert (includes, RDF.type, OWL.AnnotationProperty) in ontology
