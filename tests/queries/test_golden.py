"""Every stored query's exact rows on the seed graph (golden files in tests/queries/expected/).

A change to the evidence, the ontology or a query that alters an answer fails here until the
expectation is updated on purpose: `pytest tests/queries --update-golden`, then review the diff.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from emkg import catalogue, output, paths, store

EXPECTED = Path(__file__).parent / "expected"
QUERIES = sorted(catalogue.catalogue())
# Non-default parameter values per query: {query: {case: {param: value}}}; golden rows in
# expected/<query>--<case>.json beside the default case's expected/<query>.json.
PARAM_CASES = json.loads((Path(__file__).parent / "param_cases.json").read_text(encoding="utf-8"))
CASES = [(name, case) for name in sorted(PARAM_CASES) for case in sorted(PARAM_CASES[name])]


@pytest.fixture(scope="module")
def db(built):
    return store.open_read_only(paths.store_dir(built))


def test_catalogue_has_twenty_queries():
    assert len(QUERIES) >= 20


def typed_term(term) -> str | None:
    """An answer cell as an RDF term in N-Triples syntax: IRI, or literal with its datatype or language tag.

    Display strings would hide a changed datatype ("3" as xsd:integer, xsd:decimal or a plain string) or a
    lost language tag; this form keeps both, so a golden row matches only the same typed term. Blank
    nodes have no stable label and are written as "_:" (none of the stored queries returns one).
    """
    if term is None:
        return None
    return "_:" if isinstance(term, ox.BlankNode) else str(term)


def _check_golden(db, request, name: str, golden: Path, params: dict[str, str]) -> None:
    stored = catalogue.get(name)
    columns, rows = store.select(db, stored.text, stored.bindings(params))
    typed = [[typed_term(cell) for cell in row] for row in rows]
    actual = {"params": params, "columns": columns, "rows": typed} if params else {"columns": columns, "rows": typed}
    if request.config.getoption("--update-golden"):
        golden.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert golden.is_file(), f"no golden rows for {golden.stem}; run pytest --update-golden and review them"
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert actual == expected
    assert rows, f"{golden.stem}: a golden case must answer with rows on the seed graph"


@pytest.mark.parametrize("name", QUERIES)
def test_query_matches_its_golden_rows(name, db, request):
    _check_golden(db, request, name, EXPECTED / f"{name}.json", {})


@pytest.mark.parametrize(("name", "case"), CASES)
def test_parameter_case_matches_its_golden_rows(name, case, db, request):
    _check_golden(db, request, name, EXPECTED / f"{name}--{case}.json", PARAM_CASES[name][case])


@pytest.mark.parametrize("name", QUERIES)
def test_parameterised_query_has_a_non_default_case(name):
    stored = catalogue.get(name)
    if stored.params:
        assert PARAM_CASES.get(name), f"{name}: add a non-default parameter case to param_cases.json"
        for params in PARAM_CASES[name].values():
            stored.bindings(params)  # the case's values are valid
            assert any(params.get(p.name) not in (None, p.default) for p in stored.params)


def test_no_stale_golden_files():
    known = {f"{n}.json" for n in QUERIES} | {f"{n}--{c}.json" for n, c in CASES}
    assert {p.name for p in EXPECTED.glob("*.json")} <= known


@pytest.mark.parametrize("name", QUERIES)
def test_query_is_portable_sparql(name):
    # Rows must compare in order across engines: a total ORDER BY, and no engine-specific functions.
    stored = catalogue.get(name)
    body = "\n".join(line for line in stored.text.splitlines() if not line.lstrip().startswith("#"))
    assert "ORDER BY" in body
    order_by = body[body.rindex("ORDER BY"):]
    # a column projected from a parameter variable, (?__name_iri AS ?name), is ordered by that variable
    select = body[body.index("SELECT"):body.index("WHERE")]
    aliases = dict((alias, source) for source, alias in re.findall(r"\(\?(\w+) AS \?(\w+)\)", select))
    for column in stored.columns:
        variable = aliases.get(column, column)
        assert re.search(rf"\?{variable}(?!\w)", order_by), f"{name}: ORDER BY lacks ?{variable}"
    for word in ("bif:", "sql:", "SERVICE", "SAMPLE(", "LOAD ", "FROM <"):
        assert word not in body, f"{name}: {word} is not portable or not allowed"


@pytest.mark.parametrize("name", QUERIES)
def test_query_header_is_complete(name):
    stored = catalogue.get(name)
    assert stored.summary and stored.question and stored.tags
    assert stored.columns, f"{name}: '#+ columns:' missing"
    for param in stored.params:
        assert f"?{param.var}" in stored.text, f"{name}: parameter {param.name} is not used"


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
