"""emkg docs, exactly: the value-set page, the query page, pyLODE's input graph and the SSSOM reading for a small
made-up ontology. The value-set page is compared whole with a reviewed golden file (tests/docs/expected/values.html:
sorted by label ignoring case, definitions and labels HTML-escaped, individuals linked within the page, classes and
properties to pyLODE's page, external terms by label and CURIE, mappings sorted by predicate)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from emkg import docs

EXPECTED = Path(__file__).parent / "expected"
ONTOLOGY = """@prefix emkg: <https://w3id.org/emkg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
emkg:ontology a owl:Ontology ; rdfs:label "emkg test" ; dcterms:description "A made-up ontology for the docs tests." .
emkg:ResponseOutcome a owl:Class ; rdfs:label "response outcome" ; obo:IAO_0000115 "How a disease responded." .
emkg:VitalStatus a owl:Class ; rdfs:label "vital status" .
emkg:outcome a owl:ObjectProperty ; rdfs:label "outcome" ; rdfs:range emkg:ResponseOutcome ;
    rdfs:comment "Use *one* value <b>only</b>." .
emkg:CompleteRemission a owl:NamedIndividual, emkg:ResponseOutcome ; rdfs:label "complete remission" ;
    obo:IAO_0000115 "No detectable disease (< 5% blasts & no \\"EMD\\" or 'CNS3')." ; rdfs:subClassOf obo:NCIT_C4870 .
emkg:MRDNegativeCompleteRemission a owl:NamedIndividual, emkg:ResponseOutcome ;
    rdfs:label "MRD-negative complete remission" ;
    rdfs:subClassOf emkg:CompleteRemission, [ a owl:Restriction ] ; rdfs:seeAlso emkg:outcome .
emkg:Dead a owl:NamedIndividual, emkg:VitalStatus, emkg:ResponseOutcome ; rdfs:label "Dead" ;
    owl:equivalentClass [ a owl:Class ] .
emkg:Odd a owl:NamedIndividual ; rdfs:subPropertyOf emkg:outcome ; rdfs:domain emkg:VitalStatus ;
    rdfs:range obo:UBERON_0000473, obo:NCIT_C4870 .
obo:NCIT_C4870 rdfs:label "Complete Remission" ; obo:IAO_0000115 "An external definition, not pyLODE's to show." .
obo:Other a owl:NamedIndividual ; rdfs:label "not ours" .
"""
MAPPINGS = {"emkg:CompleteRemission": [
    {"predicate_id": "skos:exactMatch", "object_id": "NCIT:C4870", "object_label": "Complete Remission"},
    {"predicate_id": "skos:closeMatch", "object_id": "OBI:0000001", "object_label": "a <test> label"}]}
PAGE_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>body{{font-family:sans-serif;max-width:60em;\
margin:auto;padding:1em;line-height:1.4}}
.term{{border-top:1px solid #ccc;padding:.4em 0}}.iri{{font-family:monospace;color:#555}}
table{{border-collapse:collapse;display:block;overflow-x:auto}}
td,th{{border:1px solid #ccc;padding:.2em .4em;vertical-align:top}}
code,pre{{background:#f4f4f4}}pre{{overflow-x:auto;padding:.4em}}</style></head>
<body>
<nav class="emkg-pages"><a href="index.html">Ontology (pyLODE)</a> | <a href="values.html">Value sets</a> | \
<a href="queries.html">Stored queries</a></nav>
"""


def graph() -> Graph:
    return Graph().parse(data=ONTOLOGY, format="turtle")


def test_values_page():
    assert docs.values_page(graph(), MAPPINGS) == (EXPECTED / "values.html").read_text(encoding="utf-8")
    assert docs.values_page(graph(), MAPPINGS).startswith(PAGE_HEAD.format(title="emkg value sets"))


def test_values_page_of_an_ontology_without_individuals():
    assert docs.values_page(Graph(), {}) == PAGE_HEAD.format(title="emkg value sets") + (
        '<h1>Named individuals (value sets) (0)</h1>\n<section id="individuals">\n</section>\n</body></html>\n')


def test_queries_page_renders_the_catalogue_markdown_with_tables():
    markdown = "# Catalogue\n\n| query | what |\n|---|---|\n| `a` | b & c |\n"
    assert docs.queries_page(markdown) == PAGE_HEAD.format(title="emkg stored queries") + (
        '<section id="queries"><h1>Stored queries</h1>\n<h1>Catalogue</h1>\n<table>\n<thead>\n<tr>\n'
        "<th>query</th>\n<th>what</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td><code>a</code></td>\n"
        "<td>b &amp; c</td>\n</tr>\n</tbody>\n</table>\n</section>\n</body></html>\n")


