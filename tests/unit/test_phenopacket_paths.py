"""loaders.phenopacket: where the publication's parts, evidence quotes and a wrong schema version are reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.phenopacket import convert
from loaders.source_map import Unusable

VALID = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.phenopacket.json"


def _packet(change) -> tuple[str, list[str]]:
    packet = json.loads(VALID.read_text(encoding="utf-8"))
    change(packet)
    text = json.dumps(packet, indent=2)
    return text, text.splitlines()


def _line_of(lines, needle):
    (number,) = [i + 1 for i, line in enumerate(lines) if needle in line]
    return number


def test_the_publication_parts_map_back_to_their_external_reference():
    text, lines = _packet(lambda p: p["metaData"]["externalReferences"].append(
        {"id": "EMKG-SOURCE-TEXT", "reference": "#/", "description": "made-up-case.md"}))
    (record,) = convert(text, "p.json").records
    assert record.data["publication"]["source_text"] == "made-up-case.md"
    source_text_line = _line_of(lines, '"description": "made-up-case.md"')
    assert record.source.locate("publication.source_text") == ("metaData.externalReferences[8].description",
                                                              source_text_line)
    pmid_line = _line_of(lines, '"id": "PMID:99999999"')
    assert record.source.locate("publication.pmid") == ("metaData.externalReferences[0].id", pmid_line)
    assert record.source.locate("publication.quote") == ("metaData.externalReferences[0].description",
                                                        _line_of(lines, "A made-up test case"))


def test_evidence_descriptions_are_quotes_and_evidence_without_one_is_a_warning():
    def change(p):
        p["phenotypicFeatures"] = [{"type": {"id": "HP:0001945", "label": "Fever"}, "evidence": [
            "not an object", {"evidenceCode": {"id": "ECO:0000033", "label": "author statement"}},
            {"evidenceCode": {"id": "ECO:0000033", "label": "author statement"},
             "reference": {"id": "PMID:99999999", "description": "fever on day 3"}}]}]

    text, lines = _packet(change)
    conversion = convert(text, "p.json")
    assert [(w.path, w.message) for w in conversion.warnings] == [
        ("phenotypicFeatures[0].evidence[0]", "evidence without reference.description gives no quote"),
        ("phenotypicFeatures[0].evidence[1]", "evidence without reference.description gives no quote")]
    (record,) = conversion.records
    (observation,) = [f for f in record.data["patients"][0]["facts"] if f["type"] == "observation"]
    assert observation["quote"] == ["fever on day 3"]


@pytest.mark.parametrize(("change", "where", "version"), [
    (lambda p: p.pop("metaData"), "?", "None"),
    (lambda p: p["metaData"].pop("phenopacketSchemaVersion"), "metaData", "None"),
    (lambda p: p["metaData"].update(phenopacketSchemaVersion="1.0"), "version", "'1.0'"),
])
def test_only_schema_2_is_read_and_the_refusal_names_the_line(change, where, version):
    text, lines = _packet(change)
    line = {"?": "?", "metaData": '"metaData"', "version": '"phenopacketSchemaVersion"'}[where]
    line = line if line == "?" else _line_of(lines, line)
    with pytest.raises(Unusable) as error:
        convert(text, "p.json")
    assert str(error.value) == (f"p.json:{line}: metaData.phenopacketSchemaVersion is {version}; only Phenopacket "
                                'schema 2 (e.g. "2.0") is read')
