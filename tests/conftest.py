"""Shared fixtures: one build of the real evidence into a temporary folder per test session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emkg import paths

TESTS = Path(__file__).parent
RECORDS = TESTS / "records"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/queries/expected/*.json from the current graph (then review the diff)")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    seeds = paths.seeds_dir()
    if not seeds.is_dir():
        pytest.fail(f"source texts not found at {seeds}; set EMKG_SEEDS to the folder of seed texts")
    return seeds


@pytest.fixture(scope="session")
def built(tmp_path_factory, seeds_dir) -> Path:
    """The real graph, built once into a scratch build folder; returns that folder.

    EMKG_TEST_BUILT names a folder already built from this checkout instead: tests/mutation/mutate_rules.py
    sets it for its stored-query mutants, which cannot change the build, so that each mutant runs the
    query tests without building again."""
    import os

    from emkg.build import build

    if os.environ.get("EMKG_TEST_BUILT"):
        return Path(os.environ["EMKG_TEST_BUILT"])

    build_dir = tmp_path_factory.mktemp("build")
    build(build_dir, seeds_dir=seeds_dir)
    return build_dir


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))
