"""The YAML record loader, exact: every problem of a record (file, field path, line, whole text, value), the
whole graph of a small record with each kind of value, and the builder's checks called directly. The records
are made up; no clinical claim rests on them."""

from __future__ import annotations

import datetime
import decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from loaders.yaml_record import (
    DEFAULT_EVIDENCE_CODE,
    RecordInvalid,
    _as_decimal,
    _canonical_decimal,
    _RecordBuilder,
    parse_record,
)

HERE = Path(__file__).parent

# One record with one of each problem the builder reports (line numbers are the lines of this text).
BROKEN = """\
schema: emkg-record/3
evidence_code: NOPE:1
publication:
  id: bad id
  label: "A publication"
  design: emkg:CaseReport
  quote: "a case"
  year: "2020"
  enrollment_start: 2020-13
  possible_overlap_with: [other pub]
  registrations: [true]
extra: 1
products:
  - id: prod
    name: CAR19
    quote: "CD19 CAR"
  - id: prod
    targets: [PR:000001002]
    quote: [" "]
patients:
  - just a string
  - id: P1
    label: "patient one"
    facts:
      - 7
      - id: f1
        type: biopsy
      - id: "no id!"
        type: diagnosis
      - id: rel
        type: relapse
        quote: "relapse"
        sites: [emkg:NotReported, UBERON:0000473]
        relapse_kind: emkg:IsolatedExtramedullary
        marrow_involved: true
        day: 5
        timing: {from: rel, from_event: emkg:MrdNegativityEvent, after: {value: 3, unit: emkg:Day}}
      - id: dem
        type: demographics
        quote: "a boy"
        age_years: 12 years
        present: "yes"
        order: 1.5
        note: 2024-01-02
        colour: blue
      - id: tox
        type: toxicity
        quote: "CRS"
        condition: MONDO:0600008
        conflicts_with: [nope, 5, rel, {x: 1}]
        duration: 3
        relative_to: rel
curation_notes: ["", "checked"]
"""

BROKEN_PROBLEMS = [
    ('extra', 12,
     'unknown top-level field; expected one of schema, publication, evidence_code, products, '
     'cohorts, patients, curation_notes',
     None),
    ('schema', 1,
     "the first line must be 'schema: emkg-record/2' (or the older 'schema: emkg-record/1')",
     'emkg-record/3'),
    ('evidence_code', 2,
     "unknown prefix 'NOPE' in 'NOPE:1'; known prefixes: CARO, CHEBI, CL, ECO, HGNC, HP, IAO, MONDO, "
     'NCIT, OBI, PR, SEPIO, UBERON, clinicaltrials, dcterms, doi, emkg, oa, oboInOwl, owl, prov, '
     'pubmed, rdf, rdfs, sh, skos, xsd',
     'NOPE:1'),
    ('publication.id', 4, "publication id must be a slug like 'nct03919240-sscart19-skin-testis'", 'bad id'),
    ('publication.year', 8, 'expected a whole number', '2020'),
    ('publication.registrations[0]', 11, 'expected text', True),
    ('publication.enrollment_start', 9, "expected a year 'YYYY' or a month 'YYYY-MM' (no day: privacy)", '2020-13'),
    ('publication.possible_overlap_with[0]', 10,
     'expected the id of a curated publication (its file name without .yaml)',
     'other pub'),
    ('products[0].targets', 14, "a product needs 'targets' (PR antigen terms)", None),
    ('products[1].id', 17, "id 'prod' is used twice in this record (first at products[0])", None),
    ('products[1].quote[0]', 19, "a quote is the source's own words, as text", ' '),
    ('patients[0]', 21, 'a patient is a mapping with id, label and facts', 'just a string'),
    ('patients[1].facts[0]', 25, 'a fact is a mapping with id, type and quote', 7),
    ('patients[1].facts[1].type', 27,
     'unknown fact type; expected one of demographics, diagnosis, genetic-finding, medical-history, '
     'relapse, therapy, car-t-infusion, hsct, toxicity, response, measurement, assessment, '
     'follow-up, observation',
     'biopsy'),
    ('patients[1].facts[2].id', 28, "needs an id of letters, digits, '-', '_' or '.'", 'no id!'),
    ('patients[1].facts[3].timing', 37,
     "a timing names exactly one anchor: 'from' (a fact of this patient) or 'from_event' (e.g. "
     'emkg:MrdNegativityEvent)',
     {'from': 'rel', 'from_event': 'emkg:MrdNegativityEvent', 'after': {'value': 3, 'unit': 'emkg:Day'}}),
    ('patients[1].facts[3].sites', 33,
     'emkg:NotReported / emkg:Unknown stands alone: it cannot be listed with other values',
     ['emkg:NotReported', 'UBERON:0000473']),
    ('patients[1].facts[3].marrow_involved', 35,
     'relapse_kind emkg:IsolatedExtramedullary says the marrow is not involved, but marrow_involved '
     'is true',
     True),
    ('patients[1].facts[3].day', 36, 'a day offset needs a CAR-T infusion as day 0; this patient has none', None),
    ('patients[1].facts[4].colour', 45,
     'unknown field for a demographics; expected one of id, type, quote, evidence_code, present, '
     'day, day_min, day_max, relative_to, order, year, month, timing, duration, derived, note, '
     'conflicts_with, sex, age_years, age_context, age_group, age_low, age_high',
     None),
    ('patients[1].facts[4].present', 42, 'expected true or false', 'yes'),
    ('patients[1].facts[4].order', 43, 'expected a whole number', 1.5),
    ('patients[1].facts[4].note', 44,
     'exact dates are not kept (privacy); give the year, or a day offset from the infusion',
     '2024-01-02'),
    ('patients[1].facts[4].age_years', 41,
     "expected a number written as digits, e.g. 5.0e6 (units go in 'unit')",
     '12 years'),
    ('patients[1].facts[5].duration', 51,
     "'duration' is a mapping of value, low, high, unit, qualifier, approximate, ongoing",
     3),
    ('patients[1].facts[5].conflicts_with[3]', 50, 'expected the id of another part of this record', {'x': 1}),
    ('curation_notes[0]', 53, 'expected text', ''),
    ('patients[1].facts[5].relative_to', 52,
     "'relative_to' must name a car-t-infusion, but 'rel' is a relapse",
     'rel'),
    ('patients[1].facts[5].conflicts_with[0]', 50, "no part of this record has the id 'nope'", 'nope'),
    ('patients[1].facts[5].conflicts_with[1]', 50, "no part of this record has the id '5'", '5'),
]


