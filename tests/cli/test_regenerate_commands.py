"""`emkg imports` and `emkg mappings` share one option handling (cli._regenerate_options / _regenerate):
the same input check (exit 2), the same `--check` verdicts (exit 1 naming the stale files) and errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from emkg import paths
from emkg.cli import main

COMMANDS = {"imports": ("--terms", "SHARED_TERMS_DIR", "term folder"),
            "mappings": ("--table", "SHARED_TERMS_TABLE", "verified term table")}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_help_names_the_input_and_check_options(command):
    option, _, _ = COMMANDS[command]
    shown = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
    assert option in shown and "--check" in shown and "is always added" in shown and "(exit 1 if not)" in shown


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_missing_default_input_is_a_usage_error_naming_the_option(command, tmp_path, monkeypatch):
    option, attribute, missing = COMMANDS[command]
    monkeypatch.setattr(paths, attribute, tmp_path / "absent")
    result = CliRunner().invoke(main, [command, "--check"])
    assert result.exit_code == 2
    assert result.output.strip() == f"error: no {missing} at {tmp_path / 'absent'}; pass {option}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_given_input_that_does_not_exist_is_refused_by_click(command, tmp_path):
    option, _, _ = COMMANDS[command]
    result = CliRunner().invoke(main, [command, option, str(tmp_path / "absent")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_an_input_error_is_one_line_exit_1_and_writes_nothing(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "uberon.obo").write_text("[Term]\nid: UBERON:0001783\nname: optic disc\n"
                                       "[Term]\nid: UBERON:0001783\nname: optic disc\n", encoding="utf-8")
    project = tmp_path / "project"
    project.mkdir()
    (project / "uberon.obo").write_text("[Term]\nid: UBERON:0001783\nname: optic disc\n", encoding="utf-8")
    monkeypatch.setattr(paths, "VERIFIED_TERMS_DIR", project)
    monkeypatch.setattr(paths, "IMPORTS_DIR", tmp_path / "imports")
    result = CliRunner().invoke(main, ["imports", "--terms", str(shared)])
    assert result.exit_code == 1
    assert result.output.startswith("error: UBERON:0001783 declared in more than one uberon.obo slice")
    assert not (tmp_path / "imports").exists()


def test_both_report_current_files_the_same_way():
    runner = CliRunner()
    assert runner.invoke(main, ["imports", "--check"]).output == "import modules are current\n"
    assert runner.invoke(main, ["mappings", "--check"]).output == "mappings are current\n"
