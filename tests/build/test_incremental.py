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
