"""Phenopacket import, exact: every refusal and warning (file, JSON path, line, whole text, value) for a
packet using each part the mapping does not take, and the whole record and source map for a packet using
each part it does take in its less common forms (a CAR-T named only by its label, a non-CAR-T agent with a
dose, laterality, timings, evidence quotes). The packets are made up; no clinical claim rests on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders import phenopacket
from loaders.phenopacket import _days, _json_path, _term_id, convert, pointer
from loaders.source_map import Unusable

QUOTE = "EMKG-QUOTE"
EXPECTED = Path(__file__).parent / "expected"


def ref(kind: str, target: str, text: str) -> dict:
    return {"id": kind, "reference": target, "description": text}


# Every part of a Phenopacket v2 the mapping leaves out or refuses, each once (the measurement's "quote" is
# the one field the official package refuses).
UNMAPPED = {
    "id": "packet-b",
    "subject": {"id": "P9", "sex": "UNKNOWN_SEX", "dateOfBirth": "2012-03-04T00:00:00Z",
                "timeAtLastEncounter": {"ontologyClass": {"id": "HP:0003621", "label": "Juvenile onset"}},
                "karyotypicSex": "XX"},
    "diseases": [
        {"term": {"id": "MONDO:0020511"}, "laterality": {"id": "HP:0012834"}, "diseaseStage": [{"id": "X:1"}],
         "onset": {"timestamp": "2020-01-01T00:00:00Z"}},
        {"term": {"id": "MONDO:0020511"}, "primarySite": {"id": "UBERON:0000473"},
         "laterality": {"id": "HP:0012833"}, "onset": {"ontologyClass": {"id": "HP:0003621"}}},
    ],
    "phenotypicFeatures": [
        {"type": {"id": "HP:0001945"}, "modifiers": [{"id": "HP:0012828"}],
         "evidence": [{"evidenceCode": {"id": "ECO:0000033"}}]},
    ],
    "measurements": [
        {"assay": {"id": "emkg:CarTCells"}, "value": {"ontologyClass": {"id": "HP:0000001"}}, "quote": "x"},
        {"assay": {"id": "emkg:CarTCells"},
         "value": {"quantity": {"unit": {"id": "emkg:Percent"}, "value": 5,
                                "referenceRange": {"unit": {"id": "emkg:Percent"}, "low": 0, "high": 1}}}},
    ],
    "medicalActions": [
        {"treatment": {"agent": {"id": "NCIT:C102758"}, "routeOfAdministration": {"id": "NCIT:C38276"},
                       "doseIntervals": [{"quantity": {"value": 1, "unit": {"id": "emkg:CellsPerKilogram"}},
                                          "scheduleFrequency": {"id": "NCIT:C64576"}},
                                         {"quantity": {"value": 2}}]},
         "treatmentIntent": {"id": "NCIT:C62220"}},
        {"procedure": {"code": {"id": "NCIT:C15431"}, "bodySite": {"id": "UBERON:0000473"}}},
        {"radiationTherapy": {"modality": {"id": "NCIT:C66897"}, "bodySite": {"id": "UBERON:0000473"},
                              "dosage": 24, "fractions": 12}},
        {"adverseEvents": [{"id": "MONDO:0600008"}]},
    ],
    "interpretations": [],
    "metaData": {
        "phenopacketSchemaVersion": "2.0", "created": "2024-01-01T00:00:00Z", "createdBy": "test",
        "resources": [], "submittedBy": "test", "updates": [],
        "externalReferences": [
            {"id": "PMID:99999997", "description": "A made-up packet."},
            {"id": "DOI:10.1000/second", "description": "a second reference"},
            ref(QUOTE, "diseases/0", "no pointer"),
            ref(QUOTE, "#/diseases/0", " "),
            ref(QUOTE, "#/diseases/7", "no such disease"),
            ref("EMKG-GRADE", "#/medicalActions/3/adverseEvents/0", "severe CRS"),
            ref("EMKG-DAY", "#/medicalActions/3/adverseEvents/0", "five"),
            ref("EMKG-TIMING", "#/diseases/1", "forty days after remission"),
        ],
    },
}

NOT_MAPPED = "not mapped to the case record; it is not validated or kept"
PROBLEMS = [
    ("measurements[0].quote", 78, "'quote' is not a field of this Phenopacket element (the official phenopackets "
     "package refuses it); emkg's quotes and grades go in metaData.externalReferences (EMKG-QUOTE, EMKG-GRADE; see "
     "`emkg record-format`)", None),
    ("metaData.externalReferences[2].reference", 182, "an EMKG-QUOTE annotation's reference is a JSON pointer to "
     "the element it is about, e.g. #/diseases/0", "diseases/0"),
    ("metaData.externalReferences[3].description", 188, "an EMKG-QUOTE annotation needs its text in description", " "),
    ("subject.dateOfBirth", 6, "exact dates of birth are not kept (privacy); give the age", "2012-03-04T00:00:00Z"),
    ("diseases[0].onset.timestamp", 29, "exact dates are not kept (privacy); give the age (age.iso8601duration) "
     "instead", "2020-01-01T00:00:00Z"),
    ("metaData.externalReferences[7].description", 208, "an EMKG-TIMING annotation reads 'N emkg:Unit after|before "
     "emkg:AnchorEvent', e.g. '14 emkg:Day after emkg:MrdNegativityEvent'", "forty days after remission"),
    ("diseases[1].laterality.id", 40, "laterality is HP:0012835 (left), HP:0012834 (right) or HP:0012832 "
     "(bilateral)", "HP:0012833"),
    ("metaData.externalReferences[5].description", 198, "an EMKG-GRADE annotation reads 'grade N SYSTEM' or "
     "'grade N-M SYSTEM', e.g. 'grade 2 emkg:ASTCT2019'", "severe CRS"),
    ("metaData.externalReferences[6].description", 203, "an EMKG-DAY annotation is a whole number", "five"),
]
WARNINGS = [
    ("interpretations", 163, NOT_MAPPED),
    ("metaData.externalReferences[1]", 176, "only the first external reference is taken as the case's publication"),
    ("subject.karyotypicSex", 13, NOT_MAPPED),
    ("subject.timeAtLastEncounter", 7, "only age.iso8601duration is read"),
    ("subject.sex", 5, "sex UNKNOWN_SEX is not recorded (the record has emkg:Male / emkg:Female)"),
    ("diseases[0].diseaseStage", 23, NOT_MAPPED),
    ("diseases[0].laterality", 20, "laterality is kept for a relapse (a disease with primarySite) only"),
    ("diseases[1].onset", 42, "only age.iso8601duration (e.g. P12Y3M) is used to order facts"),
    ("phenotypicFeatures[0].modifiers", 54, NOT_MAPPED),
    ("phenotypicFeatures[0].evidence[0]", 60, "evidence without reference.description gives no quote"),
    ("measurements[0].value.ontologyClass", 74, "only value.quantity is mapped"),
    ("measurements[1].value.quantity.referenceRange", 90, NOT_MAPPED),
    ("medicalActions[0].treatmentIntent", 129, NOT_MAPPED),
    ("medicalActions[0].treatment.routeOfAdministration", 107, NOT_MAPPED),
    ("medicalActions[0].treatment.doseIntervals[1]", 122, "only the first dose interval is mapped (the total CAR-T "
     "dose)"),
    ("medicalActions[0].treatment.doseIntervals[0].scheduleFrequency", 118, NOT_MAPPED),
    ("medicalActions[1].procedure.bodySite", 138, NOT_MAPPED),
    ("medicalActions[1].procedure.code", 135, "only haematopoietic stem-cell transplantation (NCIT:C46089) is mapped "
     "from procedures"),
    ("medicalActions[2].radiationTherapy.dosage", 151, NOT_MAPPED),
    ("medicalActions[2].radiationTherapy.fractions", 152, NOT_MAPPED),
    ("medicalActions[2].radiationTherapy.modality", 145, "only the generic modality NCIT:C15313 (what "
     "emkg:Radiotherapy says) is mapped; this one is not kept"),
    ("metaData.externalReferences[4].description", 193, "EMKG-QUOTE annotation of #/diseases/7: no mapped element "
     "there; not kept"),
]


def test_every_unmapped_part_is_a_warning_and_every_refusal_a_problem_with_path_line_and_text():
    conversion = convert(json.dumps(UNMAPPED, indent=2), "b.json")
    assert [(p.file, p.path, p.line, p.message, p.value) for p in conversion.problems] == \
        [("b.json", *p) for p in PROBLEMS]
    assert [(w.file, w.path, w.line, w.message, w.value) for w in conversion.warnings] == \
        [("b.json", *w, None) for w in WARNINGS]


def test_what_is_mapped_from_the_unmapped_packet_is_exactly_its_mapped_parts():
    """A diagnosis with a laterality is still a diagnosis; an unknown laterality is kept as given (and refused
    above); a CAR-T dose is the first interval's quantity; the publication is the first reference."""
    (record,) = convert(json.dumps(UNMAPPED, indent=2), "b.json").records
    assert record.data == {
        "schema": "emkg-record/2",
        "publication": {"id": "pmid-99999997", "label": "PMID:99999997", "design": "emkg:CaseReport",
                        "quote": "A made-up packet.", "pmid": "99999997"},
        "products": [{"id": "tisagenlecleucel", "name": "tisagenlecleucel", "product_class": ["NCIT:C102758"],
                      "targets": ["PR:000001002"], "costimulatory_domains": ["emkg:FourOneBBDomain"]}],
        "patients": [{"id": "P9", "label": "subject P9", "facts": [
            {"id": "demographics-1", "type": "demographics"},
            {"id": "diagnosis-2", "type": "diagnosis", "disease": ["MONDO:0020511"]},
            {"id": "relapse-3", "type": "relapse", "sites": ["UBERON:0000473"],
             "site_details": {"site": "UBERON:0000473", "laterality": "HP:0012833"}},
            {"id": "observation-4", "type": "observation", "finding": "HP:0001945"},
            {"id": "measurement-5", "type": "measurement", "analyte": "emkg:CarTCells"},
            {"id": "measurement-6", "type": "measurement", "analyte": "emkg:CarTCells", "value": 5,
             "unit": "emkg:Percent"},
            {"id": "car-t-infusion-7", "type": "car-t-infusion", "product": "tisagenlecleucel",
             "dose": {"value": 1, "unit": "emkg:CellsPerKilogram"}},
            {"id": "therapy-8", "type": "therapy", "category": "emkg:Radiotherapy", "sites": ["UBERON:0000473"]},
            {"id": "toxicity-9", "type": "toxicity", "condition": "MONDO:0600008"},
        ]}],
    }


