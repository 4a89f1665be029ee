"""The recorder itself: events the hostile tests rely on seeing are seen (so a pass means something)."""

from __future__ import annotations

from pathlib import Path

from fenced import run

CORPUS = Path(__file__).with_name("corpus")


def test_reading_a_file_not_named_by_the_test_is_a_violation(tmp_path):
    result = run(["validate", CORPUS / "yaml" / "empty.yaml"], tmp_path, category="recorder")
    assert result.code == 2
    assert any(v.startswith("read:") and v.endswith("empty.yaml") for v in result.violations), result.violations


def test_writing_is_a_violation_unless_allowed(tmp_path):
    build = tmp_path / "build"
    result = run(["build", "--build-dir", build, "--no-quote-check"], tmp_path, category="recorder",
                 reads=[Path(__file__).parents[2] / "evidence"])
    assert result.code == 0, result.describe()
    assert any(v.startswith("write:") and str(build) in v for v in result.violations), result.violations
