"""`emkg validate` on every input format: valid and invalid examples, reports, unusable input, no writes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.namespace import SH

from emkg.cli import main

RECORDS = Path(__file__).parent.parent / "records"
VALID = sorted(p for p in (RECORDS / "valid").iterdir() if p.is_file())


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_there_is_a_valid_example_of_every_format():
    assert {p.name.split(".", 1)[1] for p in VALID} >= {"yaml", "csv", "phenopacket.json", "ttl", "jsonld"}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_examples_are_valid(path):
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("valid")


# file -> (case, field, line, words of the message, value)
EXPECTED = {
    "grade-without-grading-system.csv": ("test-minimal-csv-case/P2", "toxicity1_grading_system", 3,
                                         "must name its grading system", None),
    "grade-out-of-range.ttl": ("test-minimal-case/P1", "emkg:case/test-minimal-case/P1/crs emkg:grade", 19,
                               "whole number from 0 to 5", "7"),
    "phenopacket-problems.phenopacket.json": ("pmid-99999999/P1", "medicalActions[0].treatment.doseIntervals[0]"
                                              ".quantity", 50, "a dose needs 'unit'", None),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_examples_name_case_field_line_message_and_value(name):
    result = run("validate", RECORDS / "invalid" / name, "--format", "json")
    assert result.exit_code == 1, result.output
    (report,) = json.loads(result.output)
    case, field, line, words, value = EXPECTED[name]
    matches = [p for p in report["problems"] if p["field"] == field and p["line"] == line and words in p["message"]]
    assert matches, report["problems"]
    assert matches[0]["case"] == case and matches[0]["severity"] == "Violation" and matches[0]["value"] == value
    assert case in report["cases"]
    assert set(matches[0]) == {"severity", "case", "file", "field", "line", "message", "value", "shape", "constraint",
                               "path", "focus", "fact"}


def test_csv_problem_is_reported_against_its_own_row_in_text():
    result = run("validate", RECORDS / "invalid" / "grade-without-grading-system.csv")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[1] == "  case test-minimal-csv-case/P2:" and "line 3" in lines[2]


def test_phenopacket_unmapped_parts_are_warnings():
    result = run("validate", RECORDS / "invalid" / "phenopacket-problems.phenopacket.json", "--format", "json")
    (report,) = json.loads(result.output)
    warnings = [p for p in report["problems"] if p["severity"] == "Warning"]
    assert [w["field"] for w in warnings] == ["medicalActions[1].radiationTherapy.dosage",
                                              "medicalActions[1].radiationTherapy.fractions"]
    assert [w["line"] for w in warnings] == [77, 78]
    assert any(p["field"] == "subject.dateOfBirth" and p["line"] == 11 for p in report["problems"])


def test_turtle_report_is_the_shacl_report_graph():
    result = run("validate", RECORDS / "invalid" / "grade-out-of-range.ttl", "--format", "turtle")
    assert result.exit_code == 1
    graph = Graph().parse(data=result.output, format="turtle")
    (report,) = graph.subjects(SH.conforms, None)
    assert str(graph.value(report, SH.conforms)) == "false"
    messages = {str(m) for m in graph.objects(None, SH.resultMessage)}
    assert any(m.startswith("A toxicity grade is a whole number from 0 to 5") for m in messages)
    loader = run("validate", RECORDS / "invalid" / "dose-without-unit.yaml", "--format", "turtle")
    loader_graph = Graph().parse(data=loader.output, format="turtle")
    assert any("a dose needs 'unit'" in str(m) for m in loader_graph.objects(None, SH.resultMessage))


def test_unusable_files_exit_2_with_a_message_and_2_wins(tmp_path):
    cases = {"empty.csv": b"", "blank.ttl": b"  \n", "binary.json": b"\x89PNG\r\n\x1a\n\0\0",
             "latin1.yaml": "schema: caf\xe9".encode("latin-1"), "case.docx": b"PK\x03\x04", "case.rdf": b"<rdf/>",
             "list.json": b"[1, 2]", "broken.ttl": b"<a> <b> ."}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        result = run("validate", path)
        assert result.exit_code == 2, (name, result.output)
        assert "UNUSABLE" in result.output and "Traceback" not in result.output
    mixed = run("validate", RECORDS / "valid" / "minimal-case.csv", RECORDS / "invalid" / "grade-out-of-range.ttl",
                tmp_path / "empty.csv")
    assert mixed.exit_code == 2
    remote = run("validate", RECORDS / "invalid" / "remote-context.jsonld")
    assert remote.exit_code == 2 and "would be fetched" in remote.output


@pytest.mark.parametrize("path", VALID + sorted((RECORDS / "invalid").iterdir()), ids=lambda p: p.name)
def test_validation_never_modifies_the_input(path):
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for fmt in ("text", "json", "turtle"):
        run("validate", path, "--format", fmt)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_template_csv_prints_the_template_and_its_reference():
    template = run("template", "csv")
    assert template.exit_code == 0 and template.output.startswith("publication_id,")
    doc = run("template", "csv", "--doc")
    assert doc.exit_code == 0 and "| `infusion_dose_unit` |" in doc.output
    assert run("template", "xlsx").exit_code == 2


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path, monkeypatch):
    from emkg import validate

    monkeypatch.setattr(validate, "MAX_BYTES", 1000)
    big = tmp_path / "big.csv"
    big.write_text((RECORDS / "valid" / "minimal-case.csv").read_text() * 3, encoding="utf-8")
    result = run("validate", big)
    assert result.exit_code == 2 and "larger than" in result.output


def test_validating_every_format_opens_no_network_connection(monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = run("validate", *VALID, RECORDS / "invalid" / "remote-context.jsonld")
    assert result.exit_code == 2 and "network access" not in result.output
    assert result.output.count(": valid") == len(VALID)


def test_the_templates_example_row_is_a_valid_case(tmp_path):
    template = run("template", "csv").output
    path = tmp_path / "example.csv"
    path.write_text(template.replace("# example (delete this row): ", ""), encoding="utf-8")
    result = run("validate", path)
    assert result.exit_code == 0, result.output
