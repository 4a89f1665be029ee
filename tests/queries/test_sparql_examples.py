"""`emkg queries --sparql-examples DIR`: the catalogue as SIB sparql-examples Turtle, checked with pySHACL."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pyshacl import validate
from rdflib import RDF, Graph
from rdflib.plugins.sparql import prepareQuery

from emkg import catalogue, paths, sparql_examples, store
from emkg.cli import main

SHAPES = Path(__file__).parent / "sib_sparql_examples.shacl.ttl"


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sparql-examples")
    result = CliRunner().invoke(main, ["queries", "--sparql-examples", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_one_file_per_stored_query(examples):
    assert {p.stem for p in examples.glob("*.ttl")} == set(catalogue.catalogue())


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_example_conforms_to_the_collection_shapes(name, examples):
    data = Graph().parse(examples / f"{name}.ttl", format="turtle")
    conforms, _, report = validate(data, shacl_graph=Graph().parse(SHAPES, format="turtle"))
    assert conforms, report
    [node] = list(data.subjects(RDF.type, sparql_examples.SH.SPARQLSelectExecutable))
    assert str(node).endswith(f"/sparql-examples/{name}")


@pytest.mark.parametrize("name", sorted(catalogue.catalogue()))
def test_example_query_parses_and_answers(name, examples, built):
    data = Graph().parse(examples / f"{name}.ttl", format="turtle")
    [text] = [str(o) for o in data.objects(None, sparql_examples.SH.select)]
    prepareQuery(text)  # rdflib's SPARQL 1.1 parser, as the collection's tester parses every example
    _, rows = store.select(store.open_read_only(paths.store_dir(built)), text)
    assert rows, f"{name}: the example (defaults bound) answers nothing on the seed graph"


def test_shapes_reject_an_example_without_comment(examples):
    data = Graph().parse(examples / "severe-toxicities.ttl", format="turtle")
    data.remove((None, sparql_examples.RDFS.comment, None))
    conforms, _, _ = validate(data, shacl_graph=Graph().parse(SHAPES, format="turtle"))
    assert not conforms