@pytest.mark.parametrize(("text", "message"), [
    ('{"subject": {}', "p.json:1: expected ',' or '}'"),
    ('\n\n{"a" 1}', "p.json:3: expected ':' after a key"),
    ("[1]", "p.json: not a Phenopacket (a JSON object with subject and metaData)"),
    ('{"id": "x"}', "p.json: not a Phenopacket (a JSON object with subject and metaData)"),
    ('{"subject": {},\n "metaData": {\n  "phenopacketSchemaVersion": "1.0"}}',
     "p.json:3: metaData.phenopacketSchemaVersion is '1.0'; only Phenopacket schema 2 (e.g. \"2.0\") is read"),
    ('{"subject": {},\n "metaData": {"created": "2024-01-01T00:00:00Z"}}',
     "p.json:2: metaData.phenopacketSchemaVersion is None; only Phenopacket schema 2 (e.g. \"2.0\") is read"),
    ('{"subject": {}}',
     "p.json:?: metaData.phenopacketSchemaVersion is None; only Phenopacket schema 2 (e.g. \"2.0\") is read"),
    ('{"metaData": {"phenopacketSchemaVersion": 2}}',
     "p.json:1: metaData.phenopacketSchemaVersion is 2; only Phenopacket schema 2 (e.g. \"2.0\") is read"),
])
def test_a_file_that_is_not_a_v2_phenopacket_is_unusable_with_file_line_and_reason(text, message):
    with pytest.raises(Unusable) as caught:
        convert(text, "p.json")
    assert str(caught.value) == message


