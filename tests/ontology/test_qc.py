"""Ontology QC: the project's ontology passes every check, and each check catches a broken copy of it
(label missing, undeclared emkg IRI in data / shapes / queries, double exactMatch, bad versionIRI,
mapping to an unknown term, owlready2 and RDF/XML failures); a QC failure stops `emkg build`."""

from __future__ import annotations

import shutil

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from emkg import ontology_qc as qc
from emkg import paths
from emkg.build import BuildFailed, build
from emkg.graph import evidence_graph, ontology_graph, record_files, shapes_graph
from emkg.namespaces import EMKG, expand

HEADER = URIRef(EMKG + "ontology")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture
def broken(ontology) -> Graph:
    """A fresh copy to break; the module fixture stays intact."""
    copy = Graph()
    copy += ontology
    return copy


def checks(problems) -> set[str]:
    return {p.check for p in problems}


def test_the_project_passes_every_check(ontology):
    built = Graph()
    built += ontology
    built += evidence_graph(record_files()).graph
    problems = qc.check(ontology, built, shapes_graph(), qc.query_files(paths.QUERIES_DIR))
    assert problems == []


def test_a_missing_label_or_definition_is_caught(broken):
    relapse = URIRef(EMKG + "Relapse")
    broken.remove((relapse, RDFS.label, None))
    broken.remove((URIRef(EMKG + "hasSite"), qc.DEFINITION, None))
    found = {(p.check, p.term, p.message) for p in qc.missing_labels(broken)}
    assert found == {("labels", "emkg:Relapse", "has no rdfs:label"),
                     ("labels", "emkg:hasSite", "has no IAO:0000115 definition")}


def test_a_skos_definition_is_caught_with_its_fix(broken):
    anemia = URIRef(EMKG + "Anemia")
    broken.add((anemia, SKOS.definition, broken.value(anemia, qc.DEFINITION)))
    problems = [p for p in qc.missing_labels(broken) if p.term == "emkg:Anemia"]
    assert len(problems) == 1 and "write the definition as IAO:0000115" in problems[0].message


def test_an_undeclared_emkg_iri_in_the_data_is_caught(ontology):
    data = Graph()
    case = URIRef(EMKG + "case/pub/P1/r1")
    data.add((case, RDF.type, URIRef(EMKG + "Relapes")))  # misspelt class
    data.add((case, URIRef(EMKG + "hasSite"), URIRef(expand("UBERON:0000473"))))
    data.add((case, URIRef(EMKG + "reportedIn"), URIRef(EMKG + "publication/pub")))
    problems = qc.undeclared_in_graph(data, qc.declared_terms(ontology), "the built graph")
    assert [(p.check, p.term) for p in problems] == [("undeclared", "emkg:Relapes")]


def test_evidence_namespaces_are_excused_but_nothing_else_under_emkg(ontology):
    data = Graph()
    data.add((URIRef(EMKG + "case/pub/P1"), RDF.type, URIRef(EMKG + "Patient")))
    data.add((URIRef(EMKG + "cases/pub/P1"), RDF.type, URIRef(EMKG + "Patient")))  # not the minted namespace
    problems = qc.undeclared_in_graph(data, qc.declared_terms(ontology), "x")
    assert [p.term for p in problems] == ["emkg:cases/pub/P1"]


def test_an_undeclared_term_in_a_shape_is_caught_but_shapes_declare_themselves(ontology):
    shapes = Graph().parse(data="""
        @prefix emkg: <https://w3id.org/emkg/> . @prefix sh: <http://www.w3.org/ns/shacl#> .
        emkg:RelapseShape a sh:NodeShape ; sh:targetClass emkg:Relapse ;
            sh:property [ sh:path emkg:hasSites ; sh:minCount 1 ] .""", format="turtle")
    problems = qc.undeclared_in_shapes(shapes, qc.declared_terms(ontology))
    assert [(p.check, p.term) for p in problems] == [("undeclared", "emkg:hasSites")]


def test_an_undeclared_term_in_a_query_is_caught_with_its_line(ontology):
    text = ("#+ summary: example, e.g. emkg:case/some-pub/P1\n"
            "PREFIX e: <https://w3id.org/emkg/>\n"
            "PREFIX emkg: <https://w3id.org/emkg/>\n"
            "SELECT ?r WHERE { ?r a emkg:Relapse ; e:boneMarowInvolved ?m ;\n"
            "  <https://w3id.org/emkg/hasSiteX> ?s }\n")
    problems = qc.undeclared_in_query(text, qc.declared_terms(ontology), "queries/x.rq")
    assert [(p.term, p.message) for p in problems] == [
        ("emkg:boneMarowInvolved", "used in queries/x.rq line 4 but not declared in the ontology"),
        ("emkg:hasSiteX", "used in queries/x.rq line 5 but not declared in the ontology"),
    ]


