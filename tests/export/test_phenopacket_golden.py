"""The Phenopacket export, compared whole with reviewed golden files (tests/export/expected/phenopackets/):
every field, label, annotation and its order, the file names, the JSON layout, and the official package's
reading. Inputs: the reviewed fixture graph (three patients) and a small made-up publication below with the
parts the fixture graph lacks (PMID, source text, radiotherapy, laterality, timings, a registered product,
a stated-absent relapse and diagnosis, a measurement's finding, terms without a label, a non-whole age)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.protobuf.json_format import Parse
from phenopackets import Phenopacket
from rdflib import Graph

from emkg.graph import ontology_graph
from emkg.phenopacket_export import export_phenopackets

TESTS = Path(__file__).parent.parent
EXPECTED = Path(__file__).parent / "expected" / "phenopackets"
CREATED = re.compile(r'^    "created": "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)",$', re.MULTILINE)

# Made up for this test; none of it is a clinical fact.
EXTRA = """
@prefix emkg: <https://w3id.org/emkg/> .
@prefix x: <https://w3id.org/emkg/case/extra-pub/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix MONDO: <http://purl.obolibrary.org/obo/MONDO_> .
@prefix NCIT: <http://purl.obolibrary.org/obo/NCIT_> .
@prefix UBERON: <http://purl.obolibrary.org/obo/UBERON_> .
x:pub a emkg:Publication ; emkg:pmid "12345" ; emkg:doi "10.1/xyz" ; emkg:sourceTextFile "extra.md" ;
    emkg:hasEvidence x:q-pub .
x:q-pub oa:exact "a made-up report" .
x:doi-pub a emkg:Publication ; emkg:doi "10.9/only-doi" .
x:A a emkg:Patient ; emkg:reportedIn x:pub .
x:A-demo a emkg:Demographics ; emkg:aboutPatient x:A ; emkg:sex emkg:Female ; emkg:ageYears 7.5 ;
    emkg:hasEvidence x:q-demo .
x:q-demo oa:exact "a girl of seven and a half" .
x:A-dx a emkg:Diagnosis ; emkg:aboutPatient x:A ; emkg:disease MONDO:0020511 .
x:A-relapse a emkg:Relapse ; emkg:aboutPatient x:A ; emkg:hasSite UBERON:0000473 ;
    emkg:hasSiteInvolvement x:A-left, x:A-other ; emkg:hasTiming x:A-t1, x:A-t2, x:A-t3 .
x:A-left emkg:hasSite UBERON:0000473 ; emkg:laterality emkg:Left .
x:A-other emkg:hasSite UBERON:0000955 ; emkg:laterality emkg:Right .
x:A-t1 emkg:anchorEvent emkg:TransplantEvent ; emkg:approximate true ; emkg:beforeAnchor true ;
    emkg:timeFromAnchor x:A-t1-q .
x:A-t1-q emkg:value 18 ; emkg:unit emkg:Month .
x:A-t2 emkg:anchorEvent emkg:TransplantEvent ; emkg:timeFromAnchor x:A-t2-q .
x:A-t2-q emkg:value 2 ; emkg:unit emkg:Week .
x:A-t3 emkg:timeFromAnchor x:A-t3-q .
x:A-t3-q emkg:value 3 ; emkg:unit emkg:Week .
x:A-no-cns a emkg:Relapse ; emkg:aboutPatient x:A ; emkg:hasSite UBERON:0000955 ; emkg:present false .
x:A-inf a emkg:CarTInfusion ; emkg:aboutPatient x:A ; emkg:usesProduct x:tisa ; emkg:hasDose x:A-dose ;
    emkg:dayOffset 0 .
x:A-dose emkg:value 2 .
x:tisa a NCIT:C102758 ; rdfs:label "Kymriah" ; emkg:targetsAntigen <http://purl.obolibrary.org/obo/PR_000001002> .
x:A-crs a emkg:AdverseEvent ; emkg:aboutPatient x:A ; emkg:condition MONDO:0600008 ; emkg:reportedTerm "CRS" ;
    emkg:grade 1 ; emkg:gradingSystem emkg:ASTCT2019 .
