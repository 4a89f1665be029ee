"""emkg.verified_terms on small tables written here: rows keyed by IRI with the table they came from,
placeholders, duplicate CURIEs across and within tables, wrong columns, and how a table is named."""

from __future__ import annotations

from pathlib import Path

import pytest

from emkg import paths, verified_terms
from emkg.verified_terms import VerifiedTermsError, display_name, read_table, read_verified

HEADER = "curie\tiri\tlabel\tsynonyms\tontology\tverified_from\tstatus\tnote\n"
TESTIS = ("UBERON:0000473\thttp://purl.obolibrary.org/obo/UBERON_0000473\ttestis\ttestes\tUBERON\t"
          "obophenotype/uberon@0123456789abcdef0123456789abcdef01234567:uberon.obo\tverified\t\n")
CSF = ("UBERON:0001359\thttp://purl.obolibrary.org/obo/UBERON_0001359\tcerebrospinal fluid\tCSF\tUBERON\t"
       "obophenotype/uberon@0123456789abcdef0123456789abcdef01234567:uberon.obo\tverified\t\n")
PLACEHOLDER = "NCIT:?\t\tsome product class\t\tNCIT\t\tUNVERIFIED\tnot found yet\n"


def _table(folder: Path, name: str, *rows: str, header: str = HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def test_rows_are_keyed_by_iri_and_say_their_table(tmp_path):
    shared = _table(tmp_path / "shared", "terms.tsv", TESTIS, PLACEHOLDER)
    project = _table(tmp_path / "project", "more.tsv", CSF, PLACEHOLDER)
    found = read_verified(shared, project)
    assert sorted(found) == ["http://purl.obolibrary.org/obo/UBERON_0000473",
                             "http://purl.obolibrary.org/obo/UBERON_0001359"]
    testis = found["http://purl.obolibrary.org/obo/UBERON_0000473"]
    assert testis == {"curie": "UBERON:0000473", "iri": "http://purl.obolibrary.org/obo/UBERON_0000473",
                      "label": "testis", "synonyms": "testes", "ontology": "UBERON",
                      "verified_from": "obophenotype/uberon@0123456789abcdef0123456789abcdef01234567:uberon.obo",
                      "status": "verified", "note": "", "table": str(shared)}
    assert found["http://purl.obolibrary.org/obo/UBERON_0001359"]["table"] == str(project)


def test_a_curie_listed_twice_is_refused_naming_both_tables(tmp_path):
    shared = _table(tmp_path / "shared", "terms.tsv", TESTIS)
    project = _table(tmp_path / "project", "more.tsv", CSF, TESTIS.replace("testis\t", "testicle\t"))
    with pytest.raises(VerifiedTermsError) as raised:
        read_verified(shared, project)
    assert str(raised.value) == (f"UBERON:0000473 is listed in {shared} and again in {project}; one row per CURIE")
    twice = _table(tmp_path / "one", "twice.tsv", TESTIS, CSF, TESTIS)
    with pytest.raises(VerifiedTermsError, match=r"^UBERON:0000473 is listed in .*twice.tsv and again in "):
        read_verified(twice)


def test_a_table_with_other_columns_is_refused(tmp_path):
    wrong = _table(tmp_path, "wrong.tsv", TESTIS, header=HEADER.replace("\tnote", ""))
    with pytest.raises(VerifiedTermsError) as raised:
        read_table(wrong)
    assert str(raised.value) == (f"{wrong}: columns must be curie, iri, label, synonyms, ontology, verified_from, "
                                 "status, note")
    empty = tmp_path / "empty.tsv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(VerifiedTermsError, match="columns must be"):
        read_table(empty)


def test_a_table_is_named_relative_to_the_checkout_or_its_parent():
    assert display_name(paths.PROJECT_ROOT / "ontology" / "verified-terms.tsv") == "ontology/verified-terms.tsv"
    assert display_name(paths.PROJECT_ROOT.parent / "shared" / "ontology-terms.tsv") == "../shared/ontology-terms.tsv"
    assert display_name(Path("/nowhere-else/terms.tsv")) == "/nowhere-else/terms.tsv"


def test_the_default_tables_and_slices_are_the_shared_and_the_project_ones(monkeypatch, tmp_path):
    shared = _table(tmp_path / "shared", "terms.tsv", TESTIS)
    project = _table(tmp_path / "project", "more.tsv", CSF)
    monkeypatch.setattr(paths, "SHARED_TERMS_TABLE", shared)
    monkeypatch.setattr(paths, "VERIFIED_TERMS_TABLE", project)
    assert sorted(row["table"] for row in read_verified().values()) == sorted([str(shared), str(project)])
    assert verified_terms.slice_dirs() == [paths.SHARED_TERMS_DIR, paths.VERIFIED_TERMS_DIR]
    assert paths.SHARED_TERMS_DIR.name == "ontology-terms" and paths.VERIFIED_TERMS_DIR != paths.SHARED_TERMS_DIR
