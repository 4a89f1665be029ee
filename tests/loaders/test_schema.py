"""The one schema (schema/emkg_record.yaml, LinkML): its generated files are current, LinkML's own linter and
generators accept it, its JSON Schema accepts every curated record and refuses a broken one at its path, and
nothing of LinkML is imported when a record is validated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RECORDS = sorted((ROOT / "evidence").glob("*.yaml")) + [ROOT / "tests" / "shapes" / "valid" / "model2-case.yaml",
                                                        ROOT / "tests" / "records" / "valid" / "minimal-case.yaml"]


@pytest.fixture(scope="module")
def generated():
    from schema.generate import generate

    return generate()


def test_every_generated_file_is_current(generated):
    from schema.generate import OUTPUTS

    assert set(generated) == set(OUTPUTS)
    stale = [name for name, text in generated.items() if (ROOT / name).read_text(encoding="utf-8") != text]
    assert not stale, f"stale generated file(s) {stale}: run `python -m schema.generate`"


def test_generating_into_a_folder_writes_the_same_files(tmp_path, generated):
    from schema.generate import main

    assert main(["--out", str(tmp_path)]) == 0
    for name, text in generated.items():
        assert (tmp_path / name).read_text(encoding="utf-8") == text


def test_a_schema_edit_shows_in_the_generated_files(monkeypatch, tmp_path):
    """Adding a field is one edit of the schema: it reaches the loader's table, the docs and the shapes."""
    import schema.generate as gen

    text = (ROOT / "schema" / "emkg_record.yaml").read_text(encoding="utf-8")
    edited = text.replace("      hla_match:\n", "      donor_age:\n        description: age of the donor in years\n"
                          "        slot_uri: emkg:donorAge\n        range: decimal\n        in_subset:\n"
                          "        - shacl_core\n      hla_match:\n", 1)
    assert edited != text
    (tmp_path / "emkg_record.yaml").write_text(edited, encoding="utf-8")
    monkeypatch.setattr(gen, "SCHEMA", tmp_path / "emkg_record.yaml")
    out = gen.generate()
    assert "('donor_age', 'emkg:donorAge', 'decimal'" in out["loaders/record_fields.py"]
    assert "| `donor_age` | decimal |  | emkg:donorAge | age of the donor in years |" in out["evidence/README.md"]
    assert "sh:path emkg:donorAge" in out["shapes/record-fields.shacl.ttl"]
    assert '"donor_age"' in out["schema/emkg_record.schema.json"]


def _errors(report: str) -> list[str]:
    return [line for line in report.splitlines() if line.split()[:1] == ["error"]]


def test_linkml_lint_finds_no_error():
    linter = Path(sys.executable).parent / "linkml-lint"
    result = subprocess.run([str(linter), "--ignore-warnings", str(ROOT / "schema" / "emkg_record.yaml")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and not _errors(result.stdout), result.stdout + result.stderr


def test_linkml_lint_reports_a_broken_schema(tmp_path):
    """The lint test above can fail: a range naming no class or type is an error."""
    broken = (ROOT / "schema" / "emkg_record.yaml").read_text(encoding="utf-8").replace(
        "range: RelapseKindEnum", "range: NoSuchEnum", 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken, encoding="utf-8")
    linter = Path(sys.executable).parent / "linkml-lint"
    result = subprocess.run([str(linter), "--ignore-warnings", str(path)], capture_output=True, text=True, timeout=300)
    assert result.returncode != 0 and _errors(result.stdout)


@pytest.fixture(scope="module")
def validator():
    import jsonschema

    schema = json.loads((ROOT / "schema" / "emkg_record.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft201909Validator(schema)


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_json_schema_accepts_the_records(validator, path):
    errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert not errors, [(list(e.absolute_path), e.message[:200]) for e in errors]


def test_json_schema_refuses_a_value_outside_a_value_set(validator):
    record = yaml.safe_load((ROOT / "tests" / "shapes" / "valid" / "model2-case.yaml").read_text(encoding="utf-8"))
    record["patients"][0]["facts"][5]["relapse_kind"] = "emkg:Left"
    record["publication"]["enrollment_start"] = "2019-13"
    found = {tuple(e.absolute_path) for e in validator.iter_errors(record)}
    assert ("publication", "enrollment_start") in found
    assert ("patients", 0, "facts") in found  # the fact matches no fact type's schema any more


def test_validating_a_record_imports_nothing_of_linkml():
    code = ("import sys; from pathlib import Path; from emkg.validate import validate_file; "
            "validate_file(Path('tests/records/valid/minimal-case.yaml')); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('linkml', 'linkml_runtime', 'jsonschema')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_field_table_gives_each_record_part_the_rdf_type_its_nodes_get():
    """from_table is what loaders.record_schema (and the docs of a freshly generated table) are built from; the
    part's node class is the rdf:type the YAML loader gives the publication, product, patient ... nodes."""
    from loaders import record_fields, record_schema

    table = record_schema.from_table(record_fields)
    parts = (table.PUBLICATION, table.PRODUCT, table.PATIENT, table.COHORT, table.FINDING)
    assert [(part.name, part.node_class) for part in parts] == [
        ("publication", "emkg:Publication"), ("product", "emkg:CarTProduct"), ("patient", "emkg:Patient"),
        ("cohort", "emkg:Cohort"), ("finding", "emkg:CohortFinding")]
    assert parts == (record_schema.PUBLICATION, record_schema.PRODUCT, record_schema.PATIENT, record_schema.COHORT,
                     record_schema.FINDING)
