"""The YAML record loader: record -> expected triples (as graphs), and errors that point at lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from loaders.yaml_record import RecordInvalid, parse_record

HERE = Path(__file__).parent

SMALL_RECORD = """\
schema: emkg-record/1
publication:
  id: pub1
  label: "A publication"
  design: emkg:CaseReport
  registrations: [NCT00000001]
  quote: "a case"
products:
  - id: prod
    name: CAR19
    targets: [PR:000001002]
    quote: "CD19 CAR"
patients:
  - id: P1
    label: "patient one"
    facts:
      - id: inf
        type: car-t-infusion
        product: prod
        dose: {value: 5.0e+6, unit: emkg:CellsPerKilogram}
        quote: "5 x 10^6/kg"
      - id: crs
        type: toxicity
        day: 4
        condition: MONDO:0600008
        grade: 1
        grading_system: emkg:ASTCT2019
        quote: ["grade 1 CRS", "on day 4"]
"""


def test_record_gives_expected_triples():
    graph = parse_record(SMALL_RECORD, "small.yaml").graph
    expected = Graph().parse(HERE / "expected" / "small-record.ttl", format="turtle")
    if not isomorphic(graph, expected):
        _, only_loaded, only_expected = graph_diff(to_isomorphic(graph), to_isomorphic(expected))
        pytest.fail(f"loaded graph differs\nonly loaded:\n{only_loaded.serialize(format='nt')}\n"
                    f"only expected:\n{only_expected.serialize(format='nt')}")


def test_loading_twice_gives_the_same_graph():
    assert isomorphic(parse_record(SMALL_RECORD, "a.yaml").graph, parse_record(SMALL_RECORD, "a.yaml").graph)


def problems_of(text: str) -> list:
    with pytest.raises(RecordInvalid) as caught:
        parse_record(text, "bad.yaml")
    return caught.value.problems


def test_unknown_field_is_named_with_its_line():
    text = SMALL_RECORD.replace("        grade: 1\n", "        grade: 1\n        grdae: 2\n")
    (problem,) = problems_of(text)
    assert problem.path == "patients[0].facts[1].grdae"
    assert problem.line == 27
    assert "unknown field" in problem.message


def test_day_needs_an_explicit_anchor_when_there_are_two_infusions():
    second = ("      - id: inf2\n        type: car-t-infusion\n        product: prod\n        quote: \"second\"\n")
    text = SMALL_RECORD.replace("      - id: crs\n", second + "      - id: crs\n")
    (problem,) = problems_of(text)
    assert problem.path == "patients[0].facts[2].relative_to"
    assert problem.line == 26  # the field is absent: the line of its fact, the nearest enclosing part
    assert "inf, inf2" in problem.message


def test_reference_to_a_missing_part_is_reported():
    (problem,) = problems_of(SMALL_RECORD.replace("product: prod", "product: nope"))
    assert problem.path == "patients[0].facts[0].product"
    assert "'nope'" in problem.message


def test_reference_of_the_wrong_kind_is_reported():
    (problem,) = problems_of(SMALL_RECORD.replace("product: prod", "product: crs"))
    assert "must name a product" in problem.message


def test_unknown_prefix_is_reported():
    (problem,) = problems_of(SMALL_RECORD.replace("MONDO:0600008", "FOO:1"))
    assert "unknown prefix 'FOO'" in problem.message


def test_yaml_aliases_are_refused():
    text = SMALL_RECORD.replace('  label: "A publication"', '  label: &x "A publication"').replace(
        '    label: "patient one"', "    label: *x")
    (problem,) = problems_of(text)
    assert "aliases" in problem.message


def test_python_tags_are_refused():
    (problem,) = problems_of(SMALL_RECORD.replace('"a case"', "!!python/object/apply:os.system ['true']"))
    assert problem.path == "(file)"
