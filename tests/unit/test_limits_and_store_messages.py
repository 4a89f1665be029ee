"""Whole messages of two refusals a user meets: a file over the size limit, and a stored query that is not a SELECT."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from emkg import buildcache, store
from loaders.limits import LimitExceeded, read_file


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(tmp_path):
    big = tmp_path / "case.yaml"
    big.write_bytes(b"x" * 1_001)
    with pytest.raises(LimitExceeded) as caught:
        read_file(big, max_bytes=1_000)
    assert str(caught.value) == "case.yaml: 1,001 bytes, larger than the limit of 1,000; split it"
    assert read_file(big, max_bytes=1_001) == b"x" * 1_001


def test_only_a_select_query_is_run_as_a_stored_query():
    with pytest.raises(ValueError) as caught:
        store.select(ox.Store(), "ASK { ?s ?p ?o }")
    assert str(caught.value) == "stored queries must be SELECT queries"


def test_a_changed_shape_changes_the_context_of_every_record_check(tmp_path):
    """The cache key of a record's check covers the shapes: a changed shape checks every record again."""
    shapes = tmp_path / "shapes"
    shapes.mkdir()
    (shapes / "a.shacl.ttl").write_text("# one\n", encoding="utf-8")
    (shapes / "notes.txt").write_text("not a shape\n", encoding="utf-8")
    before = buildcache.context_hash(shapes_dir=shapes)
    (shapes / "notes.txt").write_text("changed, still not a shape\n", encoding="utf-8")
    assert buildcache.context_hash(shapes_dir=shapes) == before
    (shapes / "a.shacl.ttl").write_text("# two\n", encoding="utf-8")
    assert buildcache.context_hash(shapes_dir=shapes) != before