def problems(text: str, file_name: str = "bad.yaml") -> list[tuple]:
    with pytest.raises(RecordInvalid) as caught:
        parse_record(text, file_name)
    assert all(p.file == file_name for p in caught.value.problems)
    return [(p.path, p.line, p.message, p.value) for p in caught.value.problems]


def test_every_problem_of_a_record_is_named_with_field_line_text_and_value():
    assert problems(BROKEN) == BROKEN_PROBLEMS


@pytest.mark.parametrize(("text", "expected"), [
    ("- a list\n",
     [("(top level)", 1, "a case record is a YAML mapping with 'publication' and 'patients' or 'cohorts'", None)]),
    ("schema: emkg-record/2\npublication: none\n",
     [("publication", 2, "every record names its source publication", None)]),
    ("schema: emkg-record/1\npublication: {id: p, label: P, design: emkg:CaseReport, quote: q}\npatients: []\n",
     [("patients", 3, "a record needs at least one patient or cohort", None)]),
    ("schema: emkg-record/2\npublication: {id: p, label: P, design: emkg:CaseReport, quote: q}\n"
     "products: prod\ncohorts:\n  - 5\n",
     [("products", 3, "expected a list (lines starting with '- ')", "prod"),
      ("cohorts[0]", 5, "a cohort is a mapping of fields", 5)]),
    ("schema: emkg-record/2\n\npublication: {label: P, design: emkg:CaseReport, quote: q}\npatients: [{id: P1}]\n",
     [("publication.id", 3, "publication id must be a slug like 'nct03919240-sscart19-skin-testis'", None),
      ("patients[0].label", 4, "a patient needs 'label'", None),
      ("patients[0].facts", 4, "a patient needs 'facts'", None)]),
    ("a: [1\n", [("(file)", 2, "not valid YAML: did not find expected ',' or ']'", None)]),
    ("schema: emkg-record/2\npublication: {id: p, label: P, design: emkg:CaseReport, quote: q}\npatients: P1\n"
     "curation_notes: checked\n",
     [("patients", 3, "expected a list (lines starting with '- ')", "P1"),
      ("curation_notes", 4, "expected a list (lines starting with '- ')", "checked")]),
    ("schema: emkg-record/2\npublication: {id: p, label: P, design: emkg:CaseReport, quote: q}\n"
     "patients:\n  - {id: P1, label: one, facts: none}\n",
     [("patients[0].facts", 4, "expected a list (lines starting with '- ')", "none")]),
    ("schema: emkg-record/2\npublication: {id: p, label: P, design: emkg:CaseReport, quote: q}\n"
     "patients: [{id: P1, label: one, facts: []}]\ncohorts: C1\n",
     [("cohorts", 4, "expected a list (lines starting with '- ')", "C1")]),
])
def test_a_record_that_cannot_be_built_says_why_and_where(text, expected):
    assert problems(text) == expected


