"""`emkg export`: every format is read back by the ecosystem's own reader (pyld and rdflib for JSON-LD,
pyoxigraph/rdflib for Turtle, N-Triples and RDF/XML, pandas for the CSV tables, sssom-py for SSSOM,
curies for the prefix map) and agrees with the built store."""

from __future__ import annotations

import json
import re

import curies
import pandas as pd
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from emkg import paths
from emkg.cli import main
from emkg.export_tables import SEPARATOR, TABLES

LICENSE = "https://creativecommons.org/licenses/by/4.0/"  # referenced by full IRI; not a term namespace


def run_export(built, fmt, out):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(out), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def store(built):
    return ox.Store.read_only(str(paths.store_dir(built)))


@pytest.fixture(scope="module")
def store_graph(store) -> Graph:
    """The store's own triples (Oxigraph writes decimals canonically: "500", where the release has "500.0")."""
    return Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")


def test_the_prefix_map_file_loads_in_curies_and_covers_every_release_iri(built):
    converter = curies.load_prefix_map(paths.PREFIX_MAP_FILE)
    text = (paths.release_dir(built) / "emkg.nt").read_text(encoding="utf-8")
    iris = set(re.findall(r"<([^<>\s]+)>", text))
    assert len(iris) > 1500
    uncovered = sorted(iri for iri in iris if converter.compress(iri) is None)
    assert uncovered == [LICENSE]
    for iri in iris - {LICENSE}:
        assert converter.expand(converter.compress(iri)) == iri
    assert "oboInOwl" in converter.prefix_map


def test_the_context_file_is_the_prefix_map():
    context = json.loads(paths.JSONLD_CONTEXT_FILE.read_text(encoding="utf-8"))["@context"]
    prefix_map = json.loads(paths.PREFIX_MAP_FILE.read_text(encoding="utf-8"))
    assert {k: v if isinstance(v, str) else v["@id"] for k, v in context.items()} == prefix_map


def test_jsonld_is_compacted_with_the_published_context_and_holds_the_whole_graph(built, store_graph, tmp_path):
    from pyld import jsonld

    out = run_export(built, "jsonld", tmp_path / "emkg.jsonld")
    document = json.loads(out.read_text(encoding="utf-8"))
    published = json.loads(paths.JSONLD_CONTEXT_FILE.read_text(encoding="utf-8"))
    assert document["@context"] == published["@context"]
    body = json.dumps(document["@graph"])
    assert "UBERON:0000473" in body and "http://purl.obolibrary.org/obo/UBERON_" not in body

    def refuse(url, options=None):
        raise AssertionError(f"tried to load {url}")

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": refuse})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), store_graph)
    assert isomorphic(Graph().parse(out, format="json-ld"), store_graph)


def test_the_jsonld_export_never_loads_a_remote_context():
    from pyld import jsonld

    from emkg.export import _no_remote_documents

    with pytest.raises(jsonld.JsonLdError):
        jsonld.compact({"@id": "https://w3id.org/emkg/x"}, "https://example.org/context.jsonld",
                       {"documentLoader": _no_remote_documents})


@pytest.mark.parametrize("fmt, rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("rdfxml", "xml")])
def test_rdf_exports_read_back_to_the_same_graph(built, store_graph, tmp_path, fmt, rdflib_format):
    out = run_export(built, fmt, tmp_path / f"emkg.{fmt}")
    assert isomorphic(Graph().parse(out, format=rdflib_format), store_graph)
    assert run_export(built, fmt, tmp_path / f"again.{fmt}").read_bytes() == out.read_bytes()


def _count(store, cls: str) -> int:
    query = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT (COUNT(DISTINCT ?x) AS ?n) "
             f"WHERE {{ ?x a/rdfs:subClassOf* <https://w3id.org/emkg/{cls}> }}")
    return int(next(iter(store.query(query)))["n"].value)


def test_csv_tables_read_in_pandas_one_row_per_individual_with_curies_and_labels(built, store, tmp_path):
    out = tmp_path / "tables"
    run_export(built, "csv", out)
    converter = curies.load_prefix_map(paths.PREFIX_MAP_FILE)
    assert sorted(p.name for p in out.glob("*.csv")) == sorted(f"{name}.csv" for name in TABLES)
    for name, cls in TABLES.items():
        frame = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        assert len(frame) == _count(store, cls) > 0, name
        assert frame["id"].is_unique
        assert all(converter.expand(i) for i in frame["id"]), name
        for column in (c for c in frame.columns if f"{c}_label" in frame.columns):
            for values, labels in zip(frame[column], frame[f"{column}_label"], strict=True):
                if values:
                    assert len(values.split(SEPARATOR)) == len(labels.split(SEPARATOR)), (name, column)
                    assert all(converter.expand(v) for v in values.split(SEPARATOR)), (name, column, values)
    relapses = pd.read_csv(out / "relapses.csv", dtype=str, keep_default_na=False)
    testis = [(v, lab) for v, lab in zip(relapses["hasSite"], relapses["hasSite_label"], strict=True)
              if "UBERON:0000473" in v]
    assert testis, "the seed records have testicular relapses"
    for values, labels in testis:
        pairs = dict(zip(values.split(SEPARATOR), labels.split(SEPARATOR), strict=True))
        assert pairs["UBERON:0000473"] == "testis"
    infusions = pd.read_csv(out / "infusions.csv")
    assert pd.api.types.is_integer_dtype(infusions["infusionNumber"])


def test_sssom_export_parses_with_sssom_py(built, tmp_path):
    from sssom.parsers import parse_sssom_table

    out = run_export(built, "sssom", tmp_path / "emkg.sssom.tsv")
    assert len(parse_sssom_table(out).df) == len(parse_sssom_table(paths.MAPPINGS_DIR / "emkg.sssom.tsv").df) >= 45


def test_csv_without_out_and_a_missing_build_are_usage_errors(built, tmp_path):
    runner = CliRunner()
    no_out = runner.invoke(main, ["export", "--format", "csv", "--build-dir", str(built)])
    assert no_out.exit_code == 2 and "--out" in no_out.output
    missing = runner.invoke(main, ["export", "--format", "nt", "--build-dir", str(tmp_path / "nothing")])
    assert missing.exit_code == 2 and "emkg build" in missing.output


def test_the_command_offers_exactly_the_registered_exporters():
    from emkg import cli, export

    assert tuple(export.EXPORTERS) == cli.EXPORT_FORMATS


def test_phenopacket_export_writes_one_official_packet_per_patient(built, store, tmp_path):
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    out = run_export(built, "phenopacket", tmp_path / "packets")
    files = sorted(out.glob("*.phenopacket.json"))
    patients = {str(r["p"].value) for r in store.query(
        "SELECT ?p WHERE { ?p a <https://w3id.org/emkg/Patient> }")}
    assert len(files) == len(patients) > 0
    for file in files:
        packet = Parse(file.read_text(encoding="utf-8"), Phenopacket())
        assert packet.subject.id and packet.meta_data.phenopacket_schema_version.startswith("2")


def test_phenopacket_export_without_a_folder_is_a_usage_error(built):
    result = CliRunner().invoke(main, ["export", "--format", "phenopacket", "--build-dir", str(built)])
    assert result.exit_code == 2 and "name a folder" in result.output
