"""emkg.catalogue on made-up query files: the grlc header, parameters and their typed binding, paging,
and every refusal (each a clear error, never a query with user text pasted in)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from emkg import catalogue
from emkg.catalogue import CatalogueError, Param

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
HEADER = """#+ summary: Made-up query
#+ description: What does the test ask?
#+ tags: [test, made-up]
#+ pagination: 25
#+ defaults:
#+ - site: http://purl.obolibrary.org/obo/UBERON_0000473
#+ - mingrade: 3
#+ enumerate:
#+ - kind: [any, donor-derived]
#+ parameter_descriptions: {site: a site, kind: which kind}
#+ columns: [x, y]
"""
BODY = """SELECT ?x ?y WHERE {
  ?x ?p ?__site_iri . ?x ?q ?__mingrade_integer .
  # ?__ignored_iri in a comment is not a parameter
  FILTER(?__kind = "any" || ?_required = ?y)
}
ORDER BY ?x ?y
"""


def write(tmp_path: Path, text: str, name: str = "made-up") -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_query_file_is_read_with_its_header_and_parameters(tmp_path):
    query = catalogue.parse(write(tmp_path, HEADER + BODY))
    assert (query.name, query.summary, query.question) == ("made-up", "Made-up query", "What does the test ask?")
    assert query.tags == ("test", "made-up") and query.columns == ("x", "y") and query.page_size == 25
    params = {p.name: p for p in query.params}
    assert list(params) == ["site", "mingrade", "kind", "required"]
    assert params["site"] == Param("site", "iri", "http://purl.obolibrary.org/obo/UBERON_0000473", (), "a site",
                                   "__site_iri", False)
    assert params["mingrade"] == Param("mingrade", "integer", "3", (), "", "__mingrade_integer", False)
    assert params["kind"] == Param("kind", "string", None, ("any", "donor-derived"), "which kind", "__kind", False)
    assert params["required"].required and params["required"].var == "_required"


def test_bindings_use_defaults_and_type_each_value(tmp_path):
    query = catalogue.parse(write(tmp_path, HEADER + BODY))
    assert query.bindings({}) == {
        "__site_iri": ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0000473"),
        "__mingrade_integer": ox.Literal("3", datatype=ox.NamedNode(XSD_INTEGER))}
    bound = query.bindings({"site": "UBERON:0001017", "kind": "donor-derived", "required": "x"})
    assert bound["__site_iri"] == ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0001017")
    assert bound["__kind"] == ox.Literal("donor-derived") and bound["_required"] == ox.Literal("x")
    with pytest.raises(CatalogueError, match=r"has no parameter 'nope' \(parameters: site, mingrade, kind, required\)"):
        query.bindings({"nope": "1"})


@pytest.mark.parametrize(("raw", "expected"), [
    ("UBERON:0000473", "http://purl.obolibrary.org/obo/UBERON_0000473"),
    ("<http://example.org/a>", "http://example.org/a"),
    ("https://example.org/b", "https://example.org/b"),
    ("urn:x:y", "urn:x:y"),
])
def test_iri_parameters_take_curies_and_absolute_iris(raw, expected):
    assert Param("p", "iri").bind(raw) == ox.NamedNode(expected)


@pytest.mark.parametrize("raw", ["not an iri", "ftp://example.org/x", "nope:1", "http://exa mple.org", "", "<>"])
def test_other_iri_values_are_refused(raw):
    with pytest.raises(CatalogueError, match="--param p: .* is neither an absolute http\\(s\\) IRI nor a CURIE"):
        Param("p", "iri").bind(raw)


def test_allowed_values_are_enforced_for_iris_and_strings():
    site = Param("site", "iri", allowed=("http://purl.obolibrary.org/obo/UBERON_0000473",))
    assert site.bind("UBERON:0000473") == ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0000473")
    with pytest.raises(CatalogueError, match="is not one of"):
        site.bind("UBERON:0001017")
    kind = Param("kind", "string", allowed=("any",))
    assert kind.bind("any") == ox.Literal("any")
    with pytest.raises(CatalogueError, match="--param kind: 'other' is not one of any"):
        kind.bind("other")


@pytest.mark.parametrize(("raw", "ok"), [("3", True), ("-2", True), ("+7", True), ("1" * 18, True),
                                         ("1" * 19, False), ("3.5", False), ("three", False), ("", False),
                                         (" 3", False)])
def test_integer_parameters(raw, ok):
    param = Param("n", "integer")
    if ok:
        assert param.bind(raw) == ox.Literal(raw, datatype=ox.NamedNode(XSD_INTEGER))
    else:
        with pytest.raises(CatalogueError, match="is not a whole number"):
            param.bind(raw)


def test_paged_text(tmp_path):
    listed = catalogue.parse(write(tmp_path, HEADER + BODY))
    assert listed.paged_text().endswith("ORDER BY ?x ?y\nLIMIT 25\n")
    assert listed.paged_text(limit=5, offset=10).endswith("\nLIMIT 5 OFFSET 10\n")
    assert listed.paged_text(limit=0) == listed.text
    assert listed.paged_text(limit=0, offset=3).endswith("\nOFFSET 3\n")
    aggregate = catalogue.parse(write(tmp_path, HEADER.replace("#+ pagination: 25\n", "") + BODY, "aggregate"))
    assert aggregate.page_size is None and aggregate.paged_text() == aggregate.text
    assert aggregate.paged_text(limit=2).endswith("\nLIMIT 2\n")
    for limit, offset in ((-1, 0), (None, -1)):
        with pytest.raises(CatalogueError, match=r"^--limit and --offset take whole numbers >= 0$"):
            listed.paged_text(limit=limit, offset=offset)


@pytest.mark.parametrize(("header", "message"), [
    ("#+ summary: a: b: c\n", "header is not valid YAML"),
    ("#+ colour: red\n", "unknown header key\\(s\\) colour"),
    ("#+ defaults:\n#+ - other: 1\n", "'defaults' names other, not a parameter of the query"),
    ("#+ enumerate:\n#+ - other: [a]\n", "'enumerate' names other, not a parameter of the query"),
    ("#+ defaults: {site: x}\n", "'defaults' must be a list of one-key mappings"),
    ("#+ defaults:\n#+ - {site: x, kind: y}\n", "'defaults' must be a list of one-key mappings"),
    ("#+ pagination: 0\n", "'pagination' must be a whole number >= 1"),
    ("#+ pagination: many\n", "'pagination' must be a whole number >= 1"),
])
def test_broken_headers_are_refused_naming_the_file(tmp_path, header, message):
    with pytest.raises(ValueError, match=f"broken.rq: .*{message}"):
        catalogue.parse(write(tmp_path, header + "SELECT ?x WHERE { ?x ?p ?__site_iri } ORDER BY ?x\n", "broken"))


def test_a_parameter_written_with_two_types_is_refused(tmp_path):
    with pytest.raises(ValueError, match="parameter 'site' is written with two different types"):
        catalogue.parse(write(tmp_path, "SELECT ?x WHERE { ?x ?p ?__site_iri , ?__site }\n", "two"))


def test_header_reads_only_hash_plus_lines():
    assert catalogue.header("# a comment\n#+ summary: s\nSELECT ?x WHERE {}\n") == {"summary": "s"}
    assert catalogue.header("SELECT ?x WHERE {}\n") == {}
    assert catalogue.header("#+ just text\n") == {}


def test_catalogue_and_get_in_a_folder(tmp_path):
    write(tmp_path, HEADER + BODY, "b-query")
    write(tmp_path, HEADER + BODY, "a-query")
    assert list(catalogue.catalogue(tmp_path)) == ["a-query", "b-query"]
    assert catalogue.get("a-query", tmp_path).name == "a-query"
    with pytest.raises(CatalogueError, match="no stored query 'c-query'; available: a-query, b-query"):
        catalogue.get("c-query", tmp_path)
    for bad in ("A-query", "-x", "a_query", "../a-query", "a-query.rq", ""):
        with pytest.raises(CatalogueError, match="is not a query name"):
            catalogue.get(bad, tmp_path)


def test_an_unknown_parameter_of_a_query_without_parameters(tmp_path):
    query = catalogue.parse(write(tmp_path, "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n", "plain"))
    with pytest.raises(CatalogueError, match=r"^query 'plain' has no parameter 'site' \(parameters: none\)$"):
        query.bindings({"site": "UBERON:0000473"})


def test_refusal_messages_are_exact(tmp_path):
    two = Param("kind", "string", allowed=("any", "donor-derived"))
    with pytest.raises(CatalogueError, match=r"^--param kind: 'x' is not one of any, donor-derived$"):
        two.bind("x")
    sites = Param("site", "iri", allowed=("http://example.org/a", "http://example.org/b"))
    with pytest.raises(CatalogueError, match=r"^--param site: 'http://example.org/c' is not one of "
                                             r"http://example.org/a, http://example.org/b$"):
        sites.bind("http://example.org/c")
    with pytest.raises(CatalogueError, match=r"^--param p: 'x y' is neither an absolute http\(s\) IRI nor a CURIE "
                                             r"with a known prefix$"):
        Param("p", "iri").bind("x y")
    with pytest.raises(CatalogueError, match=r"^no stored query 'any'; available: none$"):
        catalogue.get("any", tmp_path)


@pytest.mark.parametrize("raw", ["<http://example.org/a", "http://example.org/a>"])
def test_an_iri_in_half_brackets_is_refused(raw):
    with pytest.raises(CatalogueError):
        Param("p", "iri").bind(raw)


def test_every_header_field_is_kept(tmp_path):
    text = ("#+ summary: s\n#+ endpoint: http://localhost:8890/sparql\n#+ method: POST\n#+ pagination: 1\n"
            "SELECT ?x WHERE { ?x ?p ?__site_iri }\nORDER BY ?x\n")
    path = write(tmp_path, text, "fields")
    query = catalogue.parse(path)
    assert query.path == path and query.page_size == 1 and query.question == "" and query.tags == ()
    assert query.extra == {"endpoint": "http://localhost:8890/sparql", "method": "POST"}
    bare = catalogue.parse(write(tmp_path, "SELECT ?x WHERE { ?x ?p ?o }\n", "bare"))
    assert (bare.summary, bare.question, bare.extra, bare.columns, bare.page_size) == ("", "", {}, (), None)


def test_a_parameter_at_the_end_of_a_line_and_a_header_without_a_space():
    assert catalogue.header("#+summary: s\n") == {"summary": "s"}


def test_a_parameter_ending_a_line_is_found(tmp_path):
    query = catalogue.parse(write(tmp_path, "SELECT ?x WHERE {\n  ?x ?p ?__site_iri\n}\n", "eol"))
    assert [p.name for p in query.params] == ["site"]


@pytest.mark.parametrize(("header", "message"), [
    ("#+ colour: red\n#+ size: 3\n", "unknown header key\\(s\\) colour, size$"),
    ("#+ defaults:\n#+ - other: 1\n#+ - more: 2\n", "'defaults' names more, other, not a parameter of the query$"),
    ("#+ enumerate: {site: [a]}\n", "'enumerate' must be a list of one-key mappings"),
    ("#+ parameter_descriptions: {other: x}\n", "'parameter_descriptions' names other, not a parameter of the query$"),
])
def test_more_broken_headers(tmp_path, header, message):
    with pytest.raises(ValueError, match=f"^broken.rq: {message}"):
        catalogue.parse(write(tmp_path, header + "SELECT ?x WHERE { ?x ?p ?__site_iri } ORDER BY ?x\n", "broken"))
