"""The session's private Virtuoso, loaded with the built seed graph (see virtuoso_harness.py).

A Virtuoso that cannot be installed, started or loaded fails the tests that need it: in CI a missing
external service is a failure, not a skip. The harness's timings are printed in pytest's summary.
"""

from __future__ import annotations

import time

import pytest
from virtuoso_harness import GRAPH, HarnessError, Timings, Virtuoso, find_binaries, install

from emkg import paths

TIMINGS = Timings()


@pytest.fixture(scope="session")
def virtuoso(built, tmp_path_factory):
    """A running Virtuoso whose graph GRAPH holds release/emkg.nt of the session's build."""
    started = time.perf_counter()
    try:
        binaries = find_binaries()
        if binaries is None:
            TIMINGS.install = install()
            binaries = find_binaries()
        release = paths.release_dir(built)
        folder = tmp_path_factory.mktemp("virtuoso")
        with Virtuoso(folder, [release], *binaries) as server:
            TIMINGS.start = server.start()
            triples = server.load_ntriples(release / "emkg.nt", GRAPH)
            TIMINGS.load = server.load_seconds
            TIMINGS.notes.append(f"{triples} triples in <{GRAPH}>; harness ready {time.perf_counter() - started:.1f} s "
                                 f"after first use")
            yield server
    except HarnessError as exc:
        pytest.fail(f"Virtuoso harness: {exc}", pytrace=False)


def pytest_terminal_summary(terminalreporter):
    if TIMINGS.start:
        terminalreporter.write_line(
            f"virtuoso harness: install {TIMINGS.install:.1f} s, start {TIMINGS.start:.1f} s, "
            f"load {TIMINGS.load:.1f} s; " + "; ".join(TIMINGS.notes))