# A valid record with each kind of value the builder turns into triples (the expected graph is
# expected/varied-record.nt, reviewed against this text when written).
VARIED = """\
schema: emkg-record/2
evidence_code: ECO:0000033
publication:
  id: pub2
  label: "Second publication"
  design: emkg:CaseSeries
  quote: "  a   small
    series "
  year: 2021
  enrollment_start: 2019
  enrollment_end: " 2020-02 "
  possible_overlap_with: [pub1]
  registrations: NCT00000002
products:
  - id: anon
    targets: PR:000001002
    quote: "an anti-CD19 CAR-T"
    evidence_code: ECO:0007121
patients:
  - id: P2
    label: "patient two"
    facts:
      - id: age
        type: demographics
        quote: "over 90"
        age_years: 90+
      - id: inf
        type: car-t-infusion
        product: anon
        dose: {value: "2e6", unit: emkg:CellsPerKilogram}
        quote: "2 x 10^6/kg"
      - id: rel
        type: relapse
        quote: ["relapse in both testes", "not the CNS"]
        day: 60
        site_details:
          - {site: UBERON:0000473, laterality: emkg:Bilateral}
          - {site: UBERON:0001017, involved: false}
      - id: resp
        type: response
        quote: "CR"
        outcome: emkg:CompleteRemission
        assesses: inf
        mrd_threshold: 0.0001
cohorts:
  - id: all
    label: "all patients"
    quote: "two patients"
    size: 2
    members: [P2]
    findings:
      - id: crs-rate
        quote: "one had CRS"
        measure: MONDO:0600008
        statistic: emkg:Proportion
        numerator: 1
        denominator: 2
curation_notes: ["checked twice "]
"""


def sorted_ntriples(graph) -> str:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def test_a_record_with_each_kind_of_value_gives_the_reviewed_triples_and_locations():
    loaded = parse_record(VARIED, "varied.yaml")
    assert sorted_ntriples(loaded.graph) == (HERE / "expected" / "varied-record.nt").read_text(encoding="utf-8")
    locations = {str(node).removeprefix("https://w3id.org/emkg/"): where for node, where in loaded.locations.items()}
    assert locations == VARIED_LOCATIONS


VARIED_LOCATIONS = {
    'publication/pub2': ('publication', 4),
    'publication/pub2/quote-1': ('publication.quote', 7),
    'publication/pub2/product/anon': ('products[0]', 15),
    'publication/pub2/product/anon/quote-1': ('products[0].quote', 17),
    'case/pub2/P2': ('patients[0]', 20),
    'case/pub2/P2/age': ('patients[0].facts[0]', 23),
    'case/pub2/P2/age/quote-1': ('patients[0].facts[0].quote', 25),
    'case/pub2/P2/inf': ('patients[0].facts[1]', 27),
    'case/pub2/P2/inf/dose': ('patients[0].facts[1].dose', 30),
    'case/pub2/P2/inf/quote-1': ('patients[0].facts[1].quote', 31),
    'case/pub2/P2/rel': ('patients[0].facts[2]', 32),
    'case/pub2/P2/rel/site_details-1': ('patients[0].facts[2].site_details[0]', 37),
    'case/pub2/P2/rel/site_details-2': ('patients[0].facts[2].site_details[1]', 38),
    'case/pub2/P2/rel/quote-1': ('patients[0].facts[2].quote[0]', 34),
    'case/pub2/P2/rel/quote-2': ('patients[0].facts[2].quote[1]', 34),
    'case/pub2/P2/resp': ('patients[0].facts[3]', 39),
    'case/pub2/P2/resp/quote-1': ('patients[0].facts[3].quote', 41),
    'publication/pub2/cohort/all': ('cohorts[0]', 46),
    'publication/pub2/cohort/all/quote-1': ('cohorts[0].quote', 48),
    'publication/pub2/cohort/all/finding/crs-rate': ('cohorts[0].findings[0]', 52),
    'publication/pub2/cohort/all/finding/crs-rate/quote-1': ('cohorts[0].findings[0].quote', 53),
}


