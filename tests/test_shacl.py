"""emkg.shacl.validate leaves every graph it is given unchanged, and patches nothing global."""

from pathlib import Path

from rdflib import Graph

from emkg.graph import ontology_graph, shapes_graph
from emkg.shacl import validate
from loaders.yaml_record import read_record


def test_validation_mutates_neither_data_nor_shapes_nor_ontology():
    data = read_record(Path(__file__).parent / "records" / "valid" / "minimal-case.yaml").graph
    shapes, ontology = shapes_graph(), ontology_graph()
    before = (set(data), set(shapes), set(ontology))
    conforms, _, _ = validate(data, shapes, ontology)
    assert conforms
    assert (set(data), set(shapes), set(ontology)) == before


def test_validation_leaves_rdflibs_sparql_processor_alone(monkeypatch):
    # The parse cache is the scratch data graph's own: nothing global is patched while pySHACL runs,
    # so a query elsewhere in the process (another thread, the store) runs rdflib's own code.
    import pyshacl
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    seen = []

    def spy(data_graph, **options):
        seen.append((processor.SPARQLProcessor.query is original, type(data_graph).__name__, options["inplace"]))
        return True, Graph(), ""

    monkeypatch.setattr(pyshacl, "validate", spy)
    validate(Graph(), shapes_graph(), ontology_graph())
    assert seen == [(True, "_ParsedOnceGraph", True)]


def test_each_sparql_text_is_parsed_once_per_validation(monkeypatch):
    import rdflib.plugins.sparql as sparql

    data = read_record(Path(__file__).parent / "shapes" / "valid" / "curator-checks-case.yaml").graph
    prepared, queries = [], []
    real_prepare = sparql.prepareQuery
    monkeypatch.setattr(sparql, "prepareQuery", lambda text, **kw: prepared.append(text) or real_prepare(text, **kw))
    real_query = Graph.query
    monkeypatch.setattr(Graph, "query", lambda self, q, *a, **kw: queries.append(q) or real_query(self, q, *a, **kw))
    conforms, _, _ = validate(data, shapes_graph(), ontology_graph())
    assert conforms
    assert prepared and len(prepared) == len(set(prepared))  # each text parsed once
    assert len(queries) > len(prepared)  # ... and run again for other focus nodes without parsing
