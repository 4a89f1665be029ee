"""Tidy CSV tables of the built graph, one file per entity, for pandas, R or a spreadsheet.

One row per individual of the table's class (subclasses included), one column per property those individuals
use (the column is the property's local name: ``hasSite``, ``aboutPatient``, ``dayOffset``), plus ``id`` and
``type``. IRIs are written as CURIEs (the prefix map in ontology/emkg.prefixes.json expands them), and every
column holding IRIs gets a ``<column>_label`` column beside it with the ``rdfs:label`` of each value, in the
same order (empty where a value has no label). A property with several values on one individual (a relapse at
two sites) keeps them in one cell, sorted and joined with `` | ``; a missing value is an empty cell. Literals
are written as their lexical form (numbers as numbers, booleans as true/false); a text cell that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-`` or ``@`` and not a number) starts with ``'``, as in
``emkg query --format csv``. The evidence quotes
(``hasEvidence``) and the ontology's own bookkeeping (``inferredType``) are left out: they are their own
tables in the RDF exports.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox

from emkg.namespaces import EMKG, compact
from emkg.output import spreadsheet_safe

# table name -> emkg class whose individuals (subclasses included) are its rows
TABLES: dict[str, str] = {
    "patients": "Patient",
    "relapses": "Relapse",
    "infusions": "CarTInfusion",
    "toxicities": "AdverseEvent",
    "responses": "ResponseAssessment",
    "measurements": "Measurement",
    "cohort_findings": "CohortFinding",
}
SEPARATOR = " | "
LEFT_OUT = {EMKG + "hasEvidence", EMKG + "inferredType"}
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
OWL_NAMED_INDIVIDUAL = "http://www.w3.org/2002/07/owl#NamedIndividual"

_ROWS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?x ?p ?o ?label WHERE {
  ?x a/rdfs:subClassOf* <%s> .
  ?x ?p ?o .
  OPTIONAL { ?o rdfs:label ?label }
}
"""


def _column(predicate: str) -> str:
    if predicate == RDF_TYPE:
        return "type"
    return predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _cell(term) -> str:
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def table(store: ox.Store, cls: str) -> tuple[list[str], list[dict[str, str]]]:
    """(header, rows) for the individuals of emkg:`cls`, sorted by id."""
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    labels: dict[str, str] = {}  # CURIE -> label (the smallest, should an IRI have several)
    iri_columns: set[str] = set()
    for solution in store.query(_ROWS % (EMKG + cls)):
        subject, predicate, obj = solution["x"], solution["p"].value, solution["o"]
        if predicate in LEFT_OUT or (predicate == RDF_TYPE and obj.value == OWL_NAMED_INDIVIDUAL):
            continue
        row, column = _cell(subject), _column(predicate)
        values[row][column].add(_cell(obj))
        if isinstance(obj, ox.NamedNode):
            iri_columns.add(column)
            label = solution["label"]
            if label is not None and (_cell(obj) not in labels or label.value < labels[_cell(obj)]):
                labels[_cell(obj)] = label.value
    columns = sorted({c for row in values.values() for c in row} - {"type", "label"})
    header = ["id", "label", "type", "type_label"]
    for column in columns:
        header.append(column)
        if column in iri_columns:
            header.append(f"{column}_label")
    rows = []
    for row_id in sorted(values):
        row = {"id": row_id}
        for column in ["label", "type", *columns]:
            cell = sorted(values[row_id].get(column, ()))
            row[column] = SEPARATOR.join(cell)
            if column in iri_columns or column == "type":  # labels in the order of the values they name
                row[f"{column}_label"] = SEPARATOR.join(labels.get(value, "") for value in cell)
        rows.append(row)
    return header, rows


def write_tables(store: ox.Store, out_dir: Path) -> list[Path]:
    """One <table>.csv per entry of TABLES in `out_dir` (created); returns the files written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    from emkg import progress

    for name, cls in progress.track(list(TABLES.items()), "writing tables"):
        header, rows = table(store, cls)
        path = out_dir / f"{name}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows({column: spreadsheet_safe(cell) for column, cell in row.items()} for row in rows)
        written.append(path)
    return written
