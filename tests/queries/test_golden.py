"""Every stored query's exact rows on the seed graph (golden files in tests/queries/expected/).

A change to the evidence, the ontology or a query that alters an answer fails here until the
expectation is updated on purpose: `pytest tests/queries --update-golden`, then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emkg import catalogue, output, paths, store

EXPECTED = Path(__file__).parent / "expected"
QUERIES = sorted(catalogue.catalogue())


@pytest.fixture(scope="module")
def db(built):
    return store.open_read_only(paths.store_dir(built))


def test_catalogue_is_not_empty():
    assert len(QUERIES) >= 3


@pytest.mark.parametrize("name", QUERIES)
def test_query_matches_its_golden_rows(name, db, request):
    stored = catalogue.get(name)
    columns, rows = store.select(db, stored.text, stored.bindings({}))
    actual = {"columns": columns, "rows": output.display_rows(rows)}
    golden = EXPECTED / f"{name}.json"
    if request.config.getoption("--update-golden"):
        golden.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"no golden rows for {name}; run pytest --update-golden and review them"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("name", QUERIES)
def test_query_header_is_complete(name):
    stored = catalogue.get(name)
    assert stored.summary and stored.question and stored.tags
    assert stored.columns, f"{name}: '#+ columns:' missing"
    for param in stored.params:
        assert f"?{param.name}" in stored.text, f"{name}: parameter {param.name} is not used"


def test_site_parameter_includes_subclasses_and_filters(db):
    stored = catalogue.get("patients-by-relapse-site")
    _, all_rows = store.select(db, stored.text, stored.bindings({}))
    _, testis = store.select(db, stored.text, stored.bindings({"site": "UBERON:0000473"}))
    assert testis and len(testis) < len(all_rows)
    assert {output.display(row[3]) for row in testis} == {"UBERON:0000473"}


def test_timeline_parameter_selects_one_patient(db):
    stored = catalogue.get("patient-timeline")
    patient = "emkg:case/nct03919240-sscart19-skin-testis/P1"
    _, rows = store.select(db, stored.text, stored.bindings({"patient": patient}))
    assert rows and {output.display(row[0]) for row in rows} == {patient}
    days = [int(row[5].value) for row in rows if row[5] is not None]
    assert days == sorted(days) and 46 in days  # HSCT at day +46, in order


@pytest.mark.parametrize("hostile", [
    'UBERON:0000473> } ; DROP ALL ; #',
    "UBERON:0000473 ?x",
    "http://example.org/x> . ?s ?p ?o",
    "SERVICE:<http://example.org/sparql>",
])
def test_injection_attempts_are_rejected(hostile):
    stored = catalogue.get("patients-by-relapse-site")
    with pytest.raises(catalogue.CatalogueError):
        stored.bindings({"site": hostile})


def test_string_values_are_bound_not_pasted(db):
    # A string parameter is a literal: quotes and braces inside it cannot end the query's string.
    param = catalogue.Param("x", "string")
    term = param.bind('"} } SELECT * WHERE { ?s ?p ?o } #')
    columns, rows = store.select(db, "SELECT ?x WHERE { BIND(?x AS ?y) }", {"x": term})
    assert rows == [[term]]


def test_unknown_parameter_and_query_are_usage_errors():
    with pytest.raises(catalogue.CatalogueError):
        catalogue.get("patients-by-relapse-site").bindings({"nope": "1"})
    with pytest.raises(catalogue.CatalogueError):
        catalogue.get("../etc/passwd")
    with pytest.raises(catalogue.CatalogueError):
        catalogue.get("no-such-query")
