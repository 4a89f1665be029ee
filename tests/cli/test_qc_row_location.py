"""A QC row is reported at the file, field and line of the part it is about, never as a bare IRI: a rule's
first column may be a term the record uses (external-term-without-label-violation), which is not in the file."""

from pathlib import Path

from emkg import validate

VALID = Path(__file__).resolve().parents[1] / "records" / "valid"
# Shaped like external-term-without-label-violation: the term first, then the part using it and the property.
SITE_ROW = ("site-in-use", "a site used by a part",
            "SELECT ?term ?used_by ?property WHERE { ?used_by ?property ?term . "
            "FILTER(?property = <https://w3id.org/emkg/hasSite>) }")


def _qc_details(monkeypatch, name: str) -> list[dict]:
    monkeypatch.setattr(validate, "_qc_rules", lambda: [SITE_ROW])
    outcome = validate.validate_file(VALID / name)
    return [d for d in outcome.details if d["constraint"] == "qc:site-in-use"]


def test_qc_row_names_the_field_and_line_of_a_record(monkeypatch):
    (detail,) = _qc_details(monkeypatch, "minimal-case.yaml")
    assert (detail["file"], detail["field"], detail["line"]) == ("minimal-case.yaml", "patients[0].facts[1].sites", 26)
    assert detail["case"] == "test-minimal-case/P1"
    assert detail["focus"] == "emkg:case/test-minimal-case/P1/relapse"


def test_qc_row_names_the_column_and_line_of_a_csv_row(monkeypatch):
    (detail,) = _qc_details(monkeypatch, "minimal-case.csv")
    assert detail["file"] == "minimal-case.csv"
    assert detail["field"] == "relapse_sites" and detail["line"] == 2
