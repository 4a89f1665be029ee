"""`emkg terms FIELD [TEXT]`: allowed values with labels and synonyms, found through a synonym too."""

from __future__ import annotations

from click.testing import CliRunner

from emkg.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_a_site_is_found_by_a_synonym_with_its_curie_and_label():
    result = run("terms", "site", "testicle")
    assert result.exit_code == 0
    assert result.output.startswith("UBERON:0000473  testis  (also: ") and "testicle" in result.output


def test_a_field_with_a_range_lists_its_individuals_not_its_classes():
    outcome = run("terms", "outcome").output
    assert "emkg:CompleteRemission" in outcome and "emkg:NoResponse" in outcome
    units = run("terms", "unit").output
    assert "emkg:CopiesPerMicrogramDNA" in units and "emkg:CellDoseUnit" not in units
    assert "emkg:ASTCT2019" in run("terms", "grading_system").output


def test_no_raw_iris_and_an_unknown_field_is_a_usage_error():
    assert "http" not in run("terms", "sites").output
    result = run("terms", "sitez")
    assert result.exit_code == 2 and "sites" in result.output and "Traceback" not in result.output
    assert run("terms", "site", "no such organ").output == "no matching terms\n"
