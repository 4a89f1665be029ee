"""Hostile query parameters, query names that are query text, and damaged stores: `emkg query` refuses.

The program takes no query text from the user: NAME is looked up in the catalogue and parameters are
bound as validated RDF terms. Catastrophic regular expressions and cross products can therefore only
arrive as a NAME or a parameter value, and both are refused before any query runs.
"""

from __future__ import annotations

import shutil

import pytest
from fenced import refused, run

from emkg import paths

QUERY = "patients-by-relapse-site"

PARAMS = {
    "iri-with-brackets": ("site", "UBERON:a[b]", "Invalid IRI code point '['"),
    "bad-percent-escape": ("site", "UBERON:%zz", "percent encoding"),
    "second-hash": ("site", "UBERON:1#a#b", "Invalid IRI code point '#'"),
    "control-character": ("site", "UBERON:\x01", "control character"),
    "escape-sequence": ("site", "UBERON:\x1b[2J\x1b]0;owned\x07", "control character"),
    "invalid-utf8": ("site", b"UBERON:\xff\xfe", "not valid UTF-8"),
    "newline-injection": ("site", "UBERON:1> } DROP ALL ; #\n", "control character"),
    "unknown-prefix": ("site", "EVIL:1", "nor a CURIE with a known prefix"),
    "not-a-curie": ("site", "} DROP ALL {", "nor a CURIE with a known prefix"),
    "space-in-curie": ("site", "UBERON:1 2", "nor a CURIE with a known prefix"),
    "empty-value": ("site", "", "nor a CURIE with a known prefix"),
    "unknown-parameter": ("nope", "1", "nope"),
    "control-in-name": ("si\x1bte", "UBERON:1", "control character"),
}


@pytest.mark.parametrize("case", sorted(PARAMS))
def test_hostile_parameter_is_refused(case, built, tmp_path):
    key, value, fragment = PARAMS[case]
    item = (key.encode() + b"=" + value) if isinstance(value, bytes) else f"{key}={value}"
    result = run(["query", QUERY, "--param", item, "--build-dir", built], tmp_path, category="query params",
                 reads=[built])
    refused(result, fragment, codes=(2,))
    assert "\x1b" not in result.output


TYPED = {
    "integer-5000-digits": ("severe-toxicities", "mingrade", "9" * 5000, "not a whole number"),
    "integer-with-injection": ("severe-toxicities", "mingrade", "3 } DROP ALL {", "not a whole number"),
    "allowed-list-injection": ("second-car-t-infusions", "kind", "} DROP ALL", "not one of"),
    "catastrophic-regex-value": ("second-car-t-infusions", "kind", "(a+)+$" + "a" * 40 + "!", "not one of"),
    "iri-file-scheme": ("patient-timeline", "patient", "file:///etc/passwd", "neither an absolute http(s) IRI"),
    "iri-javascript": ("patient-timeline", "patient", "javascript:alert(1)", "neither an absolute http(s) IRI"),
    "iri-closing-bracket": ("patient-timeline", "patient", "<http://x/a> } DROP ALL { <x:y>",
                            "neither an absolute http(s) IRI"),
    "missing-equals": ("patient-timeline", None, "patient", "NAME=VALUE"),
}


@pytest.mark.parametrize("case", sorted(TYPED))
def test_typed_parameter_is_refused(case, built, tmp_path):
    name, key, value, fragment = TYPED[case]
    item = value if key is None else f"{key}={value}"
    result = run(["query", name, "--param", item, "--build-dir", built], tmp_path, category="query params",
                 reads=[built])
    refused(result, fragment, codes=(2,))


QUERY_TEXT = {
    "cross-product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "catastrophic-regex": 'SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "^(a+)+$")) }',
    "update": "DROP ALL",
    "path-traversal": "../../../../etc/passwd",
    "catalogue-escape": "qc/../../README",
    "escape-sequence": "patients\x1b[2J",
}


@pytest.mark.parametrize("case", sorted(QUERY_TEXT))
def test_query_text_is_not_accepted_as_a_name(case, built, tmp_path):
    result = run(["query", QUERY_TEXT[case], "--build-dir", built], tmp_path, category="query text",
                 reads=[built])
    refused(result, codes=(2,))
    assert "is not a query name" in result.output or "no stored query" in result.output, result.describe()
    assert "\x1b" not in result.output


def _corrupt_tables(build):
    for table in (build / "store").glob("*.sst"):
        table.write_bytes(b"\x00garbage" * 10)


def _garbage_current(build):
    (build / "store" / "CURRENT").write_text("MANIFEST-999999\n")


def _store_is_a_file(build):
    shutil.rmtree(build / "store")
    (build / "store").write_text("not a store")


def _empty_store(build):
    shutil.rmtree(build / "store")
    (build / "store").mkdir()


STORES = {"corrupt-tables": (_corrupt_tables, "cannot be read"),
          "garbage-current": (_garbage_current, "cannot be read"),
          "store-is-a-file": (_store_is_a_file, "no built graph"),
          "empty-store-folder": (_empty_store, "no built graph")}


@pytest.mark.parametrize("case", sorted(STORES))
def test_damaged_store_is_one_line(case, built, tmp_path):
    damage, fragment = STORES[case]
    copy = tmp_path / "build"
    shutil.copytree(paths.store_dir(built), copy / "store")
    damage(copy)
    result = run(["query", QUERY, "--build-dir", copy], tmp_path, category="store", reads=[copy], writes=[copy])
    refused(result, fragment, codes=(2,))