def test_the_helpers_read_durations_paths_terms_and_pointers_exactly():
    assert _days("P1Y2M3W4D") == pytest.approx(365.25 + 2 * 30.44 + 3 * 7 + 4)
    assert _days("P2Y") == 730.5 and _days("P5M") == pytest.approx(152.2) and _days("P3W") == 21
    assert _days("P10D") == 10 and _days("P1Y1D") == 366.25
    assert [_days(x) for x in ("P", "", "12Y", "P1.5Y", "PT3H", None, 7)] == [None] * 7
    assert _json_path("medicalActions[0].treatment.doseIntervals[12]") == \
        ("medicalActions", 0, "treatment", "doseIntervals", 12)
    assert _json_path("subject") == ("subject",) and _json_path("") == ()
    assert _term_id({"id": "HP:1", "label": "x"}) == "HP:1"
    assert [_term_id(x) for x in ({"id": 5}, {"label": "x"}, "HP:1", None)] == [None] * 4
    assert pointer(("medicalActions", 2, "adverseEvents", 0)) == "#/medicalActions/2/adverseEvents/0"
    assert pointer(()) == "#/"
    assert phenopacket.ANNOTATIONS == ("EMKG-QUOTE", "EMKG-GRADE", "EMKG-TARGET", "EMKG-SOURCE-TEXT", "EMKG-DAY",
                                       "EMKG-ORDER", "EMKG-TIMING")


