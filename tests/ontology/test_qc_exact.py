"""Ontology QC, exactly: for small crafted ontologies, one per check, the whole list of problems (check, term,
whole message) and how a problem prints. The sibling test_qc.py breaks the project's own ontology; this file
pins what each check says, so a researcher reading a build failure gets the right term and the right fix."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from emkg import ontology_qc as qc
from emkg.ontology_qc import QCProblem

PREFIXES = """@prefix emkg: <https://w3id.org/emkg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
GOOD_HEADER = """emkg:ontology a owl:Ontology ; owl:versionIRI <https://w3id.org/emkg/releases/2026-01-31/ontology> ;
    owl:versionInfo "2026-01-31" ; dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:creator "the emkg curators" ; dcterms:description "A test ontology." ."""


def graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def test_a_problem_prints_its_check_term_and_message():
    assert str(QCProblem("labels", "emkg:Relapse", "has no rdfs:label")) == \
        "ontology QC [labels] emkg:Relapse: has no rdfs:label"


def test_missing_labels_and_definitions_of_every_kind_of_term():
    ontology = graph("""
emkg:Labelled a owl:Class ; rdfs:label "labelled" ; obo:IAO_0000115 "Has both." .
emkg:NoLabel a owl:Class ; obo:IAO_0000115 "No label." .
emkg:noDefinition a owl:ObjectProperty ; rdfs:label "no definition" .
emkg:bare a owl:DatatypeProperty .
emkg:note a owl:AnnotationProperty ; rdfs:label "note" ; obo:IAO_0000115 "A note." ; skos:definition "Old style." .
emkg:Someone a owl:NamedIndividual ; rdfs:label "someone" ; obo:IAO_0000115 "An individual." .
emkg:Unchecked a rdfs:Class .
obo:UBERON_0000473 a owl:Class .
""")
    assert qc.missing_labels(ontology) == [
        QCProblem("labels", "emkg:NoLabel", "has no rdfs:label"),
        QCProblem("labels", "emkg:bare", "has no rdfs:label"),
        QCProblem("labels", "emkg:bare", "has no IAO:0000115 definition"),
        QCProblem("labels", "emkg:noDefinition", "has no IAO:0000115 definition"),
        QCProblem("labels", "emkg:note", "has skos:definition: write the definition as IAO:0000115 (the OBO "
                                         "definition property) instead")]


def test_declared_terms_are_the_typed_emkg_iris():
    ontology = graph("""emkg:A a owl:Class . emkg:b rdfs:label "untyped" . obo:X a owl:Class .
emkg:ontology a owl:Ontology . emkg:C rdfs:subClassOf emkg:A .""")
    assert sorted(map(str, qc.declared_terms(ontology))) == [
        "https://w3id.org/emkg/A", "https://w3id.org/emkg/ontology"]


def test_undeclared_iris_in_the_built_graph_with_their_use_counts():
    declared = qc.declared_terms(graph("emkg:Relapse a owl:Class . emkg:hasSite a owl:ObjectProperty ."))
    built = graph("""
<https://w3id.org/emkg/case/p1-relapse> a emkg:Relapse ; emkg:hasSite obo:UBERON_0000473 ; emkg:relapseNumbr 1 .
<https://w3id.org/emkg/case/p2-relapse> a emkg:Relaps ; emkg:relapseNumbr 2 .
<https://w3id.org/emkg/publication/pmid1> emkg:hasSite emkg:Testis .
emkg:ontology owl:versionIRI <https://w3id.org/emkg/releases/2026-01-31/ontology> .
""")
    assert qc.undeclared_in_graph(built, declared, "the built graph") == [
        QCProblem("undeclared", "emkg:Relaps", "used 1 time(s) in the built graph but not declared in the ontology"),
        QCProblem("undeclared", "emkg:Testis", "used 1 time(s) in the built graph but not declared in the ontology"),
        QCProblem("undeclared", "emkg:ontology", "used 1 time(s) in the built graph but not declared in the "
                                                 "ontology"),
        QCProblem("undeclared", "emkg:relapseNumbr", "used 2 time(s) in the built graph but not declared in the "
                                                     "ontology")]


