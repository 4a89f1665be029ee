"""`emkg submit`: a valid case is written under its publication id; duplicates and invalid cases are refused."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

from click.testing import CliRunner

from emkg.cli import main
from loaders.yaml_record import read_record

RECORDS = Path(__file__).parent.parent / "records"
EVIDENCE = Path(__file__).parent.parent.parent / "evidence"


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def csv_case(tmp_path: Path, name: str, **changes: str) -> Path:
    header, example = list(csv.reader(io.StringIO((RECORDS / "valid" / "minimal-case.csv").read_text())))
    row = dict(zip(header, example, strict=True)) | changes
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header, [row[h] for h in header]])
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def test_a_valid_case_is_added_under_a_deterministic_name_and_reads_back(tmp_path):
    evidence, seeds = tmp_path / "evidence", tmp_path / "seeds"
    result = run("submit", RECORDS / "valid" / "minimal-case.csv", "--evidence-dir", evidence, "--seeds", seeds)
    assert result.exit_code == 0, result.output
    (written,) = evidence.glob("*.yaml")
    assert written.name == "test-minimal-csv-case.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("schema: emkg-record/2\n") and "quotes are not checked" in text
    record = read_record(written)
    assert any(str(s).endswith("/P1/P1-infusion") for s in record.graph.subjects())
    assert run("validate", written).exit_code == 0


def test_the_same_case_again_is_a_duplicate_naming_the_record(tmp_path):
    evidence = tmp_path / "evidence"
    args = ["--evidence-dir", evidence, "--seeds", tmp_path]
    assert run("submit", RECORDS / "valid" / "minimal-case.csv", *args).exit_code == 0
    before = {p.name: p.read_bytes() for p in evidence.glob("*.yaml")}
    again = run("submit", RECORDS / "valid" / "minimal-case.csv", *args)
    assert again.exit_code == 1
    assert "likely duplicate" in again.output and "test-minimal-csv-case.yaml" in again.output and "P1" in again.output
    # the same patient reported by another publication of the same centre: same age, sex, product, timeline
    other = csv_case(tmp_path, "other.csv", publication_id="later-cohort-2025", publication_label="Later cohort")
    dup = run("submit", other, *args)
    assert dup.exit_code == 1, dup.output
    assert "patient 'P1' matches patient 'P1' in test-minimal-csv-case.yaml" in dup.output
    different = csv_case(tmp_path, "different.csv", publication_id="another-2025", publication_label="Another",
                         age_years="40")
    assert run("submit", different, *args).exit_code == 0
    assert {p.name: p.read_bytes() for p in evidence.glob("*.yaml") if p.name in before} == before


def test_a_case_of_an_already_curated_publication_is_refused(tmp_path):
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence, ignore=shutil.ignore_patterns("README.md"))
    existing = read_record(next(evidence.glob("kovalenko-*.yaml")))
    doi = str(next(o for p, o in existing.graph.predicate_objects() if str(p).endswith("doi")))
    case = csv_case(tmp_path, "k.csv", publication_id="kovalenko-resubmitted", publication_doi=doi)
    result = run("submit", case, "--evidence-dir", evidence, "--seeds", tmp_path)
    assert result.exit_code == 1 and "already curated in kovalenko-" in result.output


def test_invalid_or_unusable_cases_are_refused_and_nothing_is_written(tmp_path):
    evidence = tmp_path / "evidence"
    invalid = run("submit", RECORDS / "invalid" / "grade-without-grading-system.csv", "--evidence-dir", evidence)
    assert invalid.exit_code == 1 and "nothing was written" in invalid.output
    rdf = run("submit", RECORDS / "valid" / "minimal-case.ttl", "--evidence-dir", evidence)
    assert rdf.exit_code == 2
    assert not evidence.exists()


def test_quotes_are_checked_when_the_source_text_is_named(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "case.txt").write_text("We report a case of isolated testicular relapse. a 12-year-old boy", "utf-8")
    named = csv_case(tmp_path, "named.csv", publication_source_text="case.txt")
    result = run("submit", named, "--evidence-dir", tmp_path / "ev", "--seeds", seeds)
    assert result.exit_code == 1
    assert any(line.strip().startswith("Violation line 2") and "diagnosis_quote (fact P1-" in line
               and "quote not found in case.txt" in line for line in result.output.splitlines()), result.output
    assert "(value: diagnosed with B-ALL)" in result.output
    sneaky = csv_case(tmp_path, "sneaky.csv", publication_source_text="../../etc/passwd")
    result = run("submit", sneaky, "--evidence-dir", tmp_path / "ev", "--seeds", seeds)
    assert result.exit_code == 1 and "plain file name" in result.output
    assert not (tmp_path / "ev").exists()


def test_a_phenopacket_is_submitted_as_a_case_record(tmp_path):
    evidence = tmp_path / "evidence"
    result = run("submit", RECORDS / "valid" / "minimal-case.phenopacket.json", "--evidence-dir", evidence,
                 "--seeds", tmp_path)
    assert result.exit_code == 0, result.output
    (written,) = evidence.glob("*.yaml")
    assert written.name == "pmid-99999999.yaml" and run("validate", written).exit_code == 0


def test_the_csv_template_covers_a_single_patient_case_with_hsct_other_therapy_order_and_notes(tmp_path):
    header, example = list(csv.reader(io.StringIO((RECORDS / "valid" / "minimal-case.csv").read_text())))
    extra = {"diagnosis_order": "1", "relapse_order": "", "relapse_after": "hsct",
             "hsct_category": "NCIT:C46089", "hsct_order": "2", "hsct_quote": "allogeneic HSCT in first remission",
             "relapse_year": "", "relapse_note": "left testis on ultrasound",
             "therapy_category": "emkg:Radiotherapy", "therapy_sites": "UBERON:0000473", "therapy_day": "-20",
             "therapy_quote": "testicular radiotherapy before the infusion",
             "response_mrd_negative": "true", "curation_note": "Laterality is only in the quote."}
    row = dict(zip(header, example, strict=True)) | {"relapse_number": "1"}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([header + list(extra), [row[h] for h in header] + list(extra.values())])
    path = tmp_path / "full.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    evidence = tmp_path / "evidence"
    result = run("submit", path, "--evidence-dir", evidence, "--seeds", tmp_path)
    assert result.exit_code == 0, result.output
    (written,) = evidence.glob("*.yaml")
    text = written.read_text(encoding="utf-8")
    for words in ("type: hsct", "type: therapy", "- P1-hsct", "mrd_negative: true",
                  "note: left testis on ultrasound", "Laterality is only in the quote.", "day: -20"):
        assert words in text, words
    template = run("template", "csv", "--doc").output
    assert all(f"`{name}`" in template for name in extra)
