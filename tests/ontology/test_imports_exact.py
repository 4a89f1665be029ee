"""emkg imports, exactly: a small OBO slice gives the whole Turtle module (labels escaped, exact synonyms only,
cross-references without their qualifiers, parents with outside ones declared by their slice label, obsolete
terms deprecated, everything sorted), the site groups module and its refusals, merged slices and the check
for stale modules."""

from __future__ import annotations

import pytest

from emkg import imports

OBO = r'''format-version: 1.2
ontology: uberon

[Term]
id: UBERON:0000473
name: testis
synonym: "orchis" EXACT []
synonym: "male gonad" RELATED []
synonym: "testicle" EXACT [FMA:7210]
xref: NCIT:C12412 {source="x"}
xref: FMA:7210
is_a: UBERON:0000991 ! gonad
is_a: CARO:0000003 {is_inferred="true"} ! connected anatomical structure

[Typedef]
id: part_of
name: part of

[Term]
id: UBERON:0000991
name: gonad "sex" \ organ
is_a: UBERON:0000062 ! organ
is_obsolete: true

[Term]
id: UBERON:0000062
name: organ
is_a: UBERON:0000061
is_a: emkg:AnatomicalSite ! anatomical site
'''
MODULE = r'''# generated - do not edit: run `emkg imports` to rebuild from shared/ontology-terms/uberon.obo
@prefix oboInOwl: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<http://purl.obolibrary.org/obo/UBERON_0000062> a owl:Class ;
    rdfs:label "organ" ;
    rdfs:subClassOf <http://purl.obolibrary.org/obo/UBERON_0000061> ;
    rdfs:subClassOf <https://w3id.org/emkg/AnatomicalSite> .

<http://purl.obolibrary.org/obo/UBERON_0000473> a owl:Class ;
    rdfs:label "testis" ;
    oboInOwl:hasExactSynonym "orchis" ;
    oboInOwl:hasExactSynonym "testicle" ;
    oboInOwl:hasDbXref "FMA:7210" ;
    oboInOwl:hasDbXref "NCIT:C12412" ;
    rdfs:subClassOf <http://purl.obolibrary.org/obo/CARO_0000003> ;
    rdfs:subClassOf <http://purl.obolibrary.org/obo/UBERON_0000991> .

<http://purl.obolibrary.org/obo/UBERON_0000991> a owl:Class ;
    rdfs:label "gonad \"sex\" \\ organ" ;
    rdfs:subClassOf <http://purl.obolibrary.org/obo/UBERON_0000062> ;
    owl:deprecated true .

<http://purl.obolibrary.org/obo/CARO_0000003> a owl:Class ;
    rdfs:label "connected anatomical structure" .

<https://w3id.org/emkg/AnatomicalSite> a owl:Class ;
    rdfs:label "anatomical site" .
'''

SITES = """@prefix emkg: <https://w3id.org/emkg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
emkg:CNSRelapse owl:equivalentClass [ owl:intersectionOf ( emkg:Relapse [ owl:onProperty emkg:hasSite ;
    owl:someValuesFrom [ owl:oneOf ( obo:UBERON_0000955 obo:UBERON_0001017 obo:UBERON_0001359 ) ] ] ) ] ;
    emkg:siteGroupRoot obo:UBERON_0001017 .
emkg:MeningealRelapse owl:equivalentClass [ owl:oneOf ( obo:UBERON_0002360 obo:UBERON_0001017 ) ] ;
    emkg:siteGroupRoot obo:UBERON_0001017 .
emkg:SkinRelapse owl:equivalentClass [ owl:oneOf ( obo:UBERON_0002097 obo:UBERON_0000403 ) ] ;
    emkg:siteGroupRoot obo:UBERON_0002097 .
"""
SITE_GROUPS = """# generated - do not edit: run `emkg imports` to rebuild from the site lists (owl:oneOf) of the
# defined classes with emkg:siteGroupRoot in ontology/emkg.ttl
@prefix emkg: <https://w3id.org/emkg/> .

<http://purl.obolibrary.org/obo/UBERON_0001017> emkg:includesSite <http://purl.obolibrary.org/obo/UBERON_0000955> ,
    <http://purl.obolibrary.org/obo/UBERON_0001359> ,
    <http://purl.obolibrary.org/obo/UBERON_0002360> .

<http://purl.obolibrary.org/obo/UBERON_0002097> emkg:includesSite <http://purl.obolibrary.org/obo/UBERON_0000403> .
"""


