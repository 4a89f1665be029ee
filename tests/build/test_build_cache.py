"""The build cache: one changed record is re-checked, the others come from the cache (the build's own
report says so), and the release files are the same bytes whichever way they were made."""

from __future__ import annotations

import json
import shutil

import pytest
from build_helpers import SMALL_RECORD, small_evidence
from click.testing import CliRunner

from emkg import paths
from emkg.build import REPORT_FILE, BuildFailed, build

pytestmark = pytest.mark.slow


def report(build_dir):
    return json.loads((build_dir / REPORT_FILE).read_text(encoding="utf-8"))


def test_one_changed_record_is_the_only_one_rechecked(tmp_path, seeds_dir):
    evidence = tmp_path / "evidence"
    shutil.copytree(paths.EVIDENCE_DIR, evidence)
    build_dir = tmp_path / "build"
    build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir)
    first = report(build_dir)
    assert first["status"] == "ok" and first["cached"] == []
    names = sorted(p.name for p in evidence.glob("*.yaml"))
    assert sorted(first["checked"]) == names

    build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir)
    assert report(build_dir)["checked"] == [] and sorted(report(build_dir)["cached"]) == names

    changed = evidence / SMALL_RECORD.name
    changed.write_text(changed.read_text(encoding="utf-8").replace(
        'label: "29-year-old man', 'label: "A 29-year-old man', 1), encoding="utf-8")
    result = build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir)
    after = report(build_dir)
    assert after["checked"] == [changed.name] == result.checked
    assert sorted(after["cached"]) == sorted(set(names) - {changed.name})
    assert {r["file"]: r["status"] for r in after["per_record"]}[changed.name] == "checked"
    assert "A 29-year-old man" in (paths.release_dir(build_dir) / "emkg.nt").read_text(encoding="utf-8")


def test_a_changed_source_text_rechecks_its_record(tmp_path, seeds_dir):
    evidence = small_evidence(tmp_path / "evidence")
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    build_dir = tmp_path / "build"
    build(build_dir, evidence_dir=evidence, seeds_dir=seeds)
    source = seeds / "000_55fb43ead57bd779.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("no CRES was detected", "no CRES was seen"),
                      encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build(build_dir, evidence_dir=evidence, seeds_dir=seeds)
    assert any("no CRES was detected" in p for p in caught.value.problems)
    assert report(build_dir)["status"] == "failed"
    assert {r["file"]: r["status"] for r in report(build_dir)["per_record"]} == {
        SMALL_RECORD.name: "failed", "test-minimal-case.yaml": "cached"}


def test_release_files_are_the_same_bytes_fresh_or_from_the_cache(tmp_path, seeds_dir):
    evidence = small_evidence(tmp_path / "evidence")
    build(tmp_path / "a", evidence_dir=evidence, seeds_dir=seeds_dir)
    build(tmp_path / "a", evidence_dir=evidence, seeds_dir=seeds_dir)  # from the cache
    build(tmp_path / "b", evidence_dir=evidence, seeds_dir=seeds_dir, jobs=1)  # fresh, in one process
    assert report(tmp_path / "a")["checked"] == []
    for name in ("emkg.nt", "emkg.ttl", "emkg.owl"):
        a = (paths.release_dir(tmp_path / "a") / name).read_bytes()
        assert a == (paths.release_dir(tmp_path / "b") / name).read_bytes(), name
    nt = (paths.release_dir(tmp_path / "a") / "emkg.nt").read_text(encoding="utf-8").splitlines()
    assert nt == sorted(nt)
    assert any(line.startswith("_:") for line in nt)  # the ontology's restrictions, canonically labelled
    # the release is what the store holds, literal for literal (e.g. decimals in Oxigraph's canonical form)
    import pyoxigraph as ox

    from emkg import store

    db = store.open_read_only(paths.store_dir(tmp_path / "a"))
    dumped = db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8").splitlines()
    assert sorted(dumped) == nt


def test_a_record_deleted_while_the_build_reads_it_is_a_problem_line(tmp_path, seeds_dir, monkeypatch):
    from emkg import graph
    from emkg.cli import main

    evidence = small_evidence(tmp_path / "evidence")
    listed = graph.record_files(evidence)
    monkeypatch.setattr(graph, "record_files", lambda _dir=None: [*listed, evidence / "gone.yaml"])
    result = CliRunner().invoke(main, ["build", "--build-dir", str(tmp_path / "build"), "--evidence-dir",
                                       str(evidence), "--seeds", str(seeds_dir)])
    assert result.exit_code == 1
    assert "gone.yaml: (file): the record disappeared while the build was reading it" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "build" / "current").exists()
