"""Evidence model 2 (schema emkg-record/2): every new field has a valid example (tests/shapes/valid/model2-case.yaml,
checked here for the triples it gives) and an invalid one, reported by `emkg validate`'s pipeline at the
field and line of the submitted file, whether the loader or a SHACL shape finds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from emkg.namespaces import expand
from emkg.validate import Context, validate_file
from loaders.yaml_record import RecordInvalid, parse_record

EXAMPLE = Path(__file__).parents[1] / "shapes" / "valid" / "model2-case.yaml"
TEXT = EXAMPLE.read_text(encoding="utf-8")
CASE = "https://w3id.org/emkg/case/test-model2-case/P1/"
PUB = "https://w3id.org/emkg/publication/test-model2-case"


def iri(curie: str) -> URIRef:
    return URIRef(expand(curie))


@pytest.fixture(scope="module")
def graph():
    return parse_record(TEXT, EXAMPLE.name).graph


# field -> (subject, property, object) the example must give; None: any object.
TRIPLES = {
    "publication.year": (PUB, "emkg:publicationYear", Literal(2024)),
    "publication.authors": (PUB, "emkg:author", Literal("B. Author")),
    "publication.enrollment_start": (PUB, "emkg:enrollmentStart", Literal("2019-03")),
    "publication.enrollment_end": (PUB, "emkg:enrollmentEnd", Literal("2021")),
    "publication.source_kind": (PUB, "emkg:sourceKind", "emkg:SecondaryReport"),
    "publication.reports_on": (PUB, "emkg:reportsOn", Literal("NCT00000001")),
    "publication.possible_overlap_with": (PUB, "emkg:possibleOverlapWith",
                                          URIRef("https://w3id.org/emkg/publication/test-minimal-case")),
    "products.targets NotReported": (PUB + "/product/cart", "emkg:targetsAntigen", "emkg:NotReported"),
    "products.name omitted": (PUB + "/product/cart", "rdfs:label", Literal("unnamed product")),
    "demographics.age_group": (CASE + "demo", "emkg:ageGroup", "emkg:Adult"),
    "demographics.age_low": (CASE + "demo", "emkg:ageLow", None),
    "demographics.age_high": (CASE + "demo", "emkg:ageHigh", None),
    "medical-history": (CASE + "history", "rdf:type", "emkg:MedicalHistory"),
    "medical-history.condition": (CASE + "history", "emkg:historyCondition", "MONDO:0013730"),
    "month": (CASE + "dx", "emkg:month", Literal(3)),
    "diagnosis.cns_status": (CASE + "dx", "emkg:cnsStatus", "emkg:CNS1"),
    "genetic-finding.alteration_type": (CASE + "karyotype", "emkg:alterationType", "emkg:Karyotype"),
    "genetic-finding.alteration": (CASE + "karyotype", "emkg:reportedAlteration", Literal("46,XY")),
    "hsct.donor_relationship": (CASE + "hsct", "emkg:donorRelationship", "emkg:SiblingDonor"),
    "hsct.hla_match": (CASE + "hsct", "emkg:hlaMatch", Literal("10/10")),
    "hsct.conditioning_intensity": (CASE + "hsct", "emkg:conditioningIntensity", "emkg:MyeloablativeConditioning"),
    "hsct.chimerism": (CASE + "hsct", "emkg:chimerism", CASE + "hsct/chimerism"),
    "timing": (CASE + "relapse", "emkg:hasTiming", CASE + "relapse/timing-1"),
    "timing.from": (CASE + "relapse/timing-1", "emkg:timingAnchor", CASE + "hsct"),
    "timing.after": (CASE + "relapse/timing-1", "emkg:timeFromAnchor", CASE + "relapse/timing-1/after"),
    "quantity.approximate": (CASE + "relapse/timing-1/after", "emkg:approximate", Literal(True)),
    "timing.from_event": (CASE + "later-relapse/timing-1", "emkg:anchorEvent", "emkg:MrdNegativityEvent"),
    "site_details": (CASE + "relapse", "emkg:hasSiteInvolvement", CASE + "relapse/site_details-1"),
    "site_details.site": (CASE + "relapse/site_details-1", "emkg:hasSite", "UBERON:0000473"),
    "site_details.laterality": (CASE + "relapse/site_details-1", "emkg:laterality", "emkg:Left"),
    "site_details.shown_by": (CASE + "relapse/site_details-1", "emkg:shownBy", "emkg:Biopsy"),
    "site_details.involved": (CASE + "relapse/site_details-2", "emkg:involved", Literal(False)),
    "site_details -> sites": (CASE + "relapse", "emkg:hasSite", "UBERON:0000473"),
    "relapse.relapse_kind": (CASE + "relapse", "emkg:relapseKind", "emkg:IsolatedExtramedullary"),
    "relapse.sites Unknown": (CASE + "later-relapse", "emkg:hasSite", "emkg:Unknown"),
    "relapse.cns_status NotReported": (CASE + "relapse", "emkg:cnsStatus", "emkg:NotReported"),
    "measurement.qualifier": (CASE + "csf-cart", "emkg:qualifier", "emkg:GreaterThan"),
    "measurement.ratio_to": (CASE + "csf-cart", "emkg:ratioTo", CASE + "blood-cart"),
    "measurement.specimen": (CASE + "csf-cart", "emkg:specimen", "UBERON:0001359"),
    "response.mrd_method": (CASE + "cr", "emkg:mrdMethod", "emkg:FlowCytometry"),
    "response.mrd_specimen": (CASE + "cr", "emkg:mrdSpecimen", "UBERON:0002371"),
    "response.mrd_threshold": (CASE + "cr", "emkg:mrdThresholdPercent", None),
    "duration": (CASE + "cr", "emkg:duration", CASE + "cr/duration"),
    "duration.ongoing": (CASE + "cr/duration", "emkg:ongoing", Literal(True)),
    "finding.ci_low": (PUB + "/cohort/all/finding/cr-rate", "emkg:ciLow", None),
    "finding.ci_high": (PUB + "/cohort/all/finding/cr-rate", "emkg:ciHigh", None),
    "finding.ci_level": (PUB + "/cohort/all/finding/cr-rate", "emkg:ciLevel", None),
    "finding.subgroup_definition": (PUB + "/cohort/all/finding/cr-isolated", "emkg:subgroupDefinition",
                                    "emkg:IsolatedExtramedullary"),
    "finding.subgroup_of": (PUB + "/cohort/all/finding/cr-isolated", "emkg:subgroupOf",
                            PUB + "/cohort/all/finding/cr-rate"),
    "finding.members": (PUB + "/cohort/all/finding/cr-isolated", "emkg:findingMember", CASE[:-1]),
    "finding.compared_with": (PUB + "/cohort/all/finding/cr-isolated", "emkg:comparedWith",
                              PUB + "/cohort/all/finding/cr-rate"),
    "finding.p_value": (PUB + "/cohort/all/finding/cr-isolated", "emkg:pValue", None),
    "finding.p_qualifier": (PUB + "/cohort/all/finding/cr-isolated", "emkg:pValueQualifier", "emkg:LessThan"),
    "finding.iqr_low": (PUB + "/cohort/all/finding/age-median", "emkg:iqrLow", None),
    "finding.iqr_high": (PUB + "/cohort/all/finding/age-median", "emkg:iqrHigh", None),
    "finding.standard_error": (PUB + "/cohort/all/finding/age-median", "emkg:standardError", None),
    "finding.value_qualifier": (PUB + "/cohort/all/finding/age-median", "emkg:qualifier", "emkg:AtLeast"),
    "finding.same_patients_as": (PUB + "/cohort/all/finding/age-median", "emkg:samePatientsAs",
                                 PUB + "/cohort/all/finding/cr-rate"),
    "finding.grade_qualifier": (PUB + "/cohort/all/finding/crs", "emkg:gradeQualifier", "emkg:AtLeast"),
    "finding.statistic Reported": (PUB + "/cohort/all/finding/crs", "emkg:statistic", "emkg:Reported"),
}


@pytest.mark.parametrize("field", TRIPLES)
def test_valid_example_gives_the_field(graph, field):
    subject, predicate, obj = TRIPLES[field]
    if isinstance(obj, str) and not isinstance(obj, Literal):
        obj = URIRef(obj) if obj.startswith("http") else iri(obj)
    found = set(graph.objects(URIRef(subject), iri(predicate)))
    assert found, f"{field}: no {predicate} on {subject}"
    if obj is not None:
        assert obj in found, f"{field}: {predicate} is {found}, expected {obj}"


def test_valid_example_passes_every_check(tmp_path):
    outcome = validate_file(EXAMPLE, Context(evidence_dir=tmp_path, source_dirs=[]))
    assert outcome.code == 0, outcome.problems


# (old text, new text, field path reported, words of the message). The line expected is the line of the
# new text in the edited file.
INVALID = {
    "schema": ("schema: emkg-record/2", "schema: emkg-record/3", "schema", "emkg-record/2"),
    "publication.year": ("  year: 2024", "  year: twenty", "publication.year", "whole number"),
    "publication.authors": ('  authors: ["A. Author", "B. Author"]', '  authors: ["A. Author", [1]]',
                            "publication.authors[1]", "text"),
    "publication.enrollment_start": ('  enrollment_start: "2019-03"', '  enrollment_start: "2019-13"',
                                     "publication.enrollment_start", "YYYY-MM"),
    "publication.enrollment_end": ("  enrollment_end: 2021", '  enrollment_end: "2021-05-02"',
                                   "publication.enrollment_end", "YYYY"),
    "publication.source_kind": ("  source_kind: emkg:SecondaryReport", "  source_kind: emkg:CaseReport",
                                "publication.source_kind", "PrimaryReport"),
    "publication.reports_on": ('  reports_on: "NCT00000001"', "  reports_on: [1, 2]",
                               "publication.reports_on", "text"),
    "publication.possible_overlap_with": ("  possible_overlap_with: [test-minimal-case]",
                                          '  possible_overlap_with: ["no such id!"]',
                                          "publication.possible_overlap_with[0]", "curated publication"),
    "publication.note": ('  note: "Same centre as the minimal test case."', "  note: {a: 1}",
                         "publication.note", "text"),
    "products.targets NotReported alone": ("    targets: [emkg:NotReported]",
                                           "    targets: [emkg:NotReported, PR:000001002]",
                                           "products[0].targets", "stands alone"),
    "demographics.age_group": ("        age_group: emkg:Adult", "        age_group: emkg:Male",
                               "patients[0].facts[0].age_group", "emkg:Adult"),
    "demographics.age_low": ("        age_low: 18", "        age_low: 40", "patients[0].facts[0].age_low",
                             "age range"),
    "demographics.age_high": ("        age_high: 30", "        age_high: 130", "patients[0].facts[0].age_high",
                              "between 0 and 120"),
    "medical-history.condition": ("        condition: MONDO:0013730", "        condition: UBERON:0000473",
                                  "patients[0].facts[1].condition", "MONDO or NCIT"),
    "month": ("        month: 3", "        month: 13", "patients[0].facts[2].month", "1 (January) to 12"),
    "diagnosis.cns_status": ("        cns_status: emkg:CNS1\n        quote: \"diagnosed",
                             "        cns_status: emkg:Left\n        quote: \"diagnosed",
                             "patients[0].facts[2].cns_status", "is one of emkg:CNS1"),
    "genetic-finding.alteration_type": ("        alteration_type: emkg:Karyotype", "        alteration_type: emkg:Left",
                                        "patients[0].facts[3].alteration_type", "GeneFusion"),
    "genetic-finding.alteration": ('        alteration: "46,XY"', "        alteration: [46]",
                                   "patients[0].facts[3].alteration", "text"),
    "genetic-finding.alteration_class": ('        alteration: "46,XY"',
                                         '        alteration_class: PhLike\n        alteration: "46,XY"',
                                         "patients[0].facts[3].alteration_class", "not a CURIE"),
    "medical-history.finding": ('        finding: "prior graft versus host disease"', "        finding: [1]",
                                "patients[0].facts[1].finding", "text"),
    "hsct.donor_relationship": ("        donor_relationship: emkg:SiblingDonor",
                                "        donor_relationship: emkg:HaploidenticalDonor",
                                "patients[0].facts[4].donor_relationship", "SiblingDonor"),
    "hsct.hla_match": ('        hla_match: "10/10"', "        hla_match: {a: 1}", "patients[0].facts[4].hla_match",
                       "text"),
    "hsct.conditioning_intensity": ("        conditioning_intensity: emkg:MyeloablativeConditioning",
                                    "        conditioning_intensity: emkg:Left",
                                    "patients[0].facts[4].conditioning_intensity", "Myeloablative"),
    "hsct.chimerism": ("        chimerism: {value: 100, unit: emkg:Percent}",
                       "        chimerism: {value: 100, unit: emkg:Day}", "patients[0].facts[4].chimerism.unit",
                       "percent"),
    "timing one anchor": ("          - {from: hsct, after:",
                          "          - {from: hsct, from_event: emkg:RemissionEvent, after:",
                          "patients[0].facts[5].timing[0]", "exactly one anchor"),
    "timing.from": ("          - {from: hsct, after:", "          - {from: nope, after:",
                    "patients[0].facts[5].timing[0].from", "'nope'"),
    "timing.after not negative": ("after: {value: 18, unit: emkg:Month", "after: {value: -18, unit: emkg:Month",
                                  "patients[0].facts[5].timing[0].after.value", "negative"),
    "quantity.approximate": ("unit: emkg:Month, approximate: true}", "unit: emkg:Month, approximate: yes please}",
                             "patients[0].facts[5].timing[0].after.approximate", "true or false"),
    "timing.before": ("          - {from: hsct, after:", "          - {from: hsct, before: 2, after:",
                      "patients[0].facts[5].timing[0].before", "true or false"),
    "timing.from_event": ("{from_event: emkg:MrdNegativityEvent,", "{from_event: emkg:Left,",
                          "patients[0].facts[11].timing[0].from_event", "InitialDiagnosisEvent"),
    "site_details.site": ("          - {site: UBERON:0000473, laterality: emkg:Left, shown_by: emkg:Biopsy}",
                          "          - {laterality: emkg:Left, shown_by: emkg:Biopsy}",
                          "patients[0].facts[5].site_details[0].site", "needs 'site'"),
    "site_details.laterality": ("laterality: emkg:Left, shown_by: emkg:Biopsy}",
                                "laterality: emkg:Male, shown_by: emkg:Biopsy}",
                                "patients[0].facts[5].site_details[0].laterality", "emkg:Left, emkg:Right"),
    "site_details.shown_by": ("shown_by: emkg:Biopsy}", "shown_by: [emkg:Biopsy, emkg:Imaging]}",
                              "patients[0].facts[5].site_details[0].shown_by", "CURIE"),
    "site_details.involved": ("shown_by: emkg:Imaging, involved: false}", "shown_by: emkg:Imaging, involved: no way}",
                              "patients[0].facts[5].site_details[1].involved", "true or false"),
    "relapse.relapse_kind value set": ("        relapse_kind: emkg:IsolatedExtramedullary",
                                       "        relapse_kind: emkg:Left",
                                       "patients[0].facts[5].relapse_kind", "IsolatedMarrow"),
    "relapse.relapse_kind vs marrow": ("        marrow_involved: false", "        marrow_involved: true",
                                       "patients[0].facts[5].marrow_involved", "relapse_kind"),
    "relapse.cns_status": ("        cns_status: emkg:NotReported", "        cns_status: emkg:Positive",
                           "patients[0].facts[5].cns_status", "is one of emkg:CNS1"),
    "measurement.qualifier": ("        qualifier: emkg:GreaterThan", "        qualifier: emkg:Left",
                              "patients[0].facts[8].qualifier", "NotDetected"),
    "measurement.ratio_to kind": ("        ratio_to: blood-cart", "        ratio_to: cr",
                                  "patients[0].facts[8].ratio_to", "must name a measurement"),
    "measurement.ratio_to unit": ("        ratio_to: blood-cart\n", "",
                                  "patients[0].facts[8].unit", "ratio"),
    "measurement.specimen": ("        specimen: UBERON:0001359", "        specimen: [UBERON:0001359, UBERON:0000178]",
                             "patients[0].facts[8].specimen", "CURIE"),
    "response.mrd_method": ("        mrd_method: emkg:FlowCytometry", "        mrd_method: flow",
                            "patients[0].facts[9].mrd_method", "CURIE"),
    "response.mrd_specimen": ("        mrd_specimen: UBERON:0002371", "        mrd_specimen: [1]",
                              "patients[0].facts[9].mrd_specimen", "CURIE"),
    "response.mrd_threshold": ("        mrd_threshold: 0.01", "        mrd_threshold: 150",
                               "patients[0].facts[9].mrd_threshold", "threshold in percent"),
    "duration unit": ("duration: {value: 40, unit: emkg:Day,", "duration: {value: 40, unit: emkg:Percent,",
                      "patients[0].facts[9].duration.unit", "time unit"),
    "duration.ongoing": ("unit: emkg:Day, ongoing: true}", "unit: emkg:Day, ongoing: maybe}",
                         "patients[0].facts[9].duration.ongoing", "true or false"),
    "finding.ci_low": ("        ci_low: 44", "        ci_low: 99", "cohorts[0].findings[0].ci_low", "ci_low"),
    "finding.ci_level": ("        ci_level: 95", "        ci_level: 100", "cohorts[0].findings[0].ci_level", "percent"),
    "finding.ci_high": ("        ci_high: 97", "        ci_high: high", "cohorts[0].findings[0].ci_high", "number"),
    "finding.subgroup_definition": ("        subgroup_definition: [emkg:IsolatedExtramedullary]",
                                    "        subgroup_definition: [isolated]",
                                    "cohorts[0].findings[1].subgroup_definition[0]", "CURIE"),
    "finding.subgroup_of": ("        subgroup_of: cr-rate", "        subgroup_of: P1",
                            "cohorts[0].findings[1].subgroup_of", "must name a finding"),
    "finding.members": ("        members: [P1]\n        compared_with",
                        "        members: [cr-rate]\n        compared_with",
                        "cohorts[0].findings[1].members[0]", "must name a patient"),
    "finding.compared_with": ("        compared_with: cr-rate", "        compared_with: nope",
                              "cohorts[0].findings[1].compared_with", "'nope'"),
    "finding.p_value": ("        p_value: 0.05", "        p_value: 2", "cohorts[0].findings[1].p_value",
                        "between 0 and 1"),
    "finding.p_qualifier": ("        p_qualifier: emkg:LessThan", "        p_qualifier: emkg:NotDetected",
                            "cohorts[0].findings[1].p_qualifier", "p_qualifier"),
    "finding.iqr_low": ("        iqr_low: 20", "        iqr_low: 30", "cohorts[0].findings[2].iqr_low", "iqr_low"),
    "finding.iqr_high": ("        iqr_high: 28", "        iqr_high: [28]", "cohorts[0].findings[2].iqr_high", "number"),
    "finding.standard_error": ("        standard_error: 1.5", "        standard_error: -1",
                               "cohorts[0].findings[2].standard_error", "0 or more"),
    "finding.value_qualifier": ("        value_qualifier: emkg:AtLeast", "        value_qualifier: emkg:Left",
                                "cohorts[0].findings[2].value_qualifier", "qualifier"),
    "finding.same_patients_as": ("        same_patients_as: [cr-rate]", "        same_patients_as: [P1]",
                                 "cohorts[0].findings[2].same_patients_as[0]", "must name a finding"),
    "finding.grade_qualifier": ("        grade_qualifier: emkg:AtLeast", "        grade_qualifier: emkg:Negligible",
                                "cohorts[0].findings[3].grade_qualifier", "grade_qualifier"),
}


@pytest.mark.parametrize("case", INVALID)
def test_invalid_field_is_reported_at_its_field_and_line(tmp_path, case):
    old, new, field, words = INVALID[case]
    assert TEXT.count(old) == 1, f"{case}: the example must contain {old!r} once"
    text = TEXT.replace(old, new)
    line = text[:text.index(new)].count("\n") + 1 if new else TEXT[:TEXT.index(old)].count("\n") + 1
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    outcome = validate_file(path, Context(evidence_dir=tmp_path, source_dirs=[]))
    assert outcome.code == 1
    shown = "\n".join(outcome.problems)
    matching = [d for d in outcome.details if d["field"] == field and d["severity"] == "Violation"]
    assert matching, f"{case}: nothing reported at {field}:\n{shown}"
    assert any(words in d["message"] for d in matching), f"{case}: {words!r} not in\n{shown}"
    if new:
        assert any(d["line"] == line for d in matching), f"{case}: expected line {line}:\n{shown}"


def test_a_relapse_needs_sites_or_site_details():
    """site_details may stand for sites (the example's first relapse has no `sites`); without either, the
    loader asks for sites."""
    old = ("        site_details:\n          - {site: UBERON:0000473, laterality: emkg:Left, shown_by: emkg:Biopsy}\n"
           "          - {site: UBERON:0000970, laterality: emkg:Right, shown_by: emkg:Imaging, involved: false}\n")
    assert TEXT.count(old) == 1 and "sites:" not in TEXT[TEXT.index("- id: relapse"):TEXT.index(old)]
    with pytest.raises(RecordInvalid) as caught:
        parse_record(TEXT.replace(old, ""), "bad.yaml")
    (problem,) = caught.value.problems
    assert problem.path == "patients[0].facts[5].sites" and "needs 'sites'" in problem.message
    assert problem.line == TEXT[:TEXT.index("      - id: relapse")].count("\n") + 1
