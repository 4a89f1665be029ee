"""Required values, value classes and the SPARQL rules' day-0 and equal-order lines, on the reviewed fixture
graph (tests/fixtures/graph.ttl, which conforms; tests/shapes/test_boundaries.py checks that).

Each case makes one realistic curator's slip in a copy of the fixture (a required value left out, a term of
the wrong vocabulary or an id of the wrong kind of node, a term the ontology imports do not declare) and
expects exactly the violations listed, pinned by shape, focus node, path, constraint and value. The rule
cases put a value ON a rule's line (the valid side: no violation) and one step over it. A case's id starts
with the shape it tests, so the mutation script (tests/mutation/mutate_rules.py) selects it with `-k`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from emkg.graph import ontology_graph, shapes_graph
from emkg.namespaces import expand
from emkg.shacl import validate

FIXTURE = Path(__file__).parents[1] / "fixtures" / "graph.ttl"
F = "https://w3id.org/emkg/case/fixture-series/"
MIN_COUNT, CLASS, OR, SPARQL = (f"sh:{k}ConstraintComponent" for k in ("MinCount", "Class", "Or", "SPARQL"))


def node(text: str | int) -> URIRef | Literal:
    """f:X is a node of the fixture; other CURIEs are expanded by the project's prefix map; ints are literals."""
    if isinstance(text, int):
        return Literal(text)
    return URIRef(F + text[2:]) if text.startswith("f:") else URIRef(expand(text))


def shown(value: str | None) -> str | None:
    """A violation's value as the tables write it (fixture nodes as f:X)."""
    return None if value is None else value.replace("emkg:case/fixture-series/", "f:")


@pytest.fixture(scope="module")
def reference():
    return shapes_graph(), ontology_graph()


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    return Graph().parse(FIXTURE, format="turtle")


def violations_after(fixture_graph, reference, remove=(), put=()) -> set[tuple]:
    """The violations of the fixture with the (node, property) pairs in `remove` dropped and the values in
    `put` (node, property, value) set in place of the property's fixture values."""
    edited = Graph()
    edited += fixture_graph
    for subject, prop in remove:
        assert (node(subject), node(prop), None) in edited, f"the fixture moved: {subject} has no {prop}"
        edited.remove((node(subject), node(prop), None))
    for subject, prop, value in put:
        edited.set((node(subject), node(prop), node(value)))
    _, violations, _ = validate(edited, *reference)
    return {(v.shape.removeprefix("emkg:"), shown(v.focus.replace(F, "f:")), v.path or "-", v.constraint,
             shown(v.value)) for v in violations}


# (shape, focus node, property): the fixture's value removed is reported at that node, and nothing else.
REQUIRED = [
    ("PatientShape", "f:P1", "rdfs:label"),
    ("FactShape", "f:P1-fu", "emkg:aboutPatient"),
    ("DiagnosisShape", "f:P2-dx", "emkg:disease"),
    ("CohortShape", "f:cohort2", "emkg:cohortSize"),
    ("CohortShape", "f:cohort2", "rdfs:label"),
    ("CohortFindingShape", "f:c2-cr", "emkg:statistic"),
    ("CohortFindingShape", "f:c2-cr", "emkg:aboutCohort"),
    ("ResponseAssessmentShape", "f:P1-cr", "emkg:outcome"),
    ("FollowUpShape", "f:P2-fu", "emkg:status"),
    ("EvidenceQuoteShape", "f:q-c2-cr", "oa:exact"),
    ("EvidenceQuoteShape", "f:q-c2-cr", "emkg:evidenceCode"),
    ("PublicationShape", "f:pub", "rdfs:label"),
    ("AntigenStatusShape", "f:P1-cd22", "emkg:antigen"),
    ("AntigenStatusShape", "f:P1-cd22", "emkg:antigenExpression"),
    ("AgentAdministrationShape", "f:P1-ld-flu", "emkg:agent"),
    ("AdverseEventShape", "f:P2-ae", "emkg:condition"),
]


@pytest.mark.parametrize(("shape", "focus", "prop"), REQUIRED,
                         ids=[f"{s}-{p.split(':')[1]}-required-at-{f[2:]}" for s, f, p in REQUIRED])
def test_a_required_value_left_out_is_reported_at_its_node(shape, focus, prop, fixture_graph, reference):
    found = violations_after(fixture_graph, reference, remove=[(focus, prop)])
    assert found == {(shape, focus, prop, MIN_COUNT, None)}