x:A-pr a emkg:ResponseAssessment ; emkg:aboutPatient x:A ; emkg:outcome emkg:PartialRemission .
x:A-rt a emkg:Radiotherapy ; emkg:aboutPatient x:A ; emkg:hasSite UBERON:0000473 ; emkg:sequenceNumber 4 .
x:A-rt2 a emkg:Radiotherapy ; emkg:aboutPatient x:A .
x:A-hsct a emkg:HSCT ; emkg:aboutPatient x:A .
x:A-mrd a emkg:Measurement ; emkg:aboutPatient x:A ; emkg:analyte emkg:CarTCells ; emkg:value 5 ;
    emkg:finding "CAR-T cells in the CSF" .
x:B a emkg:Patient ; emkg:reportedIn x:doi-pub .
x:B-relapse a emkg:Relapse ; emkg:aboutPatient x:B ; emkg:hasSite UBERON:0000955 .
x:B-dx a emkg:Diagnosis ; emkg:aboutPatient x:B ; emkg:disease MONDO:0020511 ; emkg:present false .
x:B-level a emkg:Measurement ; emkg:aboutPatient x:B ; emkg:analyte emkg:MadeUpAnalyte ; emkg:value 0.25 ;
    emkg:unit emkg:MadeUpUnit .
x:B-demo a emkg:Demographics ; emkg:aboutPatient x:B ; emkg:sex emkg:SexNotReported ; emkg:ageYears 12 .
x:C a emkg:Patient ; emkg:reportedIn x:bare-pub .
"""


def _export(graph: Graph, out: Path) -> dict[str, str]:
    written = export_phenopackets(graph + ontology_graph(), out)
    assert written == sorted(out.iterdir())
    texts = {}
    for path in written:
        text = path.read_text(encoding="utf-8")
        Parse(text, Phenopacket())  # the official package reads it
        (created,) = CREATED.findall(text)  # the creation time, in UTC to the second
        texts[path.name] = CREATED.sub('    "created": "CREATED",', text)
    return texts


def _check(texts: dict[str, str], prefix: str) -> None:
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(EXPECTED.glob(f"{prefix}--*.json"))}
    assert sorted(texts) == sorted(expected)
    for name, text in texts.items():
        assert text == expected[name], name


def test_the_fixture_graphs_patients_export_to_the_reviewed_phenopackets(tmp_path):
    _check(_export(Graph().parse(TESTS / "fixtures" / "graph.ttl"), tmp_path), "fixture-series")


def test_pmid_source_text_radiotherapy_laterality_timing_and_absent_sites_export_as_reviewed(tmp_path):
    _check(_export(Graph().parse(data=EXTRA, format="turtle"), tmp_path), "extra-pub")


def test_non_ascii_text_is_written_as_utf8_not_escaped(tmp_path):
    graph = Graph().parse(data=EXTRA.replace("a made-up report", "café β-cell"), format="turtle")
    written = export_phenopackets(graph + ontology_graph(), tmp_path)
    raw = written[0].read_bytes()
    assert '"description": "café β-cell"'.encode() in raw
    assert raw.endswith(b"}\n")


@pytest.fixture
def local_time_not_utc():
    """The process's local time zone set to one that is not UTC, and put back after the test."""
    import os
    import time

    saved = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Kolkata"
    time.tzset()
    yield
    if saved is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = saved
    time.tzset()


def test_the_creation_time_is_now_in_utc(tmp_path, local_time_not_utc):
    import datetime

    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    (path, *_) = export_phenopackets(Graph().parse(data=EXTRA, format="turtle") + ontology_graph(), tmp_path)
    after = datetime.datetime.now(datetime.UTC)
    created = json.loads(path.read_text(encoding="utf-8"))["metaData"]["created"]
    stamp = datetime.datetime.strptime(created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.UTC)
    assert before <= stamp <= after


@pytest.mark.parametrize(("years", "duration"), [(0.0, "P0Y"), (7.5, "P7Y6M"), (12, "P12Y"),
                                                   (0.04, "P0Y"), (2.25, "P2Y3M")])
def test_ages_become_iso8601_durations_in_whole_years_and_months(years, duration):
    from emkg.phenopacket_export import _duration

    assert _duration(years) == duration


def test_a_terminal_sees_a_progress_bar_over_the_patients(tmp_path, monkeypatch):
    import io
    import sys

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.delenv("EMKG_NO_PROGRESS", raising=False)
    monkeypatch.setattr(sys, "stderr", screen)
    export_phenopackets(Graph().parse(data=EXTRA, format="turtle"), tmp_path)
    assert "writing Phenopackets" in screen.getvalue() and "3/3" in screen.getvalue()
