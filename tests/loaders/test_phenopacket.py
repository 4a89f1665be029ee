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


@pytest.mark.parametrize("text", ['{"id": 1}', "[1]", '{"subject": {}', "not json"])
def test_not_a_phenopacket_is_unusable(text):
    with pytest.raises(Unusable):
        convert(text, "p.json")
