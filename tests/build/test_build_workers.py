"""The records are checked in worker processes that inherit the parsed ontology and shapes (record_check's
prepared context) by fork, whatever start method the interpreter or an embedding program makes the default
(forkserver from Python 3.14 on Linux, spawn on macOS): a worker started otherwise would have no context."""

from __future__ import annotations

import multiprocessing

import pytest
from build_helpers import small_evidence

from emkg import build as build_module
from emkg import record_check


@pytest.fixture
def forkserver_by_default():
    previous = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("forkserver", force=True)
    yield
    multiprocessing.set_start_method(previous, force=True)


def test_records_are_checked_in_two_workers_when_fork_is_not_the_default(tmp_path, forkserver_by_default):
    evidence = small_evidence(tmp_path / "evidence")
    context = record_check.prepare(None, None, None)
    files = sorted(evidence.glob("*.yaml"))
    status, results = build_module._check_records(tmp_path / "build", files, context, jobs=2)
    assert status == {f.name: "checked" for f in files}
    assert all(results[f.name]["ok"] and results[f.name]["problems"] == [] for f in files), results
    again, _ = build_module._check_records(tmp_path / "build", files, context, jobs=2)
    assert again == {f.name: "cached" for f in files}
