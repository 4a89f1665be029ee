"""Required values, value classes, closed value sets, limits and the SPARQL rules' day-0 and equal-order
lines, on the reviewed fixture graph (tests/fixtures/graph.ttl, which conforms; test_boundaries.py checks
that) and, for the model-2 parts the fixture lacks (timings, site details, genetic findings, medical
history, assessments), on the valid example tests/shapes/valid/model2-case.yaml (test_shapes.py checks it).

Each case makes one realistic curator's slip in a copy of the fixture (a required value left out, a term of
the wrong vocabulary or an id of the wrong kind of node, a term the ontology imports do not declare) and
expects exactly the violations listed, pinned by shape, focus node, path, constraint and value. The valid
side: every term of each closed value set (sh:in) is accepted where the schema allows it, a value exactly
on a limit is accepted, and the rule cases put a value ON a rule's line (no violation) and one step over
it. A case's id starts with the shape it tests, so the mutation script (tests/mutation/mutate_rules.py)
selects it with `-k`.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from emkg.graph import ontology_graph, shapes_graph
from emkg.namespaces import compact, expand
from emkg.shacl import validate
from loaders.yaml_record import read_record

FIXTURE = Path(__file__).parents[1] / "fixtures" / "graph.ttl"
MODEL2 = Path(__file__).parent / "valid" / "model2-case.yaml"
F = "https://w3id.org/emkg/case/fixture-series/"
M = "https://w3id.org/emkg/case/test-model2-case/P1/"
MIN_COUNT, CLASS, OR, SPARQL = (f"sh:{k}ConstraintComponent" for k in ("MinCount", "Class", "Or", "SPARQL"))


def node(text: str | int | float | URIRef | Literal) -> URIRef | Literal:
    """f:X is a node of the fixture, m:X one of patient P1 of the model-2 example; other CURIEs are expanded
    by the project's prefix map; numbers are literals (a float as xsd:decimal, as Turtle writes 120.0)."""
    if isinstance(text, (URIRef, Literal)):
        return text
    if isinstance(text, int):
        return Literal(text)
    if isinstance(text, float):
        return Literal(Decimal(str(text)))
    if text.startswith(("f:", "m:")):
        return URIRef({"f": F, "m": M}[text[0]] + text[2:])
    return URIRef(expand(text))


def shown(value: str | None) -> str | None:
    """A violation's value or focus as the tables write it (f:X, m:X)."""
    if value is None:
        return None
    return value.replace("emkg:case/fixture-series/", "f:").replace("emkg:case/test-model2-case/P1/", "m:")


@pytest.fixture(scope="module")
def reference():
    return shapes_graph(), ontology_graph()


@pytest.fixture(scope="module")
def fixture_graph() -> dict[str, Graph]:
    """The two reviewed graphs the cases edit, by the prefix of their nodes."""
    return {"f": Graph().parse(FIXTURE, format="turtle"), "m": read_record(MODEL2).graph}


def violations_after(graphs, reference, remove=(), put=()) -> set[tuple]:
    """The violations of the graph the edited nodes belong to (the fixture, f:, or the model-2 example, m:)
    with the (node, property) pairs in `remove` dropped and the values in `put` (node, property, value)
    set in place of the property's values there."""
    bases = {edit[0][0] for edit in (*remove, *put)}
    assert len(bases) == 1, bases
    edited = Graph()
    edited += graphs[bases.pop()]
    for subject, prop in remove:
        assert (node(subject), node(prop), None) in edited, f"the fixture moved: {subject} has no {prop}"
        edited.remove((node(subject), node(prop), None))
    added = set()
    for subject, prop, value in put:
        triple = (node(subject), node(prop), node(value))
        if triple[:2] not in added:  # a value put replaces the graph's values of that property ...
            edited.remove((*triple[:2], None))
        added.add(triple[:2])  # ... and further values put for it are added
        edited.add(triple)
    _, violations, _ = validate(edited, *reference)
    return {(v.shape.removeprefix("emkg:"), shown(compact(v.focus)), v.path or "-", v.constraint, shown(v.value))
            for v in violations}


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
    ("SiteInvolvementFieldsShape", "m:relapse/site_details-1", "emkg:hasSite"),
    ("MedicalHistoryFieldsShape", "m:history", "emkg:historyCondition"),
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
    # the model-2 fields (shapes/record-fields.shacl.ttl)
    ("TimingFieldsShape", "m:relapse/timing-1", "emkg:timingAnchor", "emkg:TransplantEvent", CLASS, []),  # from_event
    ("TimingFieldsShape", "m:relapse/timing-1", "emkg:timeFromAnchor", "m:hsct", CLASS, []),  # a fact, no quantity
    ("HsctFieldsShape", "f:P1-hsct", "emkg:chimerism", "emkg:Percent", CLASS, []),  # the unit alone
    # a ratio to an infusion, not to a measurement; and a ratio in percent (RatioUnitShape)
    ("MeasurementFieldsShape", "f:P1-peak", "emkg:ratioTo", "f:P1-inf", CLASS,
     [("RatioUnitShape", "f:P1-peak", "emkg:unit", SPARQL, "emkg:Percent")]),
    ("FindingFieldsShape", "f:c2-cr", "emkg:comparedWith", "f:cohort2", CLASS, []),  # the cohort, no finding
    ("FindingFieldsShape", "f:c2-cns", "emkg:subgroupOf", "f:cohort2", CLASS, []),
    ("FindingFieldsShape", "f:c2-cr", "emkg:findingMember", "f:P1-dx", CLASS, []),  # a fact, not a patient
    ("FindingFieldsShape", "f:c2-cr", "emkg:samePatientsAs", "f:cohort2", CLASS, []),
]


