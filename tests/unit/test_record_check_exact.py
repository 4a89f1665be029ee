"""emkg.record_check.check_text in-process (the build runs it in worker processes, which mutmut's map cannot
see): the whole result of one record's check, for each way a record fails and for one that passes, with its
quotes found, missing, or not checkable."""

from __future__ import annotations

from pathlib import Path

import pytest

from emkg import record_check

MINIMAL = (Path(__file__).resolve().parent.parent / "records" / "valid" / "minimal-case.yaml").read_text("utf-8")
QUOTES = ["A test case.", "anti-CD19 CAR-T with 4-1BB", "diagnosed with B-ALL", "isolated testicular relapse",
          "received 1 x 10^6 cells/kg", "grade 2 CRS on day 5", "complete remission at day 28"]
STEPS = ["read", "serialise", "quotes", "shacl", "qc", "reasoning and derived links"]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seeds")
    (folder / "minimal.txt").write_text("Case report. " + " ... ".join(QUOTES) + "\n", encoding="utf-8")
    record_check.prepare(None, None, folder)
    return folder


def _with_source(text: str) -> bytes:
    return text.replace('  quote: "A test case."', '  quote: "A test case."\n  source_text: minimal.txt', 1).encode()


def _failed(name: str, problems: list[str]) -> dict:
    return {"file": name, "ok": False, "problems": problems, "notes": [], "nt": "", "timings": {}}


GRADE = ("A toxicity grade is a whole number from 0 to 5 (CTCAE, Lee 2014 and ASTCT 2019: 1-5, 5 = death; "
         "0 = none), and not above grade_max.")
INFUSION = """      - id: inf
        type: car-t-infusion
        product: cart19
        dose: {value: 1.0e+6, unit: emkg:CellsPerKilogram}
        quote: "received 1 x 10^6 cells/kg"
"""
# a second infusion, both unnumbered, each day fact anchored: the loader and the shapes accept it, a QC rule does not
TWO_INFUSIONS = (MINIMAL.replace(INFUSION, INFUSION + INFUSION.replace("id: inf", "id: inf2"))
                 .replace("        day: 5\n", "        day: 5\n        relative_to: inf\n")
                 .replace("        day: 28\n", "        day: 28\n        relative_to: inf\n"))
CASE = "https://w3id.org/emkg/case/test-minimal-case/P1"
NOT_A_TERM = "is not a term of the ontology; `emkg terms` lists the allowed values"


@pytest.mark.parametrize("name,data,problems", [
    ("latin1.yaml", "id: caf\xe9\n".encode("latin-1"), ["latin1.yaml: (file): file is not UTF-8 text"]),
    ("broken.yaml", b"publication: [\n", ["broken.yaml:2: (file): not valid YAML: did not find expected node content"]),
    ("terms.yaml", MINIMAL.replace("emkg:CompleteRemission", "emkg:CompleteRemision")
     .replace("emkg:FourOneBBDomain", "emkg:FourOneBB").encode(),
     [f"terms.yaml:9: products[0].costimulatory_domains: emkg:FourOneBB {NOT_A_TERM}",
      f"terms.yaml:41: patients[0].facts[4].outcome: emkg:CompleteRemision {NOT_A_TERM}"]),
    ("grade.yaml", MINIMAL.replace("grade: 2", "grade: 6").encode(),
     [f"Violation: grade.yaml:34: patients[0].facts[3]: {GRADE} (value: 6)"]),
    # by line, then focus: the toxicity (line 34, .../crs) before the response (line 41, .../cr)
    ("two.yaml", MINIMAL.replace("grade: 2", "grade: 6")
     .replace("outcome: emkg:CompleteRemission", "outcome: emkg:Alive").encode(),
     [f"Violation: two.yaml:34: patients[0].facts[3]: {GRADE} (value: 6)",
      "Violation: two.yaml:41: patients[0].facts[4]: A response has one outcome from the response vocabulary: "
      "emkg:CompleteRemission, emkg:MRDNegativeCompleteRemission, emkg:PartialRemission, emkg:NoResponse, "
      "emkg:ProgressiveDisease ... or emkg:NotAssessed. (value: emkg:Alive)"]),
    ("qc.yaml", TWO_INFUSIONS.encode(),
     [f"qc.yaml:15: patients[0]: QC two-infusions-without-order-violation: A patient with several CAR-T infusions "
      f"that are not numbered 1, 2, ... without ties: patient={CASE}, infusion={CASE}/inf, "
      f"other_infusion={CASE}/inf2"]),
    ("quote.yaml", _with_source(MINIMAL.replace("grade 2 CRS on day 5", "grade 3 CRS on day 5")),
     ["quote.yaml:41: patients[0].facts[3].quote: quote not found in minimal.txt: 'grade 3 CRS on day 5'"]),
])
def test_a_failing_record_gets_exactly_its_problems(seeds, name, data, problems):
    assert record_check.check_text(data, name) == _failed(name, problems)