def test_shapes_declare_their_own_typed_nodes_only():
    declared = qc.declared_terms(graph("emkg:Relapse a owl:Class ."))
    shapes = graph("""@prefix sh: <http://www.w3.org/ns/shacl#> .
emkg:RelapseShape a sh:NodeShape ; sh:targetClass emkg:Relapse ; sh:property emkg:RelapseShape-site .
emkg:RelapseShape-site sh:path emkg:hasSyte .""")
    assert qc.undeclared_in_shapes(shapes, declared) == [
        QCProblem("undeclared", "emkg:RelapseShape-site", "used 2 time(s) in shapes/ but not declared in the "
                                                          "ontology"),
        QCProblem("undeclared", "emkg:hasSyte", "used 1 time(s) in shapes/ but not declared in the ontology")]


def test_undeclared_terms_in_a_query_by_curie_own_prefix_and_full_iri_with_their_lines():
    declared = qc.declared_terms(graph("emkg:Relapse a owl:Class . emkg:hasSite a owl:ObjectProperty ."))
    text = """PREFIX emkg: <https://w3id.org/emkg/>
prefix e: <https://w3id.org/emkg/>
PREFIX : <https://w3id.org/emkg/>
SELECT ?r WHERE {
  ?r a emkg:Relapse ; emkg:hasSite ?s ; e:relapseNumbr ?n .
  ?r a <https://w3id.org/emkg/Relaps> . ?r emkg:aboutPatient emkg:case/p1 .
  FILTER(?s != <https://w3id.org/emkg/publication/x> && ?s != <https://w3id.org/emkg/>)
  OPTIONAL { ?r :hasSyte ?t }
}"""
    assert qc.undeclared_in_query(text, declared, "queries/test.rq") == [
        QCProblem("undeclared", "emkg:relapseNumbr", "used in queries/test.rq line 5 but not declared in the "
                                                     "ontology"),
        QCProblem("undeclared", "emkg:aboutPatient", "used in queries/test.rq line 6 but not declared in the "
                                                     "ontology"),
        QCProblem("undeclared", "emkg:Relaps", "used in queries/test.rq line 6 but not declared in the ontology"),
        QCProblem("undeclared", "emkg:hasSyte", "used in queries/test.rq line 8 but not declared in the ontology")]


def test_exact_match_conflicts_both_ways():
    ontology = graph("""
emkg:Testis skos:exactMatch obo:UBERON_0000473, obo:NCIT_C12412 .
emkg:TesticularSite skos:exactMatch obo:UBERON_0000473 .
emkg:Skin skos:exactMatch obo:UBERON_0002097 ; skos:closeMatch obo:UBERON_0000014 .
emkg:Skin2 skos:closeMatch obo:UBERON_0002097 .
obo:X skos:exactMatch obo:Y, obo:Z .
""")
    assert qc.exact_match_conflicts(ontology) == [
        QCProblem("exact-match", "emkg:Testis", "skos:exactMatch of 2 external terms: NCIT:C12412, UBERON:0000473; "
                                                "keep one, use closeMatch for others"),
        QCProblem("exact-match", "UBERON:0000473", "skos:exactMatch of 2 local terms: emkg:TesticularSite, "
                                                   "emkg:Testis")]


def test_mapping_targets_must_be_labelled_and_not_deprecated():
    ontology = graph("""
emkg:Testis skos:exactMatch obo:UBERON_0000473 .
obo:UBERON_0000473 rdfs:label "testis" .
emkg:Skin skos:closeMatch obo:UBERON_0002097 .
emkg:Brain skos:narrowMatch obo:UBERON_0000955 .
obo:UBERON_0000955 rdfs:label "brain" ; owl:deprecated true .
emkg:Eye skos:relatedMatch obo:UBERON_0000970 .
obo:UBERON_0000970 rdfs:label "eye" ; owl:deprecated false .
emkg:Organ skos:broadMatch obo:UBERON_0000062 .
obo:X skos:exactMatch obo:Y .
""")
    assert qc.mapping_target_problems(ontology) == [
        QCProblem("mapping-target", "emkg:Skin", "maps to UBERON:0002097, which no import module declares with a "
                                                 "label (verify it in ../shared/ontology-terms.tsv, then run "
                                                 "`emkg imports`)"),
        QCProblem("mapping-target", "emkg:Organ", "maps to UBERON:0000062, which no import module declares with a "
                                                  "label (verify it in ../shared/ontology-terms.tsv, then run "
                                                  "`emkg imports`)"),
        QCProblem("mapping-target", "emkg:Brain", "maps to deprecated UBERON:0000955")]


