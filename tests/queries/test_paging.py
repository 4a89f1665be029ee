"""List queries answer one page (their header's page size), chosen with --limit/--offset; aggregates answer all."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from emkg import catalogue, paths, store
from emkg.cli import main

AGGREGATES = {"coverage-by-publication", "coverage-by-relapse-site", "external-term-mappings",
              "response-by-relapse-site", "toxicity-grade-by-construct", "toxicity-grade-by-site"}


def run_json(*args):
    result = CliRunner().invoke(main, [*map(str, args), "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def rows_of(answer):
    return answer["results"]["bindings"]  # SPARQL 1.1 results JSON


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_every_list_query_has_a_page_size_and_aggregates_none(name):
    stored = catalogue.get(name)
    assert (stored.page_size is None) == (name in AGGREGATES)
    if stored.page_size:
        assert stored.paged_text().rstrip().endswith(f"LIMIT {stored.page_size}")
    else:
        assert stored.paged_text() == stored.text


def test_pages_partition_the_full_answer(built):
    # patient-timeline has 259 rows on the seed graph: pages of 100 then 100 then 59, in the full order
    db = store.open_read_only(paths.store_dir(built))
    stored = catalogue.get("patient-timeline")
    _, everything = store.select(db, stored.text)
    assert len(everything) > stored.page_size
    pages, offset = [], 0
    while offset < len(everything):
        _, page = store.select(db, stored.paged_text(None, offset))
        assert len(page) == min(stored.page_size, len(everything) - offset)
        pages += page
        offset += stored.page_size
    assert pages == everything


def test_cli_limit_offset_and_all(built):
    full = rows_of(run_json("query", "relapses-at-site", "--limit", 0, "--build-dir", built))
    first = rows_of(run_json("query", "relapses-at-site", "--limit", 2, "--build-dir", built))
    second = rows_of(run_json("query", "relapses-at-site", "--limit", 2, "--offset", 2, "--build-dir", built))
    assert len(full) > 4 and first == full[:2] and second == full[2:4]
    default_page = rows_of(run_json("query", "patient-timeline", "--build-dir", built))
    assert len(default_page) == catalogue.get("patient-timeline").page_size


def test_bad_limit_is_a_usage_error(built):
    result = CliRunner().invoke(main, ["query", "relapses-at-site", "--limit", "-1", "--build-dir", str(built)])
    assert result.exit_code == 2
