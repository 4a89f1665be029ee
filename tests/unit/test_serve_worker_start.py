"""serve_workers: a query worker that cannot open the store says why, in one line, instead of dying silently."""

from __future__ import annotations

import multiprocessing

import pytest

from emkg.serve_workers import WorkerPool, _Worker


def test_a_worker_on_a_corrupt_store_fails_with_the_reason(tmp_path):
    (tmp_path / "CURRENT").write_text("junk\n", encoding="utf-8")
    with pytest.raises(RuntimeError) as error:
        _Worker(multiprocessing.get_context("spawn"), tmp_path)
    assert str(error.value) == "a query worker failed to start: Corruption: CURRENT file corrupted"


def test_the_pool_does_not_start_on_a_corrupt_store(tmp_path):
    (tmp_path / "CURRENT").write_text("junk\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match=r"^a query worker failed to start: Corruption: CURRENT file corrupted$"):
        WorkerPool(tmp_path, size=1, timeout=5, max_rows=10)