# (shape, focus node, property, the wrong value, constraint, other violations expected): the slip, set in
# place of the fixture's value (or added where the fixture gives none), is reported with that value.
# Terms the imports do not declare: PR:000001004, UBERON:0001264, NCIT:C1556, HP:0001250 (checked against
# ontology/imports when the cases were written: each would need an import first).
WRONG_CLASS = [
    ("CarTInfusionShape", "f:P2-inf", "emkg:usesProduct", "f:P2-inf2", CLASS, []),  # an infusion id, not a product
    ("CarTInfusionShape", "f:P1-inf", "emkg:cellState", "emkg:Autologous", CLASS, []),  # a cell source
    ("CarTProductShape", "f:product3", "emkg:targetsAntigen", "PR:000001004", OR, []),  # PR term not imported
    ("CarTProductShape", "f:product3", "emkg:vector", "emkg:CD28Domain", CLASS, []),  # a CAR domain
    ("CarTProductShape", "f:product3", "emkg:hasCostimulatoryDomain", "emkg:LentiviralVector", CLASS, []),
    ("CarTProductShape", "f:product3", "emkg:hasActivationDomain", "emkg:LentiviralVector", CLASS, []),
    ("CarTProductShape", "f:product3", "emkg:hasGeneticModification", "emkg:FourOneBBDomain", CLASS, []),
    ("PatientShape", "f:P2", "emkg:reportedIn", "f:product", CLASS, []),  # a product id, not the publication
    ("FactShape", "f:P2-ae", "emkg:aboutPatient", "f:cohort2", CLASS, []),  # a cohort, not a patient
    ("FactShape", "f:P1-crs", "emkg:relativeToInfusion", "f:P1-ld", CLASS, []),  # the lymphodepletion
    ("DemographicsShape", "f:P1-demo", "emkg:ageContext", "emkg:Pediatric", CLASS, []),  # an age group
    ("CohortShape", "f:cohort2", "emkg:hasMember", "f:P1-dx", CLASS, []),  # a fact id, not a patient
    ("CohortFindingShape", "f:c2-cr", "emkg:statistic", "emkg:Percent", CLASS, []),  # a unit
    ("CohortFindingShape", "f:c2-cr", "emkg:aboutCohort", "f:P1", CLASS, []),  # a patient, not a cohort
    ("MeasurementShape", "f:P1-peak", "emkg:statistic", "emkg:Percent", CLASS, []),
    ("MeasurementShape", "f:P1-peak", "emkg:compartment", "UBERON:0001264", CLASS, []),  # not imported
    # a time point's unit that is no unit at all: the time-unit rule reports it too
    ("QuantityShape", "f:c2-late-time", "emkg:unit", "emkg:Relapse", CLASS,
     [("TimeQuantityShape", "f:c2-late-time", "emkg:unit", CLASS, "emkg:Relapse")]),
    ("ResponseAssessmentShape", "f:P2-response", "emkg:assessesTherapy", "f:P2-relapse", CLASS, []),
    ("SupportedStatementShape", "f:P2-ae", "emkg:hasEvidence", "f:pub", CLASS, []),  # not a quote
    ("EvidenceQuoteShape", "f:q-c2-cr", "prov:wasQuotedFrom", "f:cohort2", CLASS, []),
    ("PublicationShape", "f:pub", "emkg:studyDesign", "emkg:JournalArticle", CLASS, []),  # a publication type
    ("PublicationShape", "f:pub", "emkg:publicationType", "emkg:CaseSeries", CLASS, []),  # a study design
    ("RelapseShape", "f:P2-relapse2", "emkg:occursAfter", "f:P2-dx", CLASS, []),  # a diagnosis, no therapy
    ("SiteShape", "f:P2-relapse2", "emkg:hasSite", "UBERON:0001264", OR, []),  # UBERON term not imported
    ("AntigenStatusShape", "f:P1-cd22", "emkg:antigen", "PR:000001004", CLASS, []),
    ("TherapyShape", "f:P1-ld", "emkg:regimen", "emkg:Lymphodepletion", CLASS, []),  # an intent
    ("AgentAdministrationShape", "f:P1-ld-flu", "emkg:agent", "NCIT:C1556", OR, []),  # NCIT term not imported
    ("HSCTShape", "f:P1-hsct", "emkg:conditioning", "emkg:MyeloablativeConditioning", CLASS, []),  # intensity
    ("AdverseEventShape", "f:P2-ae", "emkg:condition", "HP:0001250", OR, []),  # HP term not imported
    ("GradeShape", "f:P2-ae", "emkg:gradingSystem", "emkg:ICANS", CLASS, []),  # the condition
]


