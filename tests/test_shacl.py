"""emkg.shacl.validate leaves every graph it is given unchanged."""

from pathlib import Path

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
