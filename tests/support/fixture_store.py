"""The reviewed fixture graph (tests/fixtures/graph.ttl) in an Oxigraph store, loaded as a build loads a graph:
ontology and imports, the fixture's triples, the fast reasoner's inferences and the derived facts."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from emkg import paths

FIXTURE_GRAPH = Path(__file__).parents[1] / "fixtures" / "graph.ttl"


def fixture_store() -> ox.Store:
    from emkg.derive import add_derived
    from emkg.graph import ontology_graph
    from emkg.reason import compile_rules, materialise

    store = ox.Store()
    store.load(path=str(paths.ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)
    for module in sorted(paths.IMPORTS_DIR.glob("*.ttl")):
        store.load(path=str(module), format=ox.RdfFormat.TURTLE)
    store.load(path=str(FIXTURE_GRAPH), format=ox.RdfFormat.TURTLE)
    materialise(store, compile_rules(ontology_graph()))
    add_derived(store)
    return store
