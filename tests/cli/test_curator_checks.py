"""The curator checks through `emkg validate` / `emkg submit`: each realistic mistake is refused at the field
and line it must name, once; the near-misses pass."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.records import edited_copy

from emkg.cli import main
from emkg.submit import submit
from emkg.validate import Context, validate_file

TESTS = Path(__file__).parent.parent
SHAPES = TESTS / "shapes" / "invalid"
MINIMAL = TESTS / "records" / "valid" / "minimal-case.yaml"

# example -> (field, line, words of the message)
EXPECTED = {
    "RelapseTimingShape-relapse-before-the-infusion-it-follows.yaml": ("patients[0].facts[1].day", 26,
                                                                       "before that therapy"),
    "AnchorOrderShape-day-and-order-disagree.yaml": ("patients[0].facts[3].order", 39, "disagree"),
    "AbsentFactShape-absent-crs-with-a-grade.yaml": ("patients[0].facts[3].grade", 40, "absent"),
    "IsolatedRelapseShape-isolated-relapse-marked-marrow-involved.yaml":
        ("patients[0].facts[1].marrow_involved", 28, "isolated"),
    "IsolatedRelapseShape-marrow-site-without-marrow-involvement.yaml":
        ("patients[0].facts[1].sites", 27, "bone marrow"),
    "MrdResponseShape-mrd-negative-with-no-response.yaml": ("patients[0].facts[4].outcome", 45, "MRD-negative"),
    "UnitDimensionShape-car-t-expansion-in-cells-per-kg.yaml": ("patients[0].facts[4].unit", 48, "copies/ug DNA"),
    "UnitDimensionShape-survival-estimate-in-cells-per-kg.yaml": ("cohorts[0].findings[0].unit", 57, "percent"),
    "ASTCTGradeShape-grade-5-patient-alive.yaml": ("patients[0].facts[3].grade", 39, "death due to CRS"),
    "PrivacyShape-patient-full-name-in-note.yaml": ("patients[0].facts[1].note", 30, "a personal name"),
    "PrivacyShape-record-number-in-note.yaml": ("patients[0].facts[1].note", 30, "a medical record number"),
    "PrivacyShape-born-on-a-date-in-note.yaml": ("patients[0].facts[1].note", 30, "a date of birth"),
}


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mistake_is_refused_once_at_its_field_and_line(name, tmp_path):
    result = run("validate", SHAPES / name, "--format", "json", "--evidence-dir", tmp_path)
    assert result.exit_code == 1, result.output
    (report,) = json.loads(result.output)
    field, line, words = EXPECTED[name]
    errors = [p for p in report["problems"] if p["severity"] == "Violation"]
    assert len(errors) == 1, errors
    assert (errors[0]["field"], errors[0]["line"]) == (field, line) and words in errors[0]["message"], errors[0]
    assert "https://" not in errors[0]["message"]
    assert errors[0]["fact"] is not None or field.startswith("cohorts")  # patient facts are named by id


def record(tmp_path: Path, name: str, **replacements: str) -> Path:
    return edited_copy(MINIMAL.read_text(encoding="utf-8"), tmp_path / name, replacements)


def test_a_resubmission_without_doi_or_pmid_under_another_id_is_a_duplicate(tmp_path):
    evidence = tmp_path / "evidence"
    assert submit(record(tmp_path, "first.yaml"), evidence, source_dirs=[]).code == 0
    again = record(tmp_path, "again.yaml", **{"id: test-minimal-case": "id: test-minimal-case-resubmitted",
                                               "Test publication": "Same series, submitted again"})
    result = submit(again, evidence, source_dirs=[])
    assert result.code == 1
    (dup,) = [d for d in result.outcome.details if d["constraint"] == "duplicates"]
    assert dup["field"] == "patients[0]" and dup["line"] == 15 and "test-minimal-case.yaml" in dup["message"]
    other = record(tmp_path, "other.yaml", **{"id: test-minimal-case": "id: another-case", "day: 28": "day: 35"})
    assert submit(other, evidence, source_dirs=[]).code == 0  # another patient: not a duplicate


def test_the_same_patient_twice_in_one_submission_is_a_duplicate(tmp_path):
    text = MINIMAL.read_text(encoding="utf-8")
    patient = text[text.index("  - id: P1\n"):]
    twice = tmp_path / "twice.yaml"
    twice.write_text(text + patient.replace("id: P1", "id: P2").replace("- id: dx", "- id: dx2")
                     .replace("- id: relapse", "- id: relapse2").replace("- id: inf", "- id: inf2")
                     .replace("- id: crs", "- id: crs2").replace("- id: cr\n", "- id: cr2\n")
                     .replace("product: cart19", "product: cart19"), encoding="utf-8")
    outcome = validate_file(twice, Context(evidence_dir=tmp_path / "none", source_dirs=[]))
    dups = [d for d in outcome.details if d["constraint"] == "duplicates"]
    assert outcome.code == 1 and len(dups) == 1, outcome.problems
    assert dups[0]["field"] == "patients[1]" and "repeats patient 'P1'" in dups[0]["message"]


def test_the_same_doi_under_another_id_is_a_duplicate(tmp_path):
    evidence = tmp_path / "evidence"
    doi = {"  design: emkg:CaseReport": "  design: emkg:CaseReport\n  doi: 10.1000/test.123"}
    assert submit(record(tmp_path, "a.yaml", **doi), evidence, source_dirs=[]).code == 0
    again = record(tmp_path, "b.yaml", **doi, **{"id: test-minimal-case": "id: renamed", "day: 28": "day: 30"})
    result = submit(again, evidence, source_dirs=[])
    assert result.code == 1 and any("same doi" in p for p in result.outcome.problems), result.outcome.problems


def test_a_target_the_quote_does_not_name_is_a_warning_at_the_target(tmp_path):
    cd22 = record(tmp_path, "cd22.yaml", **{"targets: [PR:000001002]": "targets: [PR:000001288]"})
    outcome = validate_file(cd22, Context(evidence_dir=tmp_path, source_dirs=[]))
    (warning,) = [d for d in outcome.details if d["constraint"] == "targets"]
    assert outcome.code == 0 and warning["severity"] == "Warning"
    assert (warning["field"], warning["line"]) == ("products[0].targets[0]", 11)
    assert "CD22" in warning["message"] and "CD19" in warning["message"]
    same = validate_file(MINIMAL, Context(evidence_dir=tmp_path, source_dirs=[]))
    assert not [d for d in same.details if d["constraint"] == "targets"]


def test_a_numerator_above_its_denominator_is_reported_once(tmp_path):
    cohort = record(tmp_path, "cohort.yaml")
    cohort.write_text(cohort.read_text(encoding="utf-8") + """cohorts:
  - id: series
    label: "test series"
    size: 10
    quote: "ten patients"
    findings:
      - id: cr-rate
        measure: emkg:CompleteRemission
        statistic: emkg:Count
        numerator: 5
        denominator: 4
        quote: "5 of 4 patients achieved CR"
""", encoding="utf-8")
    outcome = validate_file(cohort, Context(evidence_dir=tmp_path, source_dirs=[]))
    errors = [d for d in outcome.details if d["severity"] == "Violation"]
    assert outcome.code == 1 and len(errors) == 1, outcome.problems
    assert errors[0]["field"] == "cohorts[0].findings[0].numerator" and errors[0]["line"] == 55
    assert "cannot exceed its denominator" in errors[0]["message"]


def test_the_target_check_reads_hyphenated_antigens_and_ignores_the_construct_s_own_cd_parts():
    from emkg.record_checks import target_warnings

    names = {"PR:000001002": "CD19", "PR:000001288": "CD22"}
    product = {"name": "CD-19 CAR-T", "targets": ["PR:000001002"],
               "quote": ["second-generation CAR T cells targeting CD-19 with a CD28 or 4-1BB domain and CD3 zeta"]}
    assert target_warnings({"products": [product]}, names) == []
    wrong = dict(product, targets=["PR:000001288"])
    (warning,) = target_warnings({"products": [wrong]}, names)
    assert "which name CD19;" in warning.message, warning.message
