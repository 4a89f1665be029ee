"""External terms: every external IRI used anywhere in the project (ontology, evidence, shapes, stored
queries, the record-format and ontology docs) is declared in an import module with a label and is not
deprecated, and that label is the one recorded in the verified tables (../shared/ontology-terms.tsv and the project's
ontology/verified-terms.tsv)."""

from __future__ import annotations

import re

import pytest
from rdflib import OWL, RDFS, Literal, URIRef

from emkg import paths
from emkg.graph import evidence_graph, ontology_graph, record_files, shapes_graph
from emkg.namespaces import EXTERNAL_ONTOLOGY_PREFIXES, PREFIXES, compact, expand
from emkg.verified_terms import read_verified

EXTERNAL = tuple(PREFIXES[p] for p in EXTERNAL_ONTOLOGY_PREFIXES)
# A CURIE of an external ontology written in text (query headers, shape messages, docs); the negative
# look-behind keeps e.g. "ChiCTR:" or a URL's "http:" from matching.
CURIE_IN_TEXT = re.compile(r"(?<![\w/])(" + "|".join(EXTERNAL_ONTOLOGY_PREFIXES) + r"):([A-Za-z0-9_]+)")
FULL_IRI_IN_TEXT = re.compile(r"<((?:" + "|".join(re.escape(ns) for ns in EXTERNAL) + r")[^>\s]*)>")
TEXT_FILES = ("queries/**/*.rq", "shapes/*.ttl", "evidence/README.md", "ontology/README.md")


def iris_in_text(text: str) -> set[URIRef]:
    found = {URIRef(expand(f"{m.group(1)}:{m.group(2)}")) for m in CURIE_IN_TEXT.finditer(text)}
    return found | {URIRef(m.group(1)) for m in FULL_IRI_IN_TEXT.finditer(text)}


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
    deprecated = sorted(compact(str(t)) for t in external if ontology.value(t, OWL.deprecated) == Literal(True))
    assert not deprecated, f"deprecated external terms in use: {deprecated}"


def test_external_terms_in_shapes_queries_and_docs_have_a_label_in_the_imports(ontology):
    shapes = shapes_graph()
    used: dict[URIRef, set[str]] = {}
    for term in {t for triple in shapes for t in triple if isinstance(t, URIRef) and str(t).startswith(EXTERNAL)}:
        used.setdefault(term, set()).add("shapes graph")
    for pattern in TEXT_FILES:
        for path in sorted(paths.PROJECT_ROOT.glob(pattern)):
            for term in iris_in_text(path.read_text(encoding="utf-8")):
                used.setdefault(term, set()).add(str(path.relative_to(paths.PROJECT_ROOT)))
    assert len(used) >= 5, "expected the queries, shapes and docs to name some external terms"
    bad = {compact(str(t)): sorted(where) for t, where in used.items()
           if ontology.value(t, RDFS.label) is None or ontology.value(t, OWL.deprecated) == Literal(True)}
    assert not bad, f"external terms with no (or a deprecated) import entry: {bad}"


def test_the_text_scan_finds_curies_and_iris():
    text = "e.g. UBERON:0001017 or <http://purl.obolibrary.org/obo/MONDO_0600008>; not ChiCTR:2000036350"
    assert iris_in_text(text) == {URIRef(expand("UBERON:0001017")), URIRef(expand("MONDO:0600008"))}


def test_import_labels_match_the_verified_table(ontology):
    table = paths.SHARED_TERMS_TABLE
    if not table.is_file():
        pytest.fail(f"verified term table not found at {table}")
    verified = read_verified(table, paths.VERIFIED_TERMS_TABLE)
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
