"""emkg.validate.validate_file on every invalid example of tests/records/invalid: the whole outcome, exactly.

tests/cli/test_validate_formats.py looks for one problem by a few words of its message; here the exit code, the
format read, every problem line people read (severity, file:line, field, fact, message, value, in order) and every
machine detail (case, shape, constraint, path, focus, fact) are compared whole with
expected/validate-invalid-examples.json, reviewed line by line when written: one problem per mistake the
example was made with, at the line and field the submitter wrote it (plus, in the CSV, the second patient
repeating the first of the same submission, which the duplicate check rightly names)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emkg.validate import validate_file

HERE = Path(__file__).resolve().parent
INVALID = HERE.parent / "records" / "invalid"
EXPECTED = json.loads((HERE / "expected" / "validate-invalid-examples.json").read_text(encoding="utf-8"))


def test_every_invalid_example_has_its_expected_outcome():
    assert sorted(p.name for p in INVALID.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_whole_outcome_of_an_invalid_example(name):
    outcome = validate_file(INVALID / name)
    expected = EXPECTED[name]
    assert (outcome.code, outcome.format) == (expected["code"], expected["format"])
    assert outcome.problems == expected["problems"]
    assert outcome.details == expected["details"]


def test_a_qc_rule_row_is_one_problem_at_the_patient(tmp_path):
    """Two unnumbered infusions pass the loader and the shapes; the QC rule names the patient, once."""
    from test_record_check_exact import TWO_INFUSIONS

    path = tmp_path / "two-infusions.yaml"
    path.write_text(TWO_INFUSIONS, encoding="utf-8")
    outcome = validate_file(path)
    message = ("A patient with several CAR-T infusions that are not numbered 1, 2, ... without ties "
               "(QC rule two-infusions-without-order-violation)")
    assert outcome.code == 1
    assert outcome.problems == [f"Violation: two-infusions.yaml:15: patients[0]: {message}"]
    assert outcome.details == [{
        "severity": "Violation", "case": "test-minimal-case/P1", "file": "two-infusions.yaml", "field": "patients[0]",
        "line": 15, "message": message, "value": None, "shape": None,
        "constraint": "qc:two-infusions-without-order-violation", "path": None,
        "focus": "emkg:case/test-minimal-case/P1", "fact": None}]


@pytest.mark.parametrize("text,shown", [
    ("see https://w3id.org/emkg/case/pub1/P1/inf.", "see fact 'inf' of P1."),
    ("of https://w3id.org/emkg/case/pub1/P1; done", "of patient P1; done"),
    ("emkg:case/pub1/P1/crs: x", "fact 'crs' of P1: x"),
    ("the https://w3id.org/emkg/sequenceNumber and https://w3id.org/emkg/dayOffset:", "the 'order' and 'day':"),
    ("term http://purl.obolibrary.org/obo/UBERON_0000473, ok", "term UBERON:0000473, ok"),
    ("https://w3id.org/emkg/Alive", "emkg:Alive"),
    ("plain text", "plain text"),
])
def test_readable_names_facts_patients_fields_and_terms(text, shown):
    from emkg.validate import readable

    assert readable(text) == shown


@pytest.mark.parametrize("name,data,fmt,problem", [
    ("empty.yaml", b"  \n\n", "yaml", "empty.yaml: the file is empty"),
    ("bom.yaml", "\ufeff  \n".encode(), "yaml", "bom.yaml: the file is empty"),
    ("binary.yaml", b"a\0b", "yaml", "binary.yaml: binary data, not a text file"),
    ("latin1.csv", "caf\xe9".encode("latin-1"), "csv", "latin1.csv: not UTF-8 text (byte 3)"),
    ("notes.txt", b"x", None, "notes.txt: unsupported file type '.txt'; expected one of .yaml, .yml, .csv, .json, "
                              ".ttl, .nt, .jsonld"),
])
def test_an_unusable_file_is_exit_2_with_one_line(tmp_path, name, data, fmt, problem):
    (tmp_path / name).write_bytes(data)
    outcome = validate_file(tmp_path / name)
    assert (outcome.file, outcome.code, outcome.problems, outcome.details, outcome.format) == (
        name, 2, [problem], [], fmt)


def test_a_folder_or_a_missing_file_is_named_with_its_path(tmp_path):
    (tmp_path / "folder.yaml").mkdir()
    assert validate_file(tmp_path / "folder.yaml").problems == [
        f"{tmp_path / 'folder.yaml'}: is a directory, not a file"]
    assert validate_file(tmp_path / "gone.yaml").problems == [f"{tmp_path / 'gone.yaml'}: no such file"]


def test_a_made_up_term_is_one_problem_in_the_lines_as_in_the_details(tmp_path):
    """The term check names it; the shape of its field would too, and is left out of both lists (it was left in the
    lines people read, whose value is quoted, while the details dropped it)."""
    text = (INVALID.parent / "valid" / "minimal-case.yaml").read_text(encoding="utf-8")
    path = tmp_path / "made-up-term.yaml"
    path.write_text(text.replace("emkg:CompleteRemission", "emkg:CompleteRemision"), encoding="utf-8")
    outcome = validate_file(path)
    message = "emkg:CompleteRemision is not a term of the ontology; `emkg terms` lists the allowed values"
    assert outcome.problems == [
        f"Violation: made-up-term.yaml:44: patients[0].facts[4].outcome (fact cr): {message} "
        "(value: 'emkg:CompleteRemision')"]
    assert outcome.details == [{
        "severity": "Violation", "case": "test-minimal-case/P1", "file": "made-up-term.yaml",
        "field": "patients[0].facts[4].outcome", "line": 44, "message": message, "value": "emkg:CompleteRemision",
        "shape": None, "constraint": "terms", "path": None, "focus": None, "fact": "cr"}]


def test_a_problem_on_a_node_of_no_patient_says_so_as_its_case(tmp_path):
    """RDF is validated as it is: a graded event that names no patient (and no loader IRI) is about no one."""
    path = tmp_path / "stray.ttl"
    path.write_text("@prefix emkg: <https://w3id.org/emkg/> .\n"
                    "<https://example.org/ae1> emkg:grade 7 ; emkg:gradingSystem emkg:ASTCT2019 .\n", encoding="utf-8")
    outcome = validate_file(path)
    message = ("A toxicity grade is a whole number from 0 to 5 (CTCAE, Lee 2014 and ASTCT 2019: 1-5, 5 = death; "
               "0 = none), and not above grade_max.")
    assert (outcome.code, outcome.format) == (1, "turtle")
    assert outcome.problems == [f"Violation: stray.ttl:2: https://example.org/ae1 emkg:grade: {message} (value: '7')"]
    assert outcome.details == [{
        "severity": "Violation", "case": "(not about one patient)", "file": "stray.ttl",
        "field": "https://example.org/ae1 emkg:grade", "line": 2, "message": message, "value": "7",
        "shape": "emkg:GradeShape", "constraint": "sh:MaxInclusiveConstraintComponent", "path": "emkg:grade",
        "focus": "https://example.org/ae1", "fact": None}]
