"""Every stored query gives the same rows on Oxigraph and on Virtuoso for generated data, not only the seeds.

The session's seed build plus GENERATED_PATIENTS synthetic patients (benchmarks/generate.py, fixed seed)
and the derived helper triples (emkg.derive, as the build adds them) are put in an in-memory Oxigraph
store, written out as N-Triples and loaded into the session's private Virtuoso as a graph of their own.
The size is what CI affords in seconds. (At 10,000 patients Virtuoso 7.2 dropped four seed cohort rows of
relapses-at-site with its former zero-length path; see that query's comment.)
"""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest
from test_virtuoso import comparable, group_concat_columns

from emkg import catalogue, derive, paths, remote, store

sys.path.insert(0, str(paths.PROJECT_ROOT / "benchmarks"))
import generate  # noqa: E402  (benchmarks/generate.py: synthetic patients as N-Triples)

GENERATED_PATIENTS = 300
GENERATED_GRAPH = "https://w3id.org/emkg/test/generated-graph"


@pytest.fixture(scope="module")
def generated(built, virtuoso):
    """(embedded store, Virtuoso graph) holding the seed release + the generated patients + derived triples."""
    db = ox.Store()
    db.bulk_load(path=str(paths.release_dir(built) / "emkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    lines = "".join(line + "\n" for line in generate.generate(GENERATED_PATIENTS))
    db.bulk_load(input=lines.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    added = len(derive.add_derived(db))
    assert added > GENERATED_PATIENTS  # every generated patient gets derived links (fact kinds at least)
    data = virtuoso.folder / "generated.nt"  # the server's own folder is in its DirsAllowed
    db.dump(str(data), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    virtuoso.load_ntriples(data, GENERATED_GRAPH)
    return db


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_virtuoso_gives_the_embedded_rows_on_generated_data(name, generated, virtuoso):
    stored = catalogue.get(name)
    bindings = stored.bindings({})
    columns, rows = store.select(generated, stored.text, bindings)
    remote_columns, remote_rows = remote.select(virtuoso.endpoint, stored.text, bindings, timeout=120,
                                                default_graph=GENERATED_GRAPH)
    assert remote_columns == columns
    concatenated = group_concat_columns(stored.text)
    assert comparable(remote_rows, columns, concatenated) == comparable(rows, columns, concatenated)


def test_generated_data_reaches_the_queries(generated):
    # the comparison means something only if the generated patients show up in the answers
    stored = catalogue.get("patients-by-relapse-site")
    _, rows = store.select(generated, stored.text)
    assert sum("/case/synthetic-" in row[1].value for row in rows) > GENERATED_PATIENTS
