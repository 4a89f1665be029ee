"""Measurements in the Phenopacket export: the assay is the fact's analyte, a value with its unit, the finding
as description, and the fact's quotes and day as annotations pointing at the measurement."""

from __future__ import annotations

import json
from pathlib import Path

from support.records import edited_copy

from emkg.graph import ontology_graph
from emkg.phenopacket_export import export_phenopackets
from loaders.yaml_record import read_record

MINIMAL = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.yaml"
MEASUREMENTS = """
      - id: car-csf
        type: measurement
        day: 3
        analyte: emkg:CarTCells
        value: 465026
        unit: emkg:CopiesPerMicrogramDNA
        finding: "CAR transgene in CSF"
        quote: "465026 copies per ug DNA in CSF"
      - id: car-blood
        type: measurement
        analyte: emkg:CarTCells
        unit: emkg:CopiesPerMicrogramDNA
        quote: "less in blood"
"""


def exported(tmp_path: Path) -> dict:
    text = MINIMAL.read_text(encoding="utf-8")
    record = edited_copy(text, tmp_path / "case.yaml", {'quote: "complete remission at day 28"\n':
                                                       'quote: "complete remission at day 28"\n' + MEASUREMENTS})
    (written,) = export_phenopackets(read_record(record).graph + ontology_graph(), tmp_path / "out")
    return json.loads(written.read_text(encoding="utf-8"))


def test_measurements_carry_their_analyte_value_unit_and_finding(tmp_path):
    packet = exported(tmp_path)
    car_t = {"id": "emkg:CarTCells", "label": "CAR-T cells"}
    copies = {"id": "emkg:CopiesPerMicrogramDNA", "label": "copies/ug DNA"}
    assert packet["measurements"] == [  # in the order of the facts' IRIs: car-blood, car-csf
        {"assay": car_t},  # a unit without a value is not a quantity
        {"assay": car_t, "value": {"quantity": {"value": 465026.0, "unit": copies}},
         "description": "CAR transgene in CSF"},
    ]
    notes = [r for r in packet["metaData"]["externalReferences"] if r.get("reference", "").startswith("#/measure")]
    assert [(r["reference"], r["description"]) for r in notes] == [
        ("#/measurements/0", "less in blood"),
        ("#/measurements/1", "465026 copies per ug DNA in CSF"), ("#/measurements/1", "3")]

