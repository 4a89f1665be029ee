"""The fast reasoning path's types and the derived helper links are computed per record and cached with
the record (emkg.record_check.inferred_and_derived); their union over the records must be exactly what
the rules and derive queries give on the whole built graph."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest

from emkg import derive, paths, reason, store
from emkg.build import build
from emkg.graph import ontology_graph
from emkg.namespaces import EMKG

pytestmark = pytest.mark.slow
GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def _generate(count: int, records: Path, sources: Path, seed: int) -> None:
    spec = importlib.util.spec_from_file_location("generate", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate(count, records, sources, seed=seed)


def _split(build_dir: Path) -> tuple[ox.Store, set, set]:
    """(an in-memory store with the built graph minus its inferred and derived triples, the inferred
    (individual, class) pairs, the derived triples)."""
    ontology = ontology_graph()
    derived_predicates = {str(s) for s in ontology.subjects(ox_uri("derivedBy"), None)}
    built = store.open_read_only(paths.store_dir(build_dir))
    inferred = {(q.subject.value, q.object.value) for q in built.quads_for_pattern(None, ox.NamedNode(
        f"{EMKG}inferredType"), None)}
    derived, curated = set(), ox.Store()
    for quad in built:
        if quad.predicate.value in derived_predicates:
            derived.add(ox.Triple(quad.subject, quad.predicate, quad.object))
        elif quad.predicate.value == f"{EMKG}inferredType" or (
                quad.predicate.value == RDF_TYPE and (quad.subject.value, quad.object.value) in inferred):
            continue
        else:
            curated.add(quad)
    return curated, inferred, derived


def ox_uri(local: str):
    from rdflib import URIRef

    return URIRef(f"{EMKG}{local}")


def _whole_graph(curated: ox.Store) -> tuple[set, set]:
    found = reason.materialise(curated, reason.compile_rules(ontology_graph()))
    return {(str(s), str(c)) for s, c in found}, set(derive.derived_triples(curated))


def test_per_record_types_and_links_equal_the_whole_graphs_on_the_seeds(built):
    curated, inferred, derived = _split(built)
    whole_inferred, whole_derived = _whole_graph(curated)
    assert inferred and derived
    assert inferred == whole_inferred
    assert derived == whole_derived


def test_per_record_types_and_links_equal_the_whole_graphs_on_generated_records(tmp_path):
    _generate(120, tmp_path / "records", tmp_path / "sources", seed=5)
    build(tmp_path / "build", evidence_dir=tmp_path / "records", seeds_dir=tmp_path / "sources")
    curated, inferred, derived = _split(tmp_path / "build")
    whole_inferred, whole_derived = _whole_graph(curated)
    kinds = {t.predicate.value.rsplit("/", 1)[1] for t in derived}
    assert {"anchorInfusion", "factKind", "followedByInfusion", "nextInfusion", "productOf"} <= kinds
    assert inferred == whole_inferred
    assert derived == whole_derived


def _dump(build_dir: Path) -> list[bytes]:
    db = store.open_read_only(paths.store_dir(build_dir))
    return sorted(db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).splitlines())


def test_a_patched_store_holds_exactly_the_triples_of_a_fresh_build(tmp_path, seeds_dir, monkeypatch):
    """One record changed (a relapse moved to another site, so its inferred types and derived links
    change too), one removed, one added: the previous store patched with those records equals a fresh
    build of the same records, triple for triple, and so do the release files."""
    import json
    import shutil

    from build_helpers import SMALL_RECORD

    from emkg import storepatch

    monkeypatch.setattr(storepatch, "MAX_CHANGED_SHARE", 1.0)  # four records: every change patched
    generated, sources = tmp_path / "generated", tmp_path / "sources"
    _generate(150, generated, sources, seed=11)
    shutil.copy(seeds_dir / "000_55fb43ead57bd779.txt", sources)
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    first, second, third = sorted(generated.glob("*.yaml"))
    for record in (SMALL_RECORD, first, second):
        shutil.copy(record, evidence / record.name)
    build(tmp_path / "build", evidence_dir=evidence, seeds_dir=sources)

    changed = evidence / first.name
    text = changed.read_text(encoding="utf-8")
    assert "UBERON:0000473" in text
    changed.write_text(text.replace("UBERON:0000473", "UBERON:0000955"), encoding="utf-8")  # testis -> brain
    (evidence / second.name).unlink()
    shutil.copy(third, evidence / third.name)
    patched = build(tmp_path / "build", evidence_dir=evidence, seeds_dir=sources)
    report = json.loads((tmp_path / "build" / "build-report.json").read_text(encoding="utf-8"))
    assert report["store"] == "patched from the previous build"
    assert sorted(patched.checked) == sorted([first.name, third.name])

    fresh = build(tmp_path / "fresh", evidence_dir=evidence, seeds_dir=sources)
    report = json.loads((tmp_path / "fresh" / "build-report.json").read_text(encoding="utf-8"))
    assert report["store"] == "loaded"
    assert patched.triples == fresh.triples
    assert _dump(tmp_path / "build") == _dump(tmp_path / "fresh")
    for name in ("emkg.nt", "emkg.ttl", "emkg.owl"):
        assert (paths.release_dir(tmp_path / "build") / name).read_bytes() == \
            (paths.release_dir(tmp_path / "fresh") / name).read_bytes(), name


def test_a_triple_another_source_still_states_is_kept(tmp_path):
    """Patching removes a changed record's triples about its own nodes, but a triple about another node
    (here an ontology term) stays while the ontology or another record states it."""
    from emkg import storepatch

    pub = f"{EMKG}publication/r1"
    term = "<http://purl.obolibrary.org/obo/UBERON_0000473>"
    label = f'{term} <http://www.w3.org/2000/01/rdf-schema#label> "testis" .'
    comment = f'{term} <http://www.w3.org/2000/01/rdf-schema#comment> "only r1" .'
    files = {"old": [f"<{pub}> <{RDF_TYPE}> <{EMKG}Publication> .", f"<{pub}/x> <{EMKG}p> \"1\" .", label, comment],
             "new": [f"<{pub}> <{RDF_TYPE}> <{EMKG}Publication> .", f"<{pub}/x> <{EMKG}p> \"2\" ."],
             "other": [label]}
    for name, lines in files.items():
        (tmp_path / f"{name}.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    previous = ox.Store(str(tmp_path / "previous"))
    previous.bulk_load(path=str(tmp_path / "old.nt"), format=ox.RdfFormat.N_TRIPLES)
    previous.bulk_load(path=str(tmp_path / "other.nt"), format=ox.RdfFormat.N_TRIPLES)
    previous.flush()
    del previous
    plan = storepatch.Plan(tmp_path / "previous", ["old"], ["new"], ["other"])
    db = storepatch.apply(tmp_path / "patched", plan, lambda key: tmp_path / f"{key}.nt", b"")
    held = sorted(db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode().splitlines())
    assert held == sorted([files["new"][0], files["new"][1], label])
