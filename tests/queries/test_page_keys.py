"""List queries that choose their page's keys first (`# page keys`, emkg.catalogue.PAGE_KEYS) answer every
page exactly as the whole answer cut into pages: the same rows, in the same order, for every parameter case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emkg import catalogue, paths, store

PAGE_SIZE = 4  # small, so that the seed graph's answers span several pages and the key limits bite
PARAM_CASES = json.loads((Path(__file__).parent / "param_cases.json").read_text(encoding="utf-8"))
KEYED = sorted(name for name, stored in catalogue.catalogue().items() if catalogue.PAGE_KEYS.search(stored.text))
CASES = [(name, {}) for name in KEYED] + [
    (name, params) for name in KEYED for params in PARAM_CASES.get(name, {}).values()]


@pytest.fixture(scope="module")
def db(built):
    return store.open_read_only(paths.store_dir(built))


def test_the_slow_list_queries_choose_their_page_keys_first():
    assert {"patient-timeline", "toxicities-with-grades"} <= set(KEYED)


@pytest.mark.parametrize(("name", "params"), CASES, ids=[f"{n}-{'-'.join(p.values()) or 'defaults'}" for n, p in CASES])
def test_pages_are_the_whole_answer_cut_into_pages(name, params, db):
    stored = catalogue.get(name)
    assert stored.page_size, f"{name}: page keys in an aggregate query"
    bindings = stored.bindings(params)
    _, everything = store.select(db, stored.text, bindings)
    assert everything, f"{name}: no rows on the seed graph to test its pages"
    # small pages, at most about eight of them (each page is a query of its own)
    size = max(PAGE_SIZE, len(everything) // 7) if len(everything) > PAGE_SIZE else 1
    pages, offset = [], 0
    while offset <= len(everything):
        text = stored.paged_text(size, offset)
        assert text.count(f" LIMIT {offset + size}  # page keys") == stored.text.count("  # page keys")
        _, page = store.select(db, text, bindings)
        assert page == everything[offset:offset + size], f"{name}: page at offset {offset}"
        pages += page
        offset += size
    assert pages == everything


def test_the_whole_answer_limits_no_keys():
    stored = catalogue.get("patient-timeline")
    assert "# page keys" in stored.text and "LIMIT" not in "\n".join(catalogue.body_lines(stored.text))
    assert stored.paged_text(0) == stored.text
    assert "LIMIT" not in "\n".join(catalogue.body_lines(stored.paged_text(0, 5))[:-1])  # only OFFSET 5 at the end


def test_remote_endpoints_get_the_keys_unlimited():
    # emkg query --endpoint: the parameters' VALUES stand only at the top there, so a limited key sub-SELECT
    # could drop the keys whose rows the page needs
    stored = catalogue.get("patients-by-relapse-site")
    text = stored.paged_text(4, 8, limit_keys=False)
    assert "LIMIT 12" not in text and text.endswith("\nLIMIT 4 OFFSET 8\n")
    assert "LIMIT 12  # page keys" in stored.paged_text(4, 8)
