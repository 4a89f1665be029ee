"""benchmarks/generate.py: deterministic synthetic records that the real build accepts, marked synthetic."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from emkg import paths
from emkg.build import build

pytestmark = pytest.mark.slow
GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def generator():
    spec = importlib.util.spec_from_file_location("generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_same_n_and_seed_give_the_same_bytes(tmp_path):
    generate = generator().generate
    generate(120, tmp_path / "a" / "records", tmp_path / "a" / "sources", seed=7)
    generate(120, tmp_path / "b" / "records", tmp_path / "b" / "sources", seed=7)
    generate(120, tmp_path / "c" / "records", tmp_path / "c" / "sources", seed=8)
    for part in ("records", "sources"):
        assert contents(tmp_path / "a" / part) == contents(tmp_path / "b" / part)
        assert contents(tmp_path / "a" / part) != contents(tmp_path / "c" / part)
    assert len(contents(tmp_path / "a" / "records")) == 3  # 50 + 50 + 20 patients


def test_generated_records_build_with_checked_quotes_and_say_synthetic(tmp_path):
    from emkg import store

    generator().generate(60, tmp_path / "records", tmp_path / "sources", seed=1)
    report = build(tmp_path / "build", evidence_dir=tmp_path / "records", seeds_dir=tmp_path / "sources")
    assert report.quotes_checked and report.notes == [] and len(report.checked) == 2
    db = store.open_read_only(paths.store_dir(tmp_path / "build"))
    labels = [row[0].value for row in db.query(
        "SELECT ?label WHERE { ?p a <https://w3id.org/emkg/Patient> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")]
    assert len(labels) == 60 and all(label.startswith("SYNTHETIC") for label in labels)
    kinds = {row[0].value.rsplit("/", 1)[1] for row in db.query(
        "SELECT DISTINCT ?c WHERE { ?f <https://w3id.org/emkg/aboutPatient> ?p ; a ?c }")}
    assert {"Demographics", "Diagnosis", "Relapse", "CarTInfusion", "AdverseEvent", "ResponseAssessment",
            "Measurement", "FollowUp", "HSCT"} <= kinds
