"""Phenopacket import: the case's publication is its first external reference that is not an annotation
(id -> id, label, PMID or DOI; description -> quote), with a warning for each further one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.phenopacket import convert

VALID = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.phenopacket.json"
QUOTE = "A made-up test case of isolated testicular relapse."


def converted(first_reference: dict | None, *extra: dict):
    packet = json.loads(VALID.read_text(encoding="utf-8"))
    annotations = packet["metaData"]["externalReferences"][1:]
    first = [first_reference] if first_reference else []
    packet["metaData"]["externalReferences"] = first + list(extra) + annotations
    return convert(json.dumps(packet, indent=2), "p.json")


@pytest.mark.parametrize(("ref_id", "expected"), [
    ("PMID:99999999", {"id": "pmid-99999999", "label": "PMID:99999999", "pmid": "99999999"}),
    ("pubmed:123", {"id": "pubmed-123", "label": "pubmed:123", "pmid": "123"}),
    ("DOI:10.1000/xyz.1", {"id": "doi-10-1000-xyz-1", "label": "DOI:10.1000/xyz.1", "doi": "10.1000/xyz.1"}),
    ("doi:10.1/A", {"id": "doi-10-1-a", "label": "doi:10.1/A", "doi": "10.1/A"}),
    ("ChiCTR2000036350", {"id": "chictr2000036350", "label": "ChiCTR2000036350"}),
    ("PMIDX:1", {"id": "pmidx-1", "label": "PMIDX:1"}),
])
def test_the_first_reference_gives_the_publication(ref_id, expected):
    conversion = converted({"id": ref_id, "description": QUOTE})
    assert not conversion.problems and not conversion.warnings
    (record,) = conversion.records
    assert record.data["publication"] == {**expected, "design": "emkg:CaseReport", "quote": QUOTE}
    assert record.source.source_field("publication.id") == "metaData.externalReferences[0].id"
    assert record.source.source_field("publication.quote") == "metaData.externalReferences[0].description"


def test_a_reference_without_id_or_description_gives_an_unknown_publication_without_label_or_quote():
    conversion = converted({"reference": "https://example.org/case"})
    (record,) = conversion.records
    assert record.data["publication"] == {"id": "unknown-publication", "design": "emkg:CaseReport"}


def test_a_reference_whose_id_has_no_letters_or_digits_is_an_unknown_publication_labelled_by_its_id():
    (record,) = converted({"id": "::", "description": QUOTE}).records
    assert record.data["publication"] == {"id": "unknown-publication", "label": "::", "design": "emkg:CaseReport",
                                          "quote": QUOTE}


def test_only_the_first_reference_is_the_publication_the_others_are_warned_about():
    conversion = converted({"id": "PMID:1", "description": QUOTE}, {"id": "PMID:2"}, {"id": "DOI:10.1/x"})
    (record,) = conversion.records
    assert record.data["publication"]["pmid"] == "1"
    assert [(w.path, w.message) for w in conversion.warnings] == [
        (f"metaData.externalReferences[{i}]", "only the first external reference is taken as the case's publication")
        for i in (1, 2)]


def test_a_packet_without_a_publication_reference_is_refused_with_what_to_add():
    conversion = converted(None)
    assert [(p.path, p.message) for p in conversion.problems] == [
        ("metaData.externalReferences", "a case needs its source: add metaData.externalReferences with the "
         "publication's id (PMID:..., DOI:... or your own id) and a quote as its description")]
