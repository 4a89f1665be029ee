"""ROBOT's report checks (emkg.ontology_report), exactly: the rows for a small crafted ontology with entity,
property and value as ROBOT reports them, how a row prints, and how the stored checks are read."""

from __future__ import annotations

import pytest
from rdflib import Graph

from emkg import ontology_report as report
from emkg.ontology_report import ReportCheck, ReportRow

ONTOLOGY = """@prefix emkg: <https://w3id.org/emkg/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
emkg:ontology a owl:Ontology ; dcterms:title "emkg test" ; dcterms:description "A test ontology." ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> .
emkg:Relapse a owl:Class ; rdfs:label "relapse" ; obo:IAO_0000115 "A return of the disease." .
emkg:Remission a owl:Class ; rdfs:label " remission" ; obo:IAO_0000115 "No disease." .
emkg:Response a owl:Class ; rdfs:label "response", "answer" ; obo:IAO_0000115 "A response." .
emkg:Site a owl:Class ; rdfs:label "site" .
"""


@pytest.fixture(scope="module")
def rows() -> list[ReportRow]:
    return report.run(report.ontology_store(Graph().parse(data=ONTOLOGY, format="turtle")))


def test_rows_name_check_level_entity_property_and_value(rows):
    # the checks run in name order; within a check, the store's order (compared sorted)
    assert sorted(rows, key=lambda r: (r.check, r.value)) == [
        ReportRow("label_whitespace", "ERROR", "emkg:Remission", "rdfs:label", " remission"),
        ReportRow("missing_definition", "WARN", "emkg:Site", "IAO:0000115", ""),
        ReportRow("multiple_labels", "ERROR", "emkg:Response", "rdfs:label", "answer"),
        ReportRow("multiple_labels", "ERROR", "emkg:Response", "rdfs:label", "response"),
    ]


def test_a_row_prints_level_check_entity_property_and_quoted_value(rows):
    assert [str(r) for r in rows[:2]] == ["ERROR label_whitespace: emkg:Remission rdfs:label ' remission'",
                                          "WARN missing_definition: emkg:Site IAO:0000115 ''"]


def test_the_stored_checks_are_read_with_their_levels(tmp_path):
    (tmp_path / "b_check.rq").write_text("# level: WARN\nSELECT ?entity ?property ?value WHERE { }\n",
                                         encoding="utf-8")
    (tmp_path / "a_check.rq").write_text("# from ROBOT\n# level: ERROR\nSELECT * WHERE { }\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("# level: ERROR\n", encoding="utf-8")
    assert report.report_checks(tmp_path) == [
        ReportCheck("a_check", "ERROR", "# from ROBOT\n# level: ERROR\nSELECT * WHERE { }\n"),
        ReportCheck("b_check", "WARN", "# level: WARN\nSELECT ?entity ?property ?value WHERE { }\n")]


def test_a_stored_check_without_a_level_line_is_refused(tmp_path):
    (tmp_path / "odd.rq").write_text("#  level: ERROR\nSELECT * WHERE { }\n", encoding="utf-8")
    with pytest.raises(ValueError) as raised:
        report.report_checks(tmp_path)
    assert str(raised.value) == "odd.rq: no '# level: ERROR|WARN|INFO' line"


def test_the_project_checks_are_robots_errors_and_two_warnings():
    levels = {c.name: c.level for c in report.report_checks()}
    assert {name for name, level in levels.items() if level == "WARN"} == {"annotation_whitespace",
                                                                          "missing_definition"}
    assert len(levels) == 19 and set(levels.values()) == {"ERROR", "WARN"}


def test_run_with_given_checks_and_unbound_columns():
    store = report.ontology_store(Graph().parse(data=ONTOLOGY, format="turtle"))
    check = ReportCheck("literal_entity", "INFO", 'SELECT ?entity ?property ?value WHERE { BIND("x" AS ?entity) }')
    assert report.run(store, [check]) == [ReportRow("literal_entity", "INFO", "x", "", "")]
    assert report.run(store, []) == []
