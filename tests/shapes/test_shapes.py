"""Every SHACL shape has conforming and non-conforming examples, and each non-conforming example fails
for exactly the reason its name says: the (shape, path, constraint) triples it declares in leading
`# expect:` comments, and no others. Optional `# message:` lines name words the message must contain.

Examples are small, complete, made-up cases: Turtle graphs, or case records (YAML) that go through the
loader first, as a curator's file would. Shapes and ontology are parsed once per session.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from emkg.graph import ontology_graph, shapes_graph
from emkg.namespaces import compact
from emkg.shacl import validate
from loaders.yaml_record import read_record

HERE = Path(__file__).parent
VALID = sorted((HERE / "valid").glob("*.*"))
INVALID = sorted(p for p in (HERE / "invalid").glob("*.*") if p.suffix in (".ttl", ".yaml"))
PINNED = HERE / "invalid" / "pinned.json"
EXPECT = re.compile(r"^# expect: shape=(\S+) path=(\S+) constraint=(\S+)\s*$")


@pytest.fixture(scope="session")
def reference():
    return shapes_graph(), ontology_graph()


def data_graph(path: Path) -> Graph:
    if path.suffix == ".yaml":
        return read_record(path).graph
    return Graph().parse(path, format="turtle")


# Each example is validated once per session (two tests read the result); the cache belongs to the one
# reference (shapes, ontology) it was made with, and is emptied when another session brings new shapes.
_VALIDATED: dict = {"reference": None, "results": {}}


def results(path: Path, reference) -> set[tuple[str, str, str]]:
    if _VALIDATED["reference"] is not reference:
        _VALIDATED.update(reference=reference, results={})
    if path not in _VALIDATED["results"]:
        _VALIDATED["results"][path] = validate(data_graph(path), *reference)[1]
    violations = _VALIDATED["results"][path]
    return {(v.shape, v.path or "-", v.constraint) for v in violations}, violations


def expectations(path: Path) -> tuple[set[tuple[str, str, str]], list[str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = {m.groups() for m in map(EXPECT.match, lines) if m}
    words = [line.split(":", 1)[1].strip() for line in lines if line.startswith("# message:")]
    return expected, words


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_valid_example_conforms(path, reference):
    found, violations = results(path, reference)
    assert not violations, "\n".join(map(str, violations))


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_fails_for_exactly_its_reason(path, reference):
    expected, words = expectations(path)
    assert expected, f"{path.name} declares no '# expect:' line"
    assert {shape for shape, _, _ in expected} >= {"emkg:" + path.name.split("-", 1)[0]}, \
        "the file name must start with the local name of a shape it expects to fail"
    found, violations = results(path, reference)
    assert found == expected, "\n".join(map(str, violations))
    for violation in violations:
        assert violation.message and "{?" not in violation.message, violation
    for word in words:
        assert any(word in v.message for v in violations), (word, [v.message for v in violations])


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_example_flags_the_reviewed_focus_nodes_and_values(path, reference, request):
    """Each violation's focus node and value, pinned in invalid/pinned.json (reviewed; rewritten by
    --update-golden): a rule that flags the wrong node, or the right node for the wrong value, fails."""
    _, violations = results(path, reference)
    actual = sorted([v.shape, v.path or "-", v.constraint, compact(v.focus), v.value] for v in violations)
    pinned = json.loads(PINNED.read_text(encoding="utf-8")) if PINNED.is_file() else {}
    if request.config.getoption("--update-golden"):
        pinned[path.name] = actual
        PINNED.write_text(json.dumps(dict(sorted(pinned.items())), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
    assert pinned.get(path.name) == actual


def node_shapes() -> set[str]:
    return {compact(str(s)) for s in shapes_graph().subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def focus_shapes(path: Path, reference) -> set[str]:
    """The node shapes that have at least one focus node in an example (with the ontology mixed in)."""
    shapes, ontology = reference
    data = data_graph(path) + ontology
    found = set()
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        nodes = set()
        for cls in shapes.objects(shape, SH.targetClass):
            nodes |= {row[0] for row in data.query(
                "SELECT ?x WHERE { ?x a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?c }",
                initBindings={"c": cls})}
        for prop in shapes.objects(shape, SH.targetSubjectsOf):
            nodes |= set(data.subjects(prop, None))
        for prop in shapes.objects(shape, SH.targetObjectsOf):
            nodes |= set(data.objects(None, prop))
        for target in shapes.objects(shape, SH.target):
            select = shapes.value(target, SH.select)
            nodes |= {row[0] for row in data.query("PREFIX emkg: <https://w3id.org/emkg/>\n" + str(select))}
        if nodes:
            found.add(compact(str(shape)))
    return found


def test_every_shape_has_a_valid_and_an_invalid_example(reference):
    shapes = node_shapes()
    assert len(shapes) > 25
    named_invalid = {"emkg:" + p.name.split("-", 1)[0] for p in INVALID}
    exercised = set().union(*(focus_shapes(p, reference) for p in VALID))
    assert not shapes - named_invalid, f"shapes without an invalid example: {sorted(shapes - named_invalid)}"
    assert not shapes - exercised, f"shapes no valid example exercises: {sorted(shapes - exercised)}"
    assert len(INVALID) >= 40
