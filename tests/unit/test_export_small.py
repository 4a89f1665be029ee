"""emkg.export and emkg.export_tables on a small store written here: exact tables (columns, labels, several
values in one cell, subclasses, left-out properties), every RDF format read back, the JSON-LD document, and
the one-line errors."""

from __future__ import annotations

import io
import json

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from emkg import export, export_tables, paths

EMKG = "https://w3id.org/emkg/"
TURTLE = """
@prefix emkg: <https://w3id.org/emkg/> .
@prefix ex: <https://w3id.org/emkg/example/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix UBERON: <http://purl.obolibrary.org/obo/UBERON_> .

emkg:LateRelapse rdfs:subClassOf emkg:Relapse .
emkg:LateRelapse rdfs:label "late relapse" .
emkg:Relapse rdfs:label "relapse" .
emkg:Patient rdfs:label "patient" .
UBERON:0000473 rdfs:label "testis", "testicle" .
UBERON:0001359 rdfs:label "cerebrospinal fluid" .

ex:p1 a emkg:Patient, owl:NamedIndividual ; rdfs:label "P1" ; emkg:ageYears 14 .
ex:r2 a emkg:LateRelapse ; emkg:aboutPatient ex:p1 ;
    emkg:hasSite UBERON:0001359, UBERON:0000473, <http://purl.obolibrary.org/obo/UBERON_9999999> ;
    emkg:dayOffset -181 ; emkg:boneMarrowInvolved false ; emkg:hasEvidence ex:quote-1 ;
    emkg:inferredType emkg:IsolatedEMRelapse ; emkg:finding "=SUM(A1)" .
ex:r1 a emkg:Relapse ; emkg:aboutPatient ex:p1 ; emkg:detail [ emkg:note "blank" ] .
ex:quote-1 a emkg:Quote ; emkg:text "relapsed" .
"""


