"""The CSV template: documented from one table, converted to the record structure, problems at row + column."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from loaders import csv_template
from loaders.core import Problem
from loaders.limits import MAX_LITERAL_CHARS, MAX_ROWS
from loaders.source_map import Unusable
from loaders.yaml_record import build_record

VALID = Path(__file__).parent.parent / "records" / "valid" / "minimal-case.csv"


def rows(**changes: dict[str, str]) -> str:
    header, example = list(csv.reader(io.StringIO(VALID.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for patient, change in changes.items():
        row = dict(zip(header, example, strict=True)) | {"patient_id": patient} | change
        writer.writerow([row[h] for h in header])
    return out.getvalue()


def test_template_header_and_reference_come_from_the_one_table():
    header, example = list(csv.reader(io.StringIO(csv_template.template())))
    assert header == [c.name for c in csv_template.COLUMNS]
    assert example[0].startswith("#")  # skipped when read back
    reference = csv_template.reference()
    for column in csv_template.COLUMNS:
        assert f"| `{column.name}` |" in reference


def test_a_row_becomes_the_record_structure():
    no_toxicity = {c.name: "" for c in csv_template.COLUMNS if c.part == "toxicity1"}
    conversion = csv_template.convert(rows(P1={}, P2=no_toxicity), "t.csv")
    assert not conversion.problems and not conversion.warnings
    (record,) = conversion.records
    assert [p["id"] for p in record.data["patients"]] == ["P1", "P2"]
    facts = record.data["patients"][0]["facts"]
    assert [f["type"] for f in facts] == ["demographics", "diagnosis", "relapse", "car-t-infusion", "toxicity",
                                          "response"]
    assert facts[3]["dose"] == {"value": "1.0e6", "unit": "emkg:CellsPerKilogram"}
    assert facts[2]["sites"] == ["UBERON:0000473"] and facts[2]["marrow_involved"] is False
    assert len(record.data["products"]) == 1  # rows naming the same product share it
    assert "toxicity" not in [f["type"] for f in record.data["patients"][1]["facts"]]
    loaded = build_record(record.data, record.source.lines, "t.csv")
    assert len(loaded.graph) > 50


def test_problems_name_the_row_line_and_column():
    conversion = csv_template.convert(rows(P1={}, P2={"infusion_dose_value": "5 x 10^6"}), "t.csv")
    (record,) = conversion.records
    assert record.source.source_field("patients[1].facts[3].dose.value") == "infusion_dose_value"
    assert record.source.lines[("patients", 1, "facts", 3, "dose", "value")] == 3
    assert record.source.source_field("patients[1].facts[3].dose.unit") == "infusion_dose_unit"


def test_rows_are_grouped_by_publication_and_conflicts_are_reported():
    two = csv_template.convert(rows(P1={}, P2={"publication_id": "other-pub"}), "t.csv")
    assert [r.data["publication"]["id"] for r in two.records] == ["test-minimal-csv-case", "other-pub"]
    clash = csv_template.convert(rows(P1={}, P2={"publication_label": "Something else"}), "t.csv")
    assert [(p.path, p.line) for p in clash.problems] == [("publication_label", 3)]


def test_unknown_columns_are_warnings_and_missing_required_columns_unusable():
    text = rows(P1={}).replace("publication_id,", "publication_id,extra_column,", 1)
    text = text.replace("\ntest-minimal-csv-case,", "\ntest-minimal-csv-case,x,", 1)
    warned = csv_template.convert(text, "t.csv")
    assert [(w.path, w.line) for w in warned.warnings] == [("extra_column", 1)]
    with pytest.raises(Unusable, match="patient_id"):
        csv_template.convert("publication_id,sex\nx,emkg:Male\n", "t.csv")
    with pytest.raises(Unusable, match="no header"):
        csv_template.convert("a,b\n1,2\n", "t.csv")


def test_an_age_over_89_is_written_90_plus(tmp_path):
    from emkg.validate import validate_file

    ninety_plus, exact = tmp_path / "ninety-plus.csv", tmp_path / "exact.csv"
    ninety_plus.write_text(rows(P1={"age_years": "90+", "patient_label": "elderly patient"}), encoding="utf-8")
    exact.write_text(rows(P1={"age_years": "93", "patient_label": "elderly patient"}), encoding="utf-8")
    assert validate_file(ninety_plus).code == 0
    refused = validate_file(exact)
    assert refused.code == 1
    assert any("90+" in detail["message"] and detail["field"] == "age_years" for detail in refused.details)


def full_rows(**change: str) -> str:
    """One row of the minimal case under the template's full header (every column), with `change`."""
    header, example = list(csv.reader(io.StringIO(VALID.read_text(encoding="utf-8"))))
    row = dict(zip(header, example, strict=True)) | change
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in csv_template.COLUMNS])
    writer.writerow([row.get(c.name, "") for c in csv_template.COLUMNS])
    return out.getvalue()


