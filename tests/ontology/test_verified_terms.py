"""The project's extension of the verified term table (ontology/verified-terms.tsv + the slices in
ontology/verified-terms/): every reader of the shared table reads it too (imports, `emkg terms`, the
term checks of `emkg validate`, the mappings), its rows agree with the import modules, and a term is
verified in one table only."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from rdflib import OWL, RDFS, Literal, URIRef
from support.records import edited_copy

from emkg import paths
from emkg.cli import main
from emkg.graph import ontology_graph
from emkg.imports import modules, stale_modules
from emkg.namespaces import expand
from emkg.terms import allowed
from emkg.verified_terms import COLUMNS, VerifiedTermsError, read_table, read_verified

MINIMAL = paths.PROJECT_ROOT / "tests" / "records" / "valid" / "minimal-case.yaml"
# repository@40-hex-commit:path, as the shared table records its provenance
SOURCE = re.compile(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}:\S+")


@pytest.fixture(scope="module")
def ontology():
    return ontology_graph()


@pytest.fixture(scope="module")
def project_rows():
    return read_table(paths.VERIFIED_TERMS_TABLE)


def test_the_project_table_has_the_shared_columns_and_verified_rows(project_rows):
    shared_header = paths.SHARED_TERMS_TABLE.read_text(encoding="utf-8").splitlines()[0]
    assert tuple(shared_header.split("\t")) == COLUMNS
    assert project_rows, "expected the project's own verified terms"
    for row in project_rows:
        assert row["status"] == "VERIFIED", row["curie"]
        assert row["iri"] == expand(row["curie"]), row["curie"]
        assert SOURCE.search(row["verified_from"]), f"{row['curie']}: verified_from names no repo@commit:path"


def test_every_project_row_is_in_the_imports_with_its_label(ontology, project_rows):
    for row in project_rows:
        term = URIRef(row["iri"])
        assert ontology.value(term, RDFS.label) == Literal(row["label"]), row["curie"]
        assert ontology.value(term, OWL.deprecated) != Literal(True), row["curie"]


def test_the_import_modules_are_generated_from_both_slice_folders():
    dirs = [paths.SHARED_TERMS_DIR, paths.VERIFIED_TERMS_DIR]
    assert stale_modules(dirs, paths.IMPORTS_DIR) == [], "run `emkg imports`"
    without_project = modules([paths.SHARED_TERMS_DIR])["uberon_import.ttl"]
    assert "UBERON_0001783" not in without_project and "UBERON_0001783" in modules(dirs)["uberon_import.ttl"]


def test_imports_check_command_reports_a_stale_module(tmp_path, monkeypatch):
    imports_dir = tmp_path / "imports"
    imports_dir.mkdir()
    for module in paths.IMPORTS_DIR.glob("*.ttl"):
        (imports_dir / module.name).write_text(module.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(paths, "IMPORTS_DIR", imports_dir)
    runner = CliRunner()
    assert runner.invoke(main, ["imports", "--check"]).exit_code == 0
    module = imports_dir / "uberon_import.ttl"
    module.write_text(module.read_text(encoding="utf-8").replace('"optic disc"', '"optic disk"'), encoding="utf-8")
    result = runner.invoke(main, ["imports", "--check"])
    assert result.exit_code == 1 and "uberon_import.ttl" in result.output


def test_a_term_in_two_slices_of_one_ontology_is_refused(tmp_path):
    shared, project = tmp_path / "shared", tmp_path / "project"
    shared.mkdir(), project.mkdir()
    stanza = "[Term]\nid: UBERON:0001783\nname: optic disc\n"
    (shared / "uberon.obo").write_text(stanza, encoding="utf-8")
    (project / "uberon.obo").write_text(stanza, encoding="utf-8")
    with pytest.raises(ValueError, match="UBERON:0001783"):
        modules([shared, project])


def test_a_curie_in_both_tables_is_refused(tmp_path):
    header = "\t".join(COLUMNS) + "\n"
    row = "UBERON:0001783\thttp://purl.obolibrary.org/obo/UBERON_0001783\toptic disc\t\tUBERON\tx\tVERIFIED\t\n"
    first, second = tmp_path / "a.tsv", tmp_path / "b.tsv"
    first.write_text(header + row, encoding="utf-8")
    second.write_text(header + row, encoding="utf-8")
    assert len(read_verified(first)) == 1
    with pytest.raises(VerifiedTermsError, match="one row per CURIE"):
        read_verified(first, second)


def test_the_default_tables_are_shared_plus_project_without_overlap(project_rows):
    both = read_verified()
    shared = read_verified(paths.SHARED_TERMS_TABLE)
    for row in project_rows:
        assert row["iri"] not in shared, f"{row['curie']} is already in the shared table"
        assert both[row["iri"]]["table"] == "ontology/verified-terms.tsv"


def test_emkg_terms_lists_a_project_term(ontology):
    found = {t.curie for t in allowed("sites", ontology, "optic disc")}
    assert "UBERON:0001783" in found
    assert "UBERON:0000941" in {t.curie for t in allowed("site", ontology, "optic nerve")}


@pytest.mark.parametrize("site, valid", [("UBERON:0001783", True), ("UBERON:0001264", False)])
def test_a_record_with_a_project_term_passes_the_term_checks(tmp_path, site, valid):
    # UBERON:0001264 (pancreas) is a real Uberon class that no table verifies: refused until verified.
    record = edited_copy(MINIMAL.read_text(encoding="utf-8"), tmp_path / "case.yaml",
                         {"sites: [UBERON:0000473]": f"sites: [{site}]"})
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    result = CliRunner().invoke(main, ["validate", str(record), "--evidence-dir", str(evidence)])
    assert (result.exit_code == 0) is valid, result.output
    if not valid:
        assert "UBERON:0001264" in result.output
