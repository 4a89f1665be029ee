"""The devset publications submitted as CSV template or Phenopacket files: each is valid against its source
text in ../shared/devset, the official phenopackets package reads each packet, and submitting each gives
exactly the committed evidence record (so the record in evidence/ is what the real submission path writes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from emkg import paths
from emkg.cli import main

HERE = Path(__file__).parent
EVIDENCE = paths.PROJECT_ROOT / "evidence"
DEVSET = paths.PROJECT_ROOT.parent / "shared" / "devset"
# named <publication id>.phenopacket.json or <publication id>.csv
SUBMISSIONS = sorted(p for p in HERE.iterdir() if p.name.endswith((".phenopacket.json", ".csv")))


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def record_id(path: Path) -> str:
    return path.name.removesuffix(".phenopacket.json").removesuffix(".csv")


def test_there_are_devset_submissions_in_each_format_kept_here():
    assert any(p.name.endswith(".phenopacket.json") for p in SUBMISSIONS)


def other_records(tmp_path: Path, submission: Path) -> Path:
    """evidence/ without the submission's own record: the duplicate checks run against the others."""
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence,
                    ignore=shutil.ignore_patterns("README.md", ".locks", f"{record_id(submission)}.yaml"))
    return evidence


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_submission_is_valid_against_its_devset_text(submission, tmp_path):
    result = run("validate", submission, "--evidence-dir", other_records(tmp_path, submission),
                 "--source-text", DEVSET / f"{record_id(submission)}.txt")
    assert result.exit_code == 0, result.output
    assert ": valid" in result.output


@pytest.mark.parametrize("submission", [p for p in SUBMISSIONS if p.name.endswith(".phenopacket.json")],
                         ids=lambda p: p.name)
def test_the_official_phenopackets_package_reads_the_packet(submission):
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    packet = Parse(submission.read_text(encoding="utf-8"), Phenopacket())
    assert packet.subject.id and packet.meta_data.phenopacket_schema_version.startswith("2")


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_submitting_gives_the_committed_evidence_record(submission, tmp_path):
    committed = EVIDENCE / f"{record_id(submission)}.yaml"
    assert committed.is_file(), f"{committed.name} is not in evidence/"
    evidence = other_records(tmp_path, submission)
    result = run("submit", submission, "--evidence-dir", evidence,
                 "--source-text", DEVSET / f"{record_id(submission)}.txt")
    assert result.exit_code == 0, result.output
    written = evidence / committed.name
    assert written.read_text(encoding="utf-8") == committed.read_text(encoding="utf-8")
