"""The SSSOM mapping set: committed files are what `emkg mappings` generates from emkg.ttl, one row per
mapping triple, with object labels equal to the verified table's and the import modules'."""

from __future__ import annotations

import csv

import pytest
import yaml
from click.testing import CliRunner
from rdflib import RDFS, SKOS, Graph, Literal, URIRef

from emkg import mappings, paths
from emkg.cli import main
from emkg.graph import ontology_graph
from emkg.namespaces import EMKG, compact, expand

TABLE = paths.PROJECT_ROOT.parent / "shared" / "ontology-terms.tsv"


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def verified():
    if not TABLE.is_file():
        pytest.fail(f"verified term table not found at {TABLE}")
    return mappings.read_verified(TABLE)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (paths.MAPPINGS_DIR / mappings.TSV_NAME).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_committed_files_are_current(ontology, verified):
    assert mappings.stale_files(ontology, verified, paths.MAPPINGS_DIR) == [], "run `emkg mappings`"


def test_one_row_per_mapping_triple(ontology, rows):
    triples = {(compact(str(s)), compact(str(p)), compact(str(o)))
               for p in mappings.PREDICATES for s, o in ontology.subject_objects(p) if str(s).startswith(EMKG)}
    assert len(triples) > 30
    assert {(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows} == triples
    assert len(rows) == len(triples)


def test_labels_match_the_verified_table_and_the_imports(ontology, verified, rows):
    for row in rows:
        obj = URIRef(expand(row["object_id"]))
        assert verified[str(obj)]["status"] == "VERIFIED", row["object_id"]
        assert row["object_label"] == verified[str(obj)]["label"], row["object_id"]
        assert row["object_label"] == str(ontology.value(obj, RDFS.label)), row["object_id"]
        assert row["subject_label"] == str(ontology.value(URIRef(expand(row["subject_id"])), RDFS.label))
        assert row["mapping_justification"] == "semapv:ManualMappingCuration"
        assert row["comment"].startswith("verified in ../shared/ontology-terms.tsv from ")
        assert verified[str(obj)]["verified_from"] in row["comment"]


def test_metadata_is_valid_yaml_with_a_complete_curie_map(rows):
    meta = yaml.safe_load((paths.MAPPINGS_DIR / mappings.YML_NAME).read_text(encoding="utf-8"))
    for key in ("mapping_set_id", "license", "mapping_date", "curie_map", "mapping_set_version"):
        assert meta.get(key), key
    assert "generated - do not edit" in meta["comment"]
    used = {r[c].split(":")[0] for r in rows for c in ("subject_id", "predicate_id", "object_id")}
    used |= {r["mapping_justification"].split(":")[0] for r in rows}
    assert used <= set(meta["curie_map"])


def test_a_mapping_to_an_unverified_term_is_refused(ontology, verified):
    broken = Graph()
    broken += ontology
    unknown = URIRef(expand("NCIT:C170439"))  # brexucabtagene autoleucel: UNVERIFIED in the table
    broken.add((unknown, RDFS.label, Literal("Brexucabtagene Autoleucel")))
    broken.add((URIRef(EMKG + "BrexucabtageneAutoleucel"), SKOS.exactMatch, unknown))
    with pytest.raises(mappings.MappingError, match="NCIT:C170439.*not VERIFIED"):
        mappings.mappings(broken, verified)


def test_mappings_check_command_reports_stale_files(tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "MAPPINGS_DIR", tmp_path)
    runner = CliRunner()
    stale = runner.invoke(main, ["mappings", "--check"])
    assert stale.exit_code == 1 and "emkg.sssom.tsv" in stale.output
    written = runner.invoke(main, ["mappings"])
    assert written.exit_code == 0, written.output
    assert runner.invoke(main, ["mappings", "--check"]).exit_code == 0
    assert (tmp_path / "emkg.sssom.tsv").read_text(encoding="utf-8") == \
        (paths.PROJECT_ROOT / "ontology" / "mappings" / "emkg.sssom.tsv").read_text(encoding="utf-8")
