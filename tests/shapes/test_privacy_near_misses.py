"""PrivacyShape on realistic texts: each identifier kind on its own (one pattern of the shape's target and
one of its constraint at a time), and near misses of clinical writing that must pass. One validation of
one small graph (one text per node); each flagged node is pinned by focus, value and the kind named."""

from __future__ import annotations

import pytest
from rdflib import RDFS, Graph, Literal, URIRef

from emkg.graph import ontology_graph, shapes_graph
from emkg.shacl import validate

NODE = "https://w3id.org/emkg/case/privacy-test/"

# (id, text, the kind of identifier the message names; None: a near miss that must pass)
TEXTS = [
    ("title-and-name", "She was referred by Dr. Smith for CAR-T.", "a personal name"),
    ("title-without-point", "Seen by Mrs Lee before infusion.", "a personal name"),
    ("patient-two-names", "Patient Zhang Wei relapsed in the testis.", "a personal name"),
    ("patients-name", "The patient's name was withheld.", "a personal name"),
    ("name-colon", "Name: J. Doe", "a personal name"),
    ("email", "Contact j.doe@example.org for the data.", "an email address"),
    ("phone-digits", "Call 555-123-4567 to reach the ward.", "a phone number"),
    ("phone-word", "tel. 5551234", "a phone number"),
    ("date-of-birth", "Date of birth unknown.", "a date of birth"),
    ("dob", "DOB withheld", "a date of birth"),
    ("born-on", "born on 3 May", "a date of birth"),
    ("iso-date", "relapse confirmed 2019-06-12", "an exact date"),
    ("dmy-date", "infused on 12/06/2019", "an exact date"),
    ("day-month-year", "infused on 12 June 2019", "an exact date"),
    ("month-day-year", "infused on June 12, 2019", "an exact date"),
    ("mrn", "MRN 0012345 on file", "a medical record number"),
    ("record-number", "hospital number 88-123", "a medical record number"),
    ("street", "lives at 12 Baker Street", "a street address"),
    ("address-colon", "Address: withheld", "a street address"),
    # near misses: clinical writing that names no one and no exact day
    ("heading", "Patient Characteristics are given in Table 1.", None),
    ("patient-number", "Patient 1 (UPN 12) had a testicular relapse.", None),
    ("month-year", "relapsed in June 2019 and again in 2021", None),
    ("year-only", "diagnosed in 2016", None),
    ("born-in-year", "born in 2008", None),
    ("dose-range", "dose 1.5-2.0 x 10^6 cells/kg", None),
    ("trial-number", "registered as NCT03919240", None),
    ("weeks", "12 weeks after infusion", None),
    ("doctor-lowercase", "the dr. visit was uneventful", None),
    ("name-in-word", "rename: not applicable", None),
    ("phone-like-ratio", "CD19/CD22 ratio 3.2", None),
]


@pytest.fixture(scope="module")
def flagged() -> dict[str, tuple[str, str]]:
    graph = Graph()
    for key, text, _ in TEXTS:
        graph.add((URIRef(NODE + key), RDFS.comment, Literal(text)))
    _, violations, _ = validate(graph, shapes_graph(), ontology_graph())
    found = {}
    for v in violations:
        assert v.shape == "emkg:PrivacyShape" and v.focus.startswith(NODE), v
        found[v.focus.removeprefix(NODE)] = (v.value, v.message)
    return found


@pytest.mark.parametrize(("key", "text", "kind"), TEXTS, ids=[f"PrivacyShape-{k}" for k, _, _ in TEXTS])
def test_each_identifier_is_reported_and_each_near_miss_passes(key, text, kind, flagged):
    if kind is None:
        assert key not in flagged, flagged.get(key)
    else:
        value, message = flagged[key]
        assert value == text
        assert message.startswith(f"Remove {kind} from this text")
