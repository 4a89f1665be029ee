"""Every stored query gives the same rows on a real Virtuoso (`emkg query --endpoint`) as on the embedded store.

The queries are taken from the catalogue, so a query added later is covered without editing this file;
each runs with its default bindings and with every parameter case in `parameter_cases`. Only what is
legitimately engine-dependent is normalised (see `comparable`); everything else must match exactly.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from virtuoso_harness import GRAPH

from emkg import catalogue, output, paths, remote, store
from emkg.cli import main

XSD = "http://www.w3.org/2001/XMLSchema#"
# Engines may type the same whole number differently (Oxigraph's COUNT gives xsd:integer, Virtuoso's
# xsd:int) and write the same number differently ("1.0E1" / "10.0"); these are compared by value within
# their family, so an integer never equals a decimal or a double.
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                   "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt",
                                   "unsignedLong", "unsignedShort", "unsignedByte")}
DECIMAL_TYPES = {XSD + "decimal"}
FLOAT_TYPES = {XSD + "double", XSD + "float"}

# Parameter values the golden tests use beyond the defaults: tests/queries/param_cases.json where it
# exists ({query: {case: {param: value}}}), else these. Every allowed value of a parameter, and the example
# its description gives ("e.g. VALUE"), are added automatically.
_GOLDEN_CASES = Path(__file__).parent.parent / "queries" / "param_cases.json"
EXTRA_CASES: dict[str, list[dict[str, str]]] = {
    "patients-by-relapse-site": [{"site": "UBERON:0000473"}],
    "patient-timeline": [{"patient": "emkg:case/nct03919240-sscart19-skin-testis/P1"}],
}
# Queries on which Virtuoso is known to give wrong rows, with the reason; their tests run and are expected
# to fail (strict: once Virtuoso agrees, the test fails until the entry is removed). Keep this short.
KNOWN_VIRTUOSO_BUGS: dict[str, str] = {}
# GROUP_CONCAT's order is not defined by SPARQL 1.1 (engines differ: "CD19; CD22" vs "CD22; CD19"), so
# such columns are compared as sorted lists of their parts (see `comparable` for the other two differences).
_GROUP_CONCAT = re.compile(r"GROUP_CONCAT\s*\(\s*(?:DISTINCT\s+)?\?\w+\s*"
                           r'(?:;\s*SEPARATOR\s*=\s*"((?:[^"\\]|\\.)*)"\s*)?\)\s+AS\s+\?(\w+)', re.IGNORECASE)
_EXAMPLE = re.compile(r"\be\.g\.\s+(\S+?)[,;)]?(?:\s|$)")


def parameter_cases(stored: catalogue.StoredQuery) -> list[dict[str, str]]:
    """The defaults ({}), each allowed value, each documented example, and the golden tests' own cases."""
    cases: list[dict[str, str]] = [{}]
    for param in stored.params:
        values = list(param.allowed)
        values += [m.group(1) for m in _EXAMPLE.finditer(param.doc)]
        cases += [{param.name: value} for value in values if value != param.default]
    cases += EXTRA_CASES.get(stored.name, [])
    if _GOLDEN_CASES.is_file():
        golden = json.loads(_GOLDEN_CASES.read_text(encoding="utf-8")).get(stored.name, {})
        cases += [golden[key] for key in sorted(golden)]
    unique = []
    for case in cases:
        if case not in unique:
            unique.append(case)
    return unique


def group_concat_columns(text: str) -> dict[str, str]:
    """Result columns made by GROUP_CONCAT, with their separator (a space if none is given)."""
    return {m.group(2): (m.group(1) if m.group(1) is not None else " ") for m in _GROUP_CONCAT.finditer(text)}


def _known_bug(name):
    reason = KNOWN_VIRTUOSO_BUGS.get(name)
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


CASES = [pytest.param(name, case, marks=_known_bug(name))
         for name, stored in sorted(catalogue.catalogue().items()) for case in parameter_cases(stored)]
# Queries whose output must be byte-identical in every format (no order-free GROUP_CONCAT columns).
VERBATIM = [pytest.param(name, marks=_known_bug(name)) for name, stored in sorted(catalogue.catalogue().items())
            if not group_concat_columns(stored.text)]


def _case_id(value):
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items()) or "defaults"
    return value


def comparable(rows, columns=(), concatenated=None):
    """Rows as tuples to compare across engines: numbers by value within their family, blank nodes by
    their order of first appearance (labels are local to one answer), GROUP_CONCAT columns as sorted parts,
    everything else exactly."""
    blanks: dict[str, int] = {}
    separators = [(concatenated or {}).get(column) for column in columns] or None

    def term(t):
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return ("iri", t.value)
        if isinstance(t, ox.BlankNode):
            return ("bnode", blanks.setdefault(t.value, len(blanks)))
        datatype = t.datatype.value
        for family, types, number in (("integer", INTEGER_TYPES, Decimal), ("decimal", DECIMAL_TYPES, Decimal),
                                      ("float", FLOAT_TYPES, float)):
            if datatype in types:
                try:
                    return (family, number(t.value))
                except (InvalidOperation, ValueError):
                    break  # an ill-typed lexical form is compared as written
        return ("literal", t.value, datatype, t.language)

    def cell(t, separator):
        if separator is not None and (t is None or isinstance(t, ox.Literal)):
            # Over no values Oxigraph leaves the column unbound (the label's absence is an error it skips
            # whole) and Virtuoso gives ""; Oxigraph keeps a language tag all parts share, Virtuoso does
            # not. Both readings exist among engines, so only the parts are compared.
            text = "" if t is None else t.value
            return ("parts", tuple(sorted(text.split(separator))) if text else ())
        return term(t)

    return [tuple(cell(t, separators[i] if separators else None) for i, t in enumerate(row)) for row in rows]


