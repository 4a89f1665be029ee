"""The build report's counts of inferred types and derived helper links: the sums of the records' own
counts, equal to what the built store holds, whether the records were checked or came from the cache."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from build_helpers import small_evidence

from emkg import paths, store
from emkg.build import REPORT_FILE, build
from emkg.graph import ontology_graph
from emkg.namespaces import EMKG

pytestmark = pytest.mark.slow


def store_counts(build_dir) -> tuple[int, int]:
    """(individual-class pairs marked emkg:inferredType, triples of a derived helper property) in the store."""
    from rdflib import URIRef

    derived_by = {str(s) for s in ontology_graph().subjects(URIRef(f"{EMKG}derivedBy"), None)}
    db = store.open_read_only(paths.store_dir(build_dir))
    inferred = sum(1 for _ in db.quads_for_pattern(None, ox.NamedNode(f"{EMKG}inferredType"), None))
    derived = sum(1 for q in db if q.predicate.value in derived_by)
    return inferred, derived


def test_inferred_and_derived_counts_match_the_store_checked_and_cached(tmp_path, seeds_dir):
    evidence = small_evidence(tmp_path / "evidence")
    build_dir = tmp_path / "build"
    first = build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir)
    inferred, derived = store_counts(build_dir)
    assert inferred > 0 and derived > 0
    assert (first.inferred, first.derived) == (inferred, derived)
    assert len(first.checked) == 2 and first.cached == []
    again = build(build_dir, evidence_dir=evidence, seeds_dir=seeds_dir)  # every record from the cache
    assert again.checked == [] and len(again.cached) == 2
    assert (again.inferred, again.derived) == (inferred, derived) == store_counts(build_dir)
    written = json.loads((build_dir / REPORT_FILE).read_text(encoding="utf-8"))
    assert (written["inferred"], written["derived"]) == (inferred, derived)
