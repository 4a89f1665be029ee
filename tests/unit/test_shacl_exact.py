"""emkg.shacl's own parts in-process and exactly: a violation's line, the result fields read from pySHACL's report
(inverse and complex paths, the node shape of a blank property shape, severity, value), their order, and the
membership test that replaces pySHACL's list inside emkg's calls only."""

from __future__ import annotations

from rdflib import Graph, URIRef

from emkg import shacl
from emkg.shacl import Violation, validate

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix emkg: <https://w3id.org/emkg/> .
"""

SHAPES = PREFIXES + """
emkg:PartShape a sh:NodeShape ; sh:targetNode emkg:hub ;
  sh:property [ sh:path [ sh:inversePath emkg:partOf ] ; sh:minCount 2 ; sh:message "a hub has two parts" ] .
emkg:GrandShape a sh:NodeShape ; sh:targetNode emkg:a ;
  sh:property [ sh:path ( emkg:partOf emkg:partOf ) ; sh:maxCount 0 ; sh:severity sh:Warning ;
                sh:message "no grandparent" ] .
emkg:HubShape a sh:NodeShape ; sh:targetNode emkg:hub, emkg:spoke, emkg:wheel ; sh:class emkg:Hub ;
  sh:severity sh:Info ; sh:message "a hub" .
emkg:NamedShape a sh:NodeShape ; sh:targetNode emkg:hub ;
  sh:property [ sh:path emkg:name ; sh:minCount 1 ; sh:message "a hub has a name" ] .
"""

ONTOLOGY = PREFIXES + """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
emkg:Spoke rdfs:subClassOf emkg:Hub .
"""

DATA = PREFIXES + """
emkg:a emkg:partOf emkg:hub .
emkg:hub emkg:partOf emkg:top .
emkg:spoke a emkg:Spoke .
"""


def test_a_violation_line_names_file_line_field_or_the_focus_and_the_value():
    located = Violation("Violation", "https://w3id.org/emkg/case/x/P1", "emkg:grade",
                        "sh:MaxInclusiveConstraintComponent", "emkg:GradeShape", "A grade is 0 to 5.", "7", "x.yaml",
                        "patients[0].facts[3]", 38)
    assert str(located) == "Violation: x.yaml:38: patients[0].facts[3]: A grade is 0 to 5. (value: 7)"
    bare = Violation("Warning", "https://w3id.org/emkg/case/x/P1", None, "sh:MinCountConstraintComponent", None,
                     "needs one", None)
    assert str(bare) == "Warning: emkg:case/x/P1: needs one"
    assert str(Violation("Info", "https://w3id.org/emkg/a", None, "c", None, "m", "")) == "Info: emkg:a: m"


def test_the_report_fields_of_each_result_in_order():
    data, shapes = Graph().parse(data=DATA, format="turtle"), Graph().parse(data=SHAPES, format="turtle")
    hub = URIRef("https://w3id.org/emkg/hub")
    locations = {hub: ("hub.yaml", "hub", 4)}
    ontology = Graph().parse(data=ONTOLOGY, format="turtle")
    conforms, violations, report = validate(data, shapes, ontology, locations)
    assert conforms is False
    assert [(v.severity, v.focus, v.path, v.constraint, v.shape, v.message, v.value, v.file, v.field, v.line)
            for v in violations] == [
        ("Warning", "https://w3id.org/emkg/a", "(complex path)", "sh:MaxCountConstraintComponent", "emkg:GrandShape",
         "no grandparent", None, None, None, None),
        ("Info", "https://w3id.org/emkg/wheel", None, "sh:ClassConstraintComponent", "emkg:HubShape", "a hub",
         "emkg:wheel", None, None, None),
        ("Info", str(hub), None, "sh:ClassConstraintComponent", "emkg:HubShape", "a hub", "emkg:hub",
         "hub.yaml", "hub", 4),
        ("Violation", str(hub), "emkg:name", "sh:MinCountConstraintComponent", "emkg:NamedShape",
         "a hub has a name", None, "hub.yaml", "hub", 4),
        ("Violation", str(hub), "^emkg:partOf", "sh:MinCountConstraintComponent", "emkg:PartShape",
         "a hub has two parts", None, "hub.yaml", "hub", 4),
    ]
    # the spoke is a hub through the ontology's subclass axiom; without the ontology it would not be
    assert not [v for v in violations if v.focus.endswith("/spoke")]
    assert len(data) == 3, "the caller's graph is not touched"


def test_warnings_and_infos_alone_conform():
    data = Graph().parse(data=PREFIXES + "emkg:a emkg:partOf emkg:hub . emkg:hub emkg:partOf emkg:top .",
                         format="turtle")
    shapes = Graph().parse(data=SHAPES, format="turtle")
    for shape in ("PartShape", "NamedShape"):
        shapes.remove((URIRef(f"https://w3id.org/emkg/{shape}"), None, None))
    conforms, violations, _ = validate(data, shapes, Graph())
    assert conforms is True
    assert sorted(v.severity for v in violations) == ["Info", "Info", "Info", "Warning"]


def test_ontology_axioms_are_what_pyshacl_copies_from_the_ontology():
    from rdflib import RDFS

    axioms = shacl.ontology_axioms(Graph().parse(data=ONTOLOGY, format="turtle"))
    assert (URIRef("https://w3id.org/emkg/Spoke"), RDFS.subClassOf, URIRef("https://w3id.org/emkg/Hub")) in axioms


def test_members_is_the_list_with_a_set_membership():
    members = shacl._Members(["a", "b"])
    assert list(members) == ["a", "b"] and "a" in members and "c" not in members
    copied = members.copy()
    assert isinstance(copied, shacl._Members) and list(copied) == ["a", "b"] and copied is not members
    copied.append("c")
    assert "c" in copied and list(copied) == ["a", "b", "c"] and "c" not in members


def test_constraint_parameters_are_the_set_inside_our_calls_only():
    parameters = shacl._ConstraintParameters(["p", "q"], {"p": 1})
    plain, mapping = parameters
    assert plain == ["p", "q"] and type(plain) is list and mapping == {"p": 1}
    with shacl._call_local_speedups():
        ours, mapping = parameters
        assert isinstance(ours, shacl._Members) and list(ours) == ["p", "q"] and mapping == {"p": 1}
    again, _ = parameters
    assert type(again) is list
