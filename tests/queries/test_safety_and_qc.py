"""Parameters are typed and bound, never pasted; QC rules are silent on the seed graph and fire on broken ones."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from emkg import catalogue, paths, qc, store
from emkg.namespaces import EMKG, OBO

PARAM_TYPES_USED = {p.type for q in catalogue.catalogue().values() for p in q.params}


@pytest.fixture(scope="module")
def db(built):
    return store.open_read_only(paths.store_dir(built))


def test_catalogue_uses_each_kind_of_parameter():
    assert {"iri", "integer", "string"} <= PARAM_TYPES_USED


@pytest.mark.parametrize(("query", "param", "hostile"), [
    # string parameters with an allowed list: anything else is rejected
    ("external-term-mappings", "kind", 'all" } ; DROP ALL ; #'),
    ("external-term-mappings", "kind", "site\n} UNION { ?s ?p ?o"),
    ("second-car-t-infusions", "kind", "ANY"),
    # CURIEs: '>' or spaces cannot survive expansion
    ("relapses-at-site", "site", "UBERON:0001017> } ; DROP ALL ; #"),
    ("relapses-at-site", "site", "UBERON:0001017 ?x"),
    ("relapses-at-site", "site", "NOPE:1"),
    ("products-by-component", "antigen", "PR:000001002>"),
    # CURIE with an allowed list
    ("response-by-relapse-site", "outcome", "emkg:NoResponse"),
    ("products-by-component", "costimulatory", "emkg:CD28Domain } #"),
    # IRIs with '>' or a newline, or a scheme that would reach the disk
    ("evidence-behind-fact", "subject", "https://w3id.org/emkg/x> . ?s ?p ?o"),
    ("evidence-behind-fact", "subject", "https://w3id.org/emkg/x\n} SELECT * WHERE {"),
    ("evidence-behind-fact", "subject", "file:///etc/passwd"),
    ("patient-timeline", "patient", "<https://w3id.org/emkg/a> <b>"),
    # integers
    ("severe-toxicities", "mingrade", "3 || true"),
    ("severe-toxicities", "mingrade", "3) } #"),
    ("severe-toxicities", "mingrade", "1e3"),
])
def test_hostile_values_are_rejected(query, param, hostile):
    with pytest.raises(catalogue.CatalogueError):
        catalogue.get(query).bindings({param: hostile})


def test_string_value_is_a_literal_not_syntax(db):
    # A string parameter without an allowed list becomes one escaped literal; the query keeps its shape.
    param = catalogue.Param("x", "string")
    hostile = '"} ; DROP ALL ; SELECT * WHERE { ?s ?p ?o } #'
    columns, rows = store.select(db, "SELECT ?x (STRLEN(?x) AS ?n) WHERE { }", {"x": param.bind(hostile)})
    assert rows[0][0].value == hostile and int(rows[0][1].value) == len(hostile)


def test_valid_iri_that_matches_nothing_is_harmless(db):
    stored = catalogue.get("evidence-behind-fact")
    _, rows = store.select(db, stored.text, stored.bindings({"subject": "https://w3id.org/emkg/no-such-thing"}))
    assert rows == []


def test_integer_parameter_filters(db):
    stored = catalogue.get("severe-toxicities")
    _, grade3 = store.select(db, stored.text, stored.bindings({}))
    _, grade2 = store.select(db, stored.text, stored.bindings({"mingrade": "2"}))
    _, grade5 = store.select(db, stored.text, stored.bindings({"mingrade": "5"}))
    # grade 5 exists in the data (zhang-2022: a fatal neurotoxicity), so each higher threshold keeps fewer rows
    assert 0 < len(grade5) < len(grade3) < len(grade2)


# ---------------------------------------------------------------------------------------------- QC

RULES = [rule.name for rule in qc.rules()]
P = "https://w3id.org/emkg/case/test/P9/"


def _iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


def _e(local: str) -> ox.NamedNode:
    return ox.NamedNode(EMKG + local)


TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
INT = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=INT)


def _patient_with_two_infusions(number_second: int | None) -> list[tuple]:
    patient, first, second = _iri(P[:-1]), _iri(P + "inf-1"), _iri(P + "inf-2")
    triples = [(patient, TYPE, _e("Patient")),
               (first, TYPE, _e("CarTInfusion")), (first, _e("aboutPatient"), patient),
               (first, _e("infusionNumber"), _int(1)),
               (second, TYPE, _e("CarTInfusion")), (second, _e("aboutPatient"), patient)]
    if number_second is not None:
        triples.append((second, _e("infusionNumber"), _int(number_second)))
    return triples


SEED_FINDING = (EMKG + "publication/chictr2000036350-allogeneic-cd19-cart-em-relapse-after-hsct/cohort/"
                "em-relapse-after-allo-hsct/finding/complete-remission")
SEED_RELAPSE = EMKG + "case/nct03919240-sscart19-skin-testis/P1/relapse"
OTHER_INFUSION = EMKG + "case/kovalenko-2023-brexu-cel-leukemia-cutis/P1/infusion"

BREAKAGES = {
    "two-infusions-without-order-violation": lambda: _patient_with_two_infusions(None),
    "day-without-anchor-violation": lambda: _patient_with_two_infusions(2) + [
        (_iri(P + "crs"), _e("aboutPatient"), _iri(P[:-1])), (_iri(P + "crs"), _e("dayOffset"), _int(5))],
    "finding-count-exceeds-denominator-violation": lambda: [
        (_iri(SEED_FINDING), _e("numerator"), _int(9))],
    "external-term-without-label-violation": lambda: [
        (_iri(SEED_RELAPSE), _e("hasSite"), _iri(OBO + "UBERON_9999999"))],
    "fact-without-evidence-violation": lambda: [
        (_iri(P + "relapse"), TYPE, _e("Relapse")), (_iri(P + "relapse"), _e("hasSite"), _e("SiteNotReported"))],
    "relapse-without-site-violation": lambda: [(_iri(P + "relapse"), TYPE, _e("Relapse"))],
    "cross-patient-link-violation": lambda: [
        (_iri(SEED_RELAPSE), _e("occursAfter"), _iri(OTHER_INFUSION))],
}


@pytest.fixture(scope="module")
def seed_triples(built) -> list:
    nt = (paths.release_dir(built) / "emkg.nt").read_bytes()
    return list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))


def _store_with(seed_triples, extra) -> ox.Store:
    graph = ox.Store()
    graph.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in seed_triples)
    graph.extend(ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in extra)
    return graph


def test_there_are_at_least_six_rules_and_each_has_a_breakage():
    assert len(RULES) >= 6
    assert set(RULES) == set(BREAKAGES)


@pytest.mark.parametrize("rule", RULES)
def test_rule_is_silent_on_the_seed_graph(rule, db):
    result = next(r for r in qc.run_all(db) if r.rule == rule)
    assert result.rows == [], f"{rule} fires on the seed graph: {result.rows[:3]}"


@pytest.mark.parametrize("rule", RULES)
def test_rule_fires_on_a_broken_graph(rule, seed_triples):
    broken = _store_with(seed_triples, BREAKAGES[rule]())
    fired = {r.rule: r.rows for r in qc.run_all(broken)}
    assert fired[rule], f"{rule} did not fire on its broken graph"


def test_rules_dir_is_the_project_qc_folder():
    assert Path(qc.rules()[0].path).parent == paths.QC_QUERIES_DIR
