"""The SSSOM mapping set: committed files are what `emkg mappings` generates from emkg.ttl, one row per
mapping triple, with object labels equal to the verified table's and the import modules'."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from rdflib import RDFS, SKOS, Graph, Literal, URIRef

from emkg import mappings, paths
from emkg.cli import main
from emkg.graph import ontology_graph
from emkg.namespaces import EMKG, compact, expand

TABLE = paths.SHARED_TERMS_TABLE


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return ontology_graph()


@pytest.fixture(scope="module")
def verified():
    if not TABLE.is_file():
        pytest.fail(f"verified term table not found at {TABLE}")
    return mappings.read_verified(TABLE, paths.VERIFIED_TERMS_TABLE)


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    with (paths.MAPPINGS_DIR / mappings.TSV_NAME).open(encoding="utf-8") as handle:
        return list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))


def sssom_cli(*args: str) -> subprocess.CompletedProcess:
    """sssom-py's own command line, from the same environment as the tests."""
    tool = Path(sys.executable).with_name("sssom")
    assert tool.is_file(), f"sssom-py's command line is missing at {tool}: install the test dependencies"
    return subprocess.run([str(tool), *args], capture_output=True, text=True, timeout=120)


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
        assert row["comment"].startswith(f"verified in {verified[str(obj)]['table']} from ")
        assert verified[str(obj)]["verified_from"] in row["comment"]


def test_metadata_is_embedded_with_a_uri_provider_and_a_complete_curie_map(rows):
    header = [line[2:] for line in (paths.MAPPINGS_DIR / mappings.TSV_NAME).read_text(encoding="utf-8").splitlines()
              if line.startswith("# ")]
    meta = yaml.safe_load("\n".join(header))
    for key in ("mapping_set_id", "license", "mapping_date", "curie_map", "mapping_set_version", "mapping_provider"):
        assert meta.get(key), key
    assert meta["mapping_provider"] == "https://w3id.org/emkg"
    assert "generated - do not edit" in meta["comment"]
    used = {r[c].split(":")[0] for r in rows for c in ("subject_id", "predicate_id", "object_id")}
    used |= {r["mapping_justification"].split(":")[0] for r in rows}
    assert used == set(meta["curie_map"])
    assert not (paths.MAPPINGS_DIR / "emkg.sssom.yml").exists(), "metadata lives in the TSV only"


def test_sssom_validate_accepts_the_committed_file():
    result = sssom_cli("validate", str(paths.MAPPINGS_DIR / mappings.TSV_NAME))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Missing prefix" not in result.stdout + result.stderr


def test_sssom_validate_fails_when_a_prefix_is_missing(tmp_path):
    text = (paths.MAPPINGS_DIR / mappings.TSV_NAME).read_text(encoding="utf-8")
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text("".join(line for line in text.splitlines(keepends=True) if not line.startswith("#   HGNC:")))
    result = sssom_cli("validate", str(broken))
    assert result.returncode != 0 and "Missing prefix: HGNC" in result.stdout + result.stderr


def test_sssom_parse_keeps_every_mapping(rows, tmp_path):
    from sssom.parsers import parse_sssom_table

    parsed = parse_sssom_table(paths.MAPPINGS_DIR / mappings.TSV_NAME)
    kept = {(r.subject_id, r.predicate_id, r.object_id) for r in parsed.df.itertuples()}
    assert len(parsed.df) == len(rows) >= 45
    assert kept == {(r["subject_id"], r["predicate_id"], r["object_id"]) for r in rows}
    provider = parsed.metadata.get("mapping_provider")
    providers = set(parsed.df["mapping_provider"]) if "mapping_provider" in parsed.df else {provider}
    assert providers == {"https://w3id.org/emkg"}
    out = tmp_path / "parsed.sssom.tsv"
    result = sssom_cli("parse", str(paths.MAPPINGS_DIR / mappings.TSV_NAME), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "not well-formed" not in result.stdout + result.stderr
    body = [line for line in out.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    assert len(body) == 1 + len(rows)


def test_a_non_uri_provider_would_lose_every_mapping_in_sssom_parse(tmp_path):
    """The issue's failure, kept as a check that the parse test above can fail."""
    from sssom.parsers import parse_sssom_table

    text = (paths.MAPPINGS_DIR / mappings.TSV_NAME).read_text(encoding="utf-8")
    broken = tmp_path / "provider.sssom.tsv"
    broken.write_text(text.replace("# mapping_provider: https://w3id.org/emkg", "# mapping_provider: emkg developers"))
    assert len(parse_sssom_table(broken).df) == 0  # all 45 mappings dropped


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
    monkeypatch.setattr(paths, "PREFIX_MAP_FILE", tmp_path / "emkg.prefixes.json")
    monkeypatch.setattr(paths, "JSONLD_CONTEXT_FILE", tmp_path / "emkg.context.jsonld")
    runner = CliRunner()
    stale = runner.invoke(main, ["mappings", "--check"])
    assert stale.exit_code == 1 and "emkg.sssom.tsv" in stale.output
    written = runner.invoke(main, ["mappings"])
    assert written.exit_code == 0, written.output
    assert runner.invoke(main, ["mappings", "--check"]).exit_code == 0
    assert (tmp_path / "emkg.sssom.tsv").read_text(encoding="utf-8") == \
        (paths.PROJECT_ROOT / "ontology" / "mappings" / "emkg.sssom.tsv").read_text(encoding="utf-8")
