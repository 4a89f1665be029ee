"""Every stored query on the reviewed fixture graph (tests/fixtures/graph.ttl), beside the seed graph.

The fixture is loaded as a build loads a graph: ontology and imports, the fixture's triples, the fast
reasoning rules' types, then the derived helper links (queries/derive/). Its values sit on the
boundaries of the queries' filters (a grade at the default minimum and one below it, a finding with
numerator 0, an HSCT one step after the response ...), so a comparison moved by one or a dropped filter
changes a row. Rows are compared as typed RDF terms with reviewed golden files in
tests/fixtures/expected/ (`pytest tests/queries --update-golden` rewrites them; review the diff). The
named tests below state the boundary each query must respect, independently of the golden files.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.fixture_store import fixture_store

from emkg import catalogue, store

FIXTURES = Path(__file__).parents[1] / "fixtures"
EXPECTED = FIXTURES / "expected"
F = "https://w3id.org/emkg/case/fixture-series/"
QUERIES = sorted(catalogue.catalogue())
# Parameter cases on the fixture: {case name: (query, params)}; golden rows in expected/<query>--<case>.json
CASES = {
    "mingrade-2": ("severe-toxicities", {"mingrade": "2"}),
    "mingrade-5": ("severe-toxicities", {"mingrade": "5"}),
    "site-cns": ("patients-by-relapse-site", {"site": "UBERON:0001017"}),
    "donor-derived": ("second-car-t-infusions", {"kind": "donor-derived"}),
    "dual-target": ("second-car-t-infusions", {"kind": "dual-target"}),
    "same-target": ("second-car-t-infusions", {"kind": "same-target"}),
    "patient-1": ("evidence-behind-fact", {"subject": "emkg:case/fixture-series/P1"}),
    "csf": ("car-t-at-disease-site", {"compartment": "UBERON:0001359"}),
    "cd22-cd28": ("products-by-component", {"antigen": "PR:000001288", "costimulatory": "emkg:CD28Domain"}),
    "crs": ("toxicity-grade-by-site", {"condition": "MONDO:0600008"}),
}


@pytest.fixture(scope="module")
def db() -> ox.Store:
    return fixture_store()


def typed_rows(db, name: str, params: dict[str, str]) -> dict:
    stored = catalogue.get(name)
    columns, rows = store.select(db, stored.text, stored.bindings(params))
    return {"columns": columns, "rows": [[None if c is None else ("_:" if isinstance(c, ox.BlankNode) else str(c))
                                          for c in row] for row in rows]}


def check_golden(actual: dict, golden: Path, request) -> None:
    if request.config.getoption("--update-golden"):
        golden.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"no golden rows for {golden.stem}; run pytest --update-golden and review them"
    assert actual == json.loads(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", QUERIES)
def test_query_matches_its_golden_rows_on_the_fixture(name, db, request):
    check_golden(typed_rows(db, name, {}), EXPECTED / f"{name}.json", request)


@pytest.mark.parametrize("case", sorted(CASES))
def test_parameter_case_on_the_fixture(case, db, request):
    name, params = CASES[case]
    check_golden(typed_rows(db, name, params), EXPECTED / f"{name}--{case}.json", request)


def column(result: dict, name: str) -> list:
    i = result["columns"].index(name)
    return [row[i] for row in result["rows"]]


def local(term: str | None) -> str | None:
    return term.strip("<>").removeprefix(F) if term else term


def test_severe_toxicities_keep_the_default_minimum_grade_and_drop_one_below(db):
    events = {local(e) for e in column(typed_rows(db, "severe-toxicities", {}), "event_or_finding")}
    assert {"P1-icans", "P2-crs", "P2-tox5", "cohort-crs"} <= events  # grade 3 (the default), 4-5, 5, cohort 3
    assert not {"P1-crs2", "P1-crs", "P1-no-crs"} & events  # grade 2, grade 0, stated absent
    at_two = {local(e) for e in column(typed_rows(db, "severe-toxicities", {"mingrade": "2"}), "event_or_finding")}
    assert "P1-crs2" in at_two and "P1-crs" not in at_two
    at_five = {local(e) for e in column(typed_rows(db, "severe-toxicities", {"mingrade": "5"}), "event_or_finding")}
    assert at_five == {"P2-crs", "P2-tox5"}  # grade 4-5 counts by its upper grade


def test_grades_are_typed_integers_not_strings(db):
    grades = column(typed_rows(db, "severe-toxicities", {}), "grade")
    assert grades and all(g.endswith("^^<http://www.w3.org/2001/XMLSchema#integer>") for g in grades)


def test_a_finding_with_numerator_zero_is_a_cohort_count_of_zero(db):
    result = typed_rows(db, "cohort-count-findings", {})
    rows = [dict(zip(result["columns"], row, strict=True)) for row in result["rows"]]
    zero = [r for r in rows if local(r.get("finding")) == "cohort-cr"]
    assert zero, result


def test_an_hsct_at_the_responses_position_or_in_the_infusions_year_is_not_after_it(db):
    result = typed_rows(db, "bridging-to-hsct-after-car-t", {})
    pairs = {(local(c), local(h)) for c, h in zip(column(result, "car_t"), column(result, "hsct"), strict=True)}
    assert ("P1-inf", "P1-hsct") in pairs  # sequence 4 after the response's 3
    assert not {h for _, h in pairs} & {"P2-hsct"}  # sequence 4 = the response's 4; year 2020 = the infusion's


def test_second_infusions_are_told_apart_by_source_and_target(db):
    result = typed_rows(db, "second-car-t-infusions", {})
    kinds = dict(zip(map(local, column(result, "second_infusion")), column(result, "kind_found"), strict=True))
    assert kinds == {"P1-inf2": '"donor-derived"', "P2-inf2": '"dual-target"', "P2-inf3": '"same-target"'}


def test_coverage_counts_patients_once_per_site(db):
    result = typed_rows(db, "coverage-by-relapse-site", {})
    rows = {local(r[0]).rsplit("/", 1)[-1]: r for r in result["rows"]}
    cns = rows["UBERON_0001017"]
    assert cns[2:] == ['"1"^^<http://www.w3.org/2001/XMLSchema#integer>',
                       '"2"^^<http://www.w3.org/2001/XMLSchema#integer>']  # one patient, two relapses


def test_a_cohort_response_is_paired_only_with_relapse_site_subgroups_of_the_cohort_as_treated(db):
    result = typed_rows(db, "response-by-relapse-site", {})
    cohort = [dict(zip(result["columns"], r, strict=True)) for r in result["rows"] if r[2] == '"cohort"']
    scopes = {(local(r["site"]).rsplit("_", 1)[-1], r["response_scope"], r["site_subgroup"]) for r in cohort}
    assert scopes == {("0001017", '"whole cohort, not reported by site"', '"2 of 4"'),
                      ("0002097", '"whole cohort, at this site"', '""')}


def test_toxicity_by_construct_counts_a_patient_once_per_group_however_many_events(db):
    # P2 has two grade 1 CRS events: one without an anchor among three autologous infusions, one counted from
    # infusion 3 (autologous, CD28): one patient in the autologous grade 1 group, not two
    result = typed_rows(db, "toxicity-grade-by-construct", {})
    rows = [dict(zip(result["columns"], row, strict=True)) for row in result["rows"]]
    grade_one = {(local(r["feature"]).rsplit("/", 1)[-1], r["numerator"], r["denominator"]) for r in rows
                 if r["grade"] == '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'}
    one, three = ('"1"^^<http://www.w3.org/2001/XMLSchema#integer>', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>')
    assert grade_one == {("Autologous", one, three), ("CD28Domain", one, one)}  # of P0, P1, P2; of P2


KEYED = sorted(name for name, stored in catalogue.catalogue().items() if catalogue.PAGE_KEYS.search(stored.text))
PAGED = [(name, {}) for name in KEYED] + [(name, params) for name, params in CASES.values() if name in KEYED]


@pytest.mark.parametrize(("name", "params"), PAGED, ids=[f"{n}-{'-'.join(p.values()) or 'defaults'}" for n, p in PAGED])
def test_one_row_pages_on_the_fixture_are_the_whole_answer_cut_into_pages(name, params, db):
    # Pages of one row, so the page-key sub-SELECT keeps offset + 1 keys: a key it lets in that has no rows
    # (P0, whose only drug therapy has no category narrower than emkg:Therapy, sorts first) shifts a page.
    stored = catalogue.get(name)
    bindings = stored.bindings(params)
    _, everything = store.select(db, stored.text, bindings)
    for offset in range(len(everything) + 1):
        _, page = store.select(db, stored.paged_text(1, offset), bindings)
        assert page == everything[offset:offset + 1], f"{name} {params}: page at offset {offset}"

