"""loaders.csv_template._rows: the header and data rows with their lines, and each refusal's whole message."""

from __future__ import annotations

import pytest

from loaders import csv_template
from loaders.csv_template import _rows
from loaders.limits import MAX_LITERAL_CHARS
from loaders.source_map import Unusable


def _refusal(text):
    with pytest.raises(Unusable) as error:
        _rows(text, "cases.csv")
    return str(error.value)


def test_comments_and_blank_rows_are_left_out_and_lines_kept():
    text = "# a comment\n publication_id ,patient_id\n\n,,\nPMID:1,P1\n# note\n\"PMID:2\",\"P\n2\"\nPMID:3,P3\n"
    assert _rows(text, "cases.csv") == [(2, ["publication_id", "patient_id"]), (5, ["PMID:1", "P1"]),
                                        (7, ["PMID:2", "P\n2"]), (9, ["PMID:3", "P3"])]


def test_a_column_named_twice_is_refused():
    assert _refusal("# x\npublication_id,patient_id, patient_id,age,age\nPMID:1,P1,P1,3,4\n") == (
        "cases.csv:2: the header names the column(s) age, patient_id more than once; which one holds the value "
        "would be a guess")


def test_no_header_or_no_rows_is_refused():
    assert _refusal("patient_id\nP1\n") == (
        "cases.csv: no header row naming publication_id; start from `emkg template csv`")
    assert _refusal("") == "cases.csv: no header row naming publication_id; start from `emkg template csv`"
    assert _refusal("publication_id,patient_id\n# only a comment\n") == (
        "cases.csv: no rows: the file has a header but no patient rows")


def test_a_cell_over_the_limit_is_refused_and_the_csv_limit_restored():
    before = csv_template.csv.field_size_limit()
    assert _refusal("publication_id,note\nPMID:1," + "x" * (MAX_LITERAL_CHARS + 1) + "\n") == (
        f"cases.csv:2: a cell over the limit of {MAX_LITERAL_CHARS:,} characters")
    assert csv_template.csv.field_size_limit() == before


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(csv_template, "MAX_ROWS", 2)
    assert _rows("publication_id\nA\nB\n", "cases.csv") == [(1, ["publication_id"]), (2, ["A"]), (3, ["B"])]
    assert _refusal("publication_id\nA\nB\n# c\nC\n") == (
        "cases.csv:5: more than 2 rows, over the limit; split the file")
