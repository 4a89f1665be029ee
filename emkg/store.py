"""The embedded store: Oxigraph on disk (pyoxigraph).

rdflib's own SPARQL engine is orders of magnitude slower on aggregate queries (design notes), so the
built graph is queried here. This module imports nothing heavy: `emkg query` must start fast.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pyoxigraph as ox


class StoreMissing(FileNotFoundError):
    """No built store: the user has to run `emkg build` first."""


def create(store_dir: Path, ntriples_file: Path) -> None:
    """Create a new store in an empty folder and bulk-load an N-Triples file into its default graph."""
    store = ox.Store(str(store_dir))
    store.bulk_load(path=str(ntriples_file), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    store.optimize()
    del store  # closes the RocksDB handle before the folder is moved into place


def open_read_only(store_dir: Path, attempts: int = 3) -> ox.Store:
    """Open the built store. `store_dir` may lead through build/current, which a build switches
    atomically: the link is resolved first, so one open never mixes files of two builds, and an open
    that loses a race with the removal of an old build is retried on the new one."""
    for attempt in range(attempts):
        resolved = Path(os.path.realpath(store_dir))
        if not (resolved / "CURRENT").is_file():
            if attempt + 1 < attempts and os.path.lexists(store_dir):
                continue
            raise StoreMissing(f"no built graph at {store_dir}; run `emkg build` first")
        try:
            return ox.Store.read_only(str(resolved))
        except OSError:
            if attempt + 1 == attempts:
                raise
    raise StoreMissing(f"no built graph at {store_dir}; run `emkg build` first")


def select(store: ox.Store, query: str, bindings: dict[str, ox.NamedNode | ox.Literal] | None = None
           ) -> tuple[list[str], list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]]]:
    """Run a SELECT query with typed parameter bindings (see `bind_values`)."""
    solutions = store.query(embedded_query(query, bindings or {}))
    if not isinstance(solutions, ox.QuerySolutions):
        raise ValueError("stored queries must be SELECT queries")
    columns = [variable.value for variable in solutions.variables]
    rows = [[solution[column] for column in columns] for solution in solutions]
    return columns, rows


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SUBSELECT = re.compile(r"\{\s*SELECT\b([^{}]*?)\bWHERE\s*\{", re.IGNORECASE)


def embedded_query(query: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query as the embedded store runs it: parameters bound (`bind_values`), and each parameter's
    VALUES also put at the start of every sub-SELECT that projects the parameter as such.

    Oxigraph evaluates a subquery on its own before joining it with the rest, so a parameter bound only
    outside made a grouped subquery count every condition, outcome ... and throw all but one away
    (toxicity-grade-by-site: 4x slower at 1,000 patients). The rows are the same: the outer VALUES keeps
    only the parameter's value anyway, and a sub-SELECT that projects ?x computes the rows for x
    independently of its other values. A projection that re-binds the name (`... AS ?x`) is left alone.
    Remote endpoints get `bind_values` only (tests/endpoint compares the two on generated data)."""
    text = bind_values(query, bindings)
    if not bindings:
        return text

    def push(match: re.Match) -> str:
        projection = match.group(1)
        block = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items())
                        if re.search(rf"(?<![Aa][Ss] )\?{name}\b", projection)
                        and not re.search(rf"\b[Aa][Ss]\s+\?{name}\b", projection))
        return match.group(0) + block

    return _SUBSELECT.sub(push, text)


def bind_values(query: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind parameters with a SPARQL VALUES block at the start of the outermost WHERE group.

    The values are RDF terms built and validated by pyoxigraph and written in its N-Triples syntax
    (IRIs checked, literals escaped), so no user text reaches the query as syntax. VALUES is standard
    SPARQL 1.1, so the same bound query runs on the embedded store and on any remote endpoint.
    """
    if not bindings:
        return query
    block = "".join(f" VALUES ?{name} {{ {term} }}" for name, term in sorted(bindings.items()))
    offset = 0
    for line in query.splitlines(keepends=True):
        match = None if line.lstrip().startswith("#") else _WHERE.search(line)
        if match:
            cut = offset + match.end()
            return query[:cut] + block + query[cut:]
        offset += len(line)
    raise ValueError("a query with parameters needs a WHERE { ... } clause")
