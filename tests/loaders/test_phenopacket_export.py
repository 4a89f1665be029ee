"""Built graph -> one Phenopacket per patient, valid for the official package; export -> import gives
the same case."""

from __future__ import annotations

from pathlib import Path

from google.protobuf.json_format import Parse
from phenopackets import Phenopacket

from emkg.graph import ontology_graph
from emkg.phenopacket_export import export_phenopackets
from loaders.phenopacket import convert
from loaders.yaml_record import build_record, read_record

TESTS = Path(__file__).parent.parent
EVIDENCE = TESTS.parent / "evidence"
COMPARED = ("type", "sex", "age_years", "disease", "sites", "present", "condition", "grade", "grade_max",
            "grading_system", "outcome", "day", "order", "dose")


def content(record: dict) -> list[tuple]:
    """What a Phenopacket carries of a patient's facts, without the ids the two sides mint differently."""
    facts = []
    for patient in record["patients"]:
        for fact in patient["facts"]:
            if fact["type"] in ("demographics", "diagnosis", "relapse", "car-t-infusion", "toxicity", "response"):
                facts.append(tuple((k, _plain(fact.get(k))) for k in COMPARED if fact.get(k) is not None) +
                             (("quote", tuple(fact["quote"] if isinstance(fact["quote"], list) else [fact["quote"]])),))
    return sorted(facts)


def _plain(value):
    if isinstance(value, dict):
        return tuple(sorted((k, float(v) if isinstance(v, int | float) else v) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(value)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


def imported(path: Path) -> dict:
    conversion = convert(path.read_text(encoding="utf-8"), path.name)
    assert not conversion.problems and not conversion.warnings, (conversion.problems, conversion.warnings)
    (record,) = conversion.records
    build_record(record.data, record.source.lines, path.name)  # a valid record
    return record.data


def test_a_yaml_case_exported_and_imported_is_the_same_case(tmp_path):
    import yaml

    source = TESTS / "records" / "valid" / "minimal-case.yaml"
    graph = read_record(source).graph + ontology_graph()
    (written,) = export_phenopackets(graph, tmp_path)
    Parse(written.read_text(encoding="utf-8"), Phenopacket())  # the official package reads it
    original = yaml.safe_load(source.read_text(encoding="utf-8"))
    back = imported(written)
    assert content(back) == content(original)
    assert back["products"][0]["targets"] == original["products"][0]["targets"]
    assert back["products"][0]["quote"] == [original["products"][0]["quote"]]


def test_export_of_an_imported_packet_reads_back_identically(tmp_path):
    source = TESTS / "records" / "valid" / "minimal-case.phenopacket.json"
    first = imported(source)
    loaded = build_record(first, {}, source.name)
    (written,) = export_phenopackets(loaded.graph + ontology_graph(), tmp_path)
    assert content(imported(written)) == content(first)


def test_every_curated_patient_exports_to_a_valid_phenopacket(tmp_path):
    from rdflib import RDF, URIRef

    from emkg.namespaces import expand

    graph = ontology_graph()
    for path in sorted(EVIDENCE.glob("*.yaml")):
        graph += read_record(path).graph
    written = export_phenopackets(graph, tmp_path)
    assert len(written) == len(set(graph.subjects(RDF.type, URIRef(expand("emkg:Patient"))))) >= 5
    for path in written:
        packet = Parse(path.read_text(encoding="utf-8"), Phenopacket())
        assert packet.subject.id and packet.meta_data.external_references
        conversion = convert(path.read_text(encoding="utf-8"), path.name)
        assert not conversion.problems, (path.name, conversion.problems)


def test_laterality_and_timing_survive_export_and_import(tmp_path):
    source = TESTS / "records" / "valid" / "minimal-case.phenopacket.json"
    import json

    packet = json.loads(source.read_text(encoding="utf-8"))
    packet["diseases"][1]["laterality"] = {"id": "HP:0012834", "label": "Right"}
    packet["metaData"]["externalReferences"].append(
        {"id": "EMKG-TIMING", "reference": "#/diseases/1", "description": "18 emkg:Month before emkg:TransplantEvent"})
    given = tmp_path / "given.json"
    given.write_text(json.dumps(packet), encoding="utf-8")
    first = imported(given)
    loaded = build_record(first, {}, given.name)
    out = tmp_path / "out"
    (written,) = export_phenopackets(loaded.graph + ontology_graph(), out)
    exported = Parse(written.read_text(encoding="utf-8"), Phenopacket())  # the official package reads it
    assert [d.laterality.id for d in exported.diseases if d.primary_site.id] == ["HP:0012834"]
    relapse = next(f for f in imported(written)["patients"][0]["facts"] if f["type"] == "relapse")
    assert relapse["site_details"] == {"site": "UBERON:0000473", "laterality": "emkg:Right"}
    assert relapse["timing"] == [{"from_event": "emkg:TransplantEvent",
                                  "after": {"value": "18.0", "unit": "emkg:Month"}, "before": True}]


def test_each_diagnosis_exports_its_own_disease(tmp_path):
    """Two diagnoses of one patient (the second ruled out) give two diseases, each with its own term, then the
    relapse; a made-up record, no clinical claim."""
    import json

    import yaml

    record = yaml.safe_load((TESTS / "records" / "valid" / "minimal-case.yaml").read_text(encoding="utf-8"))
    record["patients"][0]["facts"].insert(1, {
        "id": "dx-ph", "type": "diagnosis", "order": 1, "disease": ["MONDO:0035940"], "present": False,
        "quote": "no t(9;22)"})
    loaded = build_record(record, {}, "two-diagnoses.yaml")
    (written,) = export_phenopackets(loaded.graph + ontology_graph(), tmp_path)
    b_all = {"id": "MONDO:0020511", "label": "precursor B-cell acute lymphoblastic leukemia"}
    assert json.loads(written.read_text(encoding="utf-8"))["diseases"] == [
        {"term": b_all},
        {"term": {"id": "MONDO:0035940", "label": "B-lymphoblastic leukemia/lymphoma with t(9;22)(q34.1;q11.2)"},
         "excluded": True},
        {"term": b_all, "primarySite": {"id": "UBERON:0000473", "label": "testis"}}]
