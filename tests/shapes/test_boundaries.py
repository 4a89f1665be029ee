"""Both sides of every numeric boundary of the shapes, on the reviewed fixture graph (tests/fixtures/).

The fixture graph holds each bounded value exactly ON its limit (or, for an exclusive limit, just
inside it) and conforms. Each case below moves one value just past its limit and expects exactly the
violations listed, each pinned by shape, focus node, path, constraint and offending value. The limits
are written here as numbers, not read from the shapes, so a bound moved by one fails a test on one side
or the other; `test_every_numeric_bound_has_a_case` keeps the table complete when a shape gains a bound.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

from emkg.graph import ontology_graph, shapes_graph
from emkg.namespaces import compact
from emkg.shacl import validate

FIXTURE = Path(__file__).parents[1] / "fixtures" / "graph.ttl"
F = "https://w3id.org/emkg/case/fixture-series/"
EMKG = Namespace("https://w3id.org/emkg/")
MIN_IN, MAX_IN, MIN_EX, MAX_EX = (f"sh:{k}ConstraintComponent" for k in
                                  ("MinInclusive", "MaxInclusive", "MinExclusive", "MaxExclusive"))

# (shape, bound kind, limit) covered, focus node, property, value in the fixture, value past the limit,
# every violation expected then: (shape, focus, path, constraint, value).
CASES = [
    # the model-2 fields' generated bounds (shapes/record-fields.shacl.ttl)
    (("DemographicsFieldsShape", "minInclusive", 0), "P1-demo", "ageLow", "0.0", "-0.5",
     [("DemographicsFieldsShape", "P1-demo", "ageLow", MIN_IN, "-0.5")]),
    (("DemographicsFieldsShape", "maxInclusive", 120), "P1-demo", "ageLow", "0.0", "120.5",
     [("DemographicsFieldsShape", "P1-demo", "ageLow", MAX_IN, "120.5"),
      ("DemographicsFieldsShape", "P1-demo", "ageLow", "sh:LessThanOrEqualsConstraintComponent", "120.5")]),
    (("DemographicsFieldsShape", "minInclusive", 0), "P1-demo", "ageHigh", "0.0", "-0.5",
     [("DemographicsFieldsShape", "P1-demo", "ageHigh", MIN_IN, "-0.5"),
      ("DemographicsFieldsShape", "P1-demo", "ageLow", "sh:LessThanOrEqualsConstraintComponent", "0.0")]),
    (("DemographicsFieldsShape", "maxInclusive", 120), "P1-demo", "ageHigh", "0.0", "120.5",
     [("DemographicsFieldsShape", "P1-demo", "ageHigh", MAX_IN, "120.5")]),
    (("FactFieldsShape", "minInclusive", 1), "P1-dx", "month", "1", "0",
     [("FactFieldsShape", "P1-dx", "month", MIN_IN, "0")]),
    (("FactFieldsShape", "maxInclusive", 12), "P1-fu", "month", "12", "13",
     [("FactFieldsShape", "P1-fu", "month", MAX_IN, "13")]),
    (("FindingFieldsShape", "minExclusive", 0), "cohort-cr", "ciLevel", "0.5", "0.0",
     [("FindingFieldsShape", "cohort-cr", "ciLevel", MIN_EX, "0.0")]),
    (("FindingFieldsShape", "maxExclusive", 100), "cohort-crs", "ciLevel", "99.5", "100.0",
     [("FindingFieldsShape", "cohort-crs", "ciLevel", MAX_EX, "100.0")]),
    (("FindingFieldsShape", "minInclusive", 0), "cohort-cr", "pValue", "0.0", "-0.5",
     [("FindingFieldsShape", "cohort-cr", "pValue", MIN_IN, "-0.5")]),
    (("FindingFieldsShape", "maxInclusive", 1), "cohort-crs", "pValue", "1.0", "1.5",
     [("FindingFieldsShape", "cohort-crs", "pValue", MAX_IN, "1.5")]),
    (("FindingFieldsShape", "minInclusive", 0), "cohort-cr", "standardError", "0.0", "-0.5",
     [("FindingFieldsShape", "cohort-cr", "standardError", MIN_IN, "-0.5")]),
    (("PublicationFieldsShape", "minInclusive", 1950), "pub", "publicationYear", "1950", "1949",
     [("PublicationFieldsShape", "pub", "publicationYear", MIN_IN, "1949")]),
    (("PublicationFieldsShape", "maxInclusive", 2100), "pub", "publicationYear", "1950", "2101",
     [("PublicationFieldsShape", "pub", "publicationYear", MAX_IN, "2101")]),
    (("ResponseFieldsShape", "minExclusive", 0), "P1-cr", "mrdThresholdPercent", "100.0", "0.0",
     [("ResponseFieldsShape", "P1-cr", "mrdThresholdPercent", MIN_EX, "0.0")]),
    (("ResponseFieldsShape", "maxInclusive", 100), "P1-cr", "mrdThresholdPercent", "100.0", "100.5",
     [("ResponseFieldsShape", "P1-cr", "mrdThresholdPercent", MAX_IN, "100.5")]),
    (("CarTInfusionShape", "minInclusive", 1), "P1-inf", "infusionNumber", "1", "0",
     [("CarTInfusionShape", "P1-inf", "infusionNumber", MIN_IN, "0")]),
    (("CarTInfusionShape", "minInclusive", 0), "P1-inf", "transductionEfficiencyPercent", "0", "-1",
     [("CarTInfusionShape", "P1-inf", "transductionEfficiencyPercent", MIN_IN, "-1")]),
    (("CarTInfusionShape", "maxInclusive", 100), "P1-inf2", "transductionEfficiencyPercent", "100", "101",
     [("CarTInfusionShape", "P1-inf2", "transductionEfficiencyPercent", MAX_IN, "101")]),
    (("DoseFractionShape", "maxInclusive", 100), "P1-inf-f1", "percentOfDose", "100", "101",
     [("DoseFractionShape", "P1-inf-f1", "percentOfDose", MAX_IN, "101")]),
    (("DoseFractionShape", "minExclusive", 0), "P1-inf-f2", "percentOfDose", "0.5", "0",
     [("DoseFractionShape", "P1-inf-f2", "percentOfDose", MIN_EX, "0")]),
    (("FactShape", "minInclusive", 0), "P1-dx", "sequenceNumber", "0", "-1",
     [("FactShape", "P1-dx", "sequenceNumber", MIN_IN, "-1")]),
    (("FactShape", "minInclusive", 1950), "P1-dx", "year", "1950", "1949",
     [("FactShape", "P1-dx", "year", MIN_IN, "1949")]),
    (("FactShape", "maxInclusive", 2100), "P1-fu", "year", "2100", "2101",
     [("FactShape", "P1-fu", "year", MAX_IN, "2101")]),
    (("DemographicsShape", "minInclusive", 0), "P1-demo", "ageYears", "0.0", "-0.5",
     [("DemographicsShape", "P1-demo", "ageYears", MIN_IN, "-0.5")]),
    (("AgePrivacyShape", "maxExclusive", 90), "P2-demo", "ageYears", "89.5", "90.0",
     [("AgePrivacyShape", "P2-demo", "ageYears", MAX_EX, "90.0")]),
    # 120 itself is inside DemographicsShape's range (only the privacy rule objects); 121 is past both
    (("DemographicsShape", "maxInclusive", 120), "P2-demo", "ageYears", "89.5", "120.0",
     [("AgePrivacyShape", "P2-demo", "ageYears", MAX_EX, "120.0")]),
    (("DemographicsShape", "maxInclusive", 120), "P2-demo", "ageYears", "89.5", "120.5",
     [("AgePrivacyShape", "P2-demo", "ageYears", MAX_EX, "120.5"),
      ("DemographicsShape", "P2-demo", "ageYears", MAX_IN, "120.5")]),
    (("CohortShape", "minInclusive", 1), "cohort", "cohortSize", "1", "0",
     [("CohortShape", "cohort", "cohortSize", MIN_IN, "0"),
      ("CohortShape", "cohort", "hasMember", "sh:SPARQLConstraintComponent", "1"),
      ("CohortFindingShape", "cohort-cr", "denominator", "sh:SPARQLConstraintComponent", "1"),
      ("CohortFindingShape", "cohort-crs", "denominator", "sh:SPARQLConstraintComponent", "1"),
      ("CohortFindingShape", "cohort-crs", "numerator", "sh:SPARQLConstraintComponent", "1")]),
    (("CohortFindingShape", "minInclusive", 0), "cohort-cr", "numerator", "0", "-1",
     [("CohortFindingShape", "cohort-cr", "numerator", MIN_IN, "-1")]),
    (("CohortFindingShape", "minInclusive", 1), "cohort-cr", "denominator", "1", "0",
     [("CohortFindingShape", "cohort-cr", "denominator", MIN_IN, "0")]),
    (("DoseShape", "minExclusive", 0), "P1-inf-dose", "value", "0.5", "0.0",
     [("DoseShape", "P1-inf-dose", "value", MIN_EX, "0.0")]),
    (("DoseShape", "minExclusive", 0), "P1-ld-flu-dose", "lowValue", "0.5", "0.0",
     [("DoseShape", "P1-ld-flu-dose", "lowValue", MIN_EX, "0.0")]),
    (("PercentValueShape", "maxInclusive", 100), "P1-peak", "value", "100.0", "100.5",
     [("PercentValueShape", "P1-peak", "value", MAX_IN, "100.5")]),
    (("PercentValueShape", "minInclusive", 0), "P1-low", "value", "0.0", "-0.5",
     [("PercentValueShape", "P1-low", "value", MIN_IN, "-0.5")]),
    (("PercentValueShape", "minInclusive", 0), "P1-range", "lowValue", "0.0", "-0.5",
     [("PercentValueShape", "P1-range", "lowValue", MIN_IN, "-0.5")]),
    (("PercentValueShape", "maxInclusive", 100), "P1-range", "highValue", "100.0", "100.5",
     [("PercentValueShape", "P1-range", "highValue", MAX_IN, "100.5")]),
    (("PercentValueShape", "maxInclusive", 100), "P1-range", "lowValue", "0.0", "100.5",
     [("PercentValueShape", "P1-range", "lowValue", MAX_IN, "100.5"),
      ("MeasurementShape", "P1-range", "lowValue", "sh:LessThanOrEqualsConstraintComponent",
       "100.5")]),
    (("PercentValueShape", "minInclusive", 0), "P1-range", "highValue", "100.0", "-0.5",
     [("PercentValueShape", "P1-range", "highValue", MIN_IN, "-0.5"),
      ("MeasurementShape", "P1-range", "lowValue", "sh:LessThanOrEqualsConstraintComponent",
       "0.0")]),
    (("PercentValueShape", "minInclusive", 0), "cohort-efs", "value", "0.0", "-0.5",
     [("PercentValueShape", "cohort-efs", "value", MIN_IN, "-0.5")]),
    (("TimeQuantityShape", "minInclusive", 0), "P1-fu-duration", "value", "0.0", "-0.5",
     [("TimeQuantityShape", "P1-fu-duration", "value", MIN_IN, "-0.5")]),
    (("TimeQuantityShape", "minInclusive", 0), "cohort-efs-time", "lowValue", "0.0", "-0.5",
     [("TimeQuantityShape", "cohort-efs-time", "lowValue", MIN_IN, "-0.5")]),
    (("RelapseShape", "minInclusive", 1), "P1-relapse", "relapseNumber", "1", "0",
     [("RelapseShape", "P1-relapse", "relapseNumber", MIN_IN, "0")]),
    (("AntigenStatusShape", "maxInclusive", 100), "P1-cd19", "percentOfCells", "100", "101",
     [("AntigenStatusShape", "P1-cd19", "percentOfCells", MAX_IN, "101")]),
    (("AntigenStatusShape", "minInclusive", 0), "P1-cd22", "percentOfCells", "0", "-1",
     [("AntigenStatusShape", "P1-cd22", "percentOfCells", MIN_IN, "-1")]),
    (("TherapyShape", "minInclusive", 1), "P1-ld", "numberOfCycles", "1", "0",
     [("TherapyShape", "P1-ld", "numberOfCycles", MIN_IN, "0")]),
    (("TherapyShape", "minInclusive", 1), "P1-ld", "numberOfDays", "1", "0",
     [("TherapyShape", "P1-ld", "numberOfDays", MIN_IN, "0")]),
    (("GradeShape", "minInclusive", 0), "P1-crs", "grade", "0", "-1",
     [("GradeShape", "P1-crs", "grade", MIN_IN, "-1")]),
    (("GradeShape", "minInclusive", 0), "P1-crs", "gradeMax", "0", "-1",
     [("GradeShape", "P1-crs", "gradeMax", MIN_IN, "-1"),
      ("GradeShape", "P1-crs", "grade", "sh:LessThanOrEqualsConstraintComponent", "0")]),
    (("GradeShape", "maxInclusive", 5), "P2-tox5", "grade", "5", "6",
     [("GradeShape", "P2-tox5", "grade", MAX_IN, "6")]),
    (("GradeShape", "maxInclusive", 5), "P2-crs", "gradeMax", "5", "6",
     [("GradeShape", "P2-crs", "gradeMax", MAX_IN, "6")]),
]


def case_id(case) -> str:
    (shape, kind, limit), focus, prop, _, beyond, _ = case
    return f"{shape}-{prop}-{kind}-{limit}-at-{focus}-{beyond}"


@pytest.fixture(scope="module")
def reference():
    return shapes_graph(), ontology_graph()


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    return Graph().parse(FIXTURE, format="turtle")


def literal(text: str) -> Literal:
    """A number as Turtle writes it: xsd:decimal with a point, else xsd:integer."""
    return Literal(Decimal(text)) if "." in text else Literal(int(text))


def pinned(violations) -> set[tuple[str, str, str, str, str]]:
    return {(v.shape.removeprefix("emkg:"), v.focus.removeprefix(F), (v.path or "-").removeprefix("emkg:"),
             v.constraint, v.value) for v in violations}


def test_the_fixture_graph_conforms(fixture_graph, reference):
    conforms, violations, _ = validate(fixture_graph, *reference)
    assert conforms and not violations, "\n".join(map(str, violations))


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_a_value_past_its_limit_is_reported_at_its_focus_node(case, fixture_graph, reference):
    _, focus, prop, at_limit, beyond, expected = case
    node, predicate = URIRef(F + focus), EMKG[prop]
    assert list(fixture_graph.objects(node, predicate)) == [literal(at_limit)], "the fixture moved"
    moved = Graph()
    moved += fixture_graph
    moved.set((node, predicate, literal(beyond)))
    _, violations, _ = validate(moved, *reference)
    assert pinned(violations) == set(expected), "\n".join(map(str, violations))


def test_every_numeric_bound_has_a_case():
    shapes = shapes_graph()
    bounds = set()
    for kind in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        for prop_shape, limit in shapes.subject_objects(SH[kind]):
            for node_shape in shapes.subjects(SH.property, prop_shape):
                if (node_shape, RDF.type, SH.NodeShape) in shapes:
                    path = compact(str(shapes.value(prop_shape, SH.path))).removeprefix("emkg:")
                    bounds.add((compact(str(node_shape)).removeprefix("emkg:"), path, kind, limit.toPython()))
    covered = {(shape, prop, kind, limit) for (shape, kind, limit), _, prop, *_ in CASES}
    assert bounds == covered


# The SPARQL rules' comparisons on both sides: the fixture holds the valid side (a response at its
# infusion's own position and year, facts on day 0 at either side of their anchor, an infusion at the
# previous one's position); each case moves one value just over the line.
SPARQL = "sh:SPARQLConstraintComponent"
COMPARISON_CASES = [
    ("ResponseTimingShape day 0", "P1-cr", "dayOffset", "1", "0",
     [("ResponseTimingShape", "P1-cr", "dayOffset", SPARQL, "0")]),
    ("ResponseTimingShape order", "P1-cr2", "sequenceNumber", "6", "5",
     [("ResponseTimingShape", "P1-cr2", "sequenceNumber", SPARQL, "5")]),
    ("ResponseTimingShape year", "P1-cr2", "year", "2021", "2020",
     [("ResponseTimingShape", "P1-cr2", "year", SPARQL, "2020")]),
    ("InfusionSequenceShape order", "P2-inf3", "sequenceNumber", "5", "4",
     [("InfusionSequenceShape", "P2-inf3", "sequenceNumber", SPARQL, "4")]),
    ("RelapseTimingShape year", "P1-relapse2", "year", "2021", "2020",
     [("RelapseTimingShape", "P1-relapse2", "year", SPARQL, "2020")]),
    ("DiagnosisTimingShape order", "P2-dx", "sequenceNumber", "3", "4",
     [("DiagnosisTimingShape", "P2-dx", "sequenceNumber", SPARQL, "4")]),
    ("DiagnosisTimingShape year", "P2-dx", "year", "2020", "2021",
     [("DiagnosisTimingShape", "P2-dx", "year", SPARQL, "2021")]),
    ("DiagnosisTimingShape day", "P2-dx", "dayOffset", "0", "1",
     [("DiagnosisTimingShape", "P2-dx", "dayOffset", SPARQL, "1")]),
    ("AnchorOrderShape after", "P1-day0-after", "dayOffset", "0", "-1",
     [("AnchorOrderShape", "P1-day0-after", "sequenceNumber", SPARQL, "3")]),
    ("AnchorOrderShape before", "P1-day0-before", "dayOffset", "0", "1",
     [("AnchorOrderShape", "P1-day0-before", "sequenceNumber", SPARQL, "1")]),
]


@pytest.mark.parametrize("case", COMPARISON_CASES, ids=lambda c: c[0].replace(" ", "-"))
def test_a_value_over_a_rules_line_is_reported_at_its_focus_node(case, fixture_graph, reference):
    _, focus, prop, valid, over, expected = case
    node, predicate = URIRef(F + focus), EMKG[prop]
    assert list(fixture_graph.objects(node, predicate)) == [literal(valid)], "the fixture moved"
    moved = Graph()
    moved += fixture_graph
    moved.set((node, predicate, literal(over)))
    _, violations, _ = validate(moved, *reference)
    assert pinned(violations) == set(expected), "\n".join(map(str, violations))


# A required value removed: reported at the node that lost it.
@pytest.mark.parametrize(("focus", "prop", "shape"), [
    ("product", "http://www.w3.org/2000/01/rdf-schema#label", "CarTProductShape"),
    ("product", "https://w3id.org/emkg/targetsAntigen", "CarTProductShape"),
    ("cohort", "https://w3id.org/emkg/cohortSize", "CohortShape"),
    ("cohort-cr", "https://w3id.org/emkg/statistic", "CohortFindingShape"),
    ("P1-cd19", "https://w3id.org/emkg/antigen", "AntigenStatusShape"),
    ("P1-inf-f1", "https://w3id.org/emkg/dayOffset", "DoseFractionShape"),
], ids=lambda v: v.rsplit("/", 1)[-1].rsplit("#", 1)[-1])
def test_a_required_value_removed_is_reported_at_its_node(focus, prop, shape, fixture_graph, reference):
    node, predicate = URIRef(F + focus), URIRef(prop)
    assert list(fixture_graph.objects(node, predicate)), "the fixture moved"
    moved = Graph()
    moved += fixture_graph
    moved.remove((node, predicate, None))
    _, violations, _ = validate(moved, *reference)
    found = {(v.shape.removeprefix("emkg:"), v.focus.removeprefix(F), v.constraint) for v in violations}
    assert (shape, focus, "sh:MinCountConstraintComponent") in found, "\n".join(map(str, violations))
