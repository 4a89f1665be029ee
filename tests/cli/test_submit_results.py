"""`emkg submit`'s result for each branch, exactly: what is refused with which message, what is written and
reported, and a duplicate that appears while the record's lock is awaited (another submit won the race)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from click.testing import CliRunner
from support.records import edited_copy

from emkg import submit as submit_module
from emkg.cli import main
from emkg.submit import submit

TESTS = Path(__file__).parent.parent
MINIMAL = TESTS / "records" / "valid" / "minimal-case.yaml"


def case(tmp_path: Path, name: str = "case.yaml", **replacements: str) -> Path:
    return edited_copy(MINIMAL.read_text(encoding="utf-8"), tmp_path / name, replacements)


def test_a_valid_record_is_added_and_reported(tmp_path):
    evidence = tmp_path / "evidence"
    result = submit(case(tmp_path), evidence, source_dirs=[])
    target = evidence / "test-minimal-case.yaml"
    assert (result.code, result.outcome.code, result.messages, result.written) == (0, 0, [f"added {target}"], [target])


def test_replace_reports_the_difference(tmp_path):
    evidence = tmp_path / "evidence"
    assert submit(case(tmp_path), evidence, source_dirs=[]).code == 0
    result = submit(case(tmp_path, "changed.yaml", **{"day: 28": "day: 30"}), evidence, replace=True, source_dirs=[])
    target = evidence / "test-minimal-case.yaml"
    assert result.code == 0 and result.written == [target]
    assert result.messages[:3] == [f"replaced {target}:", "--- test-minimal-case.yaml (before)",
                                   "+++ test-minimal-case.yaml (after)"]
    assert [m for m in result.messages if m[:1] in "+-" and m[1:2] == " "] == ["-    day: 28", "+    day: 30"]


def test_replace_of_a_record_that_is_not_there_is_refused(tmp_path):
    evidence = tmp_path / "evidence"
    result = submit(case(tmp_path), evidence, replace=True, source_dirs=[])
    assert (result.code, result.messages, result.written) == (
        1, ["--replace: no record test-minimal-case.yaml to replace", "nothing was written"], [])
    assert result.outcome.code == 0  # the record itself is valid
    assert not evidence.exists()


def test_an_invalid_record_is_refused_with_its_outcome(tmp_path):
    evidence = tmp_path / "evidence"
    result = submit(case(tmp_path, **{"grade: 2": "grade: 7"}), evidence, source_dirs=[])
    assert (result.code, result.outcome.code, result.messages, result.written) == (1, 1, ["nothing was written"], [])
    assert result.outcome.problems and not evidence.exists()


def test_rdf_is_refused_as_a_usage_error(tmp_path):
    rdf = TESTS / "records" / "valid" / "minimal-case.ttl"
    result = submit(rdf, tmp_path / "evidence", source_dirs=[])
    assert (result.code, result.messages) == (2, [
        "minimal-case.ttl: `emkg submit` takes a case record (YAML), the CSV template or a Phenopacket; "
        "RDF can be validated but not added as a record"])
    assert not (tmp_path / "evidence").exists()


def _losing_the_race(monkeypatch, tmp_path: Path, evidence: Path) -> Path:
    """While this submit waits for the record's lock, another submit adds the same publication (day 29)."""
    real_lock = submit_module._locked
    rival = case(tmp_path, "rival.yaml", **{"day: 28": "day: 29"})

    @contextlib.contextmanager
    def lock_after_the_rival(targets):
        monkeypatch.setattr(submit_module, "_locked", real_lock)
        assert submit(rival, evidence, source_dirs=[]).code == 0
        with real_lock(targets):
            yield

    monkeypatch.setattr(submit_module, "_locked", lock_after_the_rival)
    return evidence / "test-minimal-case.yaml"


def test_a_duplicate_written_while_the_lock_is_awaited_is_reported_and_the_rival_record_kept(tmp_path, monkeypatch):
    evidence = tmp_path / "evidence"
    target = _losing_the_race(monkeypatch, tmp_path, evidence)
    result = CliRunner().invoke(main, ["submit", str(case(tmp_path)), "--evidence-dir", str(evidence)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (result.exception, result.output)
    assert "likely duplicate" in result.output and result.output.rstrip("\n").endswith("nothing was written")
    assert "day: 29" in target.read_text(encoding="utf-8") and list(evidence.glob("*.yaml")) == [target]


def test_a_source_text_with_two_publications_is_refused(tmp_path, monkeypatch):
    import csv
    import io

    from emkg import paths

    monkeypatch.setattr(paths, "USER_SOURCES_DIR", tmp_path / "sources")  # never the checkout's sources/

    header, row = list(csv.reader(io.StringIO((TESTS / "records" / "valid" / "minimal-case.csv").read_text())))
    other = dict(zip(header, row, strict=True)) | {"publication_id": "another-2025", "publication_label": "Another",
                                                   "age_years": "40"}
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, row, [other[h] for h in header]])
    two = tmp_path / "two.csv"
    two.write_text(out.getvalue(), encoding="utf-8")
    text = tmp_path / "paper.txt"
    quotes = [value for name, value in zip(header, row, strict=True) if name.endswith("quote") and value]
    text.write_text(" ".join(quotes), encoding="utf-8")  # every quote is found
    result = submit(two, tmp_path / "evidence", source_text=text, source_dirs=[])
    assert (result.code, result.messages, result.written) == (
        2, ["--source-text goes with a submission of one publication"], [])
    assert len(result.outcome.records) == 2 and not (tmp_path / "evidence").exists()
    assert not (tmp_path / "sources").exists()
