"""emkg.cli's shared helpers, exactly: the one-line error (stream, exit code, long lines shortened, control
characters escaped), --param values refused before binding, the regenerating commands' options and help,
and emkg.progress's bars (shown only on a terminal)."""

from __future__ import annotations

import io
from pathlib import Path

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
    screens = [_Terminal() for _ in range(4)]
    assert list(progress.track(iter([1, 2, 3]), "validating", total=3, stream=screens[0])) == [1, 2, 3]
    assert list(progress.track([4, 5, 6, 7], "writing", stream=screens[1])) == [4, 5, 6, 7]  # total from len()
    assert list(progress.track([8, 9], "reading", total=5, stream=screens[2])) == [8, 9]  # a total given wins
    seen = []
    with progress.steps(["parse", "reason"], "reasoning", stream=screens[3]) as step:
        step("parse")
        step("reason")
        seen.append("done")
    for screen, last in zip(screens, ("validating", "writing", "reading", "reasoning: reason"), strict=True):
        drawn = screen.getvalue()
        assert last in drawn and "0:00:00" in drawn, drawn  # the description and the time elapsed
        assert drawn.endswith("\x1b[1A\x1b[2K"), drawn  # transient: the bar is erased when done
    for screen, count in zip(screens, ("3/3", "4/4", "2/5", "2/2"), strict=True):
        assert count in screen.getvalue(), screen.getvalue()
    quiet = io.StringIO()
    assert list(progress.track([1], "x", stream=quiet)) == [1]
    with progress.steps(["a"], "y", stream=quiet) as step:
        assert step("a") is None
    assert quiet.getvalue() == "" and seen == ["done"]


def _failure(capsys, call) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        call()
    out, err = capsys.readouterr()
    assert out == ""
    return stop.value.code, err


def test_open_store_refuses_a_missing_or_damaged_build_in_one_line(tmp_path, capsys):
    from emkg import paths

    code, err = _failure(capsys, lambda: cli._open_store(tmp_path / "none"))
    assert code == 2 and err.startswith("error: ") and err.count("\n") == 1 and str(tmp_path / "none") in err
    (tmp_path / "bad" / "store").mkdir(parents=True)
    (tmp_path / "bad" / "store" / "CURRENT").write_text("junk\n", encoding="utf-8")
    code, err = _failure(capsys, lambda: cli._open_store(tmp_path / "bad"))
    assert (code, err) == (2, f"error: the built store at {paths.store_dir(tmp_path / 'bad')} cannot be read "
                              "(Corruption: CURRENT file corrupted); run `emkg build` again\n")


@pytest.mark.parametrize(("exc", "reason"), [
    (OSError("a\n  lock   held"), "a lock held"), (RuntimeError(""), "RuntimeError"), (OSError("x" * 300), "x" * 200)])
def test_a_damaged_store_names_the_reason_shortened(capsys, exc, reason):
    code, err = _failure(capsys, lambda: cli._damaged_store(Path("/b"), exc))
    assert (code, err) == (2, f"error: the built store at /b/store cannot be read ({reason}); run `emkg build` again\n")


@pytest.mark.parametrize(("value", "seconds"), [(None, None), ("0.5", 0.5), ("3600", 3600.0), ("1e-9", 1e-9)])
def test_timeout_option_accepts_finite_positive_seconds(value, seconds):
    assert cli._seconds(None, None, value) == seconds


@pytest.mark.parametrize("value", ["0", "-1", "3600.001", "inf", "nan", "soon", ""])
def test_timeout_option_refuses_the_rest(capsys, value):
    assert _failure(capsys, lambda: cli._seconds(None, None, value)) == (
        2, f"error: --timeout must be a finite number of seconds above 0 and at most 3600, got {value!r}\n")


def test_labels_are_asked_in_batches_of_500_and_keep_bound_pairs():
    import pyoxigraph as ox

    from emkg import output

    iris = [f"http://x/{i:04d}" for i in range(1001)]
    rows = [[ox.NamedNode(iri), ox.Literal("v")] for iri in reversed(iris)] + [[None, ox.BlankNode()]]
    asked = []

    def run_select(query):
        asked.append(query)
        batch = sorted(iris)[500 * (len(asked) - 1):500 * len(asked)]
        return ["iri", "text"], [[ox.NamedNode(i), ox.Literal(f"label {i[-4:]}")] for i in batch] + [
            [None, ox.Literal("x")], [ox.NamedNode("http://x/none"), None]]

    labels = cli._labels(run_select, rows)
    assert asked == [output.label_query(batch) for batch in (iris[:500], iris[500:1000], iris[1000:])]
    assert labels == {iri: f"label {iri[-4:]}" for iri in iris}
    assert cli._labels(run_select, [[ox.Literal("no IRI")]]) == {}


def test_term_options_expand_curies_and_publication_ids(capsys):
    assert cli._term_option(None, "--site") is None
    assert cli._term_option("UBERON:0000473", "--site") == "http://purl.obolibrary.org/obo/UBERON_0000473"
    assert cli._term_option("smith-2020", "--publication", publication=True) == \
        "https://w3id.org/emkg/publication/smith-2020"
    assert cli._term_option("emkg:publication/x", "--publication", publication=True) == \
        "https://w3id.org/emkg/publication/x"
    code, err = _failure(capsys, lambda: cli._term_option("smith-2020", "--site"))
    assert code == 2 and err.startswith("error: --site: ") and err.count("\n") == 1


def test_regenerate_checks_writes_and_refuses_with_exact_lines(tmp_path, capsys):
    from emkg import paths

    source = tmp_path / "terms"
    source.mkdir()
    args = ("--terms", "term folder", "import modules", "imports", ValueError)
    cli._regenerate(source, *args, True, lambda s: [], None)
    assert capsys.readouterr() == ("import modules are current\n", "")
    code, err = _failure(capsys, lambda: cli._regenerate(source, *args, True, lambda s: ["a.ttl", "b.ttl"], None))
    assert (code, err) == (1, "out of date: a.ttl, b.ttl; run `emkg imports`\n")
    code, err = _failure(capsys, lambda: cli._regenerate(tmp_path / "none", *args, False, None, None))
    assert (code, err) == (2, f"error: no term folder at {tmp_path / 'none'}; pass --terms\n")

    def broken(s):
        raise ValueError("CL:1 is in two slices")

    code, err = _failure(capsys, lambda: cli._regenerate(source, *args, False, None, broken))
    assert (code, err) == (1, "error: CL:1 is in two slices\n")
    inside = paths.PROJECT_ROOT / "ontology" / "imports" / "x.ttl"
    cli._regenerate(source, *args, False, None, lambda s: [inside, tmp_path / "y.ttl"])
    assert capsys.readouterr() == (f"wrote ontology/imports/x.ttl\nwrote {tmp_path / 'y.ttl'}\n", "")