# The mapped parts in their less common forms: a CAR-T product named only by its label with its target and its
# own quote, a non-CAR-T agent with a dose, a product without dose, laterality, timings, an order, evidence
# quotes, a feature known by its id only, a source text, a DOI.
VARIED = {
    "id": "packet-c",
    "subject": {"id": "UPN 12", "sex": "MALE", "timeAtLastEncounter": {"age": {"iso8601duration": "P14Y3M"}}},
    "diseases": [
        {"term": {"id": "MONDO:0020511"}, "excluded": True},
        {"term": {"id": "MONDO:0020511"}, "primarySite": {"id": "UBERON:0000473"},
         "laterality": {"id": "HP:0012834"}},
        {"term": {"id": "MONDO:0020511"}, "primarySite": {"id": "UBERON:0000970"},
         "laterality": {"id": "HP:0012832"}, "excluded": True},
    ],
    "phenotypicFeatures": [
        {"type": {"id": "HP:0001945"}, "description": "fever on day 2",
         "evidence": [{"evidenceCode": {"id": "ECO:0000033"}, "reference": {"id": "PMID:1", "description": "fever"}}]},
    ],
    "medicalActions": [
        {"treatment": {"agent": {"id": "emkg:product/hucart19", "label": "huCART19 CAR T cells"},
                       "doseIntervals": [{"quantity": {"value": 2.5, "unit": {"id": "emkg:CellsPerKilogram"}}}]},
         "adverseEvents": [{"id": "MONDO:0600008", "label": "cytokine release syndrome"}],
         "responseToTreatment": {"id": "NCIT:C4870"}},
        {"treatment": {"agent": {"id": "NCIT:C62528", "label": "blinatumomab"},
                       "doseIntervals": [{"quantity": {"value": 15}}]}},
        {"treatment": {"agent": {"id": "NCIT:C120309"}}, "responseToTreatment": {"id": "NCIT:C18058"}},
        {"treatment": {"agent": {"id": "NCIT:C1094"}}},
    ],
    "metaData": {
        "phenopacketSchemaVersion": "2.0",
        "externalReferences": [
            {"id": "DOI:10.1000/xyz.9", "description": "A made-up series."},
            ref("EMKG-SOURCE-TEXT", "#/", "series.txt"),
            ref("EMKG-TARGET", "#/medicalActions/0/treatment/agent", " PR:000001002 "),
            ref(QUOTE, "#/medicalActions/0/treatment/agent", "huCART19, a humanised CD19 CAR-T"),
            ref(QUOTE, "#/medicalActions/0", "he received huCART19"),
            ref("EMKG-GRADE", "#/medicalActions/0/adverseEvents/0", "Grade 1-2 emkg:Lee2014"),
            ref("EMKG-DAY", "#/medicalActions/0/adverseEvents/0", " 3 "),
            ref("EMKG-DAY", "#/medicalActions/0/adverseEvents/0", "4"),
            ref("EMKG-ORDER", "#/diseases/0", "1"),
            ref("EMKG-TIMING", "#/diseases/1", "about 18 emkg:Month before emkg:TransplantEvent"),
            ref("EMKG-TIMING", "#/diseases/1", "14 emkg:Day AFTER emkg:MrdNegativityEvent"),
            ref(QUOTE, "#/phenotypicFeatures/0", "febrile"),
            ref(QUOTE, "#/diseases/1", "right testis"),
            ref(QUOTE, "#/diseases/1", "and the left one"),
        ],
    },
}