def test_a_local_term_exact_match_of_two_external_terms_is_caught(broken):
    broken.add((URIRef(EMKG + "CompleteRemission"), SKOS.exactMatch, URIRef(expand("NCIT:C18058"))))
    problems = qc.exact_match_conflicts(broken)
    terms = {p.term for p in problems}
    # CompleteRemission now has two exact matches, and NCIT:C18058 is exact match of two local terms.
    assert terms == {"emkg:CompleteRemission", "NCIT:C18058"}


def test_a_mapping_to_a_term_not_in_the_imports_is_caught(broken):
    broken.add((URIRef(EMKG + "Anemia"), SKOS.closeMatch, URIRef(expand("NCIT:C9999999"))))
    problems = qc.mapping_target_problems(broken)
    assert [(p.term, "NCIT:C9999999" in p.message) for p in problems] == [("emkg:Anemia", True)]


@pytest.mark.parametrize(("version_iri", "info", "fragment"), [
    ("https://w3id.org/emkg/releases/latest/ontology", "2026-11-21", "carries no release date"),
    ("https://w3id.org/emkg/releases/2026-11-21/ontology", "2026-11-22", "differs from the versionIRI date"),
    ("https://w3id.org/emkg/releases/2026-02-30/ontology", "2026-02-30", "not a real date"),
])
def test_a_bad_version_iri_is_caught(broken, version_iri, info, fragment):
    broken.set((HEADER, OWL.versionIRI, URIRef(version_iri)))
    broken.set((HEADER, OWL.versionInfo, Literal(info)))
    problems = qc.version_problems(broken)
    assert problems and all(p.check == "version" for p in problems)
    assert any(fragment in p.message for p in problems), problems


def test_a_missing_version_iri_is_caught(broken):
    broken.remove((HEADER, OWL.versionIRI, None))
    assert checks(qc.version_problems(broken)) == {"version"}


def test_owlready2_loads_the_ontology_and_reports_what_it_cannot_load(ontology, broken):
    assert qc.owlready_problems(ontology) == []
    # An IRI declared as a class and as a datatype property at once: owlready2 does not load it as a class.
    broken.add((URIRef(EMKG + "Relapse"), RDF.type, OWL.DatatypeProperty))
    problems = qc.owlready_problems(broken)
    assert [(p.check, p.term) for p in problems] == [("owlready2", "emkg:Relapse")]


def test_an_rdfxml_round_trip_failure_is_caught(broken):
    # A predicate IRI ending in '/' cannot be written as an RDF/XML element name.
    broken.add((URIRef(EMKG + "Relapse"), URIRef(EMKG + "bad/"), Literal("x")))
    assert checks(qc.rdfxml_problems(broken)) == {"rdfxml"}


def test_build_fails_on_an_ontology_qc_problem_and_names_it(tmp_path, monkeypatch):
    ontology_dir = tmp_path / "ontology"
    shutil.copytree(paths.ONTOLOGY_DIR, ontology_dir)
    edit = ontology_dir / "emkg.ttl"
    text = edit.read_text(encoding="utf-8")
    marker = '    rdfs:label "relapse"@en ;\n'
    assert text.count(marker) == 1
    edit.write_text(text.replace(marker, ""), encoding="utf-8")
    monkeypatch.setattr(paths, "ONTOLOGY_DIR", ontology_dir)
    with pytest.raises(BuildFailed) as failure:
        build(tmp_path / "build", check_quotes=False)
    assert "ontology QC" in str(failure.value)
    assert "ontology QC [labels] emkg:Relapse: has no rdfs:label" in failure.value.problems
    assert not (tmp_path / "build" / "store").exists()


# ROBOT's report queries: each check fires on a copy of the ontology broken the way it looks for.
def _robot(broken: Graph) -> set[tuple[str, str]]:
    return {(p.check, p.term) for p in qc.robot_report_problems(broken)}


def test_the_robot_report_queries_are_robots_error_checks_with_their_levels():
    from emkg.ontology_report import report_checks

    checks = {c.name: c.level for c in report_checks()}
    errors = {"deprecated_boolean_datatype", "deprecated_class_reference", "deprecated_property_reference",
              "duplicate_definition", "duplicate_label", "illegal_use_of_built_in_vocabulary", "label_formatting",
              "label_whitespace", "missing_label", "missing_ontology_description", "missing_ontology_license",
              "missing_ontology_title", "misused_obsolete_label", "misused_replaced_by", "multiple_definitions",
              "multiple_equivalent_class_definitions", "multiple_labels"}
    assert {name for name, level in checks.items() if level == "ERROR"} == errors
    assert checks["missing_definition"] == "WARN"


