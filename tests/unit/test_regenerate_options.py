"""cli._regenerate_options on a command of its own: `--check` is a flag, the input option is a folder or a
file as asked, and the help says what is checked and what is always added."""

from __future__ import annotations

import click
from click.testing import CliRunner

from emkg.cli import _regenerate_options


def _command(source: str, is_dir: bool):
    @click.command()
    @_regenerate_options(source, is_dir, "the input (default: ../shared/x)", "own/x", "widgets")
    def regenerate(check_only: bool, **given) -> None:
        click.echo(f"check={check_only!r} {source}={given[source]!r}")
    return regenerate


def test_check_is_a_flag_and_off_by_default(tmp_path):
    command = _command("terms", True)
    assert CliRunner().invoke(command, ["--check"]).output == "check=True terms=None\n"
    assert CliRunner().invoke(command, []).output == "check=False terms=None\n"
    result = CliRunner().invoke(command, ["--terms", str(tmp_path), "--check"])
    assert (result.exit_code, result.output) == (0, f"check=True terms={tmp_path!r}\n")


def test_the_input_is_a_folder_or_a_file_as_asked(tmp_path):
    table = tmp_path / "t.tsv"
    table.write_text("a\n", encoding="utf-8")
    assert CliRunner().invoke(_command("table", False), ["--table", str(table)]).output == \
        f"check=False table={table!r}\n"
    assert CliRunner().invoke(_command("table", False), ["--table", str(tmp_path)]).exit_code == 2
    assert CliRunner().invoke(_command("terms", True), ["--terms", str(table)]).exit_code == 2
    assert CliRunner().invoke(_command("terms", True), ["--terms", str(tmp_path / "absent")]).exit_code == 2


def test_the_help_names_both_options():
    shown = " ".join(CliRunner().invoke(_command("terms", True), ["--help"]).output.split())
    assert "--check only check that the committed widgets are current (exit 1 if not)" in shown
    assert "--terms DIRECTORY the input (default: ../shared/x); the project's own/x is always added" in shown
