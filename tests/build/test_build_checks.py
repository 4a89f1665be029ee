"""Checks the build runs besides SHACL: queries/qc/ per record, and across records on the store."""

from __future__ import annotations

import shutil

import pytest
from build_helpers import SMALL_RECORD, small_evidence

from emkg import record_check
from emkg.build import BuildFailed, build
from loaders.yaml_record import read_record

pytestmark = pytest.mark.slow


def test_qc_rules_run_per_record(seeds_dir):
    context = record_check.prepare(None, None, seeds_dir)
    graph = read_record(SMALL_RECORD).graph
    nt = graph.serialize(format="nt", encoding="utf-8")
    assert record_check.qc_problems(nt, SMALL_RECORD.name, context) == []
    without_quotes = b"\n".join(line for line in nt.splitlines()
                                if b"/crs> <https://w3id.org/emkg/hasEvidence>" not in line) + b"\n"
    problems = record_check.qc_problems(without_quotes, SMALL_RECORD.name, context)
    assert any("fact-without-evidence-violation" in p and p.endswith("/crs, kind=https://w3id.org/emkg/AdverseEvent")
               for p in problems), problems


def test_the_same_publication_in_two_records_fails_the_build(tmp_path, seeds_dir):
    evidence = small_evidence(tmp_path / "evidence")
    copy = evidence / "copy-of-the-case.yaml"
    shutil.copy(SMALL_RECORD, copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace(
        "id: nct03919240-sscart19-skin-testis", "id: copy-of-the-case", 1), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(tmp_path / "build", evidence_dir=evidence, seeds_dir=seeds_dir)
    assert any("the same publication is curated in two records" in p and "copy-of-the-case" in p
               and "000_55fb43ead57bd779.txt" in p for p in caught.value.problems), caught.value.problems
    assert not (tmp_path / "build" / "current").exists()


def test_a_term_the_ontology_lacks_is_named_with_file_line_and_field(seeds_dir):
    """A misspelt vocabulary term stops the record's check with the field of its use and the line of the
    part that holds it, as `emkg validate` names it (not the bare term)."""
    record_check.prepare(None, None, seeds_dir)
    text = SMALL_RECORD.read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1) if row == "  - id: sscar-t-19")
    result = record_check.check_text(text.replace("emkg:LentiviralVector", "emkg:LentiviralVektor").encode(),
                                     SMALL_RECORD.name)
    assert not result["ok"]
    assert result["problems"] == [
        f"{SMALL_RECORD.name}:{line}: products[0].vector: emkg:LentiviralVektor is not a term of the ontology; "
        "`emkg terms` lists the allowed values"], result["problems"]
