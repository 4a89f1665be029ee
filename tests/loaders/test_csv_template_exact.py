"""The CSV template, exact: the whole map from record paths back to column and line for the converter's
golden series, every problem and warning of a conversion (file, column, line, whole text, value), the
column reference's text, and how a cell is read. The rows are made up; no clinical claim rests on them."""

from __future__ import annotations

import json
from pathlib import Path

from loaders import csv_template
from loaders.csv_template import _read, _set, convert
from loaders.yaml_lines import format_path

HERE = Path(__file__).parent
SERIES = HERE.parent / "converters" / "input" / "series.csv"


def source_map(record) -> dict[str, list]:
    assert set(record.source.lines) <= set(record.source.fields)
    return {format_path(p): [name, record.source.lines.get(p)] for p, name in record.source.fields.items()}


def test_every_record_path_of_the_series_maps_back_to_its_column_and_line():
    """expected/series.csv.source.json was reviewed against tests/converters/input/series.csv when written: a
    problem the record loader or the shapes find later names this column and this line."""
    (record,) = convert(SERIES.read_text(encoding="utf-8"), SERIES.name).records
    expected = HERE / "expected" / "series.csv.source.json"
    assert source_map(record) == json.loads(expected.read_text(encoding="utf-8"))


def series_rows() -> tuple[list[str], list[dict[str, str]]]:
    import csv
    import io

    reader = csv.DictReader(io.StringIO(SERIES.read_text(encoding="utf-8")))
    return list(reader.fieldnames), list(reader)


def as_csv(header: list[str], rows: list[dict[str, str]], extra: str = "") -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header] + ([extra] if extra and row.get("_extra") else []))
    return out.getvalue()


def test_every_problem_and_warning_of_a_conversion_names_file_column_line_and_text():
    header, (first, second) = series_rows()
    header = header + ["colour", "  "]
    no_publication = dict(second, publication_id="", patient_id="P3")
    clash = dict(second, patient_id="P4", publication_label="Another label", product_targets="PR:000001288")
    too_long = dict(second, patient_id="P5", _extra="1")
    text = as_csv(header, [first, second, no_publication, clash, too_long], extra="x;y")
    conversion = convert(text, "s.csv")
    assert [(w.file, w.path, w.line, w.message, w.value) for w in conversion.warnings] == [
        ("s.csv", "colour", 1, "unknown column; it is not read (see `emkg template csv --doc`)", "colour"),
        ("s.csv", "", 1, "unknown column; it is not read (see `emkg template csv --doc`)", ""),
    ]
    assert [(p.file, p.path, p.line, p.message, p.value) for p in conversion.problems] == [
        ("s.csv", "publication_id", 4, "every row names its publication", None),
        ("s.csv", "publication_label", 5, "publication 'test-converter-csv-series' is described differently on "
         "line 2", "Another label"),
        ("s.csv", "product_name", 5, "product 'CD19 CAR-T' is described differently on line 2", "CD19 CAR-T"),
        ("s.csv", "(row)", 6, f"the row has {len(header) + 1} cells but the header has {len(header)} columns", None),
    ]
    (record,) = conversion.records
    assert [p["id"] for p in record.data["patients"]] == ["P1", "P2", "P4"]


def test_cells_are_read_by_their_column_kind_and_set_at_dotted_fields():
    assert _read(" a ; ;b;", "list") == ["a", "b"] and _read(";", "list") == []
    assert _read("12", "int") == 12 and _read("-3", "int") == -3 and _read("12.5", "int") == "12.5"
    assert [_read(c, "bool") for c in ("TRUE", "Yes", "false", "NO", "maybe")] == [True, True, False, False, "maybe"]
    assert _read("5.0e6", "decimal") == "5.0e6" and _read("emkg:Male", "term") == "emkg:Male"
    target: dict = {"dose": {"unit": "emkg:CellsPerKilogram"}}
    _set(target, "dose.value", "1e6")
    _set(target, "timing.after.unit", "emkg:Day")
    _set(target, "note", "n")
    assert target == {"dose": {"unit": "emkg:CellsPerKilogram", "value": "1e6"},
                      "timing": {"after": {"unit": "emkg:Day"}}, "note": "n"}


def test_the_template_and_its_reference_are_written_from_the_table():
    header, example = csv_template.template().splitlines()
    assert header == ",".join(c.name for c in csv_template.COLUMNS)
    assert example.startswith("# example (delete this row): " + csv_template.COLUMNS[0].example + ",")
    lines = csv_template.reference().splitlines()
    assert lines[:4] == ["# CSV template columns", "",
                         "<!-- generated - do not edit: run `emkg template csv --doc` -->", ""]
    assert lines[4] == (
        "One row per patient; rows with the same `publication_id` form one record. `list` cells are separated by "
        "';'. Rows whose first cell starts with '#' are skipped. Each filled group of columns (demographics, "
        "diagnosis, relapse, hsct, therapy, infusion, toxicity1/2, response, followup) becomes one fact of the "
        "case record format (`emkg record-format`) and needs its `_quote` column.")
    assert lines[5:8] == ["", "| column | kind | required | becomes | meaning |", "|---|---|---|---|---|"]
    rows = dict((line.split(" | ")[0], line) for line in lines[8:])
    assert len(rows) == len(csv_template.COLUMNS) and csv_template.reference().endswith("|\n")
    by_name = csv_template.BY_NAME
    assert rows["| `publication_id`"] == \
        f"| `publication_id` | text | yes | publication.id | {by_name['publication_id'].doc} |"
    assert rows["| `sex`"] == f"| `sex` | term |  | fact `demographics`.sex | {by_name['sex'].doc} |"
    dose_doc = by_name["infusion_dose_value"].doc
    assert rows["| `infusion_dose_value`"] == \
        f"| `infusion_dose_value` | decimal |  | fact `car-t-infusion`.dose.value | {dose_doc} |"


def test_a_relapse_timing_names_a_column_group_of_its_row_or_an_anchor_event():
    header, (first, second) = series_rows()
    header = header + ["relapse_timing_from", "relapse_timing_value", "relapse_timing_unit"]
    from_group = dict(first, relapse_timing_from="hsct", relapse_timing_value="14", relapse_timing_unit="emkg:Month")
    from_event = dict(second, relapse_timing_from="emkg:MrdNegativityEvent", relapse_timing_value="40",
                      relapse_timing_unit="emkg:Day")
    conversion = convert(as_csv(header, [from_group, from_event]), "s.csv")
    assert conversion.problems == [] and conversion.warnings == []
    (record,) = conversion.records
    relapses = [f for p in record.data["patients"] for f in p["facts"] if f["type"] == "relapse"]
    assert [r["timing"] for r in relapses] == [
        {"from": "P1-hsct", "after": {"value": "14", "unit": "emkg:Month"}},
        {"from_event": "emkg:MrdNegativityEvent", "after": {"value": "40", "unit": "emkg:Day"}}]
    assert record.source.source_field("patients[1].facts[2].timing.from_event") == "relapse_timing_from"
    assert record.source.lines[("patients", 1, "facts", 2, "timing", "from_event")] == 3
    assert ("patients", 0, "facts", 2, "timing", "from_event") not in record.source.fields
