"""Derived helper links (queries/derive/*.rq, emkg.derive): declared, marked, correct on the seeds, idempotent."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from emkg import derive, paths, store
from emkg.namespaces import EMKG

DERIVED_BY = URIRef(f"{EMKG}derivedBy")
QUERIES = derive.derive_queries()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(paths.ONTOLOGY_DIR / "emkg.ttl", format="turtle")


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_each_derived_property_is_declared_and_marked_with_its_file(name, ontology):
    text = QUERIES[name]
    template = re.search(r"CONSTRUCT\s*\{(.*?)\}", text, re.DOTALL).group(1)
    predicates = set(re.findall(r"emkg:(\w+)", template))
    assert predicates, f"{name}: constructs no emkg property"
    for local in predicates:
        marks = set(ontology.objects(URIRef(f"{EMKG}{local}"), DERIVED_BY))
        assert marks == {Literal(f"queries/derive/{name}.rq")}, f"emkg:{local} lacks emkg:derivedBy for {name}"


def test_no_curated_record_states_a_derived_property(ontology):
    derived = {str(s).removeprefix(str(EMKG)) for s in ontology.subjects(DERIVED_BY, None)}
    for record in paths.PROJECT_ROOT.joinpath("evidence").glob("*.yaml"):
        text = record.read_text(encoding="utf-8")
        assert not [name for name in derived if re.search(rf"\b{name}\b", text)], record.name


def test_the_build_adds_them_and_a_second_run_adds_nothing(built):
    db = store.open_read_only(paths.store_dir(built))
    copy = ox.Store()
    copy.extend(db)
    assert derive.add_derived(copy) == []  # the build's store already holds every derived triple


def test_seed_links_are_the_expected_ones(built):
    db = store.open_read_only(paths.store_dir(built))
    case = "https://w3id.org/emkg/case/nct03919240-sscart19-skin-testis/P1"
    answer = lambda q: {tuple(str(t) for t in row) for row in store.select(db, q)[1]}  # noqa: E731
    # P1's relapse precedes CAR-T: it is followed by the patient's first (only) infusion
    followed = answer(f"SELECT ?r ?i WHERE {{ ?r <{EMKG}followedByInfusion> ?i ; <{EMKG}aboutPatient> <{case}> }}")
    infusions = answer(f"SELECT ?i WHERE {{ ?i a <{EMKG}CarTInfusion> ; <{EMKG}aboutPatient> <{case}> }}")
    assert followed and {(i,) for _, i in followed} <= infusions
    # every fact of the patient gets a kind, and a relapse's kind is Relapse or narrower
    kinds = answer(f"SELECT ?f ?k WHERE {{ ?f <{EMKG}aboutPatient> <{case}> ; <{EMKG}factKind> ?k }}")
    facts = answer(f"SELECT ?f WHERE {{ ?f <{EMKG}aboutPatient> <{case}> }}")
    assert {(f,) for f, _ in kinds} == facts
    relapse_kinds = {k for f, k in kinds if f == f"<{case}/relapse>"}
    subclass_of = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
    under_relapse = answer(f"SELECT ?k WHERE {{ ?k {subclass_of}* <{EMKG}Relapse> }}")
    assert relapse_kinds and {(k,) for k in relapse_kinds} <= under_relapse
