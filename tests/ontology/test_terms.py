"""External terms: every external IRI used is declared in an import module with a label, and that
label is the one recorded in the verified table (../shared/ontology-terms.tsv) when it is present."""

from __future__ import annotations

import csv

import pytest
from rdflib import RDFS, URIRef

from emkg import paths
from emkg.graph import evidence_graph, ontology_graph, record_files
from emkg.namespaces import EXTERNAL_ONTOLOGY_PREFIXES, PREFIXES, compact

EXTERNAL = tuple(PREFIXES[p] for p in EXTERNAL_ONTOLOGY_PREFIXES)


@pytest.fixture(scope="module")
def ontology():
    return ontology_graph()


def ontology_graph_module(path):
    from rdflib import Graph

    return Graph().parse(path, format="turtle")


def test_every_external_iri_has_a_label_in_the_imports(ontology):
    graph = evidence_graph(record_files()).graph
    emkg_edit = ontology_graph_module(paths.ONTOLOGY_FILE)
    external = {t for triple in graph + emkg_edit for t in triple
                if isinstance(t, URIRef) and str(t).startswith(EXTERNAL)}
    assert external, "no external terms used at all?"
    unlabelled = sorted(compact(str(t)) for t in external if ontology.value(t, RDFS.label) is None)
    assert not unlabelled, f"external terms without an import entry: {unlabelled}"


def test_import_labels_match_the_verified_table(ontology):
    table = paths.PROJECT_ROOT.parent / "shared" / "ontology-terms.tsv"
    if not table.is_file():
        pytest.fail(f"verified term table not found at {table}")
    with table.open(encoding="utf-8") as handle:
        verified = {row["iri"]: row for row in csv.DictReader(handle, delimiter="\t")}
    checked = 0
    for module in sorted(paths.IMPORTS_DIR.glob("*.ttl")):
        for subject, label in ontology_graph_module(module).subject_objects(RDFS.label):
            row = verified.get(str(subject))
            if row is None:
                continue  # a parent class declared for structure only
            assert row["status"] == "VERIFIED", f"{row['curie']} is {row['status']}"
            assert str(label) == row["label"], f"{row['curie']}: import says {label!r}, table says {row['label']!r}"
            checked += 1
    assert checked > 200
