"""The embedded store's form of a stored query (emkg.store.embedded_query: parameters also bound inside
the sub-SELECTs that project them) gives exactly the rows of the plain bound query, for every stored
query with its defaults and with the parameter cases of tests/queries/param_cases.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from emkg import catalogue, paths, store

CASES = json.loads((Path(__file__).resolve().parents[1] / "queries" / "param_cases.json").read_text())


def _cases():
    for name in sorted(catalogue.catalogue()):
        yield name, "defaults", {}
        for case, given in sorted(CASES.get(name, {}).items()):
            yield name, case, given


def test_a_parameter_is_pushed_only_into_sub_selects_that_project_it():
    import pyoxigraph as ox

    text = ("SELECT ?a WHERE { { SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?p ?x } GROUP BY ?x } "
            "{ SELECT (?y AS ?x) WHERE { ?y ?q ?z } } { SELECT ?z WHERE { ?z ?r ?x } } }")
    bound = store.embedded_query(text, {"x": ox.NamedNode("http://example.org/v")})
    assert bound.count("VALUES ?x") == 2  # the outer WHERE and the first sub-SELECT only
    assert "GROUP BY ?x } { SELECT (?y AS ?x) WHERE { ?y" in bound


@pytest.mark.parametrize(("name", "case", "given"), list(_cases()), ids=lambda v: v if isinstance(v, str) else "")
def test_embedded_form_gives_the_rows_of_the_plain_query(name, case, given, built):
    db = store.open_read_only(paths.store_dir(built))
    stored = catalogue.get(name)
    bindings = stored.bindings({k: str(v) for k, v in given.items()})
    plain = sorted(tuple(str(v) for v in row) for row in db.query(store.bind_values(stored.text, bindings)))
    embedded = sorted(tuple(str(v) for v in row) for row in db.query(store.embedded_query(stored.text, bindings)))
    assert embedded == plain
