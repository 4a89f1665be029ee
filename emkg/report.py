"""Render validation outcomes: text for people (grouped by case), JSON and Turtle for machines.

JSON keys are stable: per file `file`, `format`, `valid`, `exit`, `problems` (flat list) and `cases`
(the same problems grouped by case); per problem `severity`, `case`, `file`, `field`, `line`, `message`,
`value`, `shape`, `constraint`, `path`, `focus`, `fact` (the fact id, or null). Turtle is pySHACL's
report graph; problems found before the shapes could run (the record format) are added to it as
sh:ValidationResult nodes too, so the report graph lists everything the text report does.
"""

from __future__ import annotations

import json

from emkg.validate import Outcome

VERDICTS = {0: "valid", 1: "INVALID", 2: "UNUSABLE"}


def _grouped(outcome: Outcome) -> dict[str, list[dict]]:
    cases: dict[str, list[dict]] = {}
    for detail in sorted(outcome.details, key=lambda d: (d["case"], d["line"] or 0, d["field"] or "")):
        cases.setdefault(detail["case"], []).append(detail)
    return cases


def text(outcomes: list[Outcome]) -> str:
    out = []
    for outcome in outcomes:
        errors = sum(d["severity"] == "Violation" for d in outcome.details)
        others = len(outcome.details) - errors
        counts = [f"{errors} problem(s)"] if errors else []
        counts += [f"{others} warning(s)/note(s)"] if others else []
        kind = f" [{outcome.format}]" if outcome.format else ""
        out.append(f"{outcome.file}{kind}: {VERDICTS[outcome.code]}" + (f" ({', '.join(counts)})" if counts else ""))
        if outcome.code == 2:
            out += [f"  {line}" for line in outcome.problems]
            continue
        for case, details in _grouped(outcome).items():
            out.append(f"  case {case}:")
            for d in details:
                line = f"line {d['line']}" if d["line"] else "line ?"
                value = f" (value: {d['value']})" if d["value"] is not None else ""
                fact = f" (fact {d['fact']})" if d.get("fact") else ""
                out.append(f"    {d['severity']:<9} {line:<10} {d['field']}{fact}: {d['message']}{value}")
    return "\n".join(out) + "\n"


def as_json(outcomes: list[Outcome]) -> str:
    return json.dumps([{"file": o.file, "format": o.format, "valid": o.code == 0, "exit": o.code,
                        "problems": o.details if o.code != 2 else [_unusable(o, p) for p in o.problems],
                        "cases": _grouped(o)} for o in outcomes], indent=2, default=str) + "\n"


def _unusable(outcome: Outcome, message: str) -> dict:
    return {"severity": "Unusable", "case": None, "file": outcome.file, "field": "(file)", "line": None,
            "message": message, "value": None, "shape": None, "constraint": None, "path": None, "focus": None,
            "fact": None}


def turtle(outcomes: list[Outcome]) -> str:
    from rdflib import RDF, BNode, Graph, Literal
    from rdflib.namespace import SH as sh

    from emkg.namespaces import bind_prefixes

    graph = Graph()
    bind_prefixes(graph)
    for outcome in outcomes:
        if outcome.report is not None:
            graph += outcome.report
        loader = [d for d in outcome.details if d["constraint"] == "loader"]
        if outcome.code == 2 or not loader:
            continue
        report = next(outcome.report.subjects(RDF.type, sh.ValidationReport), None) if outcome.report else None
        if report is None:
            report = BNode()
            graph.add((report, RDF.type, sh.ValidationReport))
        graph.set((report, sh.conforms, Literal(outcome.code == 0)))
        for d in loader:
            result = BNode()
            graph.add((report, sh.result, result))
            graph.add((result, RDF.type, sh.ValidationResult))
            graph.add((result, sh.resultSeverity, sh[d["severity"]]))
            graph.add((result, sh.resultMessage, Literal(f"{d['field']} (line {d['line']}): {d['message']}")))
            if d["value"] is not None:
                graph.add((result, sh.value, Literal(d["value"])))
    return graph.serialize(format="turtle")
