"""Every problem the build reports names file, line and field: QC rule rows run on one record (quotes not
found: tests/test_quotes.py)."""

from __future__ import annotations

from pathlib import Path

from emkg import record_check
from loaders.yaml_record import read_record

RECORD = Path(__file__).parent / "shapes" / "valid" / "minimal-case.yaml"


def test_a_qc_rule_row_names_the_line_and_field_of_its_node(seeds_dir):
    context = record_check.prepare(None, None, seeds_dir)
    record = read_record(RECORD)
    nt = record.graph.serialize(format="nt", encoding="utf-8")
    without_evidence = b"\n".join(line for line in nt.splitlines()
                                  if b"/P1/crs> <https://w3id.org/emkg/hasEvidence>" not in line) + b"\n"
    problems = record_check.qc_problems(without_evidence, "case.yaml", context, record.locations)
    line = RECORD.read_text(encoding="utf-8").splitlines().index("      - id: crs") + 1
    (problem,) = [p for p in problems if "fact-without-evidence-violation" in p]
    assert problem.startswith(f"case.yaml:{line}: patients[0].facts[4]: QC fact-without-evidence-violation: ")
    # without locations (a record read back from the store) the file alone is named, as before
    (plain,) = [p for p in record_check.qc_problems(without_evidence, "case.yaml", context)
                if "fact-without-evidence-violation" in p]
    assert plain.startswith("case.yaml: QC fact-without-evidence-violation: ")
