"""emkg.report, exactly: the whole text report (verdict line, counts, grouping by case, column layout), the whole
JSON text, and the Turtle report graph's loader results, for small hand-made outcomes."""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import RDF, BNode, Graph, Literal
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from emkg import report
from emkg.validate import Outcome


def detail(severity="Violation", case="c1", line=3, field="age_years", message="must be at least 0", value=-1,
           constraint="sh:MinInclusiveConstraintComponent", fact="f1", **extra):
    return {"severity": severity, "case": case, "file": "a.yaml", "field": field, "line": line, "message": message,
            "value": value, "shape": "emkg:DemographicsShape" if constraint != "loader" else None,
            "constraint": constraint, "path": "emkg:ageYears", "focus": "emkg:x", "fact": fact, **extra}


INVALID = Outcome("a.yaml", 1, problems=["p"], format="yaml", details=[
    detail(case="c2", line=9, field="grade", message="over 5", value=6, fact=None),
    detail(severity="Warning", case="c1", line=None, field="quote", message="not found", value=None),
    detail(case="c1", line=12, field="sex", message="unknown", value="x"),
    detail(case="c1", line=4, field="z", message="m1", value=0, fact=""),
    detail(severity="Info", case="c1", line=4, field="a", message="m2", value="", fact=None),
])
VALID = Outcome("b.ttl", 0)
UNUSABLE = Outcome("c.json", 2, problems=["not JSON: line 1", "second reason"], format="phenopacket",
                   details=[detail()])


def test_text_report_lines_exactly():
    assert report.text([INVALID, VALID, UNUSABLE, Outcome("d.yaml", 0, details=[detail(severity="Warning")])]) == (
        "a.yaml [yaml]: INVALID (3 problem(s), 2 warning(s)/note(s))\n"
        "  case c1:\n"
        "    Warning   line ?     quote (fact f1): not found\n"
        "    Info      line 4     a: m2 (value: )\n"
        "    Violation line 4     z: m1 (value: 0)\n"
        "    Violation line 12    sex (fact f1): unknown (value: x)\n"
        "  case c2:\n"
        "    Violation line 9     grade: over 5 (value: 6)\n"
        "b.ttl: valid\n"
        "c.json [phenopacket]: UNUSABLE (1 problem(s))\n"
        "  not JSON: line 1\n"
        "  second reason\n"
        "d.yaml: valid (1 warning(s)/note(s))\n"
        "  case c1:\n"
        "    Warning   line 3     age_years (fact f1): must be at least 0 (value: -1)\n")


def test_text_report_of_nothing_is_an_empty_line():
    assert report.text([]) == "\n"


def test_json_report_text_exactly():
    path = Path("/x")
    outcome = Outcome("b.ttl", 1, details=[detail(value=path, line=2)], format=None)
    expected = [
        {"file": "b.ttl", "format": None, "valid": False, "exit": 1,
         "problems": [detail(value="/x", line=2)], "cases": {"c1": [detail(value="/x", line=2)]}},
        {"file": "b.ttl", "format": None, "valid": True, "exit": 0, "problems": [], "cases": {}},
        {"file": "c.json", "format": "phenopacket", "valid": False, "exit": 2,
         "problems": [
             {"severity": "Unusable", "case": None, "file": "c.json", "field": "(file)", "line": None,
              "message": "not JSON: line 1", "value": None, "shape": None, "constraint": None, "path": None,
              "focus": None, "fact": None},
             {"severity": "Unusable", "case": None, "file": "c.json", "field": "(file)", "line": None,
              "message": "second reason", "value": None, "shape": None, "constraint": None, "path": None,
              "focus": None, "fact": None}],
         "cases": {"c1": [detail()]}},
    ]
    assert report.as_json([outcome, VALID, UNUSABLE]) == json.dumps(expected, indent=2) + "\n"


def test_json_cases_are_sorted_by_case_line_and_field():
    cases = json.loads(report.as_json([INVALID]))[0]["cases"]
    assert [(c, d["line"], d["field"]) for c, ds in cases.items() for d in ds] == [
        ("c1", None, "quote"), ("c1", 4, "a"), ("c1", 4, "z"), ("c1", 12, "sex"), ("c2", 9, "grade")]


def _results(graph: Graph) -> set[tuple]:
    return {(graph.value(r, SH.resultSeverity), str(graph.value(r, SH.resultMessage)), graph.value(r, SH.value))
            for r in graph.subjects(RDF.type, SH.ValidationResult)}


def test_turtle_adds_loader_problems_as_validation_results():
    loader = Outcome("a.yaml", 1, details=[
        detail(constraint="loader", field="sex", line=7, message="unknown sex", value="x"),
        detail(constraint="loader", severity="Warning", field="quote", line=None, message="not found", value=None),
        detail(field="grade"),  # a shape result: it is in pySHACL's own graph, not added again
    ])
    graph = Graph().parse(data=report.turtle([loader, VALID, UNUSABLE]), format="turtle")
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False)
    assert _results(graph) == {(SH.Violation, "sex (line 7): unknown sex", Literal("x")),
                               (SH.Warning, "quote (line None): not found", None)}
    assert set(graph.objects(node, SH.result)) == set(graph.subjects(RDF.type, SH.ValidationResult))
    assert report.turtle([VALID, UNUSABLE]).strip() == ""


def test_turtle_keeps_pyshacls_graph_and_adds_to_its_report():
    shacl = Graph()
    node = BNode()
    shacl.add((node, RDF.type, SH.ValidationReport))
    shacl.add((node, SH.conforms, Literal(True)))
    shacl.add((node, SH.result, BNode("r0")))
    shacl.add((BNode("r0"), RDF.type, SH.ValidationResult))
    shacl.add((BNode("r0"), SH.resultMessage, Literal("from the shapes")))
    passed = Outcome("a.yaml", 0, report=shacl, details=[
        detail(constraint="loader", severity="Info", field="note", line=2, message="m", value=None)])
    graph = Graph().parse(data=report.turtle([passed]), format="turtle")
    (root,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert list(graph.objects(root, SH.conforms)) == [Literal(True)]
    assert {str(graph.value(r, SH.resultMessage)) for r in graph.objects(root, SH.result)} == {
        "from the shapes", "note (line 2): m"}
    only_shapes = Outcome("a.yaml", 1, report=shacl, details=[detail()])
    assert isomorphic(Graph().parse(data=report.turtle([only_shapes]), format="turtle"), shacl)