def source_map(record) -> dict[str, list]:
    """record path -> [the packet's JSON path (or what stands for it), its line]: what a later problem names."""
    from loaders.yaml_lines import format_path

    assert set(record.source.lines) <= set(record.source.fields)
    return {format_path(p): [name, record.source.lines.get(p)] for p, name in record.source.fields.items()}


def test_the_less_common_mapped_forms_give_the_reviewed_record_and_source_map():
    """expected/varied.phenopacket.*.json were reviewed against VARIED when written (the JSON is dumped with
    indent=2, so its lines are fixed): the record data, and for each record path the JSON path and line a
    problem found later would name."""
    conversion = convert(json.dumps(VARIED, indent=2), "c.json")
    assert conversion.problems == [] and conversion.warnings == []
    (record,) = conversion.records
    assert record.data == json.loads((EXPECTED / "varied.phenopacket.record.json").read_text(encoding="utf-8"))
    assert source_map(record) == json.loads((EXPECTED / "varied.phenopacket.source.json").read_text(encoding="utf-8"))


VALID = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.phenopacket.json"


def minimal_with(change) -> str:
    packet = json.loads(VALID.read_text(encoding="utf-8"))
    change(packet)
    return json.dumps(packet, indent=2)


@pytest.mark.parametrize(("change", "problems", "warnings"), [
    # the official package's refusal of an enum value; no "not mapped" warning for the refused field
    (lambda p: p["subject"].update(karyotypicSex="XYZ"),
     [("subject.karyotypicSex", 11, "not a valid Phenopacket v2 value (official phenopackets package: Invalid enum "
       "value XYZ for enum type org.phenopackets.schema.v2.core.KaryotypicSex)", None)], []),
    # the mapping names the same field as the package: one problem, the mapping's
    (lambda p: p["subject"].update(sex="M"), [("subject.sex", 5, "sex is MALE, FEMALE, OTHER_SEX or UNKNOWN_SEX", "M")],
     []),
    (lambda p: p.update(diseases={}),
     [("(top level)", 1, "not a valid Phenopacket v2 value (official phenopackets package: repeated field diseases "
       "must be in [] which is {})", None), ("diseases", 12, "expected a JSON array", {})],
     [("metaData.externalReferences[2].description", 62, "EMKG-QUOTE annotation of #/diseases/0: no mapped element "
       "there; not kept"),
      ("metaData.externalReferences[3].description", 67, "EMKG-QUOTE annotation of #/diseases/1: no mapped element "
       "there; not kept")]),
    (lambda p: p["diseases"].append(5),
     [("(top level)", 1, "not a valid Phenopacket v2 value (official phenopackets package: 'int' object is not "
       "iterable)", None), ("diseases[2]", 39, "expected a JSON object", 5)], []),
    (lambda p: p["metaData"].update(externalReferences=p["metaData"]["externalReferences"][1:]),
     [("metaData.externalReferences", 76, "a case needs its source: add metaData.externalReferences with the "
       "publication's id (PMID:..., DOI:... or your own id) and a quote as its description", None)], []),
    # a grade written on the adverse event itself: refused where it stands, no "not mapped" warning as well
    (lambda p: p["medicalActions"][0]["adverseEvents"][0].update(grade=2),
     [("medicalActions[0].adverseEvents[0].grade", 63, "'grade' is not a field of this Phenopacket element (the "
       "official phenopackets package refuses it); emkg's quotes and grades go in metaData.externalReferences "
       "(EMKG-QUOTE, EMKG-GRADE; see `emkg record-format`)", None)], []),
    (lambda p: p["subject"].update(sex="OTHER_SEX"), [],
     [("subject.sex", 5, "sex OTHER_SEX is not recorded (the record has emkg:Male / emkg:Female)")]),
])
def test_refusals_of_the_official_package_and_of_the_mapping_are_each_reported_once(change, problems, warnings):
    conversion = convert(minimal_with(change), "p.json")
    assert [(p.path, p.line, p.message, p.value) for p in conversion.problems] == problems
    assert [(w.path, w.line, w.message) for w in conversion.warnings] == warnings