def run(*args):
    return CliRunner().invoke(main, list(map(str, args)))


def remote_args(virtuoso):
    return ["--endpoint", virtuoso.endpoint, "--default-graph", GRAPH, "--timeout", 60]


def param_args(case):
    return [arg for key, value in case.items() for arg in ("--param", f"{key}={value}")]


@pytest.fixture(scope="module")
def db(built):
    return store.open_read_only(paths.store_dir(built))


def test_every_query_has_cases():
    names = {param.values[0] for param in CASES}
    assert names == set(catalogue.catalogue()) and len(names) >= 3
    assert len(CASES) > len(names), "no parameter case beyond the defaults was found"


@pytest.mark.parametrize(("name", "case"), CASES, ids=_case_id)
def test_virtuoso_gives_the_embedded_rows(name, case, db, virtuoso):
    stored = catalogue.get(name)
    columns, rows = store.select(db, stored.text, stored.bindings(case))
    result = run("query", name, *param_args(case), *remote_args(virtuoso), "--limit", 0, "--format", "json")
    assert result.exit_code == 0, result.output
    remote_columns, remote_rows = remote.parse_results(result.output.encode())
    assert remote_columns == columns
    # ORDER BY fixes the order of every stored query's rows, so the order is compared too.
    concatenated = group_concat_columns(stored.text)
    assert comparable(remote_rows, columns, concatenated) == comparable(rows, columns, concatenated)


def test_group_concat_columns_are_found():
    stored = catalogue.get("car-t-products-and-constructs")
    assert group_concat_columns(stored.text) == {"targets": "; ", "costimulatory": "; ", "modifications": "; "}
    assert len(VERBATIM) >= 2


@pytest.mark.parametrize("fmt", output.FORMATS)
@pytest.mark.parametrize("name", VERBATIM)
def test_endpoint_output_equals_embedded_output(name, fmt, built, virtuoso):
    embedded = run("query", name, "--format", fmt, "--build-dir", built)
    remote_out = run("query", name, "--format", fmt, *remote_args(virtuoso))
    assert embedded.exit_code == remote_out.exit_code == 0, remote_out.output
    if fmt == "json":  # the one format that shows datatypes: compare by value as above
        as_rows = lambda text: comparable(remote.parse_results(text.encode())[1])  # noqa: E731
        assert as_rows(remote_out.output) == as_rows(embedded.output)
        assert json.loads(remote_out.output)["head"] == json.loads(embedded.output)["head"]
    else:
        assert remote_out.output == embedded.output


def test_default_graph_keeps_virtuoso_system_graphs_out(virtuoso):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    _, [[in_graph]] = remote.select(virtuoso.endpoint, query, default_graph=GRAPH)
    _, [[everything]] = remote.select(virtuoso.endpoint, query)
    assert int(in_graph.value) == virtuoso.triples < int(everything.value)


@pytest.mark.parametrize("hostile", ['"} } SELECT * WHERE { ?s ?p ?o } #', "line\nbreak \\ and 'quotes'",
                                     "ünïcödé ☃ \U0001f600"])
def test_bound_strings_reach_virtuoso_as_literals(hostile, virtuoso):
    term = catalogue.Param("x", "string").bind(hostile)
    columns, rows = remote.select(virtuoso.endpoint, "SELECT ?x WHERE { BIND(?x AS ?y) }", {"x": term},
                                  default_graph=GRAPH)
    assert columns == ["x"] and rows == [[term]]


def test_get_and_post_agree(virtuoso):
    stored = catalogue.get("patients-by-relapse-site")
    bindings = stored.bindings({"site": "UBERON:0000473"})
    answers = [remote.select(virtuoso.endpoint, stored.text, bindings, default_graph=GRAPH, method=method)
               for method in remote.METHODS]
    assert answers[0] == answers[1] and answers[0][1]


def test_a_broken_query_is_a_clean_error(virtuoso):
    with pytest.raises(remote.RemoteError, match="HTTP 400") as caught:
        remote.select(virtuoso.endpoint, "SELECT ?x WHERE { ?x ?y }", default_graph=GRAPH)
    assert "\n" not in str(caught.value)


def test_private_server_listens_on_loopback_only(virtuoso):
    ini = virtuoso.ini.read_text(encoding="utf-8")
    ports = re.findall(r"^ServerPort = (\S+)$", ini, re.MULTILINE)
    assert ports == [f"127.0.0.1:{virtuoso.sql_port}", f"127.0.0.1:{virtuoso.http_port}"]
    assert str(virtuoso.folder) in re.search(r"^DirsAllowed = (.*)$", ini, re.MULTILINE).group(1)
    assert "[Plugins]" not in ini and "[Replication]" not in ini
