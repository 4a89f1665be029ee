"""emkg.cli's shared helpers, exactly: the one-line error (stream, exit code, long lines shortened, control
characters escaped), --param values refused before binding, the regenerating commands' options and help,
and emkg.progress's bars (shown only on a terminal)."""

from __future__ import annotations

import io

import click
import pytest
from click.testing import CliRunner

from emkg import cli, progress


def test_fail_prints_one_line_to_stderr_and_exits_with_the_code(capsys):
    with pytest.raises(SystemExit) as stop:
        cli._fail("error: something is wrong", 2)
    assert stop.value.code == 2
    assert capsys.readouterr() == ("", "error: something is wrong\n")
    with pytest.raises(SystemExit) as stop:
        cli._fail("out of date: a, b", 1)
    assert stop.value.code == 1
    assert capsys.readouterr().err == "out of date: a, b\n"


def test_fail_shortens_each_line_over_300_characters_and_escapes_controls(capsys):
    long = "".join(chr(ord("a") + i % 26) for i in range(301))
    exact = "x" * 300
    with pytest.raises(SystemExit):
        cli._fail(f"error: first\n{long}\n{exact}\nbell\x07 \x1b[31mred", 2)
    err = capsys.readouterr().err
    assert err == (f"error: first\n{long[:180]} [... 41 characters ...] {long[-80:]}\n{exact}\n"
                   "bell\\x07 \\x1b[31mred\n")
    with pytest.raises(SystemExit):
        cli._fail("e" * 2000, 2)
    assert capsys.readouterr().err == "e" * 180 + " [... 1,740 characters ...] " + "e" * 80 + "\n"


def test_echo_escapes_controls_and_keeps_lines(capsys):
    cli._echo("a\tb\nc\x00", err=False)
    cli._echo("\u202edanger", err=True, nl=False)
    cli._echo("\x07", unicode_escapes=True)
    out, err = capsys.readouterr()
    assert out == "a\tb\nc\\x00\n\\u0007\n"
    assert err == "\\u202edanger"


@pytest.mark.parametrize("value", ["plain", "é β 中", "\xa0 no-break space", "~"])
def test_param_values_that_can_be_bound_pass_unchanged(value):
    assert cli._param_value("site", value) == value


@pytest.mark.parametrize(("value", "message"), [
    ("a\x00b", "error: --param site: the value contains a control character ('a\\x00b')"),
    ("\x1f", "error: --param site: the value contains a control character ('\\x1f')"),
    ("tab\there", "error: --param site: the value contains a control character ('tab\\there')"),
    ("\x7f", "error: --param site: the value contains a control character ('\\x7f')"),
    ("\x9f", "error: --param site: the value contains a control character ('\\x9f')"),
    ("bad\udcff", "error: --param site: the value is not valid UTF-8 text"),
])
def test_param_values_with_controls_or_bad_bytes_are_refused(capsys, value, message):
    with pytest.raises(SystemExit) as stop:
        cli._param_value("site", value)
    assert stop.value.code == 2
    assert capsys.readouterr() == ("", message + "\n")


def test_regenerating_commands_share_their_options_and_help(tmp_path):
    @click.command()
    @cli._regenerate_options("terms", True, "folder of slices", "ontology/x/", "modules")
    def folder_command(terms, check_only):
        click.echo(f"{terms!r} {check_only!r}")

    @click.command()
    @cli._regenerate_options("table", False, "the table", "ontology/t.tsv", "files")
    def file_command(table, check_only):
        click.echo(f"{table!r} {check_only!r}")

    runner = CliRunner()
    assert runner.invoke(folder_command, []).output == "None False\n"
    assert runner.invoke(folder_command, ["--terms", str(tmp_path), "--check"]).output == \
        f"{tmp_path!r} True\n"
    refused = runner.invoke(folder_command, ["--terms", str(tmp_path / "missing")])
    assert refused.exit_code == 2 and "does not exist" in refused.output
    (tmp_path / "t.tsv").write_text("x", encoding="utf-8")
    assert runner.invoke(file_command, ["--table", str(tmp_path / "t.tsv")]).output == f"{tmp_path / 't.tsv'!r} False\n"
    assert runner.invoke(file_command, ["--table", str(tmp_path)]).exit_code == 2  # a folder is not a file
    assert runner.invoke(folder_command, ["--terms", str(tmp_path / "t.tsv")]).exit_code == 2  # nor a file a folder
    options = {p.name: p for p in folder_command.params}
    assert options["terms"].help == "folder of slices; the project's ontology/x/ is always added"
    assert options["check_only"].help == "only check that the committed modules are current (exit 1 if not)"
    assert options["check_only"].is_flag and options["check_only"].opts == ["--check"]
    assert [p.name for p in file_command.params] == ["table", "check_only"]
    assert file_command.params[0].help == "the table; the project's ontology/t.tsv is always added"
    assert file_command.params[1].help == "only check that the committed files are current (exit 1 if not)"


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_enabled_only_on_a_terminal_without_emkg_no_progress(monkeypatch):
    monkeypatch.delenv("EMKG_NO_PROGRESS", raising=False)
    assert progress.enabled(_Terminal()) is True
    assert progress.enabled(io.StringIO()) is False
    assert progress.enabled(object()) is False
    monkeypatch.setenv("EMKG_NO_PROGRESS", "1")
    assert progress.enabled(_Terminal()) is False
    monkeypatch.setenv("EMKG_NO_PROGRESS", "")
    assert progress.enabled(_Terminal()) is True


def test_progress_bars_draw_on_a_terminal_and_pass_items_through(monkeypatch):
    monkeypatch.delenv("EMKG_NO_PROGRESS", raising=False)
    screen = _Terminal()
    assert list(progress.track(iter([1, 2, 3]), "validating", total=3, stream=screen)) == [1, 2, 3]
    assert list(progress.track([4, 5], "writing", stream=screen)) == [4, 5]
    seen = []
    with progress.steps(["parse", "reason"], "reasoning", stream=screen) as step:
        step("parse")
        step("reason")
        seen.append("done")
    drawn = screen.getvalue()
    for text in ("validating", "writing", "reasoning: reason", "2/2", "3/3"):  # the last state of each bar
        assert text in drawn, (text, drawn)
    quiet = io.StringIO()
    assert list(progress.track([1], "x", stream=quiet)) == [1]
    with progress.steps(["a"], "y", stream=quiet) as step:
        assert step("a") is None
    assert quiet.getvalue() == "" and seen == ["done"]