def test_a_passing_record_with_its_quotes_found(seeds):
    result = record_check.check_text(_with_source(MINIMAL), "ok.yaml")
    timings, nt = result.pop("timings"), result.pop("nt")
    assert result == {"file": "ok.yaml", "ok": True, "problems": [], "notes": [], "source_text": "minimal.txt",
                      "inferred": 3, "derived": 11}
    assert list(timings) == STEPS
    lines = nt.splitlines()
    # the record's 81 triples, each inferred type twice (rdf:type and the emkg:inferredType marker), the derived links
    assert len(lines) == len(set(lines)) == 81 + 2 * 3 + 11
    assert ('<https://w3id.org/emkg/publication/test-minimal-case> <https://w3id.org/emkg/sourceTextFile> '
            '"minimal.txt" .') in lines
    assert ('<https://w3id.org/emkg/case/test-minimal-case/P1/crs> <https://w3id.org/emkg/grade> '
            '"2"^^<http://www.w3.org/2001/XMLSchema#integer> .') in lines


def test_a_record_whose_source_text_is_absent_passes_with_a_note(seeds):
    result = record_check.check_text(MINIMAL.encode(), "unchecked.yaml")
    del result["timings"], result["nt"]
    assert result == {"file": "unchecked.yaml", "ok": True, "problems": [], "source_text": None,
                      "notes": ["no source text for https://w3id.org/emkg/publication/test-minimal-case: its quotes "
                                "were not checked"], "inferred": 3, "derived": 11}


def test_read_bytes_names_a_missing_record(tmp_path):
    assert record_check.read_bytes(tmp_path / "gone.yaml") == (
        None, ["gone.yaml: (file): the record disappeared while the build was reading it"])
    (tmp_path / "here.yaml").write_bytes(b"x")
    assert record_check.read_bytes(tmp_path / "here.yaml") == (b"x", [])
    assert record_check.read_bytes(tmp_path)[1] == [f"{tmp_path.name}: (file): cannot be read: Is a directory"]


def test_a_graph_with_a_blank_node_is_checked_by_pyshacl_whole(seeds):
    """No record has a blank node, but a graph with one must still get every shape's violations (from pySHACL, as
    Oxigraph renames blank nodes): here the grade above 5 of an otherwise valid record."""
    from rdflib import BNode, Graph, Literal, URIRef

    from emkg.shacl import validate
    from loaders.yaml_record import parse_record

    context = record_check._context
    graph = Graph()  # a plain graph, as test_shacl_sparql.py reads one (a loader's own graph never has a blank node)
    graph += parse_record(MINIMAL.replace("grade: 2", "grade: 6"), "blank.yaml").graph
    graph.add((BNode(), URIRef("https://w3id.org/emkg/note"), Literal("a blank node")))
    expected = validate(graph, context.shapes, context.ontology)[1]
    nt = graph.serialize(format="nt", encoding="utf-8")
    found = record_check.shacl_violations(graph, record_check.record_store(nt, context), context, {})
    assert [(v.focus, v.path, v.constraint, v.message, v.value) for v in found] == [
        ("https://w3id.org/emkg/case/test-minimal-case/P1/crs", "emkg:grade", "sh:MaxInclusiveConstraintComponent",
         GRADE, "6")]
    assert found == expected


def test_a_store_with_nothing_to_infer_adds_no_bytes(seeds):
    import pyoxigraph as ox

    assert record_check.inferred_and_derived(ox.Store(), record_check._context) == (0, 0, b"")


def test_a_shape_of_severity_warning_gives_a_note_and_the_record_passes(seeds, monkeypatch):
    """shapes/ has no warning today; a constraint of severity Warning must still reach the notes, not the problems."""
    import dataclasses

    from rdflib import URIRef

    from emkg.shacl_sparql import Constraint

    context = record_check._context
    warning = Constraint(URIRef("https://w3id.org/emkg/NoteShape"), None,
                         "SELECT ?this WHERE { ?this a <https://w3id.org/emkg/Patient> }", "a patient to look at",
                         "Warning")
    monkeypatch.setattr(record_check, "_context",
                        dataclasses.replace(context, sparql_constraints=[*context.sparql_constraints, warning]))
    result = record_check.check_text(MINIMAL.encode(), "warned.yaml")
    assert (result["ok"], result["problems"]) == (True, [])
    assert result["notes"] == [
        "Warning: warned.yaml:15: patients[0]: a patient to look at (value: emkg:case/test-minimal-case/P1)",
        "no source text for https://w3id.org/emkg/publication/test-minimal-case: its quotes were not checked"]