def test_a_complete_header_passes():
    assert qc.version_problems(graph(GOOD_HEADER)) == []


def test_header_count():
    assert qc.version_problems(graph("obo:other a owl:Ontology .")) == [
        QCProblem("version", "owl:Ontology", "expected one emkg ontology header, found 0")]
    assert qc.version_problems(graph(GOOD_HEADER + " emkg:second a owl:Ontology .")) == [
        QCProblem("version", "owl:Ontology", "expected one emkg ontology header, found 2")]


def test_version_iri_and_info_must_be_single():
    assert qc.version_problems(graph(GOOD_HEADER + ' emkg:ontology owl:versionInfo "2026-02-01" .')) == [
        QCProblem("version", "emkg:ontology", "needs exactly one owl:versionIRI and one owl:versionInfo "
                                              "(found 1 and 2)")]
    assert qc.version_problems(graph("emkg:ontology a owl:Ontology .")) == [
        QCProblem("version", "emkg:ontology", "needs exactly one owl:versionIRI and one owl:versionInfo "
                                              "(found 0 and 0)")]


def test_version_date_problems_and_missing_header_annotations():
    undated = graph("""emkg:ontology a owl:Ontology ; owl:versionIRI <https://w3id.org/emkg/releases/latest/ontology> ;
    owl:versionInfo "2026-01-31" .""")
    assert qc.version_problems(undated) == [
        QCProblem("version", "emkg:ontology", "owl:versionIRI https://w3id.org/emkg/releases/latest/ontology carries "
                                              "no release date (expected .../releases/YYYY-MM-DD/ontology)"),
        QCProblem("version", "emkg:ontology", "ontology header has no dcterms:license"),
        QCProblem("version", "emkg:ontology", "ontology header has no dcterms:creator"),
        QCProblem("version", "emkg:ontology", "ontology header has no dcterms:description")]
    impossible = graph(GOOD_HEADER.replace("2026-01-31/", "2026-02-30/"))
    assert qc.version_problems(impossible) == [
        QCProblem("version", "emkg:ontology", "owl:versionIRI date 2026-02-30 is not a real date"),
        QCProblem("version", "emkg:ontology", "owl:versionInfo '2026-01-31' differs from the versionIRI date "
                                              "'2026-02-30'")]


def test_owlready2_loads_a_small_ontology_and_rdfxml_round_trips():
    ontology = graph(GOOD_HEADER + """
emkg:Relapse a owl:Class ; rdfs:label "relapse" ; rdfs:subClassOf emkg:Event .
emkg:Event a owl:Class ; rdfs:label "event" .""")
    assert qc.owlready_problems(ontology) == []
    assert qc.rdfxml_problems(ontology) == []


def test_rdfxml_failure_names_the_error():
    ontology = graph("emkg:A <https://w3id.org/emkg/part/> emkg:B .")  # RDF/XML cannot write this predicate
    assert qc.rdfxml_problems(ontology) == [QCProblem(
        "rdfxml", "ontology", "RDF/XML round trip failed: ValueError: Can't split 'https://w3id.org/emkg/part/'")]


def test_query_files_are_found_recursively_and_sorted(tmp_path):
    (tmp_path / "b").mkdir()
    for name in ("b/z.rq", "a.rq", "b/a.rq", "notes.md"):
        (tmp_path / name).write_text("", encoding="utf-8")
    assert qc.query_files(tmp_path) == [tmp_path / "a.rq", tmp_path / "b/a.rq", tmp_path / "b/z.rq"]
    assert qc.query_files(tmp_path / "missing") == []


