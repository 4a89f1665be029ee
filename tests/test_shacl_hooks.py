"""emkg.shacl's pySHACL speed-ups (no result text, constraint parameters looked up in a set) are local to
emkg's own call: another thread validating at the same moment sees pySHACL exactly as shipped."""

from __future__ import annotations

import threading

import pyshacl
from rdflib import Graph

from emkg import shacl

SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .
"""
DATA = "@prefix ex: <http://example.org/> . ex:x a ex:C ."


def _graphs() -> tuple[Graph, Graph]:
    return Graph().parse(data=DATA, format="turtle"), Graph().parse(data=SHAPES, format="turtle")


def _parameters_kind() -> str:
    from pyshacl import shape

    parameters, _ = getattr(shape.module, "CONSTRAINT_PARAMS", (None, None))
    return type(parameters).__name__


def test_a_thread_validating_beside_an_emkg_validation_sees_plain_pyshacl(monkeypatch):
    real_validate = pyshacl.validate
    inside, release, seen = threading.Event(), threading.Event(), {}

    def paused(*args, **kwargs):  # emkg.shacl.validate imports pyshacl.validate at call time
        result = real_validate(*args, **kwargs)
        seen["ours"] = (result[2], _parameters_kind())
        inside.set()
        assert release.wait(60)
        return result

    monkeypatch.setattr(pyshacl, "validate", paused)
    outcome = {}
    ours = threading.Thread(target=lambda: outcome.update(result=shacl.validate(*_graphs(), Graph())))
    ours.start()
    try:
        assert inside.wait(60), "the emkg validation did not start"
        data, shapes = _graphs()
        conforms, _, text = real_validate(data, shacl_graph=shapes, inference="none", advanced=True)
        theirs = (text, _parameters_kind())
    finally:
        release.set()
        ours.join(60)
    assert conforms is False
    assert "Constraint Violation in MinCountConstraintComponent" in theirs[0], "the other thread lost its report text"
    assert theirs[1] != "_Members"
    # inside emkg's call the speed-ups are on: no text, set lookups; and its result is still right
    assert "Constraint Violation" not in seen["ours"][0]
    assert seen["ours"][1] == "_Members"
    conforms, violations, _ = outcome["result"]
    assert conforms is False and [(v.constraint, v.path) for v in violations] == [("sh:MinCountConstraintComponent",
                                                                                     "http://example.org/p")]


def test_after_an_emkg_validation_pyshacl_is_as_shipped():
    shacl.validate(*_graphs(), Graph())
    data, shapes = _graphs()
    _, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert "Constraint Violation in MinCountConstraintComponent" in text
    assert _parameters_kind() != "_Members"