MODEL2 = {"age_years": "", "age_group": "emkg:Pediatric", "age_low": "2", "age_high": "17",
          "relapse_laterality": "emkg:Left", "relapse_kind": "emkg:IsolatedExtramedullary",
          "relapse_cns_status": "emkg:CNS1", "relapse_timing_from": "emkg:RemissionEvent",
          "relapse_timing_value": "40", "relapse_timing_unit": "emkg:Day", "publication_year": "2024",
          "publication_enrollment_start": "2019-03", "response_mrd_method": "emkg:FlowCytometry",
          "response_mrd_specimen": "UBERON:0002371", "product_name": "", "product_targets": "emkg:NotReported"}


def test_model2_columns_become_record_fields(tmp_path):
    from emkg.validate import validate_file

    (record,) = csv_template.convert(full_rows(**MODEL2), "t.csv").records
    facts = {f["type"]: f for f in record.data["patients"][0]["facts"]}
    assert facts["demographics"] == {"id": "P1-demographics", "type": "demographics", "sex": "emkg:Male",
                                     "age_context": "emkg:AgeAtCarT", "age_group": "emkg:Pediatric",
                                     "age_low": "2", "age_high": "17", "quote": "a 12-year-old boy"}
    relapse = facts["relapse"]
    assert relapse["site_details"] == {"site": "UBERON:0000473", "laterality": "emkg:Left"}
    assert relapse["timing"] == {"from_event": "emkg:RemissionEvent", "after": {"value": "40", "unit": "emkg:Day"}}
    assert relapse["relapse_kind"] == "emkg:IsolatedExtramedullary" and relapse["cns_status"] == "emkg:CNS1"
    assert record.data["products"][0]["targets"] == ["emkg:NotReported"] and "name" not in record.data["products"][0]
    path = tmp_path / "model2.csv"
    path.write_text(full_rows(**MODEL2), encoding="utf-8")
    assert validate_file(path).code == 0, validate_file(path).problems


def test_model2_columns_are_reported_at_their_column(tmp_path):
    from emkg.validate import validate_file

    path = tmp_path / "bad.csv"
    path.write_text(full_rows(**MODEL2 | {"relapse_laterality": "emkg:Male", "relapse_timing_unit": "emkg:Percent",
                                          "age_low": "40"}), encoding="utf-8")
    outcome = validate_file(path)
    assert outcome.code == 1
    found = {(d["field"], d["line"]) for d in outcome.details if d["severity"] == "Violation"}
    assert {("relapse_laterality", 2), ("relapse_timing_unit", 2), ("age_low", 2)} <= found, outcome.problems


