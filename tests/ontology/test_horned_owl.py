"""py-horned-owl (the Rust OWL library's Python binding) reads the edit file, the N-Triples and RDF/XML
releases and the RDF/XML export with their version IRI, definitions as annotations (IAO:0000115), and data-property
assertions only for properties the ontology declares as datatype properties."""

from __future__ import annotations

import pyhornedowl
import pytest
from click.testing import CliRunner
from rdflib import OWL, RDF, URIRef

from emkg import paths
from emkg.cli import main
from emkg.graph import ontology_graph
from emkg.namespaces import IAO_DEFINITION

VERSION_IRI = "https://w3id.org/emkg/releases/"


def _components(path):
    ontology = pyhornedowl.open_ontology(str(path))
    return ontology, [axiom.component for axiom in ontology.get_axioms()]


def _check(path) -> None:
    ontology, components = _components(path)
    assert str(ontology.get_version_iri()).startswith(VERSION_IRI), f"{path}: version IRI lost"
    graph = ontology_graph()
    definitions = len(set(graph.triples((None, URIRef(IAO_DEFINITION), None))))
    read_as_annotation = [c for c in components if type(c).__name__ == "AnnotationAssertion"
                          and str(c.ann.ap) == f"<{IAO_DEFINITION}>"]
    assert len(read_as_annotation) == definitions > 300
    declared = {str(p) for p in graph.subjects(RDF.type, OWL.DatatypeProperty)}
    data_properties = {str(c.dp) for c in components if type(c).__name__ == "DataPropertyAssertion"}
    assert data_properties <= declared, sorted(data_properties - declared)


def test_the_edit_file_reads_cleanly():
    _check(paths.ONTOLOGY_FILE)


def test_the_ntriples_release_reads_cleanly(built):
    _check(paths.release_dir(built) / "emkg.nt")


def test_the_rdfxml_release_reads_cleanly(built):
    # written by pyoxigraph since the build writes releases from the store: the same bytes every build
    # (rdflib's writer ordered a node's properties differently each time and lost the version IRI once in 3)
    _check(paths.release_dir(built) / "emkg.owl")


def test_the_rdfxml_export_reads_cleanly(built, tmp_path):
    out = tmp_path / "emkg.owl"
    result = CliRunner().invoke(main, ["export", "--format", "rdfxml", "--out", str(out), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    _check(out)


def test_an_undeclared_definition_property_would_be_caught(tmp_path):
    text = paths.ONTOLOGY_FILE.read_text(encoding="utf-8")
    broken = tmp_path / "emkg.ttl"
    broken.write_text(text.replace("IAO:0000115 a owl:AnnotationProperty", "IAO:0000115 a owl:DatatypeProperty"))
    with pytest.raises(AssertionError):
        _check(broken)
