"""emkg.record_checks exactly: every finding of `safety` (path, message, value, rule) on a record with each kind of
hostile or out-of-range value next to its near miss at the limit; the target check over several products; the
antigen short names read from the ontology."""

from __future__ import annotations

import pytest

from emkg import record_checks
from emkg.record_checks import MAX_DEPTH, MAX_ITEMS, MAX_OTHER_TEXT, Finding


def _nested(depth: int):
    node: object = "leaf"
    for _ in range(depth):
        node = {"n": node}
    return node


def test_safety_names_each_problem_and_passes_each_near_miss():
    data = {
        "patients": [{
            "id": "P1", "label": "x" * 300, "note": "y" * MAX_OTHER_TEXT,  # at the limits: fine
            "facts": [
                {"id": "bad id", "day": 36_600, "day_min": -36_600, "order": 100_000, "infusion_number": 1_000},
                {"id": "f1b", "day_max": -36_600, "order": 0, "infusion_number": 0},  # the limits: fine
                {"id": "f2", "day": -36_601, "day_min": 36_601, "order": -1, "infusion_number": 1_001},
                {"id": "f3", "dose": float("inf"), "value": float("nan"), "count": 10**18 + 1, "small": 10**18},
                {"id": "f4", "quote": "q" * 2_001, "label": "tab\there is fine", "note": "bell\x07",
                 "other": "\ud800x"},
            ],
        }],
        "publication": {"source_text": "../secret.txt", "title": "t" * 1_001},
        "products": [{"id": "car.t_19-v2", "name": "n" * 301}],
        "nested": _nested(MAX_DEPTH),
        "list": list(range(MAX_ITEMS + 1)),
        7: "a key that is not text",
        "ok\x01key": 1,
    }
    found = record_checks.safety(data)
    assert found == [
        Finding("Violation", "patients[0].facts[0].id", "an id is letters, digits, '-', '_' or '.' (no spaces or "
                "line breaks, at most 120 characters)", "bad id", "ids"),
        Finding("Violation", "patients[0].facts[2].day", "'day' must lie between -36600 and 36600", -36_601,
                "numbers"),
        Finding("Violation", "patients[0].facts[2].day_min", "'day_min' must lie between -36600 and 36600", 36_601,
                "numbers"),
        Finding("Violation", "patients[0].facts[2].order", "'order' must lie between 0 and 100000", -1, "numbers"),
        Finding("Violation", "patients[0].facts[2].infusion_number", "'infusion_number' must lie between 0 and 1000",
                1_001, "numbers"),
        Finding("Violation", "patients[0].facts[3].dose", "a number must be finite", "inf", "numbers"),
        Finding("Violation", "patients[0].facts[3].value", "a number must be finite", "nan", "numbers"),
        Finding("Violation", "patients[0].facts[3].count", "number out of range", 10**18 + 1, "numbers"),
        Finding("Violation", "patients[0].facts[4].quote", "longer than 2000 characters (2001); quote a short "
                "passage, not the whole text", "q" * 60 + "...", "limits"),
        Finding("Violation", "patients[0].facts[4].note", "contains a control character; remove it", "bell\\x07",
                "unicode"),
        Finding("Violation", "patients[0].facts[4].other", "contains a lone UTF-16 surrogate (broken Unicode); "
                "retype the character", "\\ud800x", "unicode"),
        Finding("Violation", "publication.source_text", "source_text is a plain file name (no folders, nothing "
                "hidden)", "../secret.txt", "ids"),
        Finding("Violation", "publication.title", "longer than 1000 characters (1001); quote a short passage, not "
                "the whole text", "t" * 60 + "...", "limits"),
        Finding("Violation", "products[0].name", "longer than 300 characters (301); quote a short passage, not the "
                "whole text", "n" * 60 + "...", "limits"),
        Finding("Violation", "nested" + ".n" * MAX_DEPTH, f"nested deeper than {MAX_DEPTH} levels",
                rule="limits"),
        Finding("Violation", "list", f"more than {MAX_ITEMS} items", MAX_ITEMS + 1, "limits"),
        Finding("Violation", "(top level)", "field names are plain text", "7", "unicode"),
        Finding("Violation", "(top level)", "field names are plain text", "ok\x01key", "unicode"),
    ]


def _listed(depth: int):
    node: object = "leaf"
    for _ in range(depth):
        node = [node]
    return node


def test_a_list_at_the_item_limit_and_a_tree_at_the_depth_limit_pass():
    assert record_checks.safety({"list": [0] * MAX_ITEMS, "nested": _nested(MAX_DEPTH - 1)}) == []
    assert record_checks.safety({"lists": _listed(MAX_DEPTH - 1)}) == []
    assert record_checks.safety({"lists": _listed(MAX_DEPTH)}) == [
        Finding("Violation", "lists" + "[0]" * MAX_DEPTH, f"nested deeper than {MAX_DEPTH} levels", rule="limits")]


@pytest.mark.parametrize("value", [True, False, None, 0, 0.0, -0.5, "CD19 CAR-T", "slug-1.2_x"])
def test_plain_values_pass(value):
    assert record_checks.safety({"patients": [{"id": "P1", "note": value}]}) == []


def test_target_warnings_go_through_every_product():
    names = {"PR:000001002": "CD19", "PR:000001288": "CD22"}
    data = {"products": [
        "not a product",
        {"name": "a product whose text names no antigen", "targets": ["PR:000001002"]},
        {"name": "anti-CD22 CAR-T with a CD8 hinge and CD28", "targets": ["PR:000001002", "PR:000001288", "PR:0"],
         "quote": "a CD 22 directed product"},
        {"name": "CD19/CD-22 bispecific", "targets": ["PR:000001288", "PR:000001002"]},
        {"name": "BCMA CAR", "targets": ["PR:000001002"]},
    ]}
    assert record_checks.target_warnings(data, names) == [
        Finding("Warning", "products[2].targets[0]", "target CD19 is not named in the product's quote or name, "
                "which name CD22; check the target", "PR:000001002", "targets"),
        Finding("Warning", "products[4].targets[0]", "target CD19 is not named in the product's quote or name, "
                "which name BCMA; check the target", "PR:000001002", "targets"),
    ]


def test_antigen_short_names_of_the_ontology():
    from emkg.graph import ontology_graph

    # from the labels: 'CD19 molecule', 'B-cell receptor CD22', 'CD34 molecule', 'B-cell receptor CD22 (human)',
    # 'B-lymphocyte antigen CD19 (human)'
    assert record_checks.antigen_short_names(ontology_graph()) == {
        "PR:000001002": "CD19", "PR:000001288": "CD22", "PR:000001003": "CD34", "PR:P20273": "CD22",
        "PR:P15391": "CD19"}
