"""emkg.output: exact text of every format, escapes and spreadsheet safety, with near misses on both sides
(a control character escaped, a plain one kept; a formula neutralised, a negative number left alone)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from emkg import output

XSD = "http://www.w3.org/2001/XMLSchema#"
TESTIS = ox.NamedNode("http://purl.obolibrary.org/obo/UBERON_0000473")
P1 = ox.NamedNode("https://w3id.org/emkg/case/x/P1")


@pytest.mark.parametrize(("text", "expected"), [
    ("plain text", "plain text"),
    ("a\x1b[31mred", "a\\x1b[31mred"),  # ESC
    ("tab\there", "tab\\x09here"),
    ("new\nline", "new\\x0aline"),
    ("del\x7f", "del\\x7f"),
    ("c1\x9b", "c1\\x9b"),
    ("bidi\u202eevil", "bidi\\u202eevil"),
    ("isolate\u2066x\u2069", "isolate\\u2066x\\u2069"),
    ("mark\u200e\u200f", "mark\\u200e\\u200f"),
    ("µ and é and ζ", "µ and é and ζ"),  # printable non-ASCII stays
    ("\x00", "\\x00"),
    ("\x1f", "\\x1f"),
    ("\xa0", "\xa0"),  # no-break space is printable
])
def test_escape_controls(text, expected):
    assert output.escape_controls(text) == expected


def test_escape_controls_keeping_lines_and_as_unicode():
    assert output.escape_controls("a\nb\tc\rd\x1b", keep_lines=True) == "a\nb\tc\\x0dd\\x1b"
    assert output.escape_controls("a\x1b\u202e", unicode_escapes=True) == "a\\u001b\\u202e"
    assert output.escape_controls("a\nb", keep_lines=True, unicode_escapes=True) == "a\nb"


@pytest.mark.parametrize(("cell", "expected"), [
    ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"),
    ("\rx", "'\\x0dx"),
    ("-1.5", "-1.5"),  # a number stays a number
    ("+3", "+3"),
    ("-.5e3", "-.5e3"),
    ("1e-3", "1e-3"),
    ("a=b", "a=b"),  # a formula sign inside a value is harmless
    ("CD19", "CD19"),
    ("", ""),
])
def test_spreadsheet_safe(cell, expected):
    assert output.spreadsheet_safe(cell) == expected


def test_display_of_each_kind_of_term():
    assert output.display(None) == ""
    assert output.display(TESTIS) == "UBERON:0000473"
    assert output.display(ox.NamedNode("http://example.org/x")) == "http://example.org/x"
    assert output.display(ox.BlankNode("b1")) == "_:b1"
    assert output.display(ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))) == "3"
    assert output.display(ox.Literal("testis", language="en")) == "testis"
    assert output.display_rows([[TESTIS, None]]) == [["UBERON:0000473", ""]]


def test_label_query_and_shown_iris():
    assert output.shown_iris([[TESTIS, ox.Literal("x"), None], [P1, TESTIS]]) == {TESTIS.value, P1.value}
    query = output.label_query({P1.value, TESTIS.value})
    assert query == ("SELECT ?iri (MIN(STR(?label)) AS ?text) WHERE { VALUES ?iri { "
                     f"<{TESTIS.value}> <{P1.value}> }} ?iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }} "
                     "GROUP BY ?iri")


def test_with_labels_adds_a_label_column_beside_each_iri_column():
    rows = [[TESTIS, ox.Literal("2")], [P1, None]]
    labels = {TESTIS.value: "testis"}
    columns, shown = output.with_labels(["site", "n"], rows, labels)
    assert columns == ["site", "site_label", "n"]
    assert shown == [["UBERON:0000473", "testis", "2"], ["emkg:case/x/P1", "", ""]]


def test_with_labels_leaves_unbound_and_literal_cells_of_an_iri_column_without_a_label():
    rows = [[TESTIS], [None], [ox.Literal(TESTIS.value)]]
    columns, shown = output.with_labels(["site"], rows, {TESTIS.value: "testis"})
    assert columns == ["site", "site_label"]
    assert shown == [["UBERON:0000473", "testis"], ["", ""], [TESTIS.value, ""]]


def test_with_labels_goes_on_after_a_column_that_has_its_labels():
    rows = [[TESTIS, ox.Literal("testis"), P1]]
    columns, shown = output.with_labels(["site", "site_label", "patient"], rows, {P1.value: "patient 1"})
    assert columns == ["site", "site_label", "patient", "patient_label"]
    assert shown == [["UBERON:0000473", "testis", "emkg:case/x/P1", "patient 1"]]


def test_with_labels_adds_nothing_where_the_row_shows_the_label_or_has_a_label_column():
    rows = [[TESTIS, ox.Literal("testis")]]
    assert output.with_labels(["site", "name"], rows, {TESTIS.value: "testis"})[0] == ["site", "name"]
    assert output.with_labels(["site", "site_label"], rows, {TESTIS.value: "x"})[0] == ["site", "site_label"]
    # a label that is not shown in the row is added
    assert output.with_labels(["site", "name"], rows, {TESTIS.value: "testicle"})[0] == ["site", "site_label",
                                                                                        "name"]
    # a column with no IRI gets no label column
    assert output.with_labels(["n"], [[ox.Literal("1")]], {})[0] == ["n"]


def test_render_csv_tsv_markdown_table_exactly():
    rows = [[TESTIS, ox.Literal("=1+1")], [P1, ox.Literal("a|b\nc")]]
    labels = {TESTIS.value: "testis", P1.value: "patient 1"}
    assert output.render(["site", "note"], rows, "csv", labels) == (
        "site,site_label,note\nUBERON:0000473,testis,'=1+1\nemkg:case/x/P1,patient 1,\"a|b\nc\"\n")
    assert output.render(["site", "note"], rows, "tsv") == (
        "site\tnote\nUBERON:0000473\t'=1+1\nemkg:case/x/P1\t\"a|b\nc\"\n")
    assert output.render(["site", "note"], rows, "markdown") == (
        "| site | note |\n|---|---|\n| UBERON:0000473 | =1+1 |\n| emkg:case/x/P1 | a\\|b c |\n")
    assert output.render(["site", "note"], rows[:1], "table") == (
        "site            note\n--------------  ----\nUBERON:0000473  =1+1\n(1 row)\n")
    assert output.render(["n"], [], "table").endswith("(0 rows)\n")


def test_table_wraps_long_values_instead_of_cutting_them():
    long = "emkg:case/" + "x" * 130
    text = output.render(["id"], [[ox.Literal(long)]], "table")
    body = text.splitlines()[2:-1]
    assert all(len(line) <= output.TABLE_WIDTH for line in body) and "".join(body) == long
    assert text.splitlines()[-1] == "(1 row)"


def test_markdown_cell_clips_only_when_asked():
    assert output.markdown_cell("a  b\nc") == "a  b c"
    assert output.markdown_cell("a  b\nc", max_width=10) == "a b c"
    assert output.markdown_cell("abcdefghijkl", max_width=5) == "abcd…"
    assert output.markdown_cell("abcde", max_width=5) == "abcde"


def test_json_is_sparql_results_json_with_types_and_terminal_escapes():
    rows = [[TESTIS, ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")), ox.Literal("t\u202e", language="en"),
             None, ox.Literal("plain"), ox.BlankNode("b")]]
    text = output.render(["a", "b", "c", "d", "e", "f"], rows, "json", labels={TESTIS.value: "testis"})
    assert "\\u202e" in text and "\u202e" not in text
    assert json.loads(text) == {"head": {"vars": ["a", "b", "c", "d", "e", "f"]}, "results": {"bindings": [{
        "a": {"type": "uri", "value": TESTIS.value},
        "b": {"type": "literal", "value": "3", "datatype": XSD + "integer"},
        "c": {"type": "literal", "value": "t\u202e", "xml:lang": "en"},
        "e": {"type": "literal", "value": "plain"},
        "f": {"type": "bnode", "value": "b"}}]}}


def test_table_pads_the_other_columns_of_a_wrapped_row_and_breaks_at_hyphens():
    cell = "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddddddd-eeeeeeeeee-ffffffffff-gggg"
    assert output.render(["id", "n"], [[ox.Literal(cell), ox.Literal("1")]], "table") == (
        "id                                                       n\n"
        "-------------------------------------------------------  -\n"
        "aaaaaaaaaa-bbbbbbbbbb-cccccccccc-dddddddddd-eeeeeeeeee-  1\n"
        "ffffffffff-gggg\n"
        "(1 row)\n")


def test_table_keeps_words_and_trims_only_trailing_space():
    rows = [[ox.Literal("1"), ox.Literal("two  words\nhere and a long tail")]]
    assert output.render(["n", "note"], rows, "table") == (
        "n  note\n-  ------------------------------\n1  two words here and a long tail\n(1 row)\n")
    assert output.render([], [[]], "table") == "\n\n\n(1 row)\n"


def test_json_text_is_indented_and_keeps_non_ascii():
    text = output.render(["x"], [[ox.Literal("5 µL")]], "json")
    assert text == ('{\n  "head": {\n    "vars": [\n      "x"\n    ]\n  },\n  "results": {\n    "bindings": [\n'
                    '      {\n        "x": {\n          "type": "literal",\n          "value": "5 µL"\n        }\n'
                    '      }\n    ]\n  }\n}\n')


def test_markdown_clipping_escapes_pipes_and_applies_to_every_cell():
    assert output.markdown_cell("a|b", max_width=10) == "a\\|b"
    assert output.markdown_table(["c"], [["abcdef"], ["a|b"]], max_width=4) == [
        "| c |", "|---|", "| abc… |", "| a\\|b |"]


def test_with_labels_goes_on_after_a_column_whose_labels_the_row_shows():
    rows = [[TESTIS, ox.Literal("testis"), P1]]
    columns, shown = output.with_labels(["site", "name", "patient"], rows,
                                        {TESTIS.value: "testis", P1.value: "patient 1"})
    assert columns == ["site", "name", "patient", "patient_label"]
    assert shown == [["UBERON:0000473", "testis", "emkg:case/x/P1", "patient 1"]]
