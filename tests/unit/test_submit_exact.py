"""emkg.submit, exactly: the record text it writes (key order, Unicode kept, line width, the unchecked-quotes note,
empty parts dropped), the messages of an add, a replace (the whole diff) and a withdraw, and the one-line
refusals."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from emkg.submit import SCHEMA_ID, UNCHECKED_NOTE, UsageError, _given_text, submit, to_yaml, withdraw

MINIMAL = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.yaml"


PATIENTS = [{"id": "P1", "label": "p", "facts": []}]
PATIENTS_YAML = "patients:\n- id: P1\n  label: p\n  facts: []\n"


def test_to_yaml_writes_the_curation_format_exactly():
    data = {"patients": PATIENTS, "schema": "ignored", "publication": {"id": "p-1", "label": "Étude à Zürich — β-cells",
                                                                  "design": "emkg:CaseReport", "quote": "q " * 60},
            "products": None, "cohorts": {}, "curation_notes": ["first"]}
    assert to_yaml(data, quotes_checked=False) == (  # the given order, not sorted: patients first here
        f"schema: {SCHEMA_ID}\n"
        + PATIENTS_YAML +
        "publication:\n"
        "  id: p-1\n"
        "  label: Étude à Zürich — β-cells\n"
        "  design: emkg:CaseReport\n"
        "  quote: '" + "q " * 50 + "q\n"  # a line of 111 characters: the width is 110, not PyYAML's 80
        "    " + "q " * 9 + "'\n"
        "curation_notes:\n"
        "- first\n"
        f"- {UNCHECKED_NOTE}\n")
    checked = to_yaml({"publication": {"id": "p-1", "label": "x", "design": "emkg:CaseReport", "quote": "y"},
                       "patients": PATIENTS}, True)
    assert checked == (f"schema: {SCHEMA_ID}\npublication:\n  id: p-1\n  label: x\n  design: emkg:CaseReport\n"
                       "  quote: y\n" + PATIENTS_YAML)


def test_to_yaml_adds_the_unchecked_note_once():
    data = {"publication": {"id": "p-1", "label": "x", "design": "emkg:CaseReport", "quote": "y"},
            "curation_notes": [UNCHECKED_NOTE], "patients": PATIENTS}
    assert yaml.safe_load(to_yaml(data, False))["curation_notes"] == [UNCHECKED_NOTE]
    assert data["curation_notes"] == [UNCHECKED_NOTE]  # the caller's data is not changed


def test_to_yaml_refuses_to_write_what_does_not_read_back():
    with pytest.raises(RuntimeError) as error:
        to_yaml({"publication": {"id": "p-1", "label": "x", "design": "emkg:CaseReport", "quote": "y"},
                 "patients": "not a list"}, True)
    assert str(error.value) == ("submitted record does not read back: (submitted):7: patients: expected a list "
                                "(lines starting with '- ') (value: 'not a list')")


def test_submit_adds_then_replaces_with_the_whole_difference(tmp_path):
    evidence = tmp_path / "evidence"
    result = submit(MINIMAL, evidence, source_dirs=[])
    target = evidence / "test-minimal-case.yaml"
    assert (result.code, result.messages, result.written) == (0, [f"added {target}"], [target])
    first = target.read_text(encoding="utf-8")
    assert first == to_yaml(yaml.safe_load(MINIMAL.read_text(encoding="utf-8")), False)
    assert first.endswith(f"curation_notes:\n- {UNCHECKED_NOTE}\n")

    again = submit(MINIMAL, evidence, source_dirs=[])
    assert again.code == 1 and again.messages == ["nothing was written"] and again.written == []

    changed = tmp_path / "changed.yaml"
    changed.write_text(MINIMAL.read_text(encoding="utf-8").replace('label: "test patient"', 'label: "patient A"'),
                       encoding="utf-8")
    result = submit(changed, evidence, source_dirs=[], replace=True)
    assert result.code == 0 and result.written == [target]
    header = [f"replaced {target}:", "--- test-minimal-case.yaml (before)", "+++ test-minimal-case.yaml (after)"]
    assert result.messages[:3] == header
    assert [m for m in result.messages[3:] if m[:1] in "+-"] == ["-  label: test patient", "+  label: patient A"]
    assert result.messages[3].startswith("@@ ")
    assert target.read_text(encoding="utf-8") == first.replace("label: test patient", "label: patient A")
    assert sorted(p.name for p in evidence.iterdir()) == [".locks", "test-minimal-case.yaml"]


def test_replace_of_a_missing_record_writes_nothing(tmp_path):
    result = submit(MINIMAL, tmp_path / "evidence", source_dirs=[], replace=True)
    assert (result.code, result.messages, result.written) == (
        1, ["--replace: no record test-minimal-case.yaml to replace", "nothing was written"], [])
    assert not (tmp_path / "evidence").exists()


def test_rdf_is_refused_as_a_submission(tmp_path):
    rdf = tmp_path / "case.ttl"
    rdf.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n", encoding="utf-8")
    result = submit(rdf, tmp_path / "evidence", source_dirs=[])
    assert result.code == 2
    assert result.messages == ["case.ttl: `emkg submit` takes a case record (YAML), the CSV template or a "
                               "Phenopacket; RDF can be validated but not added as a record"]


def test_withdraw_messages(tmp_path):
    (tmp_path / "p-1.yaml").write_text("x", encoding="utf-8")
    assert withdraw("p-1", tmp_path) == f"withdrew {tmp_path / 'p-1.yaml'} (it stays in the project's history)"
    assert not (tmp_path / "p-1.yaml").exists()
    with pytest.raises(UsageError) as error:
        withdraw("p-1", tmp_path)
    assert str(error.value) == f"no record p-1.yaml in {tmp_path}"
    for bad in ("p-1.yaml", "../p", "a/b", ""):
        with pytest.raises(UsageError) as error:
            withdraw(bad, tmp_path)
        assert str(error.value) == f"a record id is the publication id (the file name without .yaml), not {bad!r}"


def test_a_given_source_text_is_read_and_named_safely(tmp_path):
    given = tmp_path / "..My paper (2021).txt"
    given.write_text("Texte é", encoding="utf-8")
    assert _given_text(given) == ({"": "Texte é"}, "My-paper-2021-.txt")
    odd = tmp_path / "((("
    odd.write_text("x", encoding="utf-8")
    assert _given_text(odd) == ({"": "x"}, "source.txt")
    assert _given_text(None) == ({}, None)
    with pytest.raises(UsageError) as error:
        _given_text(tmp_path / "missing.txt")
    assert str(error.value) == f"--source-text: no such file {tmp_path / 'missing.txt'}"
    latin = tmp_path / "latin.txt"
    latin.write_bytes("é".encode("latin-1"))
    with pytest.raises(UsageError) as error:
        _given_text(latin)
    assert str(error.value) == "--source-text: latin.txt is not UTF-8 text"