def test_the_patient_is_named_by_subject_id_else_packet_id_else_subject():
    def patient(change) -> tuple[str, str, list[str]]:
        (record,) = convert(minimal_with(change), "p.json").records
        (found,) = record.data["patients"]
        return found["id"], found["label"], [f["type"] for f in found["facts"]][:2]

    assert patient(lambda p: p["subject"].update(id="UPN 7/b")) == ("UPN-7-b", "subject UPN-7-b",
                                                                     ["demographics", "diagnosis"])
    assert patient(lambda p: (p["subject"].pop("id"), p.update(id="pkt 1"))) == ("pkt-1", "subject pkt-1",
                                                                                   ["demographics", "diagnosis"])
    assert patient(lambda p: (p.pop("subject"), p.pop("id", None))) == ("subject", "subject subject",
                                                                        ["diagnosis", "relapse"])
    assert patient(lambda p: p["subject"].pop("sex") and p["subject"].pop("timeAtLastEncounter")) == \
        ("P1", "subject P1", ["diagnosis", "relapse"])


def test_facts_are_ordered_by_their_onset_ages_and_equal_ages_keep_the_packet_order():
    def ordered(change) -> list[tuple[str, int | None]]:
        (record,) = convert(minimal_with(change), "p.json").records
        return [(f["type"], f.get("order")) for f in record.data["patients"][0]["facts"]]

    def same_age_and_an_earlier_feature(p):
        p["diseases"][1]["onset"] = {"age": {"iso8601duration": "P10Y"}}
        p["phenotypicFeatures"] = [{"type": {"id": "HP:0001945", "label": "Fever"},
                                    "onset": {"age": {"iso8601duration": "P9Y11M4W"}}}]

    assert ordered(lambda p: None) == [("demographics", None), ("diagnosis", 1), ("relapse", 2),
                                       ("car-t-infusion", None), ("toxicity", None), ("response", None)]
    assert ordered(same_age_and_an_earlier_feature) == [
        ("demographics", None), ("diagnosis", 2), ("relapse", 3), ("observation", 1), ("car-t-infusion", None),
        ("toxicity", None), ("response", None)]


def test_annotation_pointers_are_read_with_or_without_the_slash_after_the_hash():
    def change(p):
        refs = p["metaData"]["externalReferences"]
        refs.append(ref("EMKG-SOURCE-TEXT", "#", "case.txt"))
        refs.append(ref(QUOTE, "#diseases/1", "relapse in the left testis"))
        refs.append(ref(QUOTE, "#/", "a quote about the whole packet"))

    conversion = convert(minimal_with(change), "p.json")
    assert conversion.problems == []
    assert [(w.path, w.message) for w in conversion.warnings] == [
        ("metaData.externalReferences[10].description", "EMKG-QUOTE annotation of #/: no mapped element there; not "
         "kept")]
    (record,) = conversion.records
    assert record.data["publication"]["source_text"] == "case.txt"
    relapse = next(f for f in record.data["patients"][0]["facts"] if f["type"] == "relapse")
    assert relapse["quote"][-1] == "relapse in the left testis"


def test_radiotherapy_without_a_body_site_is_a_therapy_without_sites():
    conversion = convert(minimal_with(lambda p: p["medicalActions"].append(
        {"radiationTherapy": {"modality": {"id": "NCIT:C15313", "label": "Radiation Therapy"}}})), "p.json")
    assert conversion.problems == [] and conversion.warnings == []
    (record,) = conversion.records
    assert record.data["patients"][0]["facts"][-1] == {"id": "therapy-7", "type": "therapy",
                                                       "category": "emkg:Radiotherapy"}


