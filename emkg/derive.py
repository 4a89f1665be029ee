"""Derived helper triples: short links the stored queries would otherwise reach through long paths.

Each file queries/derive/<name>.rq is a SPARQL CONSTRUCT over the built graph. `add_derived` runs them
all on an Oxigraph store and adds what they construct to the store's default graph. Every derived
property is declared in ontology/emkg.ttl with `emkg:derivedBy` naming its derive file, and no curated
record states it, so a derived triple is told apart from a curated one by its predicate alone (as the
fast reasoner's types are by `emkg:inferredType`).
The CONSTRUCTs read only curated triples, never each other's output, so their order does not matter.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from emkg import paths

DERIVE_DIR = paths.QUERIES_DIR / "derive"


def derive_queries(derive_dir: Path | None = None) -> dict[str, str]:
    """Every derive query by name (file stem), in name order."""
    folder = derive_dir or DERIVE_DIR
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.rq"))}


def derived_triples(store: ox.Store, derive_dir: Path | None = None) -> list[ox.Triple]:
    """The triples every derive query constructs on ``store``, deduplicated, in a stable order."""
    found: set[ox.Triple] = set()
    for name, text in derive_queries(derive_dir).items():
        result = store.query(text)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError(f"queries/derive/{name}.rq must be a CONSTRUCT query")
        found.update(result)
    return sorted(found, key=str)


def add_derived(store: ox.Store, derive_dir: Path | None = None) -> list[ox.Triple]:
    """Add the derived triples to ``store``'s default graph; returns the ones that were new."""
    new = [t for t in derived_triples(store, derive_dir) if not _contains(store, t)]
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in new)
    return new


def _contains(store: ox.Store, triple: ox.Triple) -> bool:
    return next(iter(store.quads_for_pattern(triple.subject, triple.predicate, triple.object,
                                             ox.DefaultGraph())), None) is not None
