"""One slug for ids the converters make (a product named with a Greek letter or brackets gets an id the
record format accepts, the same from the CSV template and from a Phenopacket), and the one nearest-line
lookup every format uses."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from emkg.cli import main
from loaders.csv_template import convert as from_csv
from loaders.ids import MAX_LENGTH, slug
from loaders.phenopacket import convert as from_phenopacket

RECORDS = Path(__file__).parents[1] / "records" / "valid"
NAME = "CD3ζ-4-1BB CAR-T (anti-CD19, Ü-Klinik)"


@pytest.mark.parametrize(("text", "expected"), [
    (NAME, "cd3-4-1bb-car-t-anti-cd19-klinik"),
    ("CD3-zeta 4-1BB/CD28", "cd3-zeta-4-1bb-cd28"),
    ("  --CAR--T--  ", "car-t"),
    ("ζζζ", ""),
    ("x" * 150, "x" * MAX_LENGTH),
    ("a " * 60, ("a-" * 50).rstrip("-")),  # cut at the limit, never ending in '-'
])
def test_slug(text, expected):
    assert slug(text) == expected


def test_slug_keeps_case_when_asked():
    assert slug("Patient P1/β", keep_case=True) == "Patient-P1"


def csv_with_product_name(name: str, tmp_path: Path) -> Path:
    rows = list(csv.DictReader(io.StringIO((RECORDS / "minimal-case.csv").read_text(encoding="utf-8"))))
    rows[0]["product_name"] = name
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "case.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_csv_product_named_with_a_greek_letter_is_accepted(tmp_path):
    path = csv_with_product_name(NAME, tmp_path)
    (record,) = from_csv(path.read_text(encoding="utf-8"), path.name).records
    assert [p["id"] for p in record.data["products"]] == ["cd3-4-1bb-car-t-anti-cd19-klinik"]
    (empty := tmp_path / "evidence").mkdir()
    result = CliRunner().invoke(main, ["validate", str(path), "--evidence-dir", str(empty)])
    assert result.exit_code == 0, result.output  # no id error the submitter never wrote


def test_the_phenopacket_converter_makes_the_same_id():
    packet = json.loads((RECORDS / "minimal-case.phenopacket.json").read_text(encoding="utf-8"))
    packet["medicalActions"][0]["treatment"]["agent"] = {"id": "EXAMPLE:1", "label": NAME}
    conversion = from_phenopacket(json.dumps(packet), "p.json")
    assert [p["id"] for p in conversion.records[0].data["products"]] == [slug(NAME)]


def test_nearest_line_and_record_paths():
    from loaders.yaml_lines import format_path, nearest_line, parse_path

    for text in ("patients[0].facts[2].quote", "publication.id", "products[1]", "patients[10].facts[0]"):
        assert format_path(parse_path(text)) == text
    lines = {(): 1, ("patients",): 4, ("patients", 0): 5, ("patients", 0, "facts", 1): 9}
    assert nearest_line(lines, ("patients", 0, "facts", 1, "quote")) == 9
    assert nearest_line(lines, ("patients", 0, "facts", 0, "day")) == 5
    assert nearest_line(lines, ("publication", "id")) == 1
    assert nearest_line(lines, ("publication", "id"), whole_file=False) is None


def test_slug_keeps_a_trailing_capital_x():
    assert slug("Patient X", keep_case=True) == "Patient-X" and slug("CAR-T X") == "car-t-x"


def test_nearest_answers_for_lines_and_for_source_fields():
    from loaders.source_map import SourceMap
    from loaders.yaml_lines import nearest

    known = {(): "file", ("patients", 0): "row 2", ("patients", 0, "facts", 1): "fact"}
    assert nearest(known, ("patients", 0, "facts", 1, "dose", "unit")) == "fact"
    assert nearest(known, ("patients", 0, "facts", 0, "day")) == "row 2"
    assert nearest(known, ("publication", "id")) == "file"
    assert nearest(known, ("publication", "id"), whole_file=False) is None
    source = SourceMap()
    source.put(("patients", 1, "facts", 3), "infusion_product", 7)
    source.put(("patients", 1, "facts", 3, "dose", "value"), "infusion_dose_value", 7)
    assert source.source_field("patients[1].facts[3].dose.value") == "infusion_dose_value"
    assert source.source_field("patients[1].facts[3].dose.unit") == "infusion_product"
    assert source.source_field("patients[1].facts[4].day") == "patients[1].facts[4].day"