@pytest.mark.parametrize("case", WRONG_CLASS,
                         ids=[f"{c[0]}-{c[2].split(':')[1]}-{c[3].split(':')[1]}" for c in WRONG_CLASS])
def test_a_value_of_the_wrong_kind_is_reported_with_its_value(case, fixture_graph, reference):
    shape, focus, prop, value, constraint, others = case
    found = violations_after(fixture_graph, reference, put=[(focus, prop, value)])
    assert found == {(shape, focus, prop, constraint, value), *others}


# A placeholder on the site list is a valid site (SiteShape's sh:in): each one, on a relapse.
@pytest.mark.parametrize("placeholder", ["emkg:SiteNotReported", "emkg:ExtramedullarySiteNotReported",
                                         "emkg:NotReported", "emkg:Unknown"])
def test_SiteShape_accepts_each_site_placeholder(placeholder, fixture_graph, reference):
    assert violations_after(fixture_graph, reference, put=[("f:P2-relapse2", "emkg:hasSite", placeholder)]) == set()


# The SPARQL rules on their lines: (id, values put, violations expected). The fixture conforms; each pair
# puts a value ON the line (no violation) and one step over it.
RULE_LINES = [
    # RelapseTimingShape: a relapse counted in days from the infusion it follows must be after day 0
    ("RelapseTimingShape-day-1-after-its-infusion",
     [("f:P1-relapse2", "emkg:relativeToInfusion", "f:P1-inf"), ("f:P1-relapse2", "emkg:dayOffset", 1)], []),
    ("RelapseTimingShape-day-0-of-its-infusion",
     [("f:P1-relapse2", "emkg:relativeToInfusion", "f:P1-inf"), ("f:P1-relapse2", "emkg:dayOffset", 0)],
     [("RelapseTimingShape", "f:P1-relapse2", "emkg:dayOffset", SPARQL, "0")]),
    # InfusionSequenceShape: infusion 2 counted from infusion 1 must be after day 0
    ("InfusionSequenceShape-day-1-after-infusion-1",
     [("f:P1-inf2", "emkg:relativeToInfusion", "f:P1-inf"), ("f:P1-inf2", "emkg:dayOffset", 1)], []),
    ("InfusionSequenceShape-day-0-of-infusion-1",
     [("f:P1-inf2", "emkg:relativeToInfusion", "f:P1-inf"), ("f:P1-inf2", "emkg:dayOffset", 0)],
     [("InfusionSequenceShape", "f:P1-inf2", "emkg:dayOffset", SPARQL, "0")]),
    # DonorDerivedInfusionShape: the HSCT is "known to come later" only from day 1 of the donor-derived
    # infusion, or at a later position; day 0 and the same position are not later
    ("DonorDerivedInfusionShape-hsct-on-day-0-of-the-infusion",
     [("f:P1-hsct", "emkg:relativeToInfusion", "f:P1-inf2"), ("f:P1-hsct", "emkg:dayOffset", 0)], []),
    ("DonorDerivedInfusionShape-hsct-on-day-1-of-the-infusion",
     [("f:P1-hsct", "emkg:relativeToInfusion", "f:P1-inf2"), ("f:P1-hsct", "emkg:dayOffset", 1)],
     [("DonorDerivedInfusionShape", "f:P1-inf2", "emkg:usesProduct", SPARQL, "f:product2"),
      ("AnchorOrderShape", "f:P1-hsct", "emkg:sequenceNumber", SPARQL, "4")]),  # day 1 but placed before it
    ("DonorDerivedInfusionShape-infusion-at-the-hsct-position",
     [("f:P1-inf2", "emkg:sequenceNumber", 4)], []),
    ("DonorDerivedInfusionShape-infusion-before-the-hsct-position",
     [("f:P1-inf2", "emkg:sequenceNumber", 3)],
     [("DonorDerivedInfusionShape", "f:P1-inf2", "emkg:usesProduct", SPARQL, "f:product2")]),
]


@pytest.mark.parametrize(("put", "expected"), [c[1:] for c in RULE_LINES], ids=[c[0] for c in RULE_LINES])
def test_a_rule_reports_a_value_over_its_line_and_not_on_it(put, expected, fixture_graph, reference):
    found = violations_after(fixture_graph, reference, put=put)
    assert found == set(expected)
