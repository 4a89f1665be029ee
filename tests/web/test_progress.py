"""emkg.progress: a bar on a terminal, nothing at all when the stream is not one."""

from __future__ import annotations

import io
from pathlib import Path

from emkg import progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_when_not_a_terminal():
    stream = io.StringIO()
    assert list(progress.track(range(5), "counting", stream=stream)) == [0, 1, 2, 3, 4]
    with progress.steps(["a", "b"], "working", stream=stream) as step:
        step("a")
        step("b")
    assert stream.getvalue() == ""


def test_bar_on_a_terminal(monkeypatch):
    monkeypatch.delenv("EMKG_NO_PROGRESS", raising=False)
    stream = Terminal()
    assert list(progress.track(range(3), "counting", stream=stream)) == [0, 1, 2]
    assert "counting" in stream.getvalue()
    stream = Terminal()
    with progress.steps(["parse", "check"], "working", stream=stream) as step:
        step("parse")
        step("check")
    assert "working" in stream.getvalue()


def test_environment_switch_silences_it(monkeypatch):
    monkeypatch.setenv("EMKG_NO_PROGRESS", "1")
    stream = Terminal()
    assert list(progress.track([1, 2], "counting", stream=stream)) == [1, 2]
    assert stream.getvalue() == ""


def test_build_shows_its_record_checks_on_a_terminal(monkeypatch, tmp_path, seeds_dir):
    from emkg.build import build

    monkeypatch.delenv("EMKG_NO_PROGRESS", raising=False)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    build(tmp_path / "build", seeds_dir=seeds_dir, jobs=1)
    assert "checking records" in terminal.getvalue()


def test_validate_reports_its_files_to_the_bar(monkeypatch):
    from click.testing import CliRunner

    from emkg.cli import main

    example = Path(__file__).parents[1] / "records" / "valid" / "minimal-case.yaml"

    seen = []
    original = progress.track

    def recording(items, description, *args, **kwargs):
        seen.append(description)
        return original(items, description, *args, **kwargs)

    monkeypatch.setattr(progress, "track", recording)
    result = CliRunner().invoke(main, ["validate", str(example)])
    assert result.exit_code == 0, result.output
    assert "validating" in seen
