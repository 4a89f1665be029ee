"""emkg.reason on a small hand-made ontology: every OWL construct the rule compiler translates (class,
owl:Thing, intersection, union, oneOf, complement, hasValue asserted or implied by a class, someValuesFrom
with a class, a datatype or a facet range), chained definitions, the compiler's refusals, the markers and
the search for the individuals of an inconsistency (with a stand-in for HermiT's yes/no answer, plus two
real HermiT checks)."""

from __future__ import annotations

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from support.owlapi import ensure_java

from emkg import reason
from emkg.namespaces import EMKG

T = EMKG + "test/"
PREFIXES = """
@prefix emkg: <https://w3id.org/emkg/> .
@prefix t: <https://w3id.org/emkg/test/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix UBERON: <http://purl.obolibrary.org/obo/UBERON_> .
"""

ONTOLOGY = PREFIXES + """
emkg:LateRelapse rdfs:subClassOf emkg:Relapse .
emkg:CNSRelapse owl:equivalentClass [ owl:intersectionOf ( emkg:Relapse
    [ a owl:Restriction ; owl:onProperty emkg:hasSite ;
      owl:someValuesFrom [ owl:oneOf ( UBERON:0001359 UBERON:0000955 ) ] ] ) ] .
emkg:IsolatedRelapse owl:equivalentClass [ owl:intersectionOf ( emkg:Relapse
    [ a owl:Restriction ; owl:onProperty emkg:boneMarrowInvolved ; owl:hasValue false ] ) ] .
emkg:SevereEvent owl:equivalentClass [ owl:intersectionOf ( emkg:AdverseEvent
    [ a owl:Restriction ; owl:onProperty emkg:grade ; owl:someValuesFrom [ a rdfs:Datatype ;
      owl:onDatatype xsd:integer ; owl:withRestrictions ( [ xsd:minInclusive 3 ] [ xsd:maxInclusive 4 ] ) ] ] ) ] .
emkg:Teenager owl:equivalentClass [ owl:intersectionOf ( emkg:Patient
    [ a owl:Restriction ; owl:onProperty emkg:age ; owl:someValuesFrom [ a rdfs:Datatype ;
      owl:onDatatype xsd:decimal ;
      owl:withRestrictions ( [ xsd:minExclusive 12.0 ] [ xsd:maxExclusive 20.0 ] ) ] ] ) ] .
emkg:Worrying owl:equivalentClass [ owl:unionOf ( emkg:CNSRelapse emkg:SevereEvent ) ] .
emkg:PresentEvent owl:equivalentClass [ owl:intersectionOf ( emkg:AdverseEvent
    [ owl:complementOf [ a owl:Restriction ; owl:onProperty emkg:present ; owl:hasValue false ] ] ) ] .
emkg:Noted owl:equivalentClass [ owl:intersectionOf ( owl:Thing
    [ a owl:Restriction ; owl:onProperty emkg:note ; owl:someValuesFrom rdfs:Literal ] ) ] .
emkg:Counted owl:equivalentClass [ a owl:Restriction ; owl:onProperty emkg:count ;
    owl:someValuesFrom xsd:integer ] .
emkg:CD28Product owl:equivalentClass [ owl:intersectionOf ( emkg:Product
    [ a owl:Restriction ; owl:onProperty emkg:costimulatoryDomain ; owl:hasValue emkg:CD28 ] ) ] .
emkg:Brexu rdfs:subClassOf emkg:Product,
    [ a owl:Restriction ; owl:onProperty emkg:costimulatoryDomain ; owl:hasValue emkg:CD28 ] .
emkg:Tisa rdfs:subClassOf emkg:Product,
    [ a owl:Restriction ; owl:onProperty emkg:costimulatoryDomain ; owl:hasValue emkg:FourOneBB ] .
emkg:CD19Targeting rdfs:subClassOf
    [ a owl:Restriction ; owl:onProperty emkg:target ; owl:hasValue emkg:CD19 ] .
emkg:CD19CD28Product owl:equivalentClass [ owl:intersectionOf ( emkg:Product
    [ a owl:Restriction ; owl:onProperty emkg:costimulatoryDomain ; owl:hasValue emkg:CD28 ]
    [ a owl:Restriction ; owl:onProperty emkg:target ; owl:hasValue emkg:CD19 ] ) ] .
emkg:RelapsedPatient owl:equivalentClass [ owl:intersectionOf ( emkg:Patient
    [ a owl:Restriction ; owl:onProperty emkg:hadRelapse ; owl:someValuesFrom emkg:Relapse ] ) ] .
emkg:CNSWithDay owl:equivalentClass [ owl:intersectionOf ( emkg:Relapse
    [ a owl:Restriction ; owl:onProperty emkg:hasSite ;
      owl:someValuesFrom [ owl:oneOf ( UBERON:0001359 UBERON:0000955 ) ] ]
    [ a owl:Restriction ; owl:onProperty emkg:dayOffset ; owl:someValuesFrom xsd:integer ] ) ] .
<http://example.org/Outside> owl:equivalentClass [ owl:oneOf ( t:nobody ) ] .
"""

