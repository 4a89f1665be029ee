"""`emkg stats`, `emkg imports` and `emkg reason` without Java: commands and exits that had no test."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys

from click.testing import CliRunner

from emkg import catalogue, paths, store
from emkg.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_stats_prints_both_coverage_tables_from_the_stored_queries(built):
    result = run("stats", "--format", "csv", "--build-dir", built)
    assert result.exit_code == 0, result.output
    tables = [t for t in result.output.split("\n\n") if t.strip()]
    assert len(tables) == 2
    publications = list(csv.DictReader(io.StringIO(tables[0].strip() + "\n")))
    sites = list(csv.DictReader(io.StringIO(tables[1].strip() + "\n")))
    # the same numbers as the stored queries on the same store, one row per publication and per site
    db = store.open_read_only(paths.store_dir(built))
    for rows, name in ((publications, "coverage-by-publication"), (sites, "coverage-by-relapse-site")):
        stored = catalogue.get(name)
        _, expected = store.select(db, stored.text, stored.bindings({}))
        assert len(rows) == len(expected) > 0
    sscart = next(r for r in publications if r["publication"].endswith("nct03919240-sscart19-skin-testis"))
    assert int(sscart["patients"]) >= 1 and int(sscart["facts"]) > int(sscart["patients"]) and int(sscart["quotes"]) > 0
    testis = next(r for r in sites if r["site"] == "UBERON:0000473")
    assert testis["site_label"] == "testis" and int(testis["patients"]) >= 1
    assert [int(r["patients"]) for r in sites] == sorted((int(r["patients"]) for r in sites), reverse=True)


def test_stats_table_names_its_sections(built):
    result = run("stats", "--build-dir", built)
    assert result.exit_code == 0
    assert "Per publication" in result.output and "Per relapse site" in result.output


def test_stats_without_a_build_is_a_usage_error(tmp_path):
    result = run("stats", "--build-dir", tmp_path)
    assert result.exit_code == 2 and "emkg build" in result.output and "Traceback" not in result.output


def test_imports_regenerates_the_committed_modules_byte_for_byte(tmp_path):
    home = tmp_path / "home"
    shutil.copytree(paths.ONTOLOGY_DIR, home / "ontology")
    for module in (home / "ontology" / "imports").glob("*.ttl"):
        module.write_text("stale\n", encoding="utf-8")
    terms = paths.seeds_dir().parent / "ontology-terms"  # ../shared/ontology-terms beside the seed texts
    env = dict(os.environ, EMKG_HOME=str(home))
    done = subprocess.run([sys.executable, "-m", "emkg.cli", "imports", "--terms", str(terms)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    written = sorted(line.removeprefix("wrote ") for line in done.stdout.splitlines())
    committed = sorted(f"ontology/imports/{p.name}" for p in paths.IMPORTS_DIR.glob("*.ttl"))
    assert written == committed
    for module in paths.IMPORTS_DIR.glob("*.ttl"):
        assert (home / "ontology" / "imports" / module.name).read_bytes() == module.read_bytes(), module.name


def test_imports_without_a_term_folder_is_a_usage_error(tmp_path):
    env = dict(os.environ, EMKG_HOME=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "emkg.cli", "imports"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and "no term folder" in done.stderr and "Traceback" not in done.stderr


def test_reason_without_java_is_a_usage_error_naming_the_runtime(built, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no java anywhere on PATH
    monkeypatch.setenv("EMKG_NO_PROGRESS", "1")
    result = run("reason", "--build-dir", built)
    assert result.exit_code == 2, result.output
    assert "no Java runtime" in result.output and "default-jre-headless" in result.output
    assert "Traceback" not in result.output
