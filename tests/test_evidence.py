"""The curated evidence: every quote occurs in its source text; every record is well-formed."""

from __future__ import annotations

import pytest

from emkg import paths
from emkg.graph import evidence_graph, record_files
from emkg.quotes import canonical, missing_quotes


@pytest.fixture(scope="module")
def evidence():
    assembled = evidence_graph(record_files())
    assert not assembled.problems, "\n".join(map(str, assembled.problems))
    return assembled.graph


def test_every_quote_is_found_in_its_source(evidence, seeds_dir):
    missing, unchecked = missing_quotes(evidence, seeds_dir)
    assert not unchecked, f"publications without a source text in {seeds_dir}: {unchecked}"
    assert not missing, "\n".join(map(str, missing))


def test_quote_matching_ignores_only_layout():
    assert canonical("extrame-\ndullary  relapse") == canonical("extramedullary relapse")
    assert canonical("grade 1") != canonical("grade 2")


def test_record_file_names_match_publication_ids():
    for path in record_files():
        assert f"id: {path.stem}\n" in path.read_text(encoding="utf-8"), path.name


def test_evidence_folder_is_where_paths_says():
    assert paths.EVIDENCE_DIR.is_dir() and record_files()