def test_parse_obo_keeps_term_stanzas_only_with_every_value_of_a_tag():
    terms = imports.parse_obo(OBO)
    assert [t["id"] for t in terms] == [["UBERON:0000473"], ["UBERON:0000991"], ["UBERON:0000062"]]
    assert terms[0] == {"id": ["UBERON:0000473"], "name": ["testis"],
                        "synonym": ['"orchis" EXACT []', '"male gonad" RELATED []', '"testicle" EXACT [FMA:7210]'],
                        "xref": ['NCIT:C12412 {source="x"}', "FMA:7210"],
                        "is_a": ["UBERON:0000991 ! gonad",
                                 'CARO:0000003 {is_inferred="true"} ! connected anatomical structure']}
    assert terms[1]["is_obsolete"] == ["true"]


def test_module_for_a_slice():
    assert imports.module_for(OBO, "shared/ontology-terms/uberon.obo") == MODULE


def test_site_groups_module():
    assert imports.site_groups_module(SITES) == SITE_GROUPS
    assert imports.site_groups_module(SITES, "x.ttl").splitlines()[1] == (
        "# defined classes with emkg:siteGroupRoot in x.ttl")


def test_a_site_group_root_outside_its_list_or_without_a_list_is_refused():
    outside = SITES.replace("obo:UBERON_0002097 obo:UBERON_0000403", "obo:UBERON_0000403")
    with pytest.raises(ValueError) as raised:
        imports.site_groups_module(outside)
    assert str(raised.value) == ("https://w3id.org/emkg/SkinRelapse: its site group root "
                                 "http://purl.obolibrary.org/obo/UBERON_0002097 is not in its owl:oneOf site list")
    no_list = SITES + "emkg:EyeRelapse emkg:siteGroupRoot obo:UBERON_0000970 .\n"
    with pytest.raises(ValueError) as raised:
        imports.site_groups_module(no_list)
    assert str(raised.value) == ("https://w3id.org/emkg/EyeRelapse names a site group root but has 0 owl:oneOf "
                                 "site lists")


def _slice(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


TESTIS = "[Term]\nid: UBERON:0000473\nname: testis\n"
SKIN = "[Term]\nid: UBERON:0002097\nname: skin of body é\n"


def test_slices_of_one_name_in_two_folders_make_one_module(tmp_path):
    _slice(tmp_path / "shared" / "terms", "uberon.obo", TESTIS)
    _slice(tmp_path / "ontology" / "verified", "uberon.obo", SKIN)
    _slice(tmp_path / "ontology" / "verified", "notes.txt", "not a slice")
    built = imports.modules([tmp_path / "shared" / "terms", tmp_path / "ontology" / "verified", tmp_path / "none"])
    assert list(built) == ["uberon_import.ttl"]
    assert built["uberon_import.ttl"] == imports.module_for(
        TESTIS + "\n" + SKIN, "shared/terms/uberon.obo + ontology/verified/uberon.obo")


def test_a_term_in_two_slices_of_one_name_is_refused(tmp_path):
    _slice(tmp_path / "a" / "b", "uberon.obo", TESTIS + SKIN)
    _slice(tmp_path / "c" / "d", "uberon.obo", SKIN + TESTIS)
    with pytest.raises(ValueError) as raised:
        imports.modules([tmp_path / "a" / "b", tmp_path / "c" / "d"])
    assert str(raised.value) == "UBERON:0000473, UBERON:0002097 declared in more than one uberon.obo slice"


def test_write_then_stale(tmp_path):
    terms, out = tmp_path / "x" / "terms", tmp_path / "release" / "imports"  # made with its parents
    _slice(terms, "uberon.obo", SKIN)
    _slice(terms, "ncit.obo", "[Term]\nid: NCIT:C12412\nname: Testis\n")
    ontology = tmp_path / "emkg.ttl"
    ontology.write_text(SITES, encoding="utf-8")
    assert imports.stale_modules([terms], out, ontology) == ["ncit_import.ttl", "site_groups.ttl",
                                                             "uberon_import.ttl"]
    written = imports.write_modules([terms], out, ontology)
    assert written == [out / "ncit_import.ttl", out / "uberon_import.ttl", out / "site_groups.ttl"]
    assert (out / "uberon_import.ttl").read_bytes() == imports.module_for(SKIN, "x/terms/uberon.obo").encode()
    assert (out / "site_groups.ttl").read_text(encoding="utf-8") == SITE_GROUPS
    assert imports.stale_modules([terms], out, ontology) == []
    (out / "ncit_import.ttl").write_text("edited", encoding="utf-8")
    assert imports.stale_modules([terms], out, ontology) == ["ncit_import.ttl"]
    assert imports.stale_modules([terms], out) == ["ncit_import.ttl"]
