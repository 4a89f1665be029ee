"""`emkg query` in every output format, `emkg qc` exit codes, and the generated queries/README.md."""

from __future__ import annotations

import csv
import io
import json
import shutil

import pyoxigraph as ox
from click.testing import CliRunner

from emkg import paths, querydocs, store
from emkg.cli import main

QUERY = ["query", "second-car-t-infusions", "--param", "kind=donor-derived"]
COLUMNS = ["patient", "first_infusion", "first_product", "second_infusion", "second_product", "kind_found", "dose",
           "unit", "outcome", "outcome_day"]
# Table, CSV, TSV and Markdown add a label column after every column holding IRIs (JSON does not).
SHOWN = ["patient", "patient_label", "first_infusion", "first_infusion_label", "first_product", "first_product_label",
         "second_infusion", "second_infusion_label", "second_product", "second_product_label", "kind_found", "dose",
         "unit", "unit_label", "outcome", "outcome_label", "outcome_day"]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_table_format(built):
    result = run(*QUERY, "--build-dir", built)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == SHOWN and set(lines[1]) <= {"-", " "}
    assert lines[-1] == "(2 rows)" and "emkg:MRDNegativeCompleteRemission" in result.output


def test_csv_and_tsv_formats(built):
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        result = run(*QUERY, "--format", fmt, "--build-dir", built)
        rows = list(csv.reader(io.StringIO(result.output), delimiter=delimiter))
        assert rows[0] == SHOWN and len(rows) == 3
        kind, dose = SHOWN.index("kind_found"), SHOWN.index("dose")
        assert {row[kind] for row in rows[1:]} == {"donor-derived"} and rows[1][dose] == "2010000"
        assert rows[1][SHOWN.index("outcome_label")] == "complete remission"


def test_json_format_is_sparql_results_json(built):
    data = json.loads(run(*QUERY, "--format", "json", "--build-dir", built).output)
    assert data["head"]["vars"] == COLUMNS
    first = data["results"]["bindings"][0]
    assert first["patient"]["type"] == "uri" and first["patient"]["value"].startswith("https://w3id.org/emkg/case/")
    assert first["dose"] == {"type": "literal", "value": "2010000",
                             "datatype": "http://www.w3.org/2001/XMLSchema#decimal"}
    assert first["kind_found"] == {"type": "literal", "value": "donor-derived"}
    assert "outcome_day" in first  # bound here; unbound values are left out of a binding


def test_markdown_format(built):
    lines = run(*QUERY, "--format", "markdown", "--build-dir", built).output.splitlines()
    assert lines[0] == "| " + " | ".join(SHOWN) + " |" and lines[1] == "|" + "---|" * len(SHOWN)
    assert len(lines) == 4 and all(line.startswith("| ") and line.endswith(" |") for line in lines[2:])


def test_bad_parameter_value_exits_2(built):
    result = run("query", "second-car-t-infusions", "--param", "kind=} DROP ALL", "--build-dir", built)
    assert result.exit_code == 2 and "not one of" in result.output


def test_qc_passes_on_the_seed_graph(built):
    result = run("qc", "--build-dir", built)
    assert result.exit_code == 0, result.output
    assert "0 with violations" in result.output


def test_qc_fails_and_prints_rows_on_a_broken_graph(built, tmp_path):
    nt = paths.release_dir(built) / "emkg.nt"
    broken = tmp_path / "broken.nt"
    shutil.copy(nt, broken)
    with broken.open("a", encoding="utf-8") as handle:
        handle.write("<https://w3id.org/emkg/case/x/P1/relapse> "
                     "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <https://w3id.org/emkg/Relapse> .\n")
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    store.create(paths.store_dir(build_dir), broken)
    result = run("qc", "--build-dir", build_dir)
    assert result.exit_code == 1
    assert "relapse-without-site-violation: 1 violation(s)" in result.output
    assert "emkg:case/x/P1/relapse" in result.output


def test_qc_without_a_build_exits_2(tmp_path):
    assert run("qc", "--build-dir", tmp_path).exit_code == 2


def test_committed_catalogue_docs_are_current(built):
    db = store.open_read_only(paths.store_dir(built))
    committed = (paths.QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    assert committed == querydocs.render(db), "queries/README.md is stale: run `emkg queries --markdown`"


def test_catalogue_docs_describe_every_query(built):
    db = store.open_read_only(paths.store_dir(built))
    text = querydocs.render(db)
    assert text.startswith(querydocs.HEADER)
    for name in (p.stem for p in paths.QUERIES_DIR.glob("*.rq")):
        assert f"## {name}\n" in text and f"emkg query {name}" in text
    assert "| `mingrade` | integer | `3` | any |" in text


def test_in_memory_store_is_not_needed_for_docs():
    # render() takes any open store; an empty one gives 0-row examples rather than failing.
    text = querydocs.render(ox.Store())
    assert "0 row(s) on the seed graph." in text
