"""Phenopacket v2 -> record data: the mapped subset, JSON paths with lines, warnings for the rest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.phenopacket import convert
from loaders.source_map import Unusable
from loaders.yaml_record import build_record

RECORDS = Path(__file__).parent.parent / "records"
VALID = RECORDS / "valid" / "minimal-case.phenopacket.json"


def test_the_valid_packet_maps_to_a_case_record():
    conversion = convert(VALID.read_text(encoding="utf-8"), VALID.name)
    assert not conversion.problems and not conversion.warnings
    (record,) = conversion.records
    assert record.data["publication"]["pmid"] == "99999999"
    (product,) = record.data["products"]
    assert product["targets"] == ["PR:000001002"] and product["product_class"] == ["NCIT:C102758"]
    facts = {f["type"]: f for f in record.data["patients"][0]["facts"]}
    assert facts["demographics"]["sex"] == "emkg:Male" and facts["demographics"]["age_years"] == 12.0
    assert facts["relapse"]["sites"] == ["UBERON:0000473"]
    assert facts["diagnosis"]["order"] < facts["relapse"]["order"]  # ordered by onset age
    assert facts["car-t-infusion"]["dose"] == {"value": 1000000, "unit": "emkg:CellsPerKilogram"}
    assert facts["toxicity"]["grade"] == 2 and facts["response"]["outcome"] == "emkg:CompleteRemission"
    assert facts["response"]["assesses"] == facts["car-t-infusion"]["id"]
    build_record(record.data, record.source.lines, VALID.name)  # reads as a record


def test_the_valid_packet_is_a_standard_phenopacket():
    """The official package reads it: emkg's quotes and grades are annotations, not unknown fields."""
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    packet = Parse(VALID.read_text(encoding="utf-8"), Phenopacket())
    assert packet.subject.id == "P1" and len(packet.meta_data.external_references) == 8


def test_problems_and_warnings_name_json_path_and_line():
    packet = json.loads(VALID.read_text(encoding="utf-8"))
    packet["subject"]["dateOfBirth"] = "2012-03-04T00:00:00Z"
    packet["interpretations"] = []
    text = json.dumps(packet, indent=2)
    conversion = convert(text, "p.json")
    lines = text.splitlines()
    ((problem,), (warning,)) = conversion.problems, conversion.warnings
    assert problem.path == "subject.dateOfBirth" and '"dateOfBirth"' in lines[problem.line - 1]
    assert warning.path == "interpretations" and '"interpretations"' in lines[warning.line - 1]
    (record,) = conversion.records
    assert record.source.source_field("patients[0].facts[3].dose.unit") == \
        "medicalActions[0].treatment.doseIntervals[0].quantity"
    assert record.source.source_field("patients[0].facts[4].quote[0]") == "metaData.externalReferences[5].description"


def packet_with(change) -> tuple[str, list[str]]:
    packet = json.loads(VALID.read_text(encoding="utf-8"))
    change(packet)
    text = json.dumps(packet, indent=2)
    return text, text.splitlines()


def test_a_value_outside_an_enumeration_is_refused_not_dropped():
    text, lines = packet_with(lambda p: p["subject"].update(sex="M"))
    (problem,) = convert(text, "p.json").problems
    assert problem.path == "subject.sex" and problem.value == "M" and '"sex": "M"' in lines[problem.line - 1]


def test_a_field_the_standard_does_not_have_is_refused_by_the_official_package():
    text, lines = packet_with(lambda p: p["diseases"][0].update(quote="diagnosed with B-ALL"))
    conversion = convert(text, "p.json")
    (problem,) = conversion.problems
    assert problem.path == "diseases[0].quote" and "EMKG-QUOTE" in problem.message
    assert '"quote"' in lines[problem.line - 1] and not conversion.warnings  # each problem once


def test_unmapped_parts_are_warnings_naming_the_json_path():
    def change(p):
        p["medicalActions"][0]["treatment"]["routeOfAdministration"] = {"id": "NCIT:C38276", "label": "IV"}
        p["medicalActions"].append({"radiationTherapy": {"modality": {"id": "NCIT:C15313"},
                                                         "bodySite": {"id": "UBERON:0000473"}, "dosage": 24}})

    text, lines = packet_with(change)
    conversion = convert(text, "p.json")
    assert sorted(w.path for w in conversion.warnings) == ["medicalActions[0].treatment.routeOfAdministration",
                                                           "medicalActions[1].radiationTherapy.dosage"]
    assert all(w.line and w.path.rsplit(".", 1)[-1] in lines[w.line - 1] for w in conversion.warnings)


def test_an_unregistered_product_carries_its_target_and_a_publication_without_pmid_or_doi():
    def change(p):
        p["medicalActions"][0]["treatment"]["agent"] = {"id": "emkg:product/x", "label": "CD22 CAR-T"}
        p["metaData"]["externalReferences"][0]["id"] = "chictr2000036350"
        p["metaData"]["externalReferences"].append(
            {"id": "EMKG-TARGET", "reference": "#/medicalActions/0/treatment/agent", "description": "PR:000001288"})

    text, _ = packet_with(change)
    conversion = convert(text, "p.json")
    assert not conversion.problems
    (record,) = conversion.records
    assert record.data["products"][0]["targets"] == ["PR:000001288"]
    assert record.data["publication"]["id"] == "chictr2000036350"


