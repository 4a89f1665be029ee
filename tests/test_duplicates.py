"""Duplicate detection (emkg.record_checks.duplicate_findings) on realistic near misses: the same patient
reported again by another publication or in the same submission is found; a patient who differs in one
identifying detail (age, sex, site, product, centre, a day) is not."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from emkg.record_checks import duplicate_findings, signature


def record(pub_id="smith-2024-testis", centres=("Example Hospital",), **patient_changes) -> dict:
    facts = {
        "demo": {"id": "demo", "type": "demographics", "age_years": 12, "sex": "emkg:Male"},
        "relapse": {"id": "relapse", "type": "relapse", "sites": ["UBERON:0000473"]},
        "inf": {"id": "inf", "type": "car-t-infusion", "product": "cart19"},
        "crs": {"id": "crs", "type": "toxicity", "day": 5},
        "cr": {"id": "cr", "type": "response", "day": 28},
    }
    for key, change in patient_changes.items():
        if change is None:
            facts.pop(key)
        else:
            facts[key] = {**facts[key], **change}
    return {"publication": {"id": pub_id, "doi": None, "pmid": None, "centres": list(centres)},
            "products": [{"id": "cart19", "name": "CD19 CAR-T", "targets": ["PR:000001002"],
                          "costimulatory_domains": ["emkg:FourOneBBDomain"]}],
            "patients": [{"id": "P1", "facts": list(facts.values())}]}


EXISTING = [(Path("evidence/jones-2023-testis.yaml"), record("jones-2023-testis"))]


def findings(submitted: dict, existing=EXISTING, replacing=frozenset()) -> list:
    return duplicate_findings([submitted], existing, set(replacing))[0]


def test_the_same_patient_in_another_publication_at_the_same_centre_is_a_duplicate():
    (found,) = findings(record(centres=("example  HOSPITAL",)))  # spacing and case do not matter
    assert (found.severity, found.path, found.value) == ("Violation", "patients[0]", "P1")
    assert "matches patient 'P1' in jones-2023-testis.yaml" in found.message
    assert "same centre, age, sex, relapse sites, product and days" in found.message


@pytest.mark.parametrize("change", [
    {"demo": {"age_years": 13}},
    {"demo": {"sex": "emkg:Female"}},
    {"relapse": {"sites": ["UBERON:0001017"]}},
    {"relapse": {"sites": ["UBERON:0000473", "UBERON:0001017"]}},
    {"crs": {"day": 6}},
    {"cr": None},
], ids=["age", "sex", "site", "extra-site", "day", "one-fact-fewer"])
def test_a_patient_differing_in_one_detail_is_not_a_duplicate(change):
    assert findings(record(**change)) == []


def test_another_product_or_centre_is_not_a_duplicate():
    other_target = record()
    other_target["products"][0]["targets"] = ["PR:000001288"]
    assert findings(other_target) == []
    other_domain = record()
    other_domain["products"][0]["costimulatory_domains"] = ["emkg:CD28Domain"]
    assert findings(other_domain) == []
    assert findings(record(centres=("Another Hospital",))) == []


def test_without_a_centre_the_days_must_back_the_match():
    assert len(findings(record(centres=()))) == 1  # age, sex, product, site and two days agree
    no_days = record(centres=(), crs={"day": None}, cr={"day": None})
    existing = [(Path("evidence/jones-2023-testis.yaml"), record("jones-2023-testis", crs={"day": None},
                                                                cr={"day": None}))]
    assert findings(no_days, existing) == []  # a profile alone (12-year-old boy, testis, CD19) is common


def test_too_little_to_tell_patients_apart_is_never_a_duplicate():
    no_product = record(inf=None)
    assert signature(no_product, no_product["patients"][0]) is None
    assert findings(no_product) == []
    unknown_age_no_days = record(demo={"age_years": None}, crs={"day": None}, cr={"day": None})
    assert signature(unknown_age_no_days, unknown_age_no_days["patients"][0]) is None
    two_days_no_age = record(demo={"age_years": None})
    assert signature(two_days_no_age, two_days_no_age["patients"][0]) is not None


@pytest.mark.parametrize(("key", "mine", "theirs"), [
    ("id", "jones-2023-testis", "jones-2023-testis"),
    ("doi", "10.1000/ABC.123", "10.1000/abc.123 "),
    ("pmid", "31234567", "31234567"),
])
def test_the_same_publication_is_named_with_the_field_that_matched(key, mine, theirs):
    submitted = record("new-id")
    submitted["publication"][key] = mine
    other = copy.deepcopy(EXISTING[0][1])
    other["publication"][key] = theirs
    (found,) = findings(submitted, [(Path("evidence/jones-2023-testis.yaml"), other)])
    assert found.path == f"publication.{key}" and found.value == mine
    assert "already curated in jones-2023-testis.yaml" in found.message and "patients: P1" in found.message


def test_a_record_being_replaced_is_not_its_own_duplicate():
    assert findings(record("jones-2023-testis"), replacing={"jones-2023-testis.yaml"}) == []


def test_a_patient_repeated_within_one_submission_is_found():
    submitted = record("new-series")
    second = copy.deepcopy(submitted["patients"][0])
    second["id"] = "P2"
    submitted["patients"].append(second)
    found = findings(submitted, existing=[])
    assert [(f.path, f.value) for f in found] == [("patients[1]", "P2")]
    assert "repeats patient 'P1' of new-series of this submission" in found[0].message