@pytest.fixture()
def store() -> ox.Store:
    store = ox.Store()
    store.load(TURTLE.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return store


def test_a_table_has_one_row_per_individual_of_the_class_and_its_subclasses(store):
    header, rows = export_tables.table(store, "Relapse")
    assert header == ["id", "label", "type", "type_label", "aboutPatient", "aboutPatient_label",
                      "boneMarrowInvolved", "dayOffset", "detail", "finding", "hasSite", "hasSite_label"]
    assert [row["id"] for row in rows] == ["emkg:example/r1", "emkg:example/r2"]
    r1, r2 = rows
    assert r1["detail"].startswith("_:") and r1["type"] == "emkg:Relapse" and r1["type_label"] == "relapse"
    assert r1["hasSite"] == "" and r1["hasSite_label"] == "" and r1["label"] == ""
    assert r2 == {
        "id": "emkg:example/r2", "label": "", "type": "emkg:LateRelapse", "type_label": "late relapse",
        "aboutPatient": "emkg:example/p1", "aboutPatient_label": "P1", "boneMarrowInvolved": "false",
        "dayOffset": "-181", "detail": "", "finding": "=SUM(A1)",
        "hasSite": "UBERON:0000473 | UBERON:0001359 | UBERON:9999999",
        "hasSite_label": "testicle | cerebrospinal fluid | "}


def test_the_patients_table_leaves_out_the_named_individual_type(store):
    header, rows = export_tables.table(store, "Patient")
    assert header == ["id", "label", "type", "type_label", "ageYears"]
    assert rows == [{"id": "emkg:example/p1", "label": "P1", "type": "emkg:Patient", "type_label": "patient",
                     "ageYears": "14"}]


def test_write_tables_writes_every_table_with_formulas_neutralised(store, tmp_path):
    written = export_tables.write_tables(store, tmp_path / "new" / "tables")
    assert [p.name for p in written] == ["patients.csv", "relapses.csv", "infusions.csv", "toxicities.csv",
                                         "responses.csv", "measurements.csv", "cohort_findings.csv"]
    assert all(p.parent == tmp_path / "new" / "tables" for p in written)
    assert (tmp_path / "new" / "tables" / "patients.csv").read_bytes() == (
        b"id,label,type,type_label,ageYears\nemkg:example/p1,P1,emkg:Patient,patient,14\n")
    relapses = (tmp_path / "new" / "tables" / "relapses.csv").read_text(encoding="utf-8").splitlines()
    assert relapses[2] == ("emkg:example/r2,,emkg:LateRelapse,late relapse,emkg:example/p1,P1,false,-181,,'=SUM(A1),"
                           "UBERON:0000473 | UBERON:0001359 | UBERON:9999999,testicle | cerebrospinal fluid | ")
    assert (tmp_path / "new" / "tables" / "infusions.csv").read_text(encoding="utf-8") == "id,label,type,type_label\n"
    assert export_tables.TABLES["toxicities"] == "AdverseEvent"
    assert export_tables.TABLES["responses"] == "ResponseAssessment"
    assert export_tables.TABLES["measurements"] == "Measurement"
    assert export_tables.TABLES["cohort_findings"] == "CohortFinding"
    assert export_tables.TABLES["infusions"] == "CarTInfusion"


def _graph(data: bytes, fmt: str) -> Graph:
    return Graph().parse(data=data.decode("utf-8"), format=fmt)


def test_rdf_formats_read_back_to_the_store(store, tmp_path):
    expected = _graph(TURTLE.encode("utf-8"), "turtle")
    for fmt, rdflib_format in (("nt", "nt"), ("ttl", "turtle"), ("rdfxml", "xml")):
        out = tmp_path / "deep" / f"emkg.{fmt}"
        export.export(store, fmt, out)
        assert isomorphic(_graph(out.read_bytes(), rdflib_format), expected), fmt
    lines = (tmp_path / "deep" / "emkg.nt").read_bytes().splitlines(keepends=True)
    assert lines == sorted(lines) and len(lines) == len(expected)
    assert b"@prefix emkg: <https://w3id.org/emkg/> ." in (tmp_path / "deep" / "emkg.ttl").read_bytes()
    assert b'xmlns:emkg="https://w3id.org/emkg/"' in (tmp_path / "deep" / "emkg.rdfxml").read_bytes()
    assert isomorphic(export.rdflib_graph(store), expected)


def test_without_out_a_stream_format_goes_to_stdout(store, monkeypatch):
    buffer = io.BytesIO()
    monkeypatch.setattr("sys.stdout", io.TextIOWrapper(buffer))
    export.export(store, "nt", None)
    assert buffer.getvalue() == export.ntriples(store)
    buffer.truncate(0)
    buffer.seek(0)
    export.export(store, "sssom", None)
    assert buffer.getvalue() == (paths.MAPPINGS_DIR / "emkg.sssom.tsv").read_bytes()


def test_sssom_is_the_committed_mapping_file(store, tmp_path):
    export.export(store, "sssom", tmp_path / "a" / "m.sssom.tsv")
    assert (tmp_path / "a" / "m.sssom.tsv").read_bytes() == (paths.MAPPINGS_DIR / "emkg.sssom.tsv").read_bytes()


def test_jsonld_is_compacted_with_the_embedded_context_and_sorted(store, tmp_path):
    from pyld import jsonld

    out = tmp_path / "x" / "emkg.jsonld"
    export.export(store, "jsonld", out)
    text = out.read_text(encoding="utf-8")
    document = json.loads(text)
    assert text.endswith("}\n") and text.startswith('{\n "@context": {')
    assert document["@context"] == json.loads((paths.ONTOLOGY_DIR / "emkg.context.jsonld").read_text())["@context"]
    nodes = document["@graph"]
    assert nodes == sorted(nodes, key=lambda node: json.dumps(node, sort_keys=True))
    p1 = next(n for n in nodes if n["@id"] == "emkg:example/p1")
    assert p1["rdfs:label"] == "P1"
    expanded = jsonld.expand(document, {"documentLoader": export._no_remote_documents})
    back = Graph().parse(data=json.dumps(expanded), format="json-ld")
    assert isomorphic(back, _graph(TURTLE.encode("utf-8"), "turtle"))


def test_jsonld_writes_non_ascii_text_as_utf_8_characters(tmp_path):
    """Quoted text keeps its characters (names, ≥, ×, superscripts) as UTF-8, not as \\u escapes."""
    store = ox.Store()
    store.load('@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . '
               '<https://w3id.org/emkg/example/p1> rdfs:label "Müller, ≥ 2 × 10⁶" . '
               '<https://w3id.org/emkg/example/p2> rdfs:label "P2" .'.encode(), format=ox.RdfFormat.TURTLE)
    out = tmp_path / "emkg.jsonld"
    export.export_jsonld(store, out)
    text = out.read_bytes().decode("utf-8")
    assert text[text.index('"@graph"'):] == (
        '"@graph": [\n  {\n   "@id": "emkg:example/p1",\n   "rdfs:label": "Müller, ≥ 2 × 10⁶"\n  },\n'
        '  {\n   "@id": "emkg:example/p2",\n   "rdfs:label": "P2"\n  }\n ]\n}\n')


def test_a_remote_context_is_refused():
    from pyld import jsonld

    with pytest.raises(jsonld.JsonLdError) as raised:
        export._no_remote_documents("https://example.org/context.jsonld")
    assert raised.value.args == (
        "emkg export never loads remote JSON-LD documents (https://example.org/context.jsonld)",)
    assert raised.value.type == "jsonld.LoadDocumentError" and raised.value.code == "loading document failed"


def test_folder_formats_need_out_and_unknown_formats_are_named(store, tmp_path):
    with pytest.raises(export.ExportError) as raised:
        export.export(store, "csv", None)
    assert str(raised.value) == "--format csv writes one file per table: name a folder with --out"
    with pytest.raises(export.ExportError) as raised:
        export.export(store, "phenopacket", None)
    assert str(raised.value) == "--format phenopacket writes one file per patient: name a folder with --out"
    with pytest.raises(export.ExportError) as raised:
        export.export(store, "xlsx", tmp_path / "x")
    assert str(raised.value) == ("unknown export format 'xlsx'; known: jsonld, ttl, nt, rdfxml, csv, sssom, "
                                 "phenopacket")
    export.export(store, "csv", tmp_path / "tables")
    assert (tmp_path / "tables" / "relapses.csv").is_file()


def test_jsonld_holds_the_default_graph_only_as_the_other_rdf_formats_do():
    """A quad in a named graph stays out of every RDF export; the release is the store's default graph."""
    db = ox.Store()
    kept = ox.NamedNode("https://w3id.org/emkg/case/x/P1")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    db.add(ox.Quad(kept, label, ox.Literal("kept"), ox.DefaultGraph()))
    db.add(ox.Quad(ox.NamedNode("https://w3id.org/emkg/case/x/P2"), label, ox.Literal("elsewhere"),
                   ox.NamedNode("https://w3id.org/emkg/some-graph")))
    document = export.jsonld_document(db)
    document.pop("@context")
    # one node is compacted to the document's top level (pyld), beside an empty @graph
    assert document == {"@graph": [], "@id": "emkg:case/x/P1", "rdfs:label": "kept"}