def test_read_mappings_groups_rows_by_subject_and_skips_metadata(tmp_path):
    tsv = tmp_path / "m.sssom.tsv"
    tsv.write_text("# curie_map:\n#   emkg: https://w3id.org/emkg/\n"
                   "subject_id\tpredicate_id\tobject_id\tobject_label\n"
                   "emkg:Testis\tskos:exactMatch\tUBERON:0000473\ttestis\n"
                   "emkg:Skin\tskos:closeMatch\tUBERON:0002097\tskin of body\n"
                   "emkg:Testis\tskos:closeMatch\tNCIT:C12412\tTestis\n", encoding="utf-8")
    row = dict.fromkeys(("subject_id", "predicate_id", "object_id", "object_label"))
    assert docs.read_mappings(tsv) == {
        "emkg:Testis": [row | {"subject_id": "emkg:Testis", "predicate_id": "skos:exactMatch",
                               "object_id": "UBERON:0000473", "object_label": "testis"},
                        row | {"subject_id": "emkg:Testis", "predicate_id": "skos:closeMatch",
                               "object_id": "NCIT:C12412", "object_label": "Testis"}],
        "emkg:Skin": [row | {"subject_id": "emkg:Skin", "predicate_id": "skos:closeMatch",
                             "object_id": "UBERON:0002097", "object_label": "skin of body"}]}


def test_pylode_input_escapes_markdown_texts_and_adds_definitions_and_mappings():
    source = graph()
    doc = docs.pylode_input(source, MAPPINGS)
    expected = Graph()
    expected += source
    emkg, skos = "https://w3id.org/emkg/", "http://www.w3.org/2004/02/skos/core#"
    comment = URIRef("http://www.w3.org/2000/01/rdf-schema#comment")
    expected.remove((URIRef(emkg + "outcome"), comment, None))
    expected.add((URIRef(emkg + "outcome"), comment, Literal("Use *one* value &lt;b&gt;only&lt;/b&gt;.")))
    for term, definition in (("ResponseOutcome", "How a disease responded."),
                             ("CompleteRemission",
                              "No detectable disease (&lt; 5% blasts &amp; no &quot;EMD&quot; or &#x27;CNS3&#x27;).")):
        expected.add((URIRef(emkg + term), URIRef(skos + "definition"), Literal(definition, lang="en")))
    for note in ("skos:exactMatch NCIT:C4870 Complete Remission (SSSOM mapping)",
                 "skos:closeMatch OBI:0000001 a &lt;test&gt; label (SSSOM mapping)"):
        expected.add((URIRef(emkg + "CompleteRemission"), URIRef(skos + "note"), Literal(note, lang="en")))
    assert isomorphic(doc, expected)
    assert dict(doc.namespaces())["emkg"] == URIRef(emkg)


def test_a_link_for_each_kind_of_term():
    from rdflib import BNode

    ontology, emkg = graph(), "https://w3id.org/emkg/"
    assert [docs._link(ontology, term) for term in (
        BNode(), URIRef(emkg + "CompleteRemission"), URIRef(emkg + "outcome"),
        URIRef("http://purl.obolibrary.org/obo/NCIT_C4870"))] == [
        "<em>(class expression)</em>",
        '<a href="#emkg-CompleteRemission">complete remission</a>',
        '<a href="index.html">outcome</a> <span class="iri">emkg:outcome</span>',
        'Complete Remission <span class="iri">NCIT:C4870</span>']


def test_write_makes_the_three_pages_from_the_graph_given(tmp_path):
    from emkg import paths

    index = docs.write(tmp_path / "site", graph())
    assert index == tmp_path / "site" / "index.html"
    assert sorted(p.name for p in (tmp_path / "site").iterdir()) == ["index.html", "queries.html", "values.html"]
    mappings = docs.read_mappings(paths.MAPPINGS_DIR / "emkg.sssom.tsv")
    assert (tmp_path / "site" / "values.html").read_text(encoding="utf-8") == docs.values_page(graph(), mappings)
    catalogue = (paths.QUERIES_DIR / "README.md").read_text(encoding="utf-8")
    assert (tmp_path / "site" / "queries.html").read_text(encoding="utf-8") == docs.queries_page(catalogue)
    page = index.read_text(encoding="utf-8")
    assert page.count(docs.NAV) == 1 and f"<body>\n{docs.NAV}" in page
    assert "response outcome" in page and "How a disease responded." in page and "<b>only</b>" not in page


def test_the_ontology_page_keeps_the_root_log_level(caplog):
    import logging

    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.DEBUG)
    try:
        with caplog.at_level(logging.DEBUG):
            docs.ontology_page(graph(), {})
            assert root.level == logging.DEBUG
        assert [r for r in caplog.records if r.levelno < logging.WARNING and r.name.startswith("pylode")] == []
    finally:
        root.setLevel(before)