def test_a_publication_conflict_names_the_line_that_first_described_it():
    # P1 (line 2) leaves the label empty, P2 (line 3) gives it first, P3 (line 4) gives another one
    text = rows(P1={"publication_label": ""}, P2={}, P3={"publication_label": "Something else"})
    conversion = csv_template.convert(text, "t.csv")
    assert conversion.problems == [Problem("t.csv", "publication_label", 4, "publication 'test-minimal-csv-case' is "
                                           "described differently on line 3", "Something else")]
    (record,) = conversion.records
    assert record.data["publication"]["label"] == "Example case report 2024"
    assert record.source.lines[("publication", "label")] == 3
    assert record.source.source_field("publication.label") == "publication_label"
    assert record.source.lines[("publication", "design")] == 2  # given on every row, first on line 2
    assert record.source.lines[("publication",)] == 2
    assert record.source.source_field("publication") == "publication_id"


def test_the_same_publication_on_every_row_is_no_conflict():
    conversion = csv_template.convert(rows(P1={}, P2={}, P3={}), "t.csv")
    assert conversion.problems == [] and conversion.warnings == []
    (record,) = conversion.records
    assert record.data["publication"]["id"] == "test-minimal-csv-case"


def _numbered(data_rows: int) -> str:
    """A header (line 1), a comment (line 2), then data_rows rows, a blank line and a last comment."""
    return "publication_id,patient_id\n# a comment row\n" + "".join(f"pub,P{i}\n" for i in range(data_rows)) + \
        "\n# the end\n"


def test_the_row_limit_allows_exactly_max_rows_data_rows():
    rows_read = csv_template._rows(_numbered(MAX_ROWS), "t.csv")
    assert len(rows_read) == MAX_ROWS + 1  # the header and every data row
    assert rows_read[0] == (1, ["publication_id", "patient_id"])
    assert rows_read[-1] == (MAX_ROWS + 2, ["pub", f"P{MAX_ROWS - 1}"])


def test_one_row_over_the_limit_is_refused_at_its_line():
    with pytest.raises(Unusable) as refused:
        csv_template._rows(_numbered(MAX_ROWS + 1), "t.csv")
    # the header is line 1, the comment line 2: the (MAX_ROWS + 1)th data row is on line MAX_ROWS + 3
    assert str(refused.value) == f"t.csv:{MAX_ROWS + 3}: more than 5,000 rows, over the limit; split the file"
    assert MAX_ROWS == 5_000


@pytest.fixture
def caller_limit():
    """The csv module's cell limit set by the caller to a value of its own, put back after the test."""
    before = csv.field_size_limit(123_456)
    yield 123_456
    csv.field_size_limit(before)


@pytest.mark.parametrize("text, message", [
    ("publication_id,patient_id\nx," + "a" * (MAX_LITERAL_CHARS + 1) + "\n",
     "t.csv:2: a cell over the limit of 100,000 characters"),
    ("a,b\n1,2\n", "t.csv: no header row naming publication_id; start from `emkg template csv`"),
    ("", "t.csv: no header row naming publication_id; start from `emkg template csv`"),
    ("# c\npublication_id,patient_id, patient_id,sex,sex\nx,1,2,,\n",
     "t.csv:2: the header names the column(s) patient_id, sex more than once; which one holds the value would be "
     "a guess"),
    ("publication_id\n# only a comment\n\n", "t.csv: no rows: the file has a header but no patient rows"),
])
def test_unusable_csv_files_say_why_and_where(text, message, caller_limit):
    with pytest.raises(Unusable) as refused:
        csv_template._rows(text, "t.csv")
    assert str(refused.value) == message
    assert csv.field_size_limit() == caller_limit  # the csv module's own limit is put back


def test_a_cell_at_the_limit_and_a_header_after_comments_are_read(caller_limit):
    text = "# made by hand\n\n publication_id , patient_id\n# a note\nx," + "a" * MAX_LITERAL_CHARS + "\n"
    assert csv_template._rows(text, "t.csv") == [(3, ["publication_id", "patient_id"]),
                                                  (5, ["x", "a" * MAX_LITERAL_CHARS])]
    assert csv.field_size_limit() == caller_limit
