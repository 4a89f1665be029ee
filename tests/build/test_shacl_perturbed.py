"""The build's SHACL path reports exactly pySHACL's violations on hundreds of perturbed copies of a record.

tests/build/test_shacl_sparql.py compares the two paths on the examples of tests/shapes/ and the curated records:
few of those sit next to a boundary, carry a second value, a language tag or a value of another class. Here every
perturbation of `perturbed_records.perturbations` (a triple dropped, a second value, a number moved by one and set
on both sides of every bound a shape gives its property, another datatype, a language tag, an IRI of another
class, another rdf:type) of tests/shapes/valid/minimal-case.yaml is checked, each in its own renamed copy, in one
union graph.

pySHACL is the oracle: expected/perturbed-minimal-case.json holds its violations on that union (shape, focus,
path, constraint component, message, value, file, field, line) with every shape of shapes/, written by
`python tests/build/test_shacl_perturbed.py` and compared with a new pySHACL run by the slow test below (a minute),
so the fast test (the compiled checks, the SHACL-SPARQL constraints and the SPARQL targets on Oxigraph, a few
seconds) compares with pySHACL's own answer, never with its own earlier output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from perturbed_records import _renamed, perturbations, union_of_copies  # noqa: E402

RECORD = HERE.parent / "shapes" / "valid" / "minimal-case.yaml"
GOLDEN = HERE / "expected" / "perturbed-minimal-case.json"


def _case():
    """(the union of the perturbed copies, its locations (node -> file, field, line), the perturbations)."""
    from emkg.graph import shapes_graph
    from loaders.yaml_record import read_record

    record = read_record(RECORD)
    changes = perturbations(record.graph, shapes_graph())
    union = union_of_copies(record.graph, changes)
    locations = {_renamed(node, copy): (f"copy-{copy}.yaml", field, line)
                 for copy in range(len(changes)) for node, (field, line) in record.locations.items()}
    return union, locations, [label for label, _, _ in changes]


def _rows(violations) -> list[list]:
    rows = [[v.severity, v.focus, v.path, v.constraint, v.shape, v.message, v.value, v.file, v.field, v.line]
            for v in violations]
    return sorted(rows, key=json.dumps)


def _pyshacl_rows() -> list[list]:
    from emkg.graph import ontology_graph, shapes_graph
    from emkg.shacl import validate

    union, locations, _ = _case()
    return _rows(validate(union, shapes_graph(), ontology_graph(), locations)[1])


def _write_golden() -> None:
    _, _, labels = _case()
    rows = _pyshacl_rows()
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text(json.dumps({"perturbations": labels, "violations": rows}, indent=0, ensure_ascii=False) + "\n",
                      encoding="utf-8")


def _build_context():
    """What `emkg.record_check.prepare` makes for the SHACL check, made here so the compilation runs in this test."""
    from emkg import record_check, shacl_compiled, shacl_sparql
    from emkg.graph import ontology_graph, shapes_graph
    from emkg.shacl import ontology_axioms

    ontology, shapes = ontology_graph(), shapes_graph()
    core, constraints = shacl_sparql.split(shapes)
    checks, uncompiled = shacl_compiled.compile_shapes(core)
    return record_check.Context(ontology, shapes, set(), None, ontology.serialize(format="nt", encoding="utf-8"),
                                ontology_axioms=ontology_axioms(ontology),
                                core_shapes=shacl_sparql.SparqlTargets.of(core), sparql_constraints=constraints,
                                compiled_checks=checks, uncompiled_shapes=shacl_sparql.SparqlTargets.of(uncompiled))


def test_the_build_reports_pyshacls_violations_on_every_perturbed_copy():
    from emkg import record_check

    context = _build_context()
    assert not context.uncompiled_shapes.has_shapes(), "every shape runs on Oxigraph: none left to pySHACL"
    union, locations, labels = _case()
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden["perturbations"] == labels, "the perturbations changed: rewrite the golden file with pySHACL"
    nt = record_check._as_stored(union.serialize(format="nt", encoding="utf-8"))
    found = _rows(record_check.shacl_violations(union, record_check.record_store(nt, context), context, locations))
    expected = [list(row) for row in golden["violations"]]
    missing = [row for row in expected if row not in found]
    extra = [row for row in found if row not in expected]
    assert (missing[:5], extra[:5]) == ([], []), f"{len(missing)} missed, {len(extra)} not pySHACL's"
    assert found == expected


def test_the_perturbations_are_caught_where_a_shape_forbids_them():
    """The golden file is not vacuous: the perturbations break many shapes, in many copies, of each kind."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    rows = golden["violations"]
    components = {row[3] for row in rows}
    assert {f"sh:{name}ConstraintComponent" for name in (
        "Class", "Datatype", "MinCount", "MaxCount", "MinInclusive", "MaxInclusive", "SPARQL", "In")} <= components
    broken = {row[7] for row in rows}
    assert len(broken) > len(golden["perturbations"]) // 2
    assert "copy-0.yaml" in broken, "dropping the patient's rdf:type breaks its facts' shapes"


@pytest.mark.slow
def test_the_golden_violations_are_pyshacls():
    """The fast test's expected answer is what pySHACL says now (about a minute)."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert _pyshacl_rows() == [list(row) for row in golden["violations"]]


if __name__ == "__main__":
    _write_golden()