def test_check_runs_every_check_on_a_small_ontology(tmp_path):
    ontology = graph(GOOD_HEADER + """
emkg:ontology rdfs:label "emkg test" ; dcterms:title "emkg test" .
emkg:Remission a owl:Class ; rdfs:label "remission " ; obo:IAO_0000115 "No disease." .
emkg:Relapse a owl:Class ; rdfs:label "relapse" ; obo:IAO_0000115 "A return of the disease." ;
    skos:exactMatch obo:UBERON_0000473 .""")
    query = tmp_path / "q.rq"
    query.write_text("PREFIX emkg: <https://w3id.org/emkg/>\nSELECT * { ?x a emkg:Relapse, emkg:Remision }\n",
                     encoding="utf-8")
    built = graph("<https://w3id.org/emkg/case/x> a emkg:Relapse, emkg:Relaps .")
    shapes = graph("emkg:S a emkg:Shape .")
    problems = qc.check(ontology, built, shapes, [query])
    assert [p for p in problems if not p.check.startswith("robot:")] == [
        QCProblem("undeclared", "emkg:Relaps", "used 1 time(s) in the built graph but not declared in the ontology"),
        QCProblem("undeclared", "emkg:Shape", "used 1 time(s) in shapes/ but not declared in the ontology"),
        QCProblem("undeclared", "emkg:Remision", f"used in {query} line 2 but not declared in the ontology"),
        QCProblem("mapping-target", "emkg:Relapse", "maps to UBERON:0000473, which no import module declares with "
                                                    "a label (verify it in ../shared/ontology-terms.tsv, then run "
                                                    "`emkg imports`)")]
    assert problems[4:] == [QCProblem("robot:label_whitespace", "emkg:Remission", "ERROR: rdfs:label 'remission '")]
    assert qc.check(ontology) == problems[3:]
    assert Path(query).exists()


def test_owlready2_names_a_class_it_does_not_load_as_a_class():
    ontology = graph(GOOD_HEADER + """
emkg:Relapse a owl:Class, owl:DatatypeProperty ; rdfs:label "relapse" .
emkg:Event a owl:Class ; rdfs:label "event" .
obo:UBERON_0000473 a owl:Class, owl:DatatypeProperty .""")
    assert qc.owlready_problems(ontology) == [
        QCProblem("owlready2", "emkg:Relapse", "not loaded as a class by owlready2")]


def test_query_files_are_named_relative_to_the_project(tmp_path):
    from emkg import paths

    assert qc._shown(paths.PROJECT_ROOT / "queries" / "catalogue" / "a.rq") == "queries/catalogue/a.rq"
    assert qc._shown(tmp_path / "a.rq") == str(tmp_path / "a.rq")


def test_a_robot_row_without_an_entity_is_about_the_ontology(monkeypatch):
    from emkg import ontology_report
    from emkg.ontology_report import ReportRow

    monkeypatch.setattr(ontology_report, "run", lambda store: [
        ReportRow("missing_ontology_title", "ERROR", "", "dcterms:title", ""),
        ReportRow("label_whitespace", "ERROR", "emkg:A", "rdfs:label", "a ")])
    assert qc.robot_report_problems(graph(GOOD_HEADER)) == [
        QCProblem("robot:missing_ontology_title", "ontology", "ERROR: dcterms:title ''"),
        QCProblem("robot:label_whitespace", "emkg:A", "ERROR: rdfs:label 'a '")]


def test_an_ontology_owlready2_cannot_load_is_one_problem_naming_the_error(monkeypatch):
    import owlready2

    class Refusing:
        def get_ontology(self, iri):
            return self

        def load(self, **kwargs):
            raise ValueError("unexpected triple")

    monkeypatch.setattr(owlready2, "World", Refusing)
    assert qc.owlready_problems(graph(GOOD_HEADER)) == [
        QCProblem("owlready2", "ontology", "owlready2 could not load it: ValueError: unexpected triple")]
