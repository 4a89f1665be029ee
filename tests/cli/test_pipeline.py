"""Valid under `emkg validate` means `emkg submit` and `emkg build` accept it: every valid record example
is validated against a copy of evidence/, submitted into that copy, and the copy is built."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from emkg.build import build
from emkg.cli import main
from emkg.validate import Context, validate_file

TESTS = Path(__file__).parent.parent
EVIDENCE = TESTS.parent / "evidence"
RECORD_EXAMPLES = TESTS / "records" / "valid"
EXAMPLES = sorted([*RECORD_EXAMPLES.glob("*.yaml"), *RECORD_EXAMPLES.glob("*.csv"),
                   *RECORD_EXAMPLES.glob("*.phenopacket.json"), *(TESTS / "shapes" / "valid").glob("*.yaml")])


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def test_valid_under_validate_is_accepted_by_submit_and_build(example, tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence, ignore=shutil.ignore_patterns(".*"))
    checked = run("validate", example, "--evidence-dir", evidence)
    assert checked.exit_code == 0, checked.output
    submitted = run("submit", example, "--evidence-dir", evidence)
    assert submitted.exit_code == 0, submitted.output
    report = build(tmp_path / "build", evidence_dir=evidence)
    assert report.records == len(list(EVIDENCE.glob("*.yaml"))) + 1


def test_every_curated_record_is_valid_under_validate():
    """The records the build accepts are valid under validate too (validated in place: not duplicates of
    themselves), so the two agree in both directions."""
    for path in sorted(EVIDENCE.glob("*.yaml")):
        outcome = validate_file(path, Context())
        assert outcome.code == 0, "\n".join(outcome.problems)


def test_a_made_up_emkg_term_is_refused_by_validate_at_its_field_and_line(tmp_path):
    """Issue 11: `emkg:OverallResponseRate` passed validate and submit and failed the build."""
    text = (TESTS / "records" / "valid" / "minimal-case.yaml").read_text(encoding="utf-8")
    made_up = tmp_path / "made-up-term.yaml"
    # (emkg:OverallResponseRate, the term of the issue, is a statistic of the ontology since evidence model 2)
    made_up.write_text(text.replace("outcome: emkg:CompleteRemission", "outcome: emkg:OverallRemissionRatio"), "utf-8")
    outcome = validate_file(made_up, Context(evidence_dir=tmp_path))
    assert outcome.code == 1
    hits = [d for d in outcome.details if d["value"] == "emkg:OverallRemissionRatio" and "not a term" in d["message"]]
    assert hits and hits[0]["field"] == "patients[0].facts[4].outcome" and hits[0]["line"] == 44, outcome.problems
    assert [d["value"] for d in outcome.details] == ["emkg:OverallRemissionRatio"]  # each problem once
