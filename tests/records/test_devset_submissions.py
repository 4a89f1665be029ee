"""The devset records entered as a CSV template or a GA4GH Phenopacket (tests/records/devset/) are valid, are
standard (the official phenopackets package reads the JSON) and, submitted again, give exactly the record
committed in evidence/: the committed record is what the real submission path writes, not a hand edit."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from emkg.cli import main

ROOT = Path(__file__).parent.parent.parent
DEVSET_SUBMISSIONS = sorted(p for p in (Path(__file__).parent / "devset").iterdir()
                            if p.name.endswith((".csv", ".phenopacket.json")))
DEVSET_TEXTS = ROOT.parent / "shared" / "devset"


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def test_there_is_a_csv_and_a_phenopacket_submission():
    assert any(p.suffix == ".csv" for p in DEVSET_SUBMISSIONS)
    assert any(p.name.endswith(".phenopacket.json") for p in DEVSET_SUBMISSIONS)


@pytest.mark.parametrize("submission", DEVSET_SUBMISSIONS, ids=lambda p: p.name)
def test_submitting_gives_the_committed_record(submission, tmp_path):
    assert DEVSET_TEXTS.is_dir(), f"{DEVSET_TEXTS} (the devset source texts) is missing"
    evidence = tmp_path / "evidence"
    result = run("submit", submission, "--evidence-dir", evidence)
    assert result.exit_code == 0, result.output
    (written,) = evidence.glob("*.yaml")
    committed = ROOT / "evidence" / written.name
    assert committed.is_file(), f"{written.name} is not committed in evidence/"
    submitted = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert submitted == yaml.safe_load(committed.read_text(encoding="utf-8"))
    # quotes were checked against the devset text the record names, not skipped
    assert (DEVSET_TEXTS / submitted["publication"]["source_text"]).is_file()
    assert "quotes are not checked" not in written.read_text(encoding="utf-8")


@pytest.mark.parametrize("packet", [p for p in DEVSET_SUBMISSIONS if p.name.endswith(".phenopacket.json")],
                         ids=lambda p: p.name)
def test_the_phenopacket_is_standard(packet):
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    parsed = Parse(packet.read_text(encoding="utf-8"), Phenopacket())
    assert parsed.subject.id and parsed.meta_data.phenopacket_schema_version == "2.0"
