"""The devset publications submitted as CSV template or Phenopacket files: each is valid against its source
text in ../shared/devset, the official phenopackets package reads each packet, and submitting each (into a
temporary evidence folder) succeeds and writes a record that the committed evidence record extends: every
product, patient and fact the conversion writes is in the committed record with the same values (lists may
gain items, a therapy category may be narrowed to a subclass, e.g. emkg:Therapy -> emkg:LymphodepletingChemotherapy).
The committed record was then completed as YAML (`emkg submit FILE.yaml --replace`).

What the converters could not carry (a finding for the issue), from hu-2016-cerebral-crs-prior-cnsl:
Phenopacket (loaders/phenopacket.py)
  - publication title, authors, year and trial registrations: no mapping; the DOI only as the external
    reference's id `DOI:x`, which then also becomes the record id (the packet had to choose the record id);
  - a product's cell source (autologous), vector and construct beyond EMKG-TARGET;
  - a therapy's category: every non-CAR-T treatment becomes plain emkg:Therapy (no lymphodepletion);
  - a measurement's specimen/compartment (CSF vs blood), method, and qualifier (value.quantity keeps only
    value and unit, so "> 400 mmH2O" cannot be an open bound);
  - laterality of a phenotypic feature (only a relapse's primarySite laterality is mapped);
  - genetic findings (no mapping from interpretations/variants; BCR/ABL p210 stayed an observation);
  - evidence codes (e.g. ECO:0000204 author statement) and the record's curation notes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from emkg import paths
from emkg.cli import main

HERE = Path(__file__).parent
EVIDENCE = paths.PROJECT_ROOT / "evidence"
DEVSET = paths.PROJECT_ROOT.parent / "shared" / "devset"
# named <publication id>.phenopacket.json or <publication id>.csv
SUBMISSIONS = sorted(p for p in HERE.iterdir() if p.name.endswith((".phenopacket.json", ".csv")))


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def record_id(path: Path) -> str:
    return path.name.removesuffix(".phenopacket.json").removesuffix(".csv")


def test_there_are_devset_submissions_in_each_format_kept_here():
    assert any(p.name.endswith(".phenopacket.json") for p in SUBMISSIONS)


def other_records(tmp_path: Path, submission: Path) -> Path:
    """evidence/ without the submission's own record: the duplicate checks run against the others."""
    evidence = tmp_path / "evidence"
    shutil.copytree(EVIDENCE, evidence,
                    ignore=shutil.ignore_patterns("README.md", ".locks", f"{record_id(submission)}.yaml"))
    return evidence


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_submission_is_valid_against_its_devset_text(submission, tmp_path):
    result = run("validate", submission, "--evidence-dir", other_records(tmp_path, submission),
                 "--source-text", DEVSET / f"{record_id(submission)}.txt")
    assert result.exit_code == 0, result.output
    assert ": valid" in result.output


@pytest.mark.parametrize("submission", [p for p in SUBMISSIONS if p.name.endswith(".phenopacket.json")],
                         ids=lambda p: p.name)
def test_the_official_phenopackets_package_reads_the_packet(submission):
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    packet = Parse(submission.read_text(encoding="utf-8"), Phenopacket())
    assert packet.subject.id and packet.meta_data.phenopacket_schema_version.startswith("2")


def is_subclass(narrower: str, broader: str) -> bool:
    """Whether the emkg class `narrower` is `broader` or (transitively) a subclass of it in ontology/emkg.ttl."""
    import rdflib
    from rdflib.namespace import RDFS

    graph = rdflib.Graph().parse(paths.PROJECT_ROOT / "ontology" / "emkg.ttl")
    emkg = "https://w3id.org/emkg/"
    namespace = dict(graph.namespaces()).get("emkg", rdflib.URIRef(emkg))

    def iri(curie: str) -> rdflib.URIRef:
        return rdflib.URIRef(str(namespace) + curie.removeprefix("emkg:"))

    return iri(broader) in graph.transitive_objects(iri(narrower), RDFS.subClassOf)


def extension_problems(committed, converted, where="record") -> list[str]:
    """Where `committed` does not extend `converted`: a missing key, a different value, a missing list item."""
    if isinstance(converted, dict):
        if not isinstance(committed, dict):
            return [f"{where}: not a mapping in the committed record"]
        problems = []
        for key, value in converted.items():
            if key not in committed:
                problems.append(f"{where}.{key}: missing in the committed record")
            elif key == "category" and isinstance(value, str) and isinstance(committed[key], str):
                if not is_subclass(committed[key], value):
                    problems.append(f"{where}.category: {committed[key]} is not {value} or a subclass of it")
            else:
                problems += extension_problems(committed[key], value, f"{where}.{key}")
        return problems
    if isinstance(converted, list) and all(isinstance(item, dict) and "id" in item for item in converted):
        by_id = {item.get("id"): item for item in committed if isinstance(item, dict)} \
            if isinstance(committed, list) else {}
        return [problem for item in converted for problem in
                (extension_problems(by_id[item["id"]], item, f"{where}[{item['id']}]") if item["id"] in by_id
                 else [f"{where}[{item['id']}]: missing in the committed record"])]
    if isinstance(converted, list) or isinstance(committed, list):
        have = committed if isinstance(committed, list) else [committed]
        want = converted if isinstance(converted, list) else [converted]
        return [f"{where}: {item!r} missing in the committed record" for item in want if item not in have]
    return [] if committed == converted else [f"{where}: committed {committed!r}, converted {converted!r}"]


@pytest.mark.parametrize("submission", SUBMISSIONS, ids=lambda p: p.name)
def test_the_committed_record_extends_what_submitting_writes(submission, tmp_path):
    import yaml

    committed = EVIDENCE / f"{record_id(submission)}.yaml"
    assert committed.is_file(), f"{committed.name} is not in evidence/"
    evidence = other_records(tmp_path, submission)
    result = run("submit", submission, "--evidence-dir", evidence,
                 "--source-text", DEVSET / f"{record_id(submission)}.txt")
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((evidence / committed.name).read_text(encoding="utf-8"))
    record = yaml.safe_load(committed.read_text(encoding="utf-8"))
    assert written["patients"] and written["products"] and written["patients"][0]["facts"]
    assert extension_problems(record, written) == []
