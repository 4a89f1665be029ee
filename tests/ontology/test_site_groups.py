"""The site groups (emkg:includesSite) that site queries use are derived from the defined relapse classes.

CNSRelapse and CutaneousRelapse list their sites in owl:oneOf and name the group's root with
emkg:siteGroupRoot; `emkg imports` writes ontology/imports/site_groups.ttl from them, so "relapses at
UBERON:0001017" finds what the reasoner calls a CNS relapse, no more and no less, and the group is
written once (emkg.ttl holds no includesSite triple of its own).
"""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, Graph, URIRef
from rdflib.collection import Collection

from emkg import imports, paths
from emkg.graph import ontology_graph
from emkg.namespaces import expand

EMKG = "https://w3id.org/emkg/"
INCLUDES, ROOT = URIRef(EMKG + "includesSite"), URIRef(EMKG + "siteGroupRoot")
GROUP_ROOTS = {"emkg:CNSRelapse": "UBERON:0001017", "emkg:CutaneousRelapse": "UBERON:0002097"}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


def _site_list(ontology: Graph, defined_class: URIRef) -> set:
    for one_of in ontology.transitive_objects(defined_class, None):
        for members in ontology.objects(one_of, OWL.oneOf):
            return set(Collection(ontology, members))
    raise AssertionError(f"{defined_class} has no owl:oneOf site list")


def test_the_roots_are_named_on_the_defined_classes(ontology):
    named = {(c, r) for c, r in ontology.subject_objects(ROOT)}
    assert named == {(URIRef(expand(c)), URIRef(expand(r))) for c, r in GROUP_ROOTS.items()}


@pytest.mark.parametrize("defined_class", sorted(GROUP_ROOTS))
def test_site_group_matches_the_defined_relapse_class(ontology, defined_class):
    root = URIRef(expand(GROUP_ROOTS[defined_class]))
    sites = _site_list(ontology, URIRef(expand(defined_class)))
    included = set(ontology.objects(root, INCLUDES))
    assert root in sites
    assert included == sites - {root}


def test_site_groups_are_one_level_and_only_on_listed_roots(ontology):
    roots = {URIRef(expand(curie)) for curie in GROUP_ROOTS.values()}
    assert set(ontology.subjects(INCLUDES, None)) == roots
    for member in ontology.objects(None, INCLUDES):
        assert (member, INCLUDES, None) not in ontology, "a nested group would need a transitive query path"
    assert (INCLUDES, RDF.type, OWL.AnnotationProperty) in ontology


def test_the_groups_are_written_once_and_the_module_is_current():
    hand_written = Graph().parse(paths.ONTOLOGY_DIR / "emkg.ttl", format="turtle")
    assert (None, INCLUDES, None) not in hand_written, "includesSite is derived by `emkg imports`, not written"
    current = imports.site_groups_module((paths.ONTOLOGY_DIR / "emkg.ttl").read_text(encoding="utf-8"))
    assert (paths.IMPORTS_DIR / imports.SITE_GROUPS_MODULE).read_text(encoding="utf-8") == current, \
        "run `emkg imports`"


def test_a_site_added_to_a_defined_class_joins_its_group():
    text = (paths.ONTOLOGY_DIR / "emkg.ttl").read_text(encoding="utf-8")
    widened = text.replace("owl:oneOf ( UBERON:0000403 UBERON:0002072 UBERON:0002097 )",
                           "owl:oneOf ( UBERON:0000403 UBERON:0001003 UBERON:0002072 UBERON:0002097 )")
    assert widened != text
    module = Graph().parse(data=imports.site_groups_module(widened), format="turtle")
    skin = URIRef(expand("UBERON:0002097"))
    assert set(module.objects(skin, INCLUDES)) == {URIRef(expand(c)) for c in
                                                   ("UBERON:0000403", "UBERON:0001003", "UBERON:0002072")}


def test_a_root_outside_its_list_is_refused():
    text = (paths.ONTOLOGY_DIR / "emkg.ttl").read_text(encoding="utf-8")
    broken = text.replace("emkg:siteGroupRoot UBERON:0002097", "emkg:siteGroupRoot UBERON:0000473")
    assert broken != text
    with pytest.raises(ValueError, match="not in its owl:oneOf site list"):
        imports.site_groups_module(broken)
