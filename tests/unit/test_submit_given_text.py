"""emkg submit: a source text given with --source-text is what the record's quotes are checked against at
every check, the one under the lock and the --replace one included, even when the record names it."""

from __future__ import annotations

from pathlib import Path

import pytest

from emkg import paths
from emkg.submit import submit

MINIMAL = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.yaml"
SOURCE = ("We report a test case. The patient was diagnosed with B-ALL and had an isolated testicular relapse. "
          "He received 1 x 10^6 cells/kg of an anti-CD19 CAR-T with 4-1BB and had grade 2 CRS on day 5, with "
          "complete remission at day 28. A test case.")


def _named_case(tmp_path: Path) -> Path:
    text = MINIMAL.read_text(encoding="utf-8").replace('quote: "A test case."', 'quote: "We report a test case."')
    assert "  design: emkg:CaseReport\n" in text
    text = text.replace("  design: emkg:CaseReport\n", "  design: emkg:CaseReport\n  source_text: test-paper.txt\n")
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _given(tmp_path: Path) -> Path:
    path = tmp_path / "given" / "test-paper.txt"
    path.parent.mkdir()
    path.write_text(SOURCE, encoding="utf-8")
    return path


@pytest.fixture
def sources(tmp_path, monkeypatch):
    """The user's source-text folder, in the test's own directory (not the checkout's sources/)."""
    folder = tmp_path / "sources"
    folder.mkdir()
    monkeypatch.setattr(paths, "USER_SOURCES_DIR", folder)
    return folder


def test_a_named_source_text_given_with_the_submission_is_used_and_stored(tmp_path, sources):
    evidence = tmp_path / "evidence"
    result = submit(_named_case(tmp_path), evidence, source_text=_given(tmp_path), source_dirs=[sources])
    assert (result.code, result.outcome.problems, result.messages) == (
        0, [], [f"added {evidence / 'test-minimal-case.yaml'}"])
    assert (sources / "test-paper.txt").read_text(encoding="utf-8") == SOURCE
    written = (evidence / "test-minimal-case.yaml").read_text(encoding="utf-8")
    assert "source_text: test-paper.txt" in written and "quotes are not checked" not in written


def test_a_replacement_is_checked_against_the_given_text_too(tmp_path, sources):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    (evidence / "test-minimal-case.yaml").write_text("schema: emkg-record/2\n", encoding="utf-8")
    result = submit(_named_case(tmp_path), evidence, source_text=_given(tmp_path), replace=True,
                    source_dirs=[sources])
    assert result.code == 0, result.outcome.problems
    assert result.messages[0] == f"replaced {evidence / 'test-minimal-case.yaml'}:"