@pytest.mark.parametrize("case", WRONG_CLASS,
                         ids=[f"{c[0]}-{c[2].split(':')[1]}-{c[3].split(':')[1]}" for c in WRONG_CLASS])
def test_a_value_of_the_wrong_kind_is_reported_with_its_value(case, fixture_graph, reference):
    shape, focus, prop, value, constraint, others = case
    found = violations_after(fixture_graph, reference, put=[(focus, prop, value)])
    assert found == {(shape, focus, prop, constraint, value), *others}


# (shape, node, property, the closed value set as the schema gives it): each term, set on that node, is
# accepted. The lists are written here, not read from the shapes, so a term dropped from a shape fails.
QUALIFIERS = ["emkg:NotDetected", "emkg:BelowDetectionLimit", "emkg:Negligible", "emkg:LessThan", "emkg:AtMost",
              "emkg:GreaterThan", "emkg:AtLeast"]
BOUNDS = ["emkg:LessThan", "emkg:AtMost", "emkg:GreaterThan", "emkg:AtLeast"]
CNS = ["emkg:CNS1", "emkg:CNS2", "emkg:CNS3", "emkg:NotReported", "emkg:Unknown"]
VALUE_SETS = [
    ("DemographicsShape", "f:P2-demo", "emkg:sex", ["emkg:Male", "emkg:Female", "emkg:NotReported", "emkg:Unknown"]),
    ("CarTProductShape", "f:product3", "emkg:targetsAntigen", ["emkg:NotReported", "emkg:Unknown"]),
    ("SiteShape", "f:P2-relapse2", "emkg:hasSite",
     ["emkg:SiteNotReported", "emkg:ExtramedullarySiteNotReported", "emkg:NotReported", "emkg:Unknown"]),
    ("QuantityFieldsShape", "f:c2-late-time", "emkg:qualifier", QUALIFIERS),
    ("TimingFieldsShape", "m:later-relapse/timing-1", "emkg:anchorEvent",
     ["emkg:InitialDiagnosisEvent", "emkg:PresentationEvent", "emkg:TransplantEvent", "emkg:RemissionEvent",
      "emkg:MrdNegativityEvent", "emkg:CarTInfusionEvent", "emkg:StudyEnrolmentEvent", "emkg:NotReported",
      "emkg:Unknown"]),
    ("DemographicsFieldsShape", "f:P1-demo", "emkg:ageGroup",
     ["emkg:Adult", "emkg:Pediatric", "emkg:AdolescentYoungAdult", "emkg:NotReported", "emkg:Unknown"]),
    ("SiteInvolvementFieldsShape", "m:relapse/site_details-1", "emkg:laterality",
     ["emkg:Left", "emkg:Right", "emkg:Bilateral", "emkg:NotReported", "emkg:Unknown"]),
    ("DiagnosisFieldsShape", "f:P1-dx", "emkg:cnsStatus", CNS),
    ("GeneticFindingFieldsShape", "m:karyotype", "emkg:alterationType",
     ["emkg:GeneFusion", "emkg:SequenceVariant", "emkg:Karyotype", "emkg:CopyNumberAlteration", "emkg:NotReported",
      "emkg:Unknown"]),
    ("RelapseFieldsShape", "f:P1-relapse2", "emkg:relapseKind",
     ["emkg:IsolatedExtramedullary", "emkg:CombinedMarrowExtramedullary", "emkg:IsolatedMarrow",
      "emkg:NotReported", "emkg:Unknown"]),
    ("RelapseFieldsShape", "f:P1-relapse2", "emkg:cnsStatus", CNS),
    ("HsctFieldsShape", "f:P1-hsct", "emkg:donorRelationship",
     ["emkg:SiblingDonor", "emkg:ParentDonor", "emkg:ChildDonor", "emkg:UnrelatedDonor",
      "emkg:OtherRelativeDonor", "emkg:NotReported", "emkg:Unknown"]),
    ("HsctFieldsShape", "f:P1-hsct", "emkg:conditioningIntensity",
     ["emkg:MyeloablativeConditioning", "emkg:ReducedIntensityConditioning", "emkg:NotReported", "emkg:Unknown"]),
    ("MeasurementFieldsShape", "f:P1-peak", "emkg:qualifier", QUALIFIERS),
    ("AssessmentFieldsShape", "m:csf", "emkg:cnsStatus", CNS),
    ("PublicationFieldsShape", "f:pub", "emkg:sourceKind", ["emkg:PrimaryReport", "emkg:SecondaryReport"]),
    ("FindingFieldsShape", "f:c2-cr", "emkg:qualifier", QUALIFIERS),
    ("FindingFieldsShape", "f:c2-cr", "emkg:pValueQualifier", BOUNDS),
    ("FindingFieldsShape", "f:cohort-crs", "emkg:gradeQualifier", BOUNDS),
]