def builder() -> _RecordBuilder:
    return _RecordBuilder("unit.yaml", {("a",): 3, ("a", "b"): 4})


def test_literals_are_typed_stripped_and_refused_with_the_kind_expected():
    from rdflib.namespace import XSD

    b = builder()
    assert b.check_literal("  two words ", "text", ("a",)) == Literal("two words")
    assert b.check_literal(12, "text", ("a",)) == Literal("12")
    assert b.check_literal(True, "bool", ("a",)) == Literal(True)
    assert b.check_literal(7, "int", ("a",)) == Literal(7, datatype=XSD.integer)
    assert b.check_literal("5.0e6", "decimal", ("a",)) == Literal("5000000.0", datatype=XSD.decimal)
    assert b.check_literal(21, "decimal", ("a",)) == Literal("21.0", datatype=XSD.decimal)
    assert b.problems == []
    refused = [b.check_literal(v, kind, ("a", "b")) for v, kind in (
        (True, "text"), ("  ", "text"), (1, "bool"), (True, "int"), ("7", "int"), ("5 mg", "decimal"),
        (datetime.date(2020, 1, 2), "text"), (datetime.datetime(2020, 1, 2, 3, 4), "int"))]
    assert refused == [None] * 8
    date_message = "exact dates are not kept (privacy); give the year, or a day offset from the infusion"
    assert [(p.file, p.path, p.line, p.message, p.value) for p in b.problems] == [
        ("unit.yaml", "a.b", 4, "expected text", True),
        ("unit.yaml", "a.b", 4, "expected text", "  "),
        ("unit.yaml", "a.b", 4, "expected true or false", 1),
        ("unit.yaml", "a.b", 4, "expected a whole number", True),
        ("unit.yaml", "a.b", 4, "expected a whole number", "7"),
        ("unit.yaml", "a.b", 4, "expected a number written as digits, e.g. 5.0e6 (units go in 'unit')", "5 mg"),
        ("unit.yaml", "a.b", 4, date_message, "2020-01-02"),
        ("unit.yaml", "a.b", 4, date_message, "2020-01-02 03:04:00"),
    ]


def test_decimals_are_read_from_digits_only_and_written_canonically():
    assert [_as_decimal(v) for v in (True, "1e", "five", "1,5", None, [1])] == [None] * 6
    assert _as_decimal(" +.5 ") == decimal.Decimal("0.5") and _as_decimal("-2.50E+2") == decimal.Decimal("-250")
    assert _as_decimal(0.1) == decimal.Decimal("0.1") and _as_decimal(3) == decimal.Decimal(3)
    assert [_canonical_decimal(decimal.Decimal(t)) for t in ("21", "5.0e6", "0.50", "-1.20", "1E-4", "0")] == \
        ["21.0", "5000000.0", "0.5", "-1.2", "0.0001", "0.0"]


def test_curies_are_stripped_and_a_bad_one_named_at_its_path():
    b = builder()
    assert b.check_curie(" HP:0001945 ", ("a",)) == "HP:0001945"
    assert b.check_curie("FOO:1", ("a", "b")) is None and b.check_curie(5, ("a",)) is None
    assert [(p.path, p.line, p.value) for p in b.problems] == [("a.b", 4, "FOO:1"), ("a", 3, 5)]
    assert b.problems[0].message.startswith("unknown prefix 'FOO' in 'FOO:1'; known prefixes: CARO, CHEBI")
    assert b.evidence_code == DEFAULT_EVIDENCE_CODE == "ECO:0007121"


def test_involved_sites_are_the_facts_sites_unless_marked_not_involved():
    b = builder()
    fact = URIRef("https://w3id.org/emkg/case/p/P1/rel")
    b.add_involved_sites({"site_details": [{"site": " UBERON:0000473 "}, {"site": "UBERON:0001017", "involved": False},
                                           {"site": "BAD:1"}, {"laterality": "emkg:Left"}, "x",
                                           {"site": "UBERON:0000970", "involved": True}]}, ("a",), fact)
    b.add_involved_sites({"site_details": {"site": "UBERON:0002107"}}, ("a",), fact)
    b.add_involved_sites({"site_details": "UBERON:0000955"}, ("a",), fact)
    assert sorted(str(o) for o in b.graph.objects(fact, URIRef("https://w3id.org/emkg/hasSite"))) == [
        "http://purl.obolibrary.org/obo/UBERON_0000473", "http://purl.obolibrary.org/obo/UBERON_0000970",
        "http://purl.obolibrary.org/obo/UBERON_0002107"]
    assert len(b.graph) == 3 and b.problems == []


