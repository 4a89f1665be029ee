"""emkg.mappings on a small ontology and verified table written here: one row per mapping triple from an
emkg term (exact labels, predicate, comment naming the table and provenance), the refusals (unlabelled or
unverified object, no ontology header), the SSSOM metadata and curie map, and the file sssom-py writes."""

from __future__ import annotations

import pytest
from rdflib import Graph

from emkg import mappings, paths
from emkg.mappings import Mapping, MappingError

ONTOLOGY = """
@prefix emkg: <https://w3id.org/emkg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix UBERON: <http://purl.obolibrary.org/obo/UBERON_> .
@prefix NCIT: <http://purl.obolibrary.org/obo/NCIT_> .
@prefix MONDO: <http://purl.obolibrary.org/obo/MONDO_> .

<https://w3id.org/emkg/ontology> a owl:Ontology ; owl:versionInfo "2026-11-30" ;
    dcterms:license "https://creativecommons.org/licenses/by/4.0/" .
<http://example.org/other-ontology> a owl:Ontology .
emkg:Testis rdfs:label "testis site" ; skos:exactMatch UBERON:0000473 .
emkg:Tisagenlecleucel rdfs:label "tisagenlecleucel" ; skos:closeMatch NCIT:C102758 ;
    skos:relatedMatch MONDO:0600008 .
emkg:Unlabelled skos:broadMatch NCIT:C102758 .
<http://example.org/Outside> skos:exactMatch UBERON:0000473 .
UBERON:0000473 rdfs:label "testis" .
NCIT:C102758 rdfs:label "Tisagenlecleucel" .
MONDO:0600008 rdfs:label "cytokine release syndrome" .
"""
SOURCE = "obophenotype/uberon@0123456789abcdef0123456789abcdef01234567:uberon.obo"


def _verified(**extra) -> dict[str, dict[str, str]]:
    rows = {
        "http://purl.obolibrary.org/obo/UBERON_0000473": {"status": "VERIFIED", "verified_from": SOURCE,
                                                          "table": "../shared/ontology-terms.tsv"},
        "http://purl.obolibrary.org/obo/NCIT_C102758": {"status": "VERIFIED", "verified_from": "NCIt 24.01e",
                                                        "table": "ontology/verified-terms.tsv"},
        "http://purl.obolibrary.org/obo/MONDO_0600008": {"status": "VERIFIED", "verified_from": "mondo.obo\tv2"},
    }
    rows.update(extra)
    return rows


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(data=ONTOLOGY, format="turtle")


def test_one_sorted_row_per_mapping_triple_from_an_emkg_term(ontology):
    rows = mappings.mappings(ontology, _verified())
    assert rows == [
        Mapping("emkg:Testis", "skos:exactMatch", "UBERON:0000473", "testis site", "testis",
                f"verified in ../shared/ontology-terms.tsv from {SOURCE}"),
        Mapping("emkg:Tisagenlecleucel", "skos:closeMatch", "NCIT:C102758", "tisagenlecleucel", "Tisagenlecleucel",
                "verified in ontology/verified-terms.tsv from NCIt 24.01e"),
        Mapping("emkg:Tisagenlecleucel", "skos:relatedMatch", "MONDO:0600008", "tisagenlecleucel",
                "cytokine release syndrome", "verified in ../shared/ontology-terms.tsv from mondo.obo\tv2"),
        Mapping("emkg:Unlabelled", "skos:broadMatch", "NCIT:C102758", "", "Tisagenlecleucel",
                "verified in ontology/verified-terms.tsv from NCIt 24.01e"),
    ]
    assert rows[0].row() == {"subject_id": "emkg:Testis", "subject_label": "testis site",
                             "predicate_id": "skos:exactMatch", "object_id": "UBERON:0000473",
                             "object_label": "testis", "mapping_justification": "semapv:ManualMappingCuration",
                             "comment": f"verified in ../shared/ontology-terms.tsv from {SOURCE}"}


def test_every_unlabelled_or_unverified_object_is_named(ontology):
    odd = Graph() + ontology
    odd.parse(data="""@prefix emkg: <https://w3id.org/emkg/> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        emkg:Marrow skos:narrowMatch <http://purl.obolibrary.org/obo/UBERON_0002371> .""", format="turtle")
    pending = _verified()
    pending["http://purl.obolibrary.org/obo/NCIT_C102758"] = {"status": "UNVERIFIED", "verified_from": ""}
    with pytest.raises(MappingError) as raised:
        mappings.mappings(odd, pending)
    assert str(raised.value) == (
        "emkg:Marrow skos:narrowMatch UBERON:0002371: the object has no label in ontology/imports/; "
        "emkg:Tisagenlecleucel skos:closeMatch NCIT:C102758: the object is not VERIFIED in "
        "../shared/ontology-terms.tsv or ontology/verified-terms.tsv; "
        "emkg:Unlabelled skos:broadMatch NCIT:C102758: the object is not VERIFIED in ../shared/ontology-terms.tsv "
        "or ontology/verified-terms.tsv")
    missing = {k: v for k, v in _verified().items() if "MONDO" not in k}
    with pytest.raises(MappingError, match=r"^emkg:Tisagenlecleucel skos:relatedMatch MONDO:0600008: the object "
                                           r"is not VERIFIED"):
        mappings.mappings(ontology, missing)


