"""Quality-control queries: queries/qc/<rule>-violation.rq must return no rows on a valid graph.

Each rule is a plain SELECT whose rows are the offending items; `emkg qc` runs them all and prints the
rows per rule. SHACL checks one record at a time; these rules look across the whole built graph.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from emkg import catalogue, paths, store


@dataclass(frozen=True)
class RuleResult:
    rule: str
    summary: str
    columns: list[str]
    rows: list


def rules(qc_dir: Path | None = None) -> list[catalogue.StoredQuery]:
    """Every QC rule, by file name order."""
    return [catalogue.parse(path) for path in sorted((qc_dir or paths.QC_QUERIES_DIR).glob("*-violation.rq"))]


def run_all(db, qc_dir: Path | None = None) -> list[RuleResult]:
    """Run every rule on an open store (a pyoxigraph Store); one result per rule, violations as rows."""
    results = []
    for rule in rules(qc_dir):
        columns, rows = store.select(db, rule.text)
        results.append(RuleResult(rule.name, rule.summary, columns, rows))
    return results
