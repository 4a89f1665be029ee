"""emkg.derive.add_derived on a small store with a derive folder written here: exactly the triples that are new."""

from __future__ import annotations

import pyoxigraph as ox

from emkg import derive

EX = "https://example.org/"
SITE, DERIVED = ox.NamedNode(EX + "site"), ox.NamedNode(EX + "derivedSite")
RELAPSE, TESTIS, CNS = ox.NamedNode(EX + "r1"), ox.NamedNode(EX + "testis"), ox.NamedNode(EX + "cns")


def test_a_new_object_for_a_subject_and_property_already_derived_is_new(tmp_path):
    (tmp_path / "site.rq").write_text(
        f"CONSTRUCT {{ ?r <{DERIVED.value}> ?s }} WHERE {{ ?r <{SITE.value}> ?s }}", encoding="utf-8")
    store = ox.Store()
    store.add(ox.Quad(RELAPSE, SITE, TESTIS))
    assert derive.add_derived(store, tmp_path) == [ox.Triple(RELAPSE, DERIVED, TESTIS)]
    assert derive.add_derived(store, tmp_path) == []
    store.add(ox.Quad(RELAPSE, SITE, CNS))  # a second site: same subject and derived property, another object
    assert derive.add_derived(store, tmp_path) == [ox.Triple(RELAPSE, DERIVED, CNS)]
    assert sorted(str(q) for q in store.quads_for_pattern(RELAPSE, DERIVED, None)) == [
        f"<{EX}r1> <{EX}derivedSite> <{EX}cns>", f"<{EX}r1> <{EX}derivedSite> <{EX}testis>"]