def test_every_record_path_of_the_golden_packet_maps_back_to_its_json_path_and_line():
    """expected/relapse-after-hsct.phenopacket.source.json (for tests/converters/input/relapse-after-hsct
    .phenopacket.json: measurement, HSCT, radiotherapy, excluded relapse and feature) was reviewed against
    the packet when written."""
    golden = Path(__file__).parent.parent / "converters" / "input" / "relapse-after-hsct.phenopacket.json"
    (record,) = convert(golden.read_text(encoding="utf-8"), golden.name).records
    expected = EXPECTED / "relapse-after-hsct.phenopacket.source.json"
    assert source_map(record) == json.loads(expected.read_text(encoding="utf-8"))


def test_an_emkg_order_replaces_the_onset_ages_and_an_unknown_response_is_kept_as_given():
    def change(p):
        p["metaData"]["externalReferences"].append(ref("EMKG-ORDER", "#/diseases/1", "1"))
        p["medicalActions"][0]["responseToTreatment"] = {"id": "NCIT:C99999", "label": "made-up response"}
        p["metaData"]["foo"] = 1

    conversion = convert(minimal_with(change), "p.json")
    assert [(p.path, p.message) for p in conversion.problems] == [
        ("metaData.foo", "'foo' is not a field of this Phenopacket element (the official phenopackets package refuses "
         "it); emkg's quotes and grades go in metaData.externalReferences (EMKG-QUOTE, EMKG-GRADE; see `emkg "
         "record-format`)")]
    assert conversion.warnings == []
    (record,) = conversion.records
    facts = record.data["patients"][0]["facts"]
    assert [(f["type"], f.get("order")) for f in facts[1:3]] == [("diagnosis", None), ("relapse", 1)]
    assert facts[-1]["outcome"] == "NCIT:C99999"


def test_a_number_where_an_evidence_or_a_dose_interval_belongs_is_refused_not_a_crash():
    refused = [("(top level)", 1, "not a valid Phenopacket v2 value (official phenopackets package: 'int' object is "
                "not iterable)", None)]
    evidence = convert(minimal_with(lambda p: p.update(
        phenotypicFeatures=[{"type": {"id": "HP:0001945"}, "evidence": [5]}])), "p.json")
    assert [(p.path, p.line, p.message, p.value) for p in evidence.problems] == refused
    assert [(w.path, w.line, w.message) for w in evidence.warnings] == [
        ("phenotypicFeatures[0].evidence[0]", 124, "evidence without reference.description gives no quote")]
    dose = convert(minimal_with(lambda p: p["medicalActions"][0]["treatment"].update(doseIntervals=[5])), "p.json")
    assert [(p.path, p.line, p.message, p.value) for p in dose.problems] == refused and dose.warnings == []
    infusion = next(f for f in dose.records[0].data["patients"][0]["facts"] if f["type"] == "car-t-infusion")
    assert "dose" not in infusion


def test_an_age_that_is_not_a_duration_is_kept_as_given_and_refused_at_its_line():
    """'14 years' is not ISO 8601: the record keeps the text, so the record check names it at the packet's line,
    rather than the age vanishing unseen."""
    from loaders.yaml_record import RecordInvalid, build_record

    conversion = convert(minimal_with(lambda p: p["subject"].update(
        timeAtLastEncounter={"age": {"iso8601duration": "14 years"}})), "p.json")
    assert conversion.problems == [] and conversion.warnings == []
    (record,) = conversion.records
    assert record.data["patients"][0]["facts"][0] == {"id": "demographics-1", "type": "demographics",
                                                      "sex": "emkg:Male", "age_years": "14 years",
                                                      "quote": ["a 12-year-old boy"]}
    with pytest.raises(RecordInvalid) as caught:
        build_record(record.data, record.source.lines, "p.json")
    assert [(p.path, p.line, p.message, p.value) for p in caught.value.problems] == [
        ("patients[0].facts[0].age_years", 8, "expected a number written as digits, e.g. 5.0e6 (units go in 'unit')",
         "14 years")]
