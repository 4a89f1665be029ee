"""Submitting safely: --source-text with the closest passage, hostile but parseable records refused
before they can break the build, --replace with a diff, withdraw, a lock per record under concurrent
processes, no scratch files left by a killed submit, no source text read through a symbolic link."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support.records import edited_copy

from emkg.build import build
from emkg.cli import main
from emkg.submit import remove_stale_scratch, submit

TESTS = Path(__file__).parent.parent
MINIMAL = TESTS / "records" / "valid" / "minimal-case.yaml"
SOURCE = ("We report a test case. The patient was diagnosed with B-ALL and had an isolated testicular relapse. "
          "He received 1 x 10^6 cells/kg of an anti-CD19 CAR-T with 4-1BB and had grade 2 CRS on day 5, with "
          "complete remission at day 28. A test case.")


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def case(tmp_path: Path, name: str = "case.yaml", **replacements: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8").replace('quote: "A test case."', 'quote: "We report a test case."')
    return edited_copy(text, tmp_path / name, replacements)


def source(tmp_path: Path) -> Path:
    path = tmp_path / "test-paper.txt"
    path.write_text(SOURCE, encoding="utf-8")
    return path


@pytest.fixture
def user_sources(tmp_path, monkeypatch):
    """The user's source-text folder, in the test's own directory (not the checkout's sources/)."""
    from emkg import paths

    folder = tmp_path / "sources"
    monkeypatch.setattr(paths, "USER_SOURCES_DIR", folder)
    monkeypatch.setenv("EMKG_SOURCE_DIRS", str(folder))
    return folder


def test_a_one_word_typo_in_a_quote_is_shown_with_the_closest_passage(tmp_path, user_sources):
    typo = case(tmp_path, **{'quote: "grade 2 CRS on day 5"': 'quote: "grade 3 CRS on day 5"'})
    result = run("validate", typo, "--source-text", source(tmp_path), "--evidence-dir", tmp_path / "ev")
    assert result.exit_code == 1
    (line,) = [x for x in result.output.splitlines() if "quote not found" in x]
    assert "line 40" in line and "patients[0].facts[3].quote" in line, line
    assert "closest passage: 'grade 2 CRS on day 5,'" in line and "'3' -> '2'" in line, line
    assert not user_sources.exists()  # validate stores nothing


def test_submit_with_source_text_stores_the_text_and_names_it_so_the_build_checks_the_quotes(tmp_path, user_sources):
    evidence = tmp_path / "evidence"
    result = run("submit", case(tmp_path), "--source-text", source(tmp_path), "--evidence-dir", evidence)
    assert result.exit_code == 0, result.output
    assert (user_sources / "test-paper.txt").read_text(encoding="utf-8") == SOURCE
    written = (evidence / "test-minimal-case.yaml").read_text(encoding="utf-8")
    assert "source_text: test-paper.txt" in written and "quotes are not checked" not in written
    report = build(tmp_path / "build", evidence_dir=evidence, seeds_dir=tmp_path / "evidence")
    assert report.quotes_checked and not any("no source text" in n for n in report.notes)


def test_a_source_text_reached_through_a_symbolic_link_is_refused(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    outside = tmp_path / "outside.txt"
    outside.write_text(SOURCE, encoding="utf-8")
    (seeds / "linked.txt").symlink_to(outside)
    linked = case(tmp_path, **{"  design: emkg:CaseReport": "  design: emkg:CaseReport\n  source_text: linked.txt"})
    result = submit(linked, tmp_path / "ev", source_dirs=[seeds])
    assert result.code == 1 and not (tmp_path / "ev").exists()
    assert any("no source text of this name" in p for p in result.outcome.problems), result.outcome.problems


# libyaml (the C reader) refuses a lone surrogate escape itself: unusable YAML (exit 2) at its line, with no
# field to name; every other value parses and is refused by the record checks (exit 1) at its field.
PARSER_REFUSES = {"lone surrogate in a quote"}
HOSTILE = {
    "id ending in a newline": ({"  id: test-minimal-case\n": '  id: "test-minimal-case\\n"\n'}, "publication.id", 4),
    "lone surrogate in a quote": ({'quote: "diagnosed with B-ALL"': 'quote: "diagnosed \\uD800 with B-ALL"'},
                                  "patients[0].facts[0].quote", 22),
    "huge label": ({'  label: "Test publication"': '  label: "' + "x" * 50_000 + '"'}, "publication.label", 5),
    "infinite dose": ({"value: 1.0e+6": "value: .inf"}, "patients[0].facts[2].dose.value", 32),
    "control character in a note": ({'label: "test patient"': 'label: "test\\u0007patient"'}, "patients[0].label", 16),
    "day out of range": ({"day: 28": "day: 99999999"}, "patients[0].facts[4].day", 43),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_record_is_refused_at_its_field_and_line(name, tmp_path):
    replacements, field, line = HOSTILE[name]
    hostile = case(tmp_path, "hostile.yaml", **replacements)
    result = submit(hostile, tmp_path / "evidence", source_dirs=[])
    if name in PARSER_REFUSES:
        assert result.code == 2 and any(p.startswith(f"hostile.yaml:{line}: ") for p in result.outcome.problems), \
            result.outcome.problems
    else:
        assert result.code == 1, result.outcome.problems
        assert any(d["field"] == field and d["line"] == line for d in result.outcome.details), result.outcome.problems
    assert not (tmp_path / "evidence").exists()


def test_after_hostile_submissions_the_build_still_works(tmp_path):
    evidence = tmp_path / "evidence"
    for name, (replacements, _, _) in sorted(HOSTILE.items()):
        submit(case(tmp_path, f"{name.replace(' ', '-')}.yaml", **replacements), evidence, source_dirs=[])
    assert submit(case(tmp_path), evidence, source_dirs=[]).code == 0
    assert build(tmp_path / "build", evidence_dir=evidence, check_quotes=False).records == 1


def test_replace_shows_the_difference_and_withdraw_removes_the_record(tmp_path):
    evidence = tmp_path / "evidence"
    assert run("submit", case(tmp_path), "--evidence-dir", evidence).exit_code == 0
    changed = case(tmp_path, "changed.yaml", **{"day: 28": "day: 30"})
    again = run("submit", changed, "--evidence-dir", evidence)
    assert again.exit_code == 1 and "likely duplicate" in again.output and "--replace" in again.output
    replaced = run("submit", changed, "--evidence-dir", evidence, "--replace")
    assert replaced.exit_code == 0, replaced.output
    assert "\n-    day: 28\n+    day: 30\n" in replaced.output
    assert "day: 30" in (evidence / "test-minimal-case.yaml").read_text(encoding="utf-8")
    assert run("submit", case(tmp_path, "new.yaml", **{"id: test-minimal-case": "id: other-case"}),
               "--evidence-dir", evidence, "--replace").exit_code == 1  # nothing to replace
    withdrawn = run("withdraw", "test-minimal-case", "--evidence-dir", evidence)
    assert withdrawn.exit_code == 0 and not (evidence / "test-minimal-case.yaml").exists()
    assert run("withdraw", "test-minimal-case", "--evidence-dir", evidence).exit_code == 2
    assert run("withdraw", "../evidence/x", "--evidence-dir", evidence).exit_code == 2


def _submit_in_process(args):
    """A submit whose write is slow (1 s), so that without the lock both would pass the duplicate check."""
    import time

    from emkg import submit as module

    path, evidence = args
    write = module.write_atomically

    def slow_write(target, text):
        time.sleep(1)
        write(target, text)

    module.write_atomically = slow_write
    return submit(Path(path), Path(evidence), source_dirs=[]).code


def test_concurrent_submits_of_one_publication_never_both_succeed(tmp_path):
    """Two processes submit (different versions of) the same publication at once, three rounds: exactly
    one is added and the other refused as a duplicate; the written record is whole."""
    first, second = case(tmp_path, "a.yaml"), case(tmp_path, "b.yaml", **{"day: 28": "day: 29"})
    context = multiprocessing.get_context("fork")
    for round_ in range(3):
        evidence = tmp_path / f"evidence-{round_}"
        with context.Pool(2) as pool:
            codes = pool.map_async(_submit_in_process, [(first, evidence), (second, evidence)]).get(timeout=120)
        assert sorted(codes) == [0, 1], codes
        assert len(list(evidence.glob("*.yaml"))) == 1 and not list(evidence.glob(".*.tmp"))


def test_scratch_files_of_a_killed_submit_are_removed(tmp_path):
    """A submit killed with SIGKILL cannot clean up; the next one removes its scratch file."""
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = evidence / f".test-minimal-case.yaml.{gone.pid}.tmp"
    stale.write_text("half a record", encoding="utf-8")
    mine = evidence / f".other.yaml.{os.getpid()}.tmp"  # a live writer's scratch file stays
    mine.write_text("being written", encoding="utf-8")
    assert remove_stale_scratch(evidence) == [stale]
    assert submit(case(tmp_path), evidence, source_dirs=[]).code == 0
    assert sorted(p.name for p in evidence.glob(".*.tmp")) == [mine.name]
    shutil.rmtree(evidence)


def test_a_submit_killed_while_writing_leaves_a_scratch_file_the_next_one_removes(tmp_path):
    """A real SIGKILL while the record is being written (the move into place is held back so the kill lands
    in between): the scratch file it leaves is removed by the next submit, and no record is half-written."""
    import signal
    import time

    evidence = tmp_path / "evidence"
    evidence.mkdir()
    script = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from emkg import submit\n"
        "real = os.replace\n"
        "def held(a, b):\n"
        "    print('writing', flush=True); time.sleep(60); real(a, b)\n"
        "submit.os.replace = held\n"
        "submit.submit(Path(sys.argv[1]), Path(sys.argv[2]), source_dirs=[])\n")
    child = subprocess.Popen([sys.executable, "-c", script, str(case(tmp_path)), str(evidence)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "writing"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    left = list(evidence.glob(".*.tmp"))
    assert len(left) == 1 and not list(evidence.glob("*.yaml"))
    time.sleep(0.1)
    assert submit(case(tmp_path), evidence, source_dirs=[]).code == 0
    assert not list(evidence.glob(".*.tmp")) and len(list(evidence.glob("*.yaml"))) == 1