@pytest.mark.parametrize("text", ['{"id": 1}', "[1]", '{"subject": {}', "not json"])
def test_not_a_phenopacket_is_unusable(text):
    with pytest.raises(Unusable):
        convert(text, "p.json")


def with_laterality_and_timing(p):
    p["diseases"][1]["laterality"] = {"id": "HP:0012835", "label": "Left"}
    p["metaData"]["externalReferences"].append(
        {"id": "EMKG-TIMING", "reference": "#/diseases/1",
         "description": "about 40 emkg:Day after emkg:RemissionEvent"})


def test_laterality_and_timing_map_to_the_record():
    text, _ = packet_with(with_laterality_and_timing)
    conversion = convert(text, "p.json")
    assert not conversion.problems and not conversion.warnings
    (record,) = conversion.records
    relapse = next(f for f in record.data["patients"][0]["facts"] if f["type"] == "relapse")
    assert relapse["site_details"] == {"site": "UBERON:0000473", "laterality": "emkg:Left"}
    assert relapse["timing"] == [{"from_event": "emkg:RemissionEvent", "after": {"value": "40", "unit": "emkg:Day"},
                                  "approximate": True}]
    build_record(record.data, record.source.lines, "p.json")  # reads as a record


def test_unknown_laterality_and_unreadable_timing_are_named_with_json_path_and_line():
    def change(p):
        with_laterality_and_timing(p)
        p["diseases"][1]["laterality"] = {"id": "HP:0012833", "label": "Unilateral"}
        p["metaData"]["externalReferences"][-1]["description"] = "forty days after remission"

    text, lines = packet_with(change)
    problems = {p.path: p for p in convert(text, "p.json").problems}
    assert set(problems) == {"diseases[1].laterality.id", "metaData.externalReferences[8].description"}
    assert '"HP:0012833"' in lines[problems["diseases[1].laterality.id"].line - 1]
    assert "forty days" in lines[problems["metaData.externalReferences[8].description"].line - 1]


def test_the_mapping_fills_only_the_fields_its_generated_list_names():
    """loaders/phenopacket_fields.py (generated from the schema's `phenopacket` annotations) lists every record
    field the mapping fills: a packet using every mapped element gives no other field, and each listed field
    is filled by it."""
    from loaders.phenopacket_fields import MAPPED

    def everything(p):
        with_laterality_and_timing(p)
        p["phenotypicFeatures"] = [{"type": {"id": "HP:0001945", "label": "Fever"}, "description": "high fever",
                                    "excluded": True}]
        p["measurements"] = [{"assay": {"id": "emkg:CarTCells", "label": "CAR-T cells"}, "description": "5% CAR-T",
                              "value": {"quantity": {"unit": {"id": "emkg:Percent", "label": "%"}, "value": 5}}}]
        p["medicalActions"] += [
            {"radiationTherapy": {"modality": {"id": "NCIT:C15313", "label": "Radiation Therapy"},
                                  "bodySite": {"id": "UBERON:0000473", "label": "testis"}}},
            {"procedure": {"code": {"id": "NCIT:C46089", "label": "Allogeneic HSCT"}}},
            {"treatment": {"agent": {"id": "NCIT:C1094", "label": "fludarabine"}}}]
        p["metaData"]["externalReferences"] += [
            {"id": "EMKG-DAY", "reference": "#/medicalActions/0/adverseEvents/0", "description": "5"},
            {"id": "EMKG-ORDER", "reference": "#/diseases/0", "description": "1"},
            {"id": "EMKG-SOURCE-TEXT", "reference": "#/", "description": "case.txt"}]

    text, _ = packet_with(everything)
    conversion = convert(text, "p.json")
    assert not conversion.problems, conversion.problems
    (record,) = conversion.records
    filled = {("publication", k) for k in record.data["publication"]}
    filled |= {("product", k) for product in record.data["products"] for k in product}
    for patient in record.data["patients"]:
        filled |= {("patient", k) for k in patient}
        filled |= {(fact["type"], k) for fact in patient["facts"] for k in fact}
    unlisted = {(part, name) for part, name in filled if (part, name) not in MAPPED and ("fact", name) not in MAPPED}
    assert not unlisted, f"fields the mapping fills but loaders/phenopacket_fields.py does not list: {unlisted}"
    from loaders import record_schema as schema

    parts = {"publication": schema.PUBLICATION, "product": schema.PRODUCT, "patient": schema.PATIENT,
             "fact": schema.Part("fact", "emkg:Fact", schema.COMMON_FACT_FIELDS), **schema.FACT_TYPES}
    assert all(name in parts[part].by_name for part, name in MAPPED), "a listed field the record format lacks"
    # this one packet fills all listed fields but the alternatives it does not use (a DOI, a grade range)
    assert set(MAPPED) - filled - {(p, n) for p, n in MAPPED if p == "fact"} == {("publication", "doi"),
                                                                                 ("toxicity", "grade_max")}
