"""Every stored query header is read by grlc's own parser (grlc.gquery) exactly as emkg.catalogue reads it.

grlc is a test dependency; its parser is pure (no endpoint is contacted: enumerations are given as lists,
and `get_metadata` only parses). A header that is not valid YAML makes grlc drop all of its metadata, so
summary, tags, pagination, every parameter, default and allowed value are compared one by one.
"""

from __future__ import annotations

import pytest
import yaml
from grlc import gquery  # noqa: E402  (a missing grlc is an import error, a failure, not a skip)

from emkg import catalogue, qc

ENDPOINT = "http://localhost:8890/sparql"
QUERIES = sorted(catalogue.catalogue())


@pytest.mark.parametrize("name", QUERIES)
def test_grlc_reads_the_header_and_finds_every_parameter(name):
    stored = catalogue.get(name)
    meta = gquery.get_metadata(stored.text, ENDPOINT)
    assert meta["type"] == "SelectQuery"
    assert meta["summary"] == stored.summary and meta["description"] == stored.question
    assert isinstance(meta["tags"], list) and meta["tags"] == list(stored.tags)
    assert meta["endpoint"] == ENDPOINT
    assert meta.get("pagination") == stored.page_size
    found = meta["parameters"]
    assert set(found) == {p.name for p in stored.params}
    for param in stored.params:
        grlc_param = found[param.name]
        assert grlc_param["original"] == f"?{param.var}"
        assert grlc_param["required"] is param.required
        assert grlc_param.get("format") == ("iri" if param.type == "iri" else None)
        assert grlc_param.get("datatype") == ("xsd:integer" if param.type == "integer" else None)
        assert grlc_param.get("default") == param.default
        assert sorted(grlc_param.get("enum") or []) == sorted(param.allowed)


@pytest.mark.parametrize("path", [q.path for q in catalogue.catalogue().values()] + [r.path for r in qc.rules()],
                         ids=lambda p: p.stem)
def test_header_is_one_yaml_mapping(path):
    # grlc's rule: every line starting with '#+', the '#+' stripped, is one YAML document
    text = path.read_text(encoding="utf-8")
    lines = [line[2:] for line in text.split("\n") if line.startswith("#+")]
    assert isinstance(yaml.safe_load("\n".join(lines)), dict)


def test_a_header_grlc_cannot_read_is_rejected_by_the_catalogue(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: a: b: c\n#+ tags: [x\nSELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
    assert "summary" not in gquery.get_yaml_decorators(bad.read_text())
    with pytest.raises(ValueError, match="not valid YAML"):
        catalogue.parse(bad)


def test_parameter_spelled_two_ways_is_rejected(tmp_path):
    bad = tmp_path / "twice.rq"
    bad.write_text("#+ summary: s\nSELECT ?x WHERE { ?x ?p ?__site_iri . ?x ?q ?__site }\n", encoding="utf-8")
    with pytest.raises(ValueError, match="two different types"):
        catalogue.parse(bad)
