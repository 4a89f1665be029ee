"""ROBOT's report checks, run on an Oxigraph store holding the ontology (edit file + import modules).

The queries are ROBOT's own (``ontology/report_queries/*.rq``, copied from ontodev/robot with its BSD-3
licence; each file's header names the source file, the commit, ROBOT's level for it and any emkg
adaptation). ROBOT itself is a Java tool that is not packaged for Debian; its checks are SPARQL, so running
the same SPARQL on our store gives the same verdicts without it. Every ERROR-level check of ROBOT's
default profile is here, plus two WARN-level ones worth failing on (missing definition, annotation
whitespace). Any row from any of them is a QC problem; ``emkg build`` fails on it.

Each query returns ROBOT's columns ``?entity ?property ?value``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from emkg import paths
from emkg.namespaces import compact

_LEVEL = re.compile(r"^# level: (ERROR|WARN|INFO)$", re.MULTILINE)


@dataclass(frozen=True)
class ReportCheck:
    name: str
    level: str
    query: str


@dataclass(frozen=True)
class ReportRow:
    check: str
    level: str
    entity: str
    property: str
    value: str

    def __str__(self) -> str:
        return f"{self.level} {self.check}: {self.entity} {self.property} {self.value!r}"


def report_checks(queries_dir: Path | None = None) -> list[ReportCheck]:
    """The stored ROBOT report queries, sorted by name; a file without a level line is an error."""
    checks = []
    for path in sorted((queries_dir or paths.ONTOLOGY_DIR / "report_queries").glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        match = _LEVEL.search(text)
        if not match:
            raise ValueError(f"{path.name}: no '# level: ERROR|WARN|INFO' line")
        checks.append(ReportCheck(path.stem, match.group(1), text))
    return checks


def _shown(term) -> str:
    if term is None:
        return ""
    value = getattr(term, "value", str(term))
    return compact(value) if type(term).__name__ == "NamedNode" else value


def ontology_store(ontology_graph):
    """An in-memory Oxigraph store with the rdflib graph's triples (N-Triples in, no re-parsing of Turtle)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(ontology_graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def run(store, checks: list[ReportCheck] | None = None) -> list[ReportRow]:
    """Every row every check returns on the store (an empty list: the ontology passes)."""
    rows = []
    for check in checks if checks is not None else report_checks():
        for solution in store.query(check.query):
            rows.append(ReportRow(check.name, check.level, _shown(solution["entity"]),
                                  _shown(solution["property"]), _shown(solution["value"])))
    return rows