def test_the_metadata_comes_from_the_emkg_ontology_header(ontology):
    rows = mappings.mappings(ontology, _verified())
    assert mappings.metadata(ontology, rows) == {
        "mapping_set_id": "https://w3id.org/emkg/mappings/emkg.sssom.tsv",
        "mapping_set_version": "2026-11-30",
        "mapping_set_description": "Mappings of emkg terms to verified external ontology terms (4 rows)",
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "mapping_date": "2026-11-30",
        "mapping_provider": "https://w3id.org/emkg",
        "subject_source": "https://w3id.org/emkg/ontology",
        "subject_source_version": "2026-11-30",
        "comment": "generated - do not edit; run `emkg mappings`. Object labels come from ontology/imports/ and "
                   "are checked against ../shared/ontology-terms.tsv and ontology/verified-terms.tsv.",
    }
    with pytest.raises(MappingError) as raised:
        mappings.metadata(Graph(), rows)
    assert str(raised.value) == "the ontology has no emkg owl:Ontology header"
    bare = Graph().parse(data="<https://w3id.org/emkg/ontology> a <http://www.w3.org/2002/07/owl#Ontology> .",
                         format="turtle")
    assert mappings.metadata(bare, [])["license"] == "" and mappings.metadata(bare, [])["mapping_set_version"] == ""


def test_the_curie_map_holds_exactly_the_prefixes_used(ontology):
    rows = mappings.mappings(ontology, _verified())
    assert mappings.curie_map(rows) == {
        "MONDO": "http://purl.obolibrary.org/obo/MONDO_", "NCIT": "http://purl.obolibrary.org/obo/NCIT_",
        "UBERON": "http://purl.obolibrary.org/obo/UBERON_", "emkg": "https://w3id.org/emkg/",
        "skos": "http://www.w3.org/2004/02/skos/core#", "semapv": "https://w3id.org/semapv/vocab/"}
    assert list(mappings.curie_map(rows)) == ["MONDO", "NCIT", "UBERON", "emkg", "skos", "semapv"]


def test_the_written_file_holds_the_rows_and_the_metadata(ontology, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "PREFIX_MAP_FILE", tmp_path / "out" / "emkg.prefixes.json")
    monkeypatch.setattr(paths, "JSONLD_CONTEXT_FILE", tmp_path / "out" / "emkg.context.jsonld")
    mapping_dir = tmp_path / "out" / "mappings"
    assert mappings.stale_files(ontology, _verified(), mapping_dir) == [
        "emkg.sssom.tsv", "emkg.prefixes.json", "emkg.context.jsonld"]
    written = mappings.write(ontology, _verified(), mapping_dir)
    assert written == [mapping_dir / "emkg.sssom.tsv", tmp_path / "out" / "emkg.prefixes.json",
                       tmp_path / "out" / "emkg.context.jsonld"]
    assert mappings.stale_files(ontology, _verified(), mapping_dir) == []
    text = (mapping_dir / "emkg.sssom.tsv").read_text(encoding="utf-8")
    body = [line for line in text.splitlines() if not line.startswith("#")]
    assert body[0].split("\t") == list(mappings.COLUMNS)
    assert body[1].split("\t") == ["emkg:Testis", "testis site", "skos:exactMatch", "UBERON:0000473", "testis",
                                   "semapv:ManualMappingCuration",
                                   f"verified in ../shared/ontology-terms.tsv from {SOURCE}"]
    assert body[3].split("\t")[-1] == "verified in ../shared/ontology-terms.tsv from mondo.obo v2"
    assert len(body) == 5
    assert "# mapping_set_version: '2026-11-30'\n" in text and "#   semapv: https://w3id.org/semapv/vocab/\n" in text
    (mapping_dir / "emkg.sssom.tsv").write_text(text.replace("testis site", "testicle"), encoding="utf-8")
    assert mappings.stale_files(ontology, _verified(), mapping_dir) == ["emkg.sssom.tsv"]
