"""The build's SHACL path (pySHACL for the core shapes, the SHACL-SPARQL constraints and SPARQL targets
on the record's Oxigraph store, emkg.shacl_sparql) reports exactly what pySHACL reports with every shape
(emkg.shacl.validate, which `emkg validate` and tests/shapes/ use): on every example of tests/shapes/,
the curated records, and a generated record."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from rdflib import Graph

from emkg import paths, record_check, shacl_sparql
from emkg.graph import shapes_graph
from emkg.shacl import validate
from loaders.yaml_record import read_record

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parent.parent
# Every example that conforms, and every example made to fail a shape whose SPARQL part moved (the
# others fail pySHACL's core constraints, which both paths run the same way).
MOVED_SHAPES = ("ASTCTGrade", "AbsentFact", "AnchorOrder", "CohortFinding", "Cohort", "DiagnosisTiming",
                "DonorDerivedInfusion", "InfusionSequence", "IsolatedRelapse", "MrdResponse", "Privacy",
                "RelapseTiming", "ResponseTiming", "UnitDimension", "CarTDose", "DrugDose", "PercentValue", "RatioUnit")
# Every example: the core shapes compiled to Oxigraph queries (emkg.shacl_compiled) are checked on all.
EXAMPLES = sorted(p for p in (TESTS / "shapes").glob("*/*.*") if p.parent.name in ("valid", "invalid")
                  and p.suffix in (".ttl", ".yaml"))
RECORDS = sorted(paths.EVIDENCE_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def context():
    return record_check.prepare(None, None, None)


def _both(graph: Graph, context) -> tuple[list[str], list[str]]:
    _, everything, _ = validate(graph, context.shapes, context.ontology)
    nt = record_check._as_stored(graph.serialize(format="nt", encoding="utf-8"))
    fast = record_check.shacl_violations(graph, record_check.record_store(nt, context), context, {})
    return sorted(map(repr, everything)), sorted(map(repr, fast))


def test_the_sparql_constraints_and_targets_are_moved(context):
    moved = {str(c.shape).rsplit("/", 1)[1] for c in context.sparql_constraints}
    assert {"UnitDimensionShape", "PrivacyShape", "RelapseTimingShape", "CohortShape"} <= moved
    left = context.core_shapes.shapes
    from emkg.shacl import SH
    assert not list(left.subjects(SH.sparql, None)), "every SHACL-SPARQL constraint of shapes/ runs on Oxigraph"
    assert not list(left.objects(None, SH.target)), "every SPARQL target of shapes/ runs on Oxigraph"
    assert len(context.core_shapes.queries) >= 3
    assert {str(c.shape).rsplit("/", 1)[1].removesuffix("Shape") for c in context.sparql_constraints} | {
        str(s).rsplit("/", 1)[1].removesuffix("Shape") for s, _ in context.core_shapes.queries} == set(MOVED_SHAPES)


def test_every_core_shape_is_compiled(context):
    """Every node shape of shapes/ runs as Oxigraph queries (emkg.shacl_compiled): a shape written with a
    part the compiler does not understand would silently fall back to pySHACL, slower by an order of
    magnitude at scale; this names it."""
    from emkg.shacl import SH
    left = context.uncompiled_shapes.shapes
    assert not context.uncompiled_shapes.has_shapes(), sorted(left.subjects(SH.property, None))
    assert len(context.compiled_checks) > 250


def test_a_graph_with_a_blank_node_falls_back_to_pyshacl_with_the_same_violations(context):
    """Oxigraph renames blank nodes, so a graph with one (no record has any) is checked by pySHACL whole."""
    from rdflib import BNode, Literal, URIRef

    from emkg import shacl_compiled
    example = next(p for p in EXAMPLES if p.parent.name == "invalid" and p.suffix == ".ttl")
    graph = Graph().parse(example, format="turtle")
    graph.add((BNode(), URIRef("https://w3id.org/emkg/note"), Literal("a blank node")))
    assert not shacl_compiled.can_evaluate(graph)
    everything, fast = _both(graph, context)
    assert fast == everything and everything


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shape_examples_give_the_same_violations(path, context):
    graph = read_record(path).graph if path.suffix == ".yaml" else Graph().parse(path, format="turtle")
    everything, fast = _both(graph, context)
    assert fast == everything


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_curated_records_give_the_same_violations(path, context):
    everything, fast = _both(read_record(path).graph, context)
    assert fast == everything


def test_a_generated_record_with_broken_facts_gives_the_same_violations(tmp_path, context):
    """A generated record (20 patients) broken for moved constraints: absent facts with a grade
    (AbsentFactShape), CAR-T expansion in cells per kilogram (UnitDimensionShape)."""
    sys.path.insert(0, str(paths.PROJECT_ROOT / "benchmarks"))
    from generate import generate

    generate(20, tmp_path / "records", tmp_path / "sources", seed=3)
    text = next((tmp_path / "records").glob("*.yaml")).read_text(encoding="utf-8")
    text = text.replace("        present: false\n", "        present: false\n        grade: 2\n")
    text = text.replace("        unit: emkg:Percent\n        statistic: emkg:Peak",
                        "        unit: emkg:CellsPerKilogram\n        statistic: emkg:Peak")
    graph = read_record_text(text, tmp_path / "broken.yaml")
    everything, fast = _both(graph, context)
    assert fast == everything and everything, "the broken record must fail, the same way on both paths"


def read_record_text(text: str, path: Path) -> Graph:
    from loaders.yaml_record import parse_record

    return parse_record(text, path.name).graph


def test_a_changed_message_is_told_apart(context):
    """The comparison is not vacuous: a moved constraint with another message gives other violations."""
    example = next(p for p in EXAMPLES if p.parent.name == "invalid" and p.name.startswith("UnitDimensionShape"))
    graph = read_record(example).graph if example.suffix == ".yaml" else Graph().parse(example, format="turtle")
    shapes = shapes_graph()
    from emkg.shacl import SH
    node = next(n for s, n in shapes.subject_objects(SH.sparql) if str(s).endswith("/UnitDimensionShape"))
    message = shapes.value(node, SH.message)
    shapes.set((node, SH.message, type(message)(str(message) + " (changed)")))
    _, constraints = shacl_sparql.split(shapes)
    nt = record_check._as_stored(graph.serialize(format="nt", encoding="utf-8"))
    changed = shacl_sparql.evaluate(record_check.record_store(nt, context), constraints, graph)
    _, everything, _ = validate(graph, context.shapes, context.ontology)
    assert sorted(map(repr, changed)) != sorted(map(repr, [v for v in everything
                                                           if v.constraint == "sh:SPARQLConstraintComponent"]))
