"""Converter golden tests: a CSV file and a Phenopacket, each through its converter to the case-record
structure and through the record loader to triples, compared with reviewed expected output.

input/series.csv: two made-up patients of one case series, with every column group the template maps
(demographics, diagnosis, HSCT, relapse after the HSCT, bridging radiotherapy, product, infusion with dose
and unit, two toxicities with grades and grading systems, response with MRD, follow-up in months).
input/relapse-after-hsct.phenopacket.json: one made-up patient with a diagnosis, a CNS relapse, an
*excluded* testicular relapse and an excluded phenotypic feature, a measurement with its unit, an HSCT,
radiotherapy, a registered CAR-T product with its dose, a graded (2-3) adverse event and a partial response.

expected/<input>.record.json is the record data (what `emkg submit` would write as YAML);
expected/<input>.nt the loader's triples as sorted N-Triples (blank-node free: every node has an IRI).
Both were reviewed line by line against the input when written. After an intended change of a mapping
or of the record loader: `pytest tests/converters --update-golden`, then review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph

from loaders.yaml_record import build_record

HERE = Path(__file__).parent
INPUTS = sorted((HERE / "input").glob("*.*"))


def convert(path: Path):
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".csv":
        from loaders.csv_template import convert as from_csv

        return from_csv(text, path.name)
    from loaders.phenopacket import convert as from_phenopacket

    return from_phenopacket(text, path.name)


def sorted_ntriples(graph: Graph) -> str:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def check(actual: str, golden: Path, request) -> None:
    if request.config.getoption("--update-golden"):
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"no expected output {golden.name}; run pytest --update-golden and review it"
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:  # name the first differing lines, not a wall of text
        missing = sorted(set(expected.splitlines()) - set(actual.splitlines()))[:5]
        extra = sorted(set(actual.splitlines()) - set(expected.splitlines()))[:5]
        pytest.fail(f"{golden.name} differs\nexpected, missing: {missing}\nnot expected: {extra}")


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_converted_record_matches_the_reviewed_record(path, request):
    conversion = convert(path)
    assert not conversion.problems, conversion.problems
    assert len(conversion.records) == 1
    record = conversion.records[0].data
    check(json.dumps(record, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
          HERE / "expected" / f"{path.name}.record.json", request)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_record_triples_match_the_reviewed_triples(path, request):
    record = convert(path).records[0]
    loaded = build_record(record.data, record.source.lines, path.name)
    check(sorted_ntriples(loaded.graph), HERE / "expected" / f"{path.name}.nt", request)


def test_the_conversions_warn_only_about_what_they_do_not_map():
    csv_warnings = convert(HERE / "input" / "series.csv").warnings
    assert csv_warnings == []
    packet = convert(HERE / "input" / "relapse-after-hsct.phenopacket.json")
    # the radiotherapy modality has no field in the case record: a warning at its JSON path
    assert [str(w.path) for w in packet.warnings] == ["medicalActions[1].radiationTherapy.modality"]
