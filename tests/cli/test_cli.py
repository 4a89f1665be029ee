"""The CLI, run in-process: exit codes 0 ok, 1 validation failure, 2 usage error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from emkg.cli import main

RECORDS = Path(__file__).parent.parent / "records"
INVALID = sorted((RECORDS / "invalid").glob("*.yaml"))


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_help_lists_the_commands():
    result = run("--help")
    assert result.exit_code == 0
    for command in ("build", "query", "queries", "validate"):
        assert command in result.output


def test_query_prints_a_table_and_csv(built):
    table = run("query", "patients-by-relapse-site", "--build-dir", built)
    assert table.exit_code == 0, table.output
    assert "UBERON:0000473" in table.output and "rows)" in table.output
    csv_out = run("query", "patients-by-relapse-site", "--format", "csv", "--build-dir", built)
    # every IRI column gets its label column; site_found is already labelled by the query's site_label
    assert csv_out.output.splitlines()[0] == ("publication,publication_label,patient,patient_label,relapse,"
                                              "relapse_label,site_found,site_label,marrow_involved")


def test_query_json_is_sparql_results_json(built):
    result = run("query", "toxicities-with-grades", "--format", "json", "--build-dir", built)
    data = json.loads(result.output)
    assert data["head"]["vars"][0] == "patient"
    assert data["results"]["bindings"][0]["patient"]["type"] == "uri"


def test_query_usage_errors_exit_2(built, tmp_path):
    assert run("query", "no-such-query", "--build-dir", built).exit_code == 2
    assert run("query", "patients-by-relapse-site", "--param", "site", "--build-dir", built).exit_code == 2
    assert run("query", "patients-by-relapse-site", "--param", "site=not a curie", "--build-dir", built).exit_code == 2
    missing = run("query", "patients-by-relapse-site", "--build-dir", tmp_path / "nothing")
    assert missing.exit_code == 2 and "emkg build" in missing.output


def test_queries_lists_the_catalogue():
    result = run("queries")
    assert result.exit_code == 0 and "patient-timeline" in result.output


def test_validate_accepts_the_valid_record():
    result = run("validate", RECORDS / "valid" / "minimal-case.yaml")
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


EXPECTED_PROBLEMS = {
    "case-without-infusion.yaml": ("patients[0]", "at least one CAR-T infusion"),
    "dose-without-unit.yaml": ("facts[2].dose", "unit"),
    "exact-date.yaml": ("facts[0].year", "exact dates are not kept"),
    "fact-without-quote.yaml": ("facts[4].quote", "needs 'quote'"),
    "grade-out-of-range.yaml": ("facts[3]", "whole number from 0 to 5"),
    "grade-without-grading-system.yaml": ("facts[3]", "must name its grading system"),
    "site-free-text.yaml": ("facts[1].sites[0]", "'testicle' is not a CURIE"),
}


def test_every_invalid_example_has_an_expectation():
    assert {p.name for p in INVALID} - {"not-yaml.yaml"} == set(EXPECTED_PROBLEMS)


@pytest.mark.parametrize("name", sorted(EXPECTED_PROBLEMS))
def test_validate_rejects_invalid_record_for_its_reason(name):
    result = run("validate", RECORDS / "invalid" / name, "--format", "json")
    assert result.exit_code == 1, result.output
    (report,) = json.loads(result.output)
    field, words = EXPECTED_PROBLEMS[name]
    assert any(field in (p["field"] or "") and words in p["message"] and p["line"] for p in report["problems"]), \
        report["problems"]


def test_validate_unusable_input_exits_2(tmp_path):
    assert run("validate", RECORDS / "invalid" / "not-yaml.yaml").exit_code == 2
    assert run("validate", tmp_path / "missing.yaml").exit_code == 2
    other = tmp_path / "case.docx"
    other.write_bytes(b"PK\x03\x04")
    assert run("validate", other).exit_code == 2


def test_validate_never_modifies_the_input(tmp_path):
    source = RECORDS / "invalid" / "grade-out-of-range.yaml"
    copy = tmp_path / source.name
    copy.write_bytes(source.read_bytes())
    run("validate", copy)
    assert copy.read_bytes() == source.read_bytes()
