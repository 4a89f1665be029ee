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