def test_a_record_file_is_named_by_its_file_name_in_every_problem(tmp_path):
    from loaders.yaml_record import load_record, read_record

    path = tmp_path / "case-1.yaml"
    path.write_text(VARIED.replace("age_years: 90+", "age_years: ninety"), encoding="utf-8")
    with pytest.raises(RecordInvalid) as caught:
        read_record(path)
    assert [(p.file, p.path, p.line) for p in caught.value.problems] == [
        ("case-1.yaml", "patients[0].facts[0].age_years", 26)]
    path.write_bytes("schema: emkg-record/2\nlabel: caf\xe9\n".encode("latin-1"))
    with pytest.raises(RecordInvalid) as caught:
        load_record(path)
    assert [(p.file, p.path, p.line, p.message) for p in caught.value.problems] == [
        ("case-1.yaml", "(file)", None, "file is not UTF-8 text")]
    path.write_text(VARIED, encoding="utf-8")
    assert sorted_ntriples(load_record(path)) == (HERE / "expected" / "varied-record.nt").read_text(encoding="utf-8")


HEAD = """\
schema: emkg-record/2
publication: {id: p, label: P, design: emkg:CaseReport, quote: q}
products: [{id: prod, targets: [PR:000001002], quote: CD19 CAR}]
patients:
  - id: P1
    label: one
    facts:
"""


@pytest.mark.parametrize(("facts", "expected"), [
    ("      - {id: i1, type: car-t-infusion, product: prod, quote: a}\n"
     "      - {id: i2, type: car-t-infusion, product: prod, quote: b}\n"
     "      - {id: t, type: toxicity, condition: MONDO:0600008, quote: c, day_min: 3}\n",
     [("patients[0].facts[2].relative_to", 10,
       "this patient has 2 infusions; say which is day 0 (relative_to: one of i1, i2)", None)]),
    ("      - {id: r, type: relapse, sites: [UBERON:0000473], quote: a,\n"
     "         relapse_kind: emkg:CombinedMarrowExtramedullary, marrow_involved: false}\n",
     [("patients[0].facts[0].marrow_involved", 9, "relapse_kind emkg:CombinedMarrowExtramedullary says the marrow "
       "is involved, but marrow_involved is false", False)]),
    ("      - {id: r, type: relapse, quote: a}\n",
     [("patients[0].facts[0].sites", 8, "a relapse needs 'sites' (UBERON sites of relapse (may be given by "
       "site_details instead))", None)]),
    ("      - {id: r, type: relapse, quote: a, site_details: {site: UBERON:0000473},\n"
     "         timing: [{after: {value: 1, unit: emkg:Day}}]}\n",
     [("patients[0].facts[0].timing[0]", 9, "a timing names exactly one anchor: 'from' (a fact of this patient) or "
       "'from_event' (e.g. emkg:MrdNegativityEvent)", {"after": {"value": 1, "unit": "emkg:Day"}})]),
    ("      - {id: d, type: diagnosis, disease: [MONDO:0020511], quote: a, evidence_code: XX:1}\n",
     [("patients[0].facts[0].evidence_code", 8, "unknown prefix 'XX' in 'XX:1'; known prefixes: CARO, CHEBI, CL, ECO, "
       "HGNC, HP, IAO, MONDO, NCIT, OBI, PR, SEPIO, UBERON, clinicaltrials, dcterms, doi, emkg, oa, oboInOwl, owl, "
       "prov, pubmed, rdf, rdfs, sh, skos, xsd", "XX:1")]),  # once, not again for its quote
    ("      - {id: r, type: relapse, sites: [UBERON:0000473], quote: ['', 5, ok]}\n",
     [("patients[0].facts[0].quote[0]", 8, "a quote is the source's own words, as text", ""),
      ("patients[0].facts[0].quote[1]", 8, "a quote is the source's own words, as text", 5)]),
])
def test_the_checks_across_a_facts_fields_name_the_field_and_say_what_is_wrong(facts, expected):
    assert problems(HEAD + facts) == expected


def test_a_relapse_kind_the_marrow_check_does_not_know_accepts_either_marrow_value():
    for marrow in ("true", "false"):
        loaded = parse_record(HEAD + "      - {id: r, type: relapse, sites: [UBERON:0000473], quote: a,\n"
                              f"         relapse_kind: emkg:NotReported, marrow_involved: {marrow}}}\n", "ok.yaml")
        assert len(loaded.graph) > 0
