"""Defined classes: hand-made instances that must and must not be classified, by HermiT and by the
fast rule path alike; HermiT finds ontology + seed graph consistent and agrees with the fast path.

HermiT starts a JVM per run, so the hand-made cases share one graph and one HermiT run.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import RDF, Graph, URIRef
from support.owlapi import ensure_java

from emkg import paths, reason
from emkg.graph import evidence_graph, ontology_graph, record_files
from emkg.namespaces import EMKG, IAO_DEFINITION


@pytest.fixture(scope="module", autouse=True)
def java() -> str:
    """HermiT runs on Java: installed by the test set-up when missing (a failure, never a skip)."""
    return ensure_java()


T = EMKG + "test/"
PREFIXES = """
@prefix emkg: <https://w3id.org/emkg/> .
@prefix t: <https://w3id.org/emkg/test/> .
@prefix UBERON: <http://purl.obolibrary.org/obo/UBERON_> .
@prefix MONDO: <http://purl.obolibrary.org/obo/MONDO_> .
@prefix PR: <http://purl.obolibrary.org/obo/PR_> .
"""

# (defined class, individual, expected member?, Turtle describing the individual). Each case uses its
# own nodes, so the cases can share one graph without influencing each other.
CASES = [
    ("CNSRelapse", "cns-csf", True, "t:cns-csf a emkg:Relapse ; emkg:hasSite UBERON:0001359 ."),
    ("CNSRelapse", "cns-meninx", True,
     "t:cns-meninx a emkg:Relapse ; emkg:hasSite UBERON:0002371, UBERON:0002360 ."),
    ("CNSRelapse", "cns-testis", False, "t:cns-testis a emkg:Relapse ; emkg:hasSite UBERON:0000473 ."),
    ("CNSRelapse", "cns-diagnosis", False, "t:cns-diagnosis a emkg:Diagnosis ; emkg:hasSite UBERON:0000955 ."),
    ("TesticularRelapse", "testis", True, "t:testis a emkg:Relapse ; emkg:hasSite UBERON:0000473 ."),
    ("TesticularRelapse", "testis-skin", False, "t:testis-skin a emkg:Relapse ; emkg:hasSite UBERON:0002097 ."),
    ("CutaneousRelapse", "skin-hypodermis", True,
     "t:skin-hypodermis a emkg:Relapse ; emkg:hasSite UBERON:0002072 ."),
    ("CutaneousRelapse", "skin-scalp", True, "t:skin-scalp a emkg:Relapse ; emkg:hasSite UBERON:0000403 ."),
    ("CutaneousRelapse", "skin-marrow", False, "t:skin-marrow a emkg:Relapse ; emkg:hasSite UBERON:0002371 ."),
    ("IsolatedEMRelapse", "isolated", True,
     "t:isolated a emkg:Relapse ; emkg:hasSite UBERON:0000473 ; emkg:boneMarrowInvolved false ."),
    ("IsolatedEMRelapse", "combined", False,
     "t:combined a emkg:Relapse ; emkg:hasSite UBERON:0000473 ; emkg:boneMarrowInvolved true ."),
    ("IsolatedEMRelapse", "marrow-unknown", False, "t:marrow-unknown a emkg:Relapse ; emkg:hasSite UBERON:0000473 ."),
    ("CombinedRelapse", "combined-cns", True,
     "t:combined-cns a emkg:Relapse ; emkg:hasSite UBERON:0001359 ; emkg:boneMarrowInvolved true ."),
    ("CombinedRelapse", "isolated-cns", False,
     "t:isolated-cns a emkg:Relapse ; emkg:hasSite UBERON:0001359 ; emkg:boneMarrowInvolved false ."),
    ("CombinedRelapse", "combined-unknown", False, "t:combined-unknown a emkg:Relapse ; emkg:hasSite UBERON:0001359 ."),
    ("CombinedRelapse", "combined-testis", True,
     "t:combined-testis a emkg:Relapse ; emkg:hasSite UBERON:0002371, UBERON:0000473 ; emkg:boneMarrowInvolved true ."),
    ("CombinedRelapse", "combined-em-unattributed", True,
     "t:combined-em-unattributed a emkg:Relapse ; emkg:hasSite UBERON:0002371, emkg:ExtramedullarySiteNotReported ; "
     "emkg:boneMarrowInvolved true ."),
    # the wrong inference: a marrow-only relapse (seeds 002, 003) is not a combined relapse
    ("CombinedRelapse", "marrow-only", False,
     "t:marrow-only a emkg:Relapse ; emkg:hasSite UBERON:0002371 ; emkg:boneMarrowInvolved true ."),
    ("CombinedRelapse", "marrow-and-blood", False,
     "t:marrow-and-blood a emkg:Relapse ; emkg:hasSite UBERON:0002371, UBERON:0000178 ; "
     "emkg:boneMarrowInvolved true ."),
    ("CombinedRelapse", "marrow-site-not-reported", False,
     "t:marrow-site-not-reported a emkg:Relapse ; emkg:hasSite emkg:SiteNotReported ; emkg:boneMarrowInvolved true ."),
    ("CombinedRelapse", "em-diagnosis", False,
     "t:em-diagnosis a emkg:Diagnosis ; emkg:hasSite UBERON:0002371, UBERON:0000473 ."),
    ("IsolatedEMRelapse", "isolated-marrow", False,
     "t:isolated-marrow a emkg:Relapse ; emkg:hasSite UBERON:0002371 ; emkg:boneMarrowInvolved true ."),
    ("CNSRelapse", "cns-site-not-reported", False,
     "t:cns-site-not-reported a emkg:Relapse ; emkg:hasSite emkg:ExtramedullarySiteNotReported ."),
    ("TesticularRelapse", "testis-diagnosis", False,
     "t:testis-diagnosis a emkg:Diagnosis ; emkg:hasSite UBERON:0000473 ."),
    ("PostTransplantRelapse", "after-hsct", True,
     "t:after-hsct a emkg:Relapse ; emkg:occursAfter t:after-hsct-tx . t:after-hsct-tx a emkg:HSCT ."),
    ("PostTransplantRelapse", "after-chemo", False,
     "t:after-chemo a emkg:Relapse ; emkg:occursAfter t:after-chemo-tx . t:after-chemo-tx a emkg:Chemotherapy ."),
    ("RelapseAfterCarT", "after-cart", True,
     "t:after-cart a emkg:Relapse ; emkg:occursAfter t:after-cart-inf . t:after-cart-inf a emkg:CarTInfusion ."),
    ("PostTransplantRelapse", "no-timing", False, "t:no-timing a emkg:Relapse ; emkg:hasSite UBERON:0000473 ."),
    ("RelapseAfterCarT", "after-hsct-only", False,
     "t:after-hsct-only a emkg:Relapse ; emkg:occursAfter t:after-hsct-only-tx . t:after-hsct-only-tx a emkg:HSCT ."),
    ("SevereCRS", "crs3", True, "t:crs3 a emkg:AdverseEvent ; emkg:condition MONDO:0600008 ; emkg:grade 3 ."),
    ("SevereCRS", "crs4-present", True,
     "t:crs4-present a emkg:AdverseEvent ; emkg:condition MONDO:0600008 ; emkg:grade 4 ; emkg:present true ."),
    ("SevereCRS", "crs2", False, "t:crs2 a emkg:AdverseEvent ; emkg:condition MONDO:0600008 ; emkg:grade 2 ."),
    ("SevereCRS", "crs3-absent", False,
     "t:crs3-absent a emkg:AdverseEvent ; emkg:condition MONDO:0600008 ; emkg:grade 3 ; emkg:present false ."),
    ("SevereCRS", "cres3", False, "t:cres3 a emkg:AdverseEvent ; emkg:condition emkg:CRES ; emkg:grade 3 ."),
    ("SevereCRS", "crs-ungraded", False, "t:crs-ungraded a emkg:AdverseEvent ; emkg:condition MONDO:0600008 ."),
    ("SevereICANS", "icans-ungraded", False, "t:icans-ungraded a emkg:AdverseEvent ; emkg:condition emkg:ICANS ."),
    ("SevereICANS", "icans3", True, "t:icans3 a emkg:AdverseEvent ; emkg:condition emkg:ICANS ; emkg:grade 3 ."),
    ("SevereICANS", "icans1", False, "t:icans1 a emkg:AdverseEvent ; emkg:condition emkg:ICANS ; emkg:grade 1 ."),
    ("SevereICANS", "icans-cres3", False,
     "t:icans-cres3 a emkg:AdverseEvent ; emkg:condition emkg:CRES ; emkg:grade 4 ."),
    ("DonorDerivedCarTInfusion", "inf-donor", True,
     "t:inf-donor a emkg:CarTInfusion ; emkg:usesProduct t:inf-donor-p . "
     "t:inf-donor-p a emkg:CarTProduct ; emkg:cellSource emkg:DonorDerived ."),
    ("DonorDerivedCarTInfusion", "inf-allo", False,
     "t:inf-allo a emkg:CarTInfusion ; emkg:usesProduct t:inf-allo-p . "
     "t:inf-allo-p a emkg:CarTProduct ; emkg:cellSource emkg:Allogeneic ."),
    ("DonorDerivedCarTInfusion", "inf-source-unknown", False,
     "t:inf-source-unknown a emkg:CarTInfusion ; emkg:usesProduct t:inf-source-unknown-p . "
     "t:inf-source-unknown-p a emkg:CarTProduct ."),
    ("DonorDerivedCarTInfusion", "inf-auto", False,
     "t:inf-auto a emkg:CarTInfusion ; emkg:usesProduct t:inf-auto-p . "
     "t:inf-auto-p a emkg:CarTProduct ; emkg:cellSource emkg:Autologous ."),
    ("CarTReinfusion", "inf-2", True, "t:inf-2 a emkg:CarTInfusion ; emkg:infusionNumber 2 ."),
    ("CarTReinfusion", "inf-1", False, "t:inf-1 a emkg:CarTInfusion ; emkg:infusionNumber 1 ."),
    ("DualTargetCar", "car-19-22", True,
     "t:car-19-22 a emkg:CarTProduct ; emkg:targetsAntigen PR:000001002, PR:000001288 ."),
    ("DualTargetCar", "car-19", False, "t:car-19 a emkg:CarTProduct ; emkg:targetsAntigen PR:000001002 ."),
    # CD19 and CD22 products given together (co-administration) are two single-target products
    ("DualTargetCar", "co-22", False, "t:co-22 a emkg:CarTProduct ; emkg:targetsAntigen PR:000001288 . "
     "t:co-inf a emkg:CarTInfusion ; emkg:usesProduct t:car-19, t:co-22 ."),
    ("FourOneBBCostimulatedCar", "car-41bb", True,
     "t:car-41bb a emkg:CarTProduct ; emkg:hasCostimulatoryDomain emkg:FourOneBBDomain ."),
    ("FourOneBBCostimulatedCar", "car-cd28", False,
     "t:car-cd28 a emkg:CarTProduct ; emkg:hasCostimulatoryDomain emkg:CD28Domain ."),
    ("CD28CostimulatedCar", "car-cd28", True, ""),
    ("CD28CostimulatedCar", "car-41bb", False, ""),
    # registered products: the construct comes from the product class (ontology), not from the case record
    ("CD28CostimulatedCar", "brexucel", True, "t:brexucel a emkg:BrexucabtageneAutoleucel ."),
    ("CD28CostimulatedCar", "tisacel", False, "t:tisacel a emkg:Tisagenlecleucel ."),
    ("FourOneBBCostimulatedCar", "tisacel", True, ""),
    ("FourOneBBCostimulatedCar", "obecel", True, "t:obecel a emkg:ObecabtageneAutoleucel ."),
    ("FourOneBBCostimulatedCar", "brexucel", False, ""),
    ("DonorDerivedCarTInfusion", "inf-brexucel", False,
     "t:inf-brexucel a emkg:CarTInfusion ; emkg:usesProduct t:brexucel ."),
    ("CytokineModifiedCar", "car-il6", True,
     "t:car-il6 a emkg:CarTProduct ; emkg:hasGeneticModification emkg:IL6ShRNA ."),
    ("CytokineModifiedCar", "car-plain", False, "t:car-plain a emkg:CarTProduct ; emkg:targetsAntigen PR:000001002 ."),
]

CASE_IDS = [f"{cls}-{'is' if member else 'not'}-{who}" for cls, who, member, _ in CASES]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def cases_graph() -> Graph:
    return Graph().parse(data=PREFIXES + "\n".join(turtle for *_, turtle in CASES), format="turtle")


@pytest.fixture(scope="module")
def fast_cases(cases_graph, ontology):
    return reason.fast_inferred_types(cases_graph, ontology)


@pytest.fixture(scope="module")
def hermit_cases(cases_graph, ontology):
    return reason.hermit_inferred_types(cases_graph, ontology)


@pytest.fixture(scope="module")
def seed_graph() -> Graph:
    return evidence_graph(record_files()).graph


def test_every_defined_class_has_positive_and_negative_cases(ontology):
    defined = {str(c)[len(EMKG):] for c in reason.defined_classes(ontology)}
    assert {cls for cls, _, member, _ in CASES if member} == defined
    assert {cls for cls, _, member, _ in CASES if not member} == defined


def test_every_defined_class_is_labelled_and_defined(ontology):
    from rdflib import RDFS

    for cls in reason.defined_classes(ontology):
        assert ontology.value(cls, RDFS.label) and ontology.value(cls, URIRef(IAO_DEFINITION)), cls


@pytest.mark.parametrize(("cls", "who", "member"), [c[:3] for c in CASES], ids=CASE_IDS)
def test_fast_path_classifies(fast_cases, cls, who, member):
    assert ((URIRef(T + who), URIRef(EMKG + cls)) in fast_cases) is member


@pytest.mark.slow
@pytest.mark.parametrize(("cls", "who", "member"), [c[:3] for c in CASES], ids=CASE_IDS)
def test_hermit_classifies(hermit_cases, cls, who, member):
    assert ((URIRef(T + who), URIRef(EMKG + cls)) in hermit_cases) is member


@pytest.mark.slow
def test_hermit_and_fast_path_agree_on_the_cases(hermit_cases, fast_cases):
    assert hermit_cases == fast_cases


def test_fast_path_finds_types_on_the_seed_graph(seed_graph, ontology):
    inferred = reason.fast_inferred_types(seed_graph, ontology)
    classes = {c for _, c in inferred}
    assert URIRef(EMKG + "CutaneousRelapse") in classes
    assert URIRef(EMKG + "IsolatedEMRelapse") in classes
    assert all((s, RDF.type, c) not in seed_graph for s, c in inferred), "only new types are returned"


@pytest.mark.slow
def test_hermit_finds_seed_graph_consistent_and_agrees_with_fast_path(seed_graph, ontology):
    hermit = reason.hermit_inferred_types(seed_graph, ontology)
    assert hermit, "HermiT inferred nothing on the seed graph"
    assert hermit == reason.fast_inferred_types(seed_graph, ontology)


@pytest.mark.slow
def test_inconsistency_names_the_individual(ontology):
    # emkg:present is functional: a fact cannot be both present and explicitly absent.
    data = Graph().parse(data=PREFIXES + """
        t:ok a emkg:AdverseEvent ; emkg:condition MONDO:0600008 ; emkg:grade 2 .
        t:contradiction a emkg:AdverseEvent ; emkg:condition MONDO:0600008 ; emkg:present true, false .
    """, format="turtle")
    with pytest.raises(reason.InconsistentGraph) as raised:
        reason.hermit_inferred_types(data, ontology)
    assert raised.value.individuals == ["emkg:test/contradiction"]
    assert "emkg:present" in str(raised.value) and "owl:FunctionalProperty" in str(raised.value)
    assert "Exception" not in str(raised.value) and "at org." not in str(raised.value)


def test_unsupported_construct_names_the_class():
    odd = Graph().parse(data=PREFIXES + """
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        emkg:OnlyCnsRelapse owl:equivalentClass [ a owl:Restriction ; owl:onProperty emkg:hasSite ;
            owl:allValuesFrom [ owl:oneOf ( UBERON:0000955 ) ] ] .
    """, format="turtle")
    with pytest.raises(reason.UnsupportedAxiom, match="emkg:OnlyCnsRelapse"):
        reason.compile_rules(odd)


def test_build_adds_marked_inferred_types(built):
    release = Graph().parse(paths.release_dir(built) / "emkg.nt", format="nt")
    marked = set(release.subject_objects(reason.INFERRED_TYPE))
    assert marked
    assert all((s, RDF.type, c) in release for s, c in marked)
    asserted = reason.without_inferred(release)
    assert marked == reason.fast_inferred_types(asserted - ontology_graph(), ontology_graph())


@pytest.mark.slow
def test_reason_command_agrees_on_the_built_graph(built):
    from emkg.cli import main

    result = CliRunner().invoke(main, ["reason", "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert "emkg:CutaneousRelapse" in result.output and "NO" not in result.output


def test_reason_command_without_a_build_is_a_usage_error(tmp_path):
    from emkg.cli import main

    result = CliRunner().invoke(main, ["reason", "--build-dir", str(tmp_path)])
    assert result.exit_code == 2