DATA = PREFIXES + """
t:csf a emkg:Relapse ; emkg:hasSite UBERON:0001359 ; emkg:dayOffset 30 .
t:brain-late a emkg:LateRelapse ; emkg:hasSite UBERON:0000955 .
t:testis a emkg:Relapse ; emkg:hasSite UBERON:0000473 ; emkg:boneMarrowInvolved false .
t:combined a emkg:Relapse ; emkg:hasSite UBERON:0000473 ; emkg:boneMarrowInvolved true .
t:brain-diagnosis a emkg:Diagnosis ; emkg:hasSite UBERON:0000955 .
t:already a emkg:Relapse, emkg:CNSRelapse ; emkg:hasSite UBERON:0001359 .
t:grade2 a emkg:AdverseEvent ; emkg:grade 2 .
t:grade3 a emkg:AdverseEvent ; emkg:grade 3 ; emkg:present true .
t:grade4 a emkg:AdverseEvent ; emkg:grade 4 ; emkg:present false .
t:grade5 a emkg:AdverseEvent ; emkg:grade 5 .
t:grade-text a emkg:AdverseEvent ; emkg:grade "3" .
t:grade-decimal a emkg:AdverseEvent ; emkg:grade 3.0 .
t:age12 a emkg:Patient ; emkg:age 12.0 ; emkg:hadRelapse t:brain-diagnosis .
t:age13 a emkg:Patient ; emkg:age 13.5 ; emkg:hadRelapse t:brain-late .
t:age20 a emkg:Patient ; emkg:age 20.0 .
t:age-integer a emkg:Patient ; emkg:age 15 .
t:noted emkg:note "anything" .
t:counted emkg:count 7 .
t:counted-text emkg:count "7" .
t:brexu a emkg:Brexu .
t:tisa a emkg:Tisa .
t:stated a emkg:Product ; emkg:costimulatoryDomain emkg:CD28 .
t:stated-both a emkg:Product ; emkg:costimulatoryDomain emkg:CD28 ; emkg:target emkg:CD19 .
t:both a emkg:Brexu, emkg:CD19Targeting .
_:anonymous a emkg:Relapse ; emkg:hasSite UBERON:0001359 .
"""

EXPECTED = {
    ("csf", "CNSRelapse"), ("brain-late", "CNSRelapse"),
    ("testis", "IsolatedRelapse"),
    ("grade3", "SevereEvent"), ("grade4", "SevereEvent"),
    ("age13", "Teenager"),
    ("csf", "Worrying"), ("brain-late", "Worrying"), ("already", "Worrying"), ("grade3", "Worrying"),
    ("grade4", "Worrying"),
    ("grade2", "PresentEvent"), ("grade3", "PresentEvent"), ("grade5", "PresentEvent"),
    ("grade-text", "PresentEvent"), ("grade-decimal", "PresentEvent"),
    ("noted", "Noted"),
    ("counted", "Counted"),
    ("brexu", "CD28Product"), ("stated", "CD28Product"),
    ("stated-both", "CD28Product"), ("stated-both", "CD19CD28Product"),
    ("both", "CD28Product"), ("both", "CD19CD28Product"),
    ("age13", "RelapsedPatient"),
    ("csf", "CNSWithDay"),
}