def test_robot_missing_title_description_license_fire(broken):
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license):
        broken.remove((HEADER, predicate, None))
    found = _robot(broken)
    assert {("robot:missing_ontology_title", "emkg:ontology"), ("robot:missing_ontology_description", "emkg:ontology"),
            ("robot:missing_ontology_license", "emkg:ontology")} <= found


def test_robot_duplicate_label_fires_on_a_class_property_pair(broken):
    broken.remove((URIRef(EMKG + "year"), RDFS.label, None))
    broken.add((URIRef(EMKG + "year"), RDFS.label, Literal("year", lang="en")))  # the class emkg:Year's label
    assert {("robot:duplicate_label", "emkg:year"), ("robot:duplicate_label", "emkg:Year")} <= _robot(broken)


def test_robot_missing_and_duplicate_and_multiple_definitions_fire(broken):
    broken.remove((URIRef(EMKG + "Relapse"), qc.DEFINITION, None))
    broken.set((URIRef(EMKG + "Anemia"), qc.DEFINITION, Literal("Same words.", lang="en")))
    broken.set((URIRef(EMKG + "Fever"), qc.DEFINITION, Literal("Same words.", lang="en")))
    broken.add((URIRef(EMKG + "CRES"), qc.DEFINITION, Literal("A second definition.", lang="en")))
    found = _robot(broken)
    assert ("robot:missing_definition", "emkg:Relapse") in found
    assert {("robot:duplicate_definition", "emkg:Anemia"), ("robot:duplicate_definition", "emkg:Fever")} <= found
    assert ("robot:multiple_definitions", "emkg:CRES") in found


def test_robot_label_checks_fire(broken):
    broken.set((URIRef(EMKG + "Anemia"), RDFS.label, Literal("anemia ", lang="en")))
    broken.set((URIRef(EMKG + "Fever"), RDFS.label, Literal("fe\tver", lang="en")))
    broken.add((URIRef(EMKG + "CRES"), RDFS.label, Literal("second label", lang="en")))
    broken.set((URIRef(EMKG + "Relapse"), RDFS.label, Literal("obsolete relapse", lang="en")))
    broken.remove((URIRef(EMKG + "hasSite"), RDFS.label, None))
    found = _robot(broken)
    assert {("robot:label_whitespace", "emkg:Anemia"), ("robot:label_formatting", "emkg:Fever"),
            ("robot:multiple_labels", "emkg:CRES"), ("robot:misused_obsolete_label", "emkg:Relapse"),
            ("robot:missing_label", "emkg:hasSite")} <= found


def test_robot_deprecation_and_built_in_vocabulary_checks_fire(broken):
    relapse = URIRef(EMKG + "Relapse")
    broken.add((relapse, OWL.deprecated, Literal("true")))  # a string, not xsd:boolean
    broken.add((URIRef(EMKG + "AntibodyTherapy"), OWL.deprecated, Literal(True)))  # deprecated, still a subclass
    broken.add((URIRef(EMKG + "Anemia"), URIRef("http://purl.obolibrary.org/obo/IAO_0100001"), relapse))
    broken.add((RDF.type, RDFS.label, Literal("type")))
    found = _robot(broken)
    assert {("robot:deprecated_boolean_datatype", "emkg:Relapse"), ("robot:misused_replaced_by", "emkg:Anemia"),
            ("robot:illegal_use_of_built_in_vocabulary", "rdf:type")} <= found
    assert ("robot:deprecated_class_reference", "emkg:AntibodyTherapy") in found


def test_a_robot_report_problem_fails_the_ontology_qc(broken):
    broken.remove((HEADER, DCTERMS.title, None))
    assert "robot:missing_ontology_title" in checks(qc.check(broken))


def test_robot_property_equivalence_and_whitespace_checks_fire(broken):
    from rdflib import BNode
    from rdflib.collection import Collection

    broken.add((URIRef(EMKG + "condition"), OWL.deprecated, Literal(True)))  # used in SevereCRS's restriction
    second, members = BNode(), BNode()
    Collection(broken, members, [URIRef(EMKG + "AdverseEvent"), URIRef(EMKG + "Fact")])
    broken.add((second, RDF.type, OWL.Class))
    broken.add((second, OWL.intersectionOf, members))
    broken.add((URIRef(EMKG + "SevereCRS"), OWL.equivalentClass, second))
    broken.set((URIRef(EMKG + "Anemia"), qc.DEFINITION, Literal("Reduced haemoglobin. ", lang="en")))
    found = _robot(broken)
    assert any(check == "robot:deprecated_property_reference" for check, _ in found)
    assert ("robot:multiple_equivalent_class_definitions", "emkg:SevereCRS") in found
    assert ("robot:annotation_whitespace", "emkg:Anemia") in found
