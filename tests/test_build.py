"""`emkg build`: deterministic, validated, and all-or-nothing."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from emkg import paths
from emkg.build import BuildFailed, build

pytestmark = pytest.mark.slow


def release_graph(build_dir: Path) -> Graph:
    return Graph().parse(paths.release_dir(build_dir) / "emkg.nt", format="nt")


def digest(build_dir: Path) -> dict[str, str]:
    """The build readers see (build/current: its version, store and release files); the cache and the
    report of the last attempt live beside it and may change."""
    folder = (build_dir / "current").resolve()
    files = {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(folder.rglob("*")) if p.is_file()}
    return {"version": folder.name, **files}


def test_two_builds_give_isomorphic_graphs(built, tmp_path, seeds_dir):
    build(tmp_path / "again", seeds_dir=seeds_dir)
    first, second = release_graph(built), release_graph(tmp_path / "again")
    assert len(first) > 1000
    assert isomorphic(first, second)
    # the N-Triples release is sorted, so identical graphs give identical files
    assert (paths.release_dir(built) / "emkg.nt").read_bytes() == \
        (paths.release_dir(tmp_path / "again") / "emkg.nt").read_bytes()


def test_release_files_hold_the_same_graph(built):
    nt = release_graph(built)
    ttl = Graph().parse(paths.release_dir(built) / "emkg.ttl", format="turtle")
    owl = Graph().parse(paths.release_dir(built) / "emkg.owl", format="xml")
    assert isomorphic(nt, ttl)
    assert isomorphic(nt, owl)


def test_store_holds_the_release_graph(built):
    from emkg import store

    db = store.open_read_only(paths.store_dir(built))
    (count,) = next(iter(db.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    assert int(count.value) == len(release_graph(built))


def test_broken_record_fails_names_file_and_field_and_changes_nothing(tmp_path, seeds_dir):
    evidence = tmp_path / "evidence"
    shutil.copytree(paths.EVIDENCE_DIR, evidence)
    build_dir = tmp_path / "build"
    build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir)
    before = digest(build_dir)

    record = sorted(evidence.glob("*.yaml"))[0]
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("    design: ", "    desing: ", 1).replace("  design: ", "  desing: ", 1),
                      encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir)
    assert any(record.name in p and "publication.desing" in p for p in caught.value.problems)
    assert digest(build_dir) == before


def test_shacl_violation_fails_the_build_and_changes_nothing(tmp_path, seeds_dir):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    valid = Path(__file__).parent / "records" / "valid" / "minimal-case.yaml"
    (evidence / "case.yaml").write_text(valid.read_text(encoding="utf-8"), encoding="utf-8")
    build_dir = tmp_path / "build"
    build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir, check_quotes=False)
    before = digest(build_dir)
    (evidence / "case.yaml").write_text(valid.read_text(encoding="utf-8").replace("grade: 2", "grade: 9"),
                                        encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir, check_quotes=False)
    assert any("case.yaml" in p and "grade" in p for p in caught.value.problems)
    assert digest(build_dir) == before


def test_quote_not_in_source_fails_the_build(tmp_path, seeds_dir):
    evidence = tmp_path / "evidence"
    shutil.copytree(paths.EVIDENCE_DIR, evidence)
    record = evidence / "nct03919240-sscart19-skin-testis.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(
        '"no CRES was detected"', '"no CRES or ICANS was ever detected"'), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(tmp_path / "build", evidence_dir=evidence, seeds_dir=seeds_dir)
    assert any("no CRES or ICANS was ever detected" in p for p in caught.value.problems)