def _names(inferred) -> set[tuple[str, str]]:
    return {(str(s)[len(T):], str(c)[len(EMKG):]) for s, c in inferred}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(data=ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def data() -> Graph:
    return Graph().parse(data=DATA, format="turtle")


def test_defined_classes_are_the_emkg_classes_with_an_equivalence_sorted(ontology):
    assert [str(c)[len(EMKG):] for c in reason.defined_classes(ontology)] == [
        "CD19CD28Product", "CD28Product", "CNSRelapse", "CNSWithDay", "Counted", "IsolatedRelapse", "Noted",
        "PresentEvent", "RelapsedPatient", "SevereEvent", "Teenager", "Worrying"]


def test_the_rules_infer_exactly_the_members_that_are_not_asserted(ontology, data):
    assert _names(reason.fast_inferred_types(data, ontology)) == EXPECTED


def test_a_graph_that_holds_its_ontology_needs_no_separate_one(ontology, data):
    assert _names(reason.fast_inferred_types(data + ontology)) == EXPECTED


def test_a_definition_over_defined_classes_needs_the_first_pass_inserted(ontology, data):
    import pyoxigraph as ox

    def store():
        s = ox.Store()
        s.load((data + ontology).serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
        return s

    rules = reason.compile_rules(ontology)
    one_pass = _names(reason.materialise(store(), rules, insert=False))
    assert one_pass == EXPECTED - {("csf", "Worrying"), ("brain-late", "Worrying"), ("grade3", "Worrying"),
                                   ("grade4", "Worrying")}
    filled = store()
    assert _names(reason.materialise(filled, rules)) == EXPECTED
    rdf_type = ox.NamedNode(str(RDF.type))
    assert ox.Quad(ox.NamedNode(T + "csf"), rdf_type, ox.NamedNode(EMKG + "Worrying")) in filled
    assert not list(filled.quads_for_pattern(None, ox.NamedNode(str(reason.INFERRED_TYPE)), None))


def test_a_chain_as_long_as_the_rules_is_followed_to_its_end():
    chain = Graph().parse(data=PREFIXES + """
        emkg:B owl:equivalentClass [ owl:intersectionOf ( emkg:A ) ] .
        emkg:C owl:equivalentClass [ owl:intersectionOf ( emkg:B ) ] .
        emkg:D owl:equivalentClass [ owl:intersectionOf ( emkg:C ) ] .
    """, format="turtle")
    data = Graph().parse(data=PREFIXES + "t:x a emkg:A .", format="turtle")
    assert _names(reason.fast_inferred_types(data, chain)) == {("x", "B"), ("x", "C"), ("x", "D")}


def _refusal(turtle: str) -> str:
    odd = Graph().parse(data=PREFIXES + turtle, format="turtle")
    with pytest.raises(reason.UnsupportedAxiom) as raised:
        reason.compile_rules(odd)
    return str(raised.value)


ADVICE = ("; extend emkg.reason._Compiler or use intersectionOf / hasValue / someValuesFrom / oneOf / "
          "complementOf / datatype facets")


def test_the_compiler_refuses_what_it_cannot_translate_naming_the_class():
    assert _refusal("emkg:Two owl:equivalentClass emkg:A, emkg:B .") == (
        "emkg:Two has 2 equivalentClass axioms; the rule compiler handles exactly one")
    assert _refusal("""emkg:Inverse owl:equivalentClass [ a owl:Restriction ;
        owl:onProperty [ owl:inverseOf emkg:hasSite ] ; owl:someValuesFrom emkg:Relapse ] .""") == (
        "emkg:Inverse: the fast-path rule compiler does not translate an inverse or anonymous property" + ADVICE)
    assert _refusal("""emkg:Only owl:equivalentClass [ a owl:Restriction ; owl:onProperty emkg:hasSite ;
        owl:allValuesFrom emkg:Site ] .""") == (
        "emkg:Only: the fast-path rule compiler does not translate a restriction other than hasValue / "
        "someValuesFrom" + ADVICE)
    assert _refusal("""emkg:Pattern owl:equivalentClass [ a owl:Restriction ; owl:onProperty emkg:age ;
        owl:someValuesFrom [ owl:onDatatype xsd:string ; owl:withRestrictions ( [ xsd:pattern "a.*" ] ) ] ] .""") == (
        "emkg:Pattern: the fast-path rule compiler does not translate a datatype facet other than min/max "
        "inclusive/exclusive" + ADVICE)
    assert _refusal("""emkg:TwoFacets owl:equivalentClass [ a owl:Restriction ; owl:onProperty emkg:age ;
        owl:someValuesFrom [ owl:onDatatype xsd:integer ;
            owl:withRestrictions ( [ xsd:minInclusive 1 ; xsd:maxInclusive 2 ] ) ] ] .""") == (
        "emkg:TwoFacets: the fast-path rule compiler does not translate a datatype facet other than min/max "
        "inclusive/exclusive" + ADVICE)
    assert _refusal("""emkg:Blank owl:equivalentClass [ a owl:Restriction ; owl:onProperty emkg:hasSite ;
        owl:hasValue [ a emkg:Site ] ] .""") == (
        "emkg:Blank: the fast-path rule compiler does not translate a blank node as a value" + ADVICE)
    message = _refusal("emkg:Weird owl:equivalentClass [ owl:hasSelf true ] .")
    assert message.startswith("emkg:Weird: the fast-path rule compiler does not translate the expression ")
    assert message.endswith(ADVICE)


def test_marked_triples_carry_the_type_and_its_marker_and_can_be_taken_out_again():
    x, cls = URIRef(T + "x"), URIRef(EMKG + "CNSRelapse")
    asserted = Graph().parse(data=PREFIXES + "t:x a emkg:Relapse ; emkg:hasSite UBERON:0001359 .", format="turtle")
    marked = reason.marked_triples({(x, cls)})
    assert set(marked) == {(x, RDF.type, cls), (x, reason.INFERRED_TYPE, cls)}
    release = asserted + marked
    assert set(reason.without_inferred(release)) == set(asserted)
    assert len(release) == len(asserted) + 2, "the release graph itself is left as it was"
    assert str(reason.INFERRED_TYPE) == "https://w3id.org/emkg/inferredType"


def test_defaults_state_present_true_only_on_adverse_events_without_a_value():
    data = Graph().parse(data=PREFIXES + """
        t:silent a emkg:AdverseEvent ; emkg:grade 2 .
        t:absent a emkg:AdverseEvent ; emkg:present false .
        t:relapse a emkg:Relapse .
    """, format="turtle")
    closed = reason.with_defaults(data)
    assert set(closed - data) == {(URIRef(T + "silent"), URIRef(EMKG + "present"), Literal(True))}
    assert len(data) == 5, "the input graph is left as it was"


def test_the_first_java_line_skips_the_stack_and_the_banner():
    text = ("Java error message is:\n\n  at org.semanticweb.HermiT.Reasoner.x(Reasoner.java:1)\n"
            "  java.lang.OutOfMemoryError: heap  \nat more\n")
    assert reason._first_java_line(text) == "java.lang.OutOfMemoryError: heap"
    assert reason._first_java_line("at a\n  \nJava error message is: x\n") == "unknown Java error"


def test_a_subgraph_follows_blank_nodes_but_not_named_ones():
    graph = Graph().parse(data=PREFIXES + """
        t:a emkg:hasSite [ emkg:inner [ emkg:deeper 1 ] ] ; emkg:next t:b .
        t:b emkg:grade 2 .
        t:c emkg:grade 3 .
    """, format="turtle")
    sub = reason._subgraph(graph, [URIRef(T + "a")])
    assert len(sub) == 4
    assert (URIRef(T + "b"), URIRef(EMKG + "grade"), Literal(2)) not in sub
    assert set(reason._subgraph(graph, [URIRef(T + "a"), URIRef(T + "c"), URIRef(T + "a")])) == (
        set(sub) | {(URIRef(T + "c"), URIRef(EMKG + "grade"), Literal(3))})


def test_a_triple_is_shown_with_curies():
    triple = (URIRef(T + "x"), URIRef(EMKG + "present"), Literal(True))
    assert reason._show(triple) == 'emkg:test/x emkg:present "true"^^xsd:boolean'
    assert reason._show((BNode("b1"), RDF.type, URIRef(EMKG + "Relapse"))) == "_:b1 rdf:type emkg:Relapse"


INCONSISTENT_DATA = PREFIXES + """
t:a1 a emkg:AdverseEvent ; emkg:grade 1 .
t:a2 a emkg:AdverseEvent ; emkg:grade 2 .
t:bad a emkg:AdverseEvent ; emkg:present true, false .
t:c1 a emkg:Relapse .
t:c2 a emkg:Relapse .
t:c3 a emkg:Relapse .
t:c4 a emkg:Relapse .
"""
SMALL_ONTOLOGY = PREFIXES + """
emkg:present a owl:DatatypeProperty, owl:FunctionalProperty ; rdfs:range xsd:boolean .
emkg:grade rdfs:domain emkg:AdverseEvent .
emkg:AdverseEvent rdfs:label "adverse event" ; owl:disjointWith emkg:Relapse .
"""


def _stand_in(monkeypatch, bad: set[str], log: list):
    """HermiT's answer, given: a graph is inconsistent when it holds a triple of a `bad` subject."""
    def consistent(graph: Graph) -> bool:
        subjects = {str(s)[len(T):] for s in graph.subjects() if str(s).startswith(T)}
        log.append(subjects)
        return not (subjects & bad)
    monkeypatch.setattr(reason, "_hermit_consistent", consistent)


def test_an_inconsistency_is_narrowed_to_the_individual_with_its_triples_and_axioms(monkeypatch):
    log: list = []
    _stand_in(monkeypatch, {"bad"}, log)
    data = Graph().parse(data=INCONSISTENT_DATA, format="turtle")
    # a class typed with a class of another vocabulary (punning): that type is not an axiom worth showing
    ontology = Graph().parse(data=SMALL_ONTOLOGY + "emkg:AdverseEvent a emkg:CurationClass .", format="turtle")
    found = reason._inconsistency(data, ontology, explain=True)
    assert found.individuals == ["emkg:test/bad"]
    assert found.triples == ['emkg:test/bad emkg:present "false"^^xsd:boolean',
                             'emkg:test/bad emkg:present "true"^^xsd:boolean',
                             "emkg:test/bad rdf:type emkg:AdverseEvent"]
    assert found.axioms == ["emkg:AdverseEvent owl:disjointWith emkg:Relapse",
                            "emkg:present rdf:type owl:DatatypeProperty",
                            "emkg:present rdf:type owl:FunctionalProperty",
                            "emkg:present rdfs:range xsd:boolean"]
    assert str(found) == (
        "HermiT: the data is inconsistent with the ontology; individuals involved (one minimal set; fix it and "
        "re-run to find any other): emkg:test/bad\n  their triples:\n    " + "\n    ".join(found.triples)
        + "\n  ontology axioms on the terms they use:\n    " + "\n    ".join(found.axioms))
    # the ontology alone, then halves of the seven subjects (sorted) until one is left
    assert log == [set(), {"a1", "a2", "bad"}, {"a1"}, {"a2", "bad"}, {"a2"}, {"bad"}]


def test_two_individuals_that_clash_only_together_are_both_named(monkeypatch):
    def consistent(graph: Graph) -> bool:
        subjects = {str(s)[len(T):] for s in graph.subjects() if str(s).startswith(T)}
        return not {"a1", "c4"} <= subjects
    monkeypatch.setattr(reason, "_hermit_consistent", consistent)
    data = Graph().parse(data=INCONSISTENT_DATA, format="turtle")
    found = reason._inconsistency(data, Graph().parse(data=SMALL_ONTOLOGY, format="turtle"), explain=True)
    assert found.individuals == ["emkg:test/a1", "emkg:test/c4"]
    assert "not minimal" not in str(found) and ": emkg:test/a1, emkg:test/c4\n  their triples:" in str(found)
    # a1 states no `present`: the default `present true` is part of its triples
    assert found.triples == ['emkg:test/a1 emkg:grade "1"^^xsd:integer',
                             'emkg:test/a1 emkg:present "true"^^xsd:boolean',
                             "emkg:test/a1 rdf:type emkg:AdverseEvent", "emkg:test/c4 rdf:type emkg:Relapse"]
    assert found.axioms == ["emkg:AdverseEvent owl:disjointWith emkg:Relapse",
                            "emkg:grade rdfs:domain emkg:AdverseEvent",
                            "emkg:present rdf:type owl:DatatypeProperty",
                            "emkg:present rdf:type owl:FunctionalProperty",
                            "emkg:present rdfs:range xsd:boolean"]


def test_the_search_stops_after_its_budget_and_says_the_set_is_not_minimal(monkeypatch):
    log: list = []
    _stand_in(monkeypatch, {"bad"}, log)
    data = Graph().parse(data=INCONSISTENT_DATA, format="turtle")
    found = reason._inconsistency(data, Graph(), explain=True, max_checks=1)
    assert len(log) == 2  # the ontology alone, then one check of the data
    assert found.individuals == ["emkg:test/a1", "emkg:test/a2", "emkg:test/bad"]
    assert "individuals involved (search stopped after 1 HermiT checks: not minimal): " in str(found)
    assert str(found).endswith("ontology axioms on the terms they use:\n    (none)")


def test_without_explanations_or_with_an_inconsistent_ontology_no_individual_is_named(monkeypatch):
    log: list = []
    _stand_in(monkeypatch, {"bad"}, log)
    data = Graph().parse(data=INCONSISTENT_DATA, format="turtle")
    quiet = reason._inconsistency(data, Graph(), explain=False)
    assert (str(quiet), quiet.individuals, quiet.triples, quiet.axioms) == (
        "HermiT: the ontology plus the data graph is inconsistent (run with explanations to find the "
        "individuals involved)", [], [], [])
    assert log == []
    monkeypatch.setattr(reason, "_hermit_consistent", lambda graph: False)
    broken = reason._inconsistency(data, Graph(), explain=True)
    assert (str(broken), broken.individuals) == (
        "HermiT: the ontology itself is inconsistent, with no data at all", [])


def test_hermit_checks_consistency_of_a_small_graph():
    ensure_java()
    ontology = Graph().parse(data=SMALL_ONTOLOGY, format="turtle")
    fine = Graph().parse(data=PREFIXES + "t:a1 a emkg:AdverseEvent ; emkg:present true .", format="turtle")
    clash = Graph().parse(data=PREFIXES + "t:bad a emkg:AdverseEvent ; emkg:present true, false .",
                          format="turtle")
    assert reason._hermit_consistent(fine + ontology) is True
    assert reason._hermit_consistent(clash + ontology) is False


def test_hermit_without_java_is_a_missing_runtime(monkeypatch):
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-here")
    with pytest.raises(reason.JavaMissing) as raised:
        reason.hermit_inferred_types(Graph(), Graph())
    assert str(raised.value) == ("no Java runtime: HermiT runs `no-such-java-here`, which is not on PATH; install a "
                                 "JRE 11 or later (Debian: apt-get install default-jre-headless)")



def _failing_reasoner(monkeypatch, error: Exception) -> None:
    import owlready2

    def fail(world, **options):
        raise error
    monkeypatch.setattr(owlready2, "sync_reasoner_hermit", fail)


def test_a_java_failure_is_one_line_for_the_user(monkeypatch):
    import owlready2

    ensure_java()
    _failing_reasoner(monkeypatch, owlready2.OwlReadyJavaError(
        "Java error message is:\nException in thread \"main\" java.lang.OutOfMemoryError: Java heap space\n"
        "\tat org.semanticweb.HermiT.Reasoner.<init>(Reasoner.java:210)\n"))
    with pytest.raises(reason.ReasoningError) as raised:
        reason.hermit_inferred_types(Graph(), Graph())
    assert not isinstance(raised.value, reason.JavaMissing)
    assert str(raised.value) == ('HermiT failed: Exception in thread "main" java.lang.OutOfMemoryError: '
                                 "Java heap space")


def test_java_vanishing_before_the_run_is_a_missing_runtime(monkeypatch):
    ensure_java()
    _failing_reasoner(monkeypatch, FileNotFoundError(2, "No such file or directory", "java"))
    with pytest.raises(reason.JavaMissing) as raised:
        reason.hermit_inferred_types(Graph(), Graph())
    assert str(raised.value) == "cannot run HermiT: [Errno 2] No such file or directory: 'java'"


def test_a_subgraph_visits_a_shared_or_circular_blank_node_once_and_goes_on():
    graph = Graph().parse(data=PREFIXES + """
        t:x emkg:grade 3 .
        t:a emkg:hasDose _:d ; emkg:firstDose _:d .
        _:d emkg:value 1 ; emkg:next _:e .
        _:e emkg:next _:d .
    """, format="turtle")
    sub = reason._subgraph(graph, [URIRef(T + "x"), URIRef(T + "a")])
    assert len(sub) == 6 and (URIRef(T + "x"), URIRef(EMKG + "grade"), Literal(3)) in sub


def test_the_default_budget_is_forty_hermit_checks(monkeypatch):
    log: list = []

    def consistent(graph: Graph) -> bool:
        subjects = {str(s)[len(T):] for s in graph.subjects() if str(s).startswith(T)}
        log.append(subjects)
        return not {"s00", "s44"} <= subjects
    monkeypatch.setattr(reason, "_hermit_consistent", consistent)
    data = Graph().parse(data=PREFIXES + "\n".join(f"t:s{i:02d} a emkg:Relapse ." for i in range(45)),
                         format="turtle")
    found = reason._inconsistency(data, Graph(), explain=True)
    assert len(log) == 41  # the ontology alone, then 40 checks of the data
    assert "(search stopped after 40 HermiT checks: not minimal)" in str(found)


def test_an_inconsistent_ontology_is_reported_before_any_data_is_checked(monkeypatch):
    ontology = Graph().parse(data=PREFIXES + """
        emkg:Impossible owl:equivalentClass owl:Nothing .
        emkg:example a emkg:Impossible .
    """, format="turtle")
    log: list = []

    def consistent(graph: Graph) -> bool:
        log.append(len(graph))
        return (URIRef(EMKG + "example"), RDF.type, URIRef(EMKG + "Impossible")) not in graph
    monkeypatch.setattr(reason, "_hermit_consistent", consistent)
    data = Graph().parse(data=INCONSISTENT_DATA, format="turtle")
    found = reason._inconsistency(data, ontology, explain=True)
    assert (str(found), found.individuals, found.triples, found.axioms) == (
        "HermiT: the ontology itself is inconsistent, with no data at all", [], [], [])
    assert log == [2]


def test_each_check_of_part_of_the_data_includes_the_ontology(monkeypatch):
    functional = (URIRef(EMKG + "present"), RDF.type, URIRef("http://www.w3.org/2002/07/owl#FunctionalProperty"))

    def consistent(graph: Graph) -> bool:
        return not (functional in graph and (URIRef(T + "bad"), URIRef(EMKG + "present"), Literal(False)) in graph)
    monkeypatch.setattr(reason, "_hermit_consistent", consistent)
    data = Graph().parse(data=INCONSISTENT_DATA, format="turtle")
    found = reason._inconsistency(data, Graph().parse(data=SMALL_ONTOLOGY, format="turtle"), explain=True)
    assert found.individuals == ["emkg:test/bad"]
