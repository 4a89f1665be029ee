"""Validate one submitted case record: the loader's checks, then the SHACL shapes.

Outcome codes follow the CLI: VALID (0), INVALID (1, with messages naming field and line), UNUSABLE
(2: the file cannot be read as a record at all). The input file is only read, never written, and
nothing here opens a network connection.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from emkg.graph import ontology_graph, shapes_graph
from loaders.yaml_record import Problem, RecordInvalid, read_record

VALID, INVALID, UNUSABLE = 0, 1, 2
RECORD_SUFFIXES = (".yaml", ".yml")


@dataclass
class Outcome:
    file: str
    code: int
    problems: list[str] = field(default_factory=list)
    details: list[dict] = field(default_factory=list)


@functools.cache
def _reference_graphs() -> tuple[Graph, Graph]:
    """Shapes and ontology, parsed once per process: `emkg validate` may be given many files.
    emkg.shacl.validate leaves both unchanged (it copies what pySHACL would modify)."""
    return shapes_graph(), ontology_graph()


def validate_file(path: Path) -> Outcome:
    name = path.name
    if not path.is_file():
        return Outcome(name, UNUSABLE, [f"{path}: no such file"])
    if path.suffix.lower() not in RECORD_SUFFIXES:
        return Outcome(name, UNUSABLE, [f"{name}: unsupported file type {path.suffix!r}; "
                                        f"expected a case record ({', '.join(RECORD_SUFFIXES)})"])
    try:
        record = read_record(path)
    except RecordInvalid as exc:
        unreadable = all(p.path == "(file)" for p in exc.problems)
        return Outcome(name, UNUSABLE if unreadable else INVALID, [str(p) for p in exc.problems],
                       [_problem_detail(p) for p in exc.problems])
    from emkg.shacl import validate

    locations = {node: (record.file, fpath, line) for node, (fpath, line) in record.locations.items()}
    _, violations, _ = validate(record.graph, *_reference_graphs(), locations)
    errors = [v for v in violations if v.severity == "Violation"]
    details = [vars(v) for v in violations]
    return Outcome(name, INVALID if errors else VALID, [str(v) for v in violations], details)


def _problem_detail(problem: Problem) -> dict:
    return {"severity": "Violation", "file": problem.file, "field": problem.path, "line": problem.line,
            "message": problem.message, "value": None if problem.value is None else str(problem.value),
            "shape": "record format", "constraint": "loader"}