@pytest.mark.parametrize(("shape", "focus", "prop", "terms"), VALUE_SETS,
                         ids=[f"{s}-{p.split(':')[1]}-every-term" for s, _, p, _ in VALUE_SETS])
def test_each_term_of_a_closed_value_set_is_accepted(shape, focus, prop, terms, fixture_graph, reference):
    """One validation per value set: the node is copied once per term (its own statements, under a new
    IRI, focus-as-Term) and each copy carries one term, so a term the shape refused is reported at its copy."""
    original = node(focus)
    puts = []
    for term in terms:
        copy = f"{focus}-as-{term.split(':')[1]}"
        puts += [(copy, prop, term)]
        puts += [(copy, p, o) for p, o in fixture_graph[focus[0]].predicate_objects(original) if p != node(prop)]
    assert violations_after(fixture_graph, reference, put=puts) == set()


# A value exactly on an inclusive limit (or just inside an exclusive one) that the fixture does not hold:
# (shape, puts, violations expected, the other rules that object to such a value).
ON_LIMITS = [
    ("PublicationFieldsShape-publicationYear-2100", [("f:pub", "emkg:publicationYear", 2100)], []),
    # an MRD threshold of 0.01 %, the usual flow-cytometry one: inside minExclusive 0 (and above 1 - 1)
    ("ResponseFieldsShape-mrdThresholdPercent-0.01", [("f:P1-cr", "emkg:mrdThresholdPercent", 0.01)], []),
    ("DemographicsFieldsShape-ageLow-and-ageHigh-120",
     [("f:P1-demo", "emkg:ageLow", 120.0), ("f:P1-demo", "emkg:ageHigh", 120.0)], []),
]


@pytest.mark.parametrize(("put", "expected"), [c[1:] for c in ON_LIMITS], ids=[c[0] for c in ON_LIMITS])
def test_a_value_on_its_limit_is_accepted_by_its_shape(put, expected, fixture_graph, reference):
    assert violations_after(fixture_graph, reference, put=put) == set(expected)


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
    # ... and orders infusions by their numbers: two numbered 2 are not ordered by it (equal numbers, on
    # the line), while number 3 placed before number 2 is over it
    ("InfusionSequenceShape-two-infusions-numbered-2-at-positions-4-and-5",
     [("f:P2-inf3", "emkg:infusionNumber", 2), ("f:P2-inf3", "emkg:sequenceNumber", 4)], []),
    ("InfusionSequenceShape-infusion-3-at-position-4-before-infusion-2",
     [("f:P2-inf3", "emkg:sequenceNumber", 4)],
     [("InfusionSequenceShape", "f:P2-inf3", "emkg:sequenceNumber", SPARQL, "4")]),
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
