"""Print query results as a table, CSV, TSV, Markdown or SPARQL 1.1 results JSON: readable and safe.

The one place that turns result terms into text for people and spreadsheets (query, qc, stats and the
catalogue docs all print through it):
- IRIs are shown as CURIEs of the project's prefix map; the table never cuts a value ("..." in the
  middle of an id made 11 patients look like 4): long cells wrap onto continuation lines instead.
- Given the labels of the IRIs shown (`label_query`, run on the store or the endpoint), every column
  holding IRIs gets a `<column>_label` column beside it, unless the row already shows those labels.
- Control characters (ESC and the rest of C0/C1, DEL) and the bidirectional overrides are never
  printed raw: they are written as \\xNN / \\uNNNN escapes, so a label cannot drive the terminal or make
  two different identifiers look the same. In CSV/TSV a newline or tab inside a value stays (quoted).
- CSV/TSV cells starting with '=', '+', '-', '@', tab or CR are prefixed with "'" so that a spreadsheet
  shows them as text instead of running them as formulas (plain numbers such as -1.5 are left alone).
- JSON stays SPARQL 1.1 results JSON with the same keys and values; only characters a terminal would
  act on are written as JSON \\u escapes (the same string once parsed).
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap

import pyoxigraph as ox

from emkg.namespaces import compact

FORMATS = ("table", "csv", "tsv", "json", "markdown")
TABLE_WIDTH = 60  # characters per table cell line; longer values wrap, never cut
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_KEEPING_LINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def escape_controls(text: str, keep_lines: bool = False, unicode_escapes: bool = False) -> str:
    """Control characters and bidi overrides as visible escapes; with `keep_lines`, newline and tab stay.

    `unicode_escapes` writes every one as \\uXXXX, which is also a valid escape inside JSON and Turtle
    strings (the only place such characters can be in those formats), so their meaning is kept.
    """
    pattern = _UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE
    return pattern.sub(_escape_unicode if unicode_escapes else _escape_one, text)


def _escape_one(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def _escape_unicode(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def spreadsheet_safe(text: str) -> str:
    """A CSV/TSV cell a spreadsheet will not evaluate: formula starts neutralised, controls escaped."""
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        text = "'" + text
    return escape_controls(text, keep_lines=True)


def display(term) -> str:
    """A term as a researcher reads it: IRIs as CURIEs, literals as their text, unbound as empty."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def display_rows(rows) -> list[list[str]]:
    return [[display(term) for term in row] for row in rows]


def label_query(iris) -> str:
    """A SELECT giving one label per IRI (the smallest, so the store and any endpoint agree)."""
    values = " ".join(str(ox.NamedNode(iri)) for iri in sorted(iris))
    return (f"SELECT ?iri (MIN(STR(?label)) AS ?text) WHERE {{ VALUES ?iri {{ {values} }} "
            f"?iri <{_RDFS_LABEL}> ?label }} GROUP BY ?iri")


def shown_iris(rows) -> set[str]:
    return {term.value for row in rows for term in row if isinstance(term, ox.NamedNode)}


def with_labels(columns: list[str], rows, labels: dict[str, str]) -> tuple[list[str], list[list[str]]]:
    """Display rows with a `<column>_label` column after every IRI column whose labels the row lacks."""
    shown = display_rows(rows)
    add = []
    for index, column in enumerate(columns):
        iris = [(r, row[index].value) for r, row in enumerate(rows) if isinstance(row[index], ox.NamedNode)]
        if not iris or f"{column}_label" in columns:
            continue
        # patients-by-relapse-site already prints site_label beside site_found: no second copy
        if all(labels.get(iri) and labels[iri] in shown[r] for r, iri in iris):
            continue
        add.append(index)
    out_columns, out_rows = [], [[] for _ in rows]
    for index, column in enumerate(columns):
        out_columns.append(column)
        for r in range(len(rows)):
            out_rows[r].append(shown[r][index])
        if index in add:
            out_columns.append(f"{column}_label")
            for r, row in enumerate(rows):
                term = row[index]
                out_rows[r].append(labels.get(term.value, "") if isinstance(term, ox.NamedNode) else "")
    return out_columns, out_rows


def render(columns: list[str], rows, fmt: str, labels: dict[str, str] | None = None) -> str:
    """Rows of terms in `fmt`; with `labels` (IRI -> label), label columns are added (not to JSON)."""
    if fmt == "json":
        text = json.dumps(_sparql_json(columns, rows), indent=2, ensure_ascii=False)
        return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
    if labels is not None:
        columns, shown = with_labels(columns, rows, labels)
    else:
        shown = display_rows(rows)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow([spreadsheet_safe(c) for c in columns])
        writer.writerows([spreadsheet_safe(c) for c in row] for row in shown)
        return buffer.getvalue()
    if fmt == "markdown":
        return "\n".join(markdown_table(columns, shown)) + "\n"
    return _table(columns, shown)


def markdown_cell(text: str, max_width: int | None = None) -> str:
    """A table cell: pipes escaped, on one line, controls escaped; with `max_width`, white space collapsed
    and clipped (only the catalogue docs' example prose uses that, never `emkg query`)."""
    if max_width is None:
        return escape_controls(text.replace("|", "\\|").replace("\n", " "))
    text = escape_controls(" ".join(text.split()).replace("|", "\\|"))
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def markdown_table(columns: list[str], rows: list[list[str]], max_width: int | None = None) -> list[str]:
    """The lines of a Markdown table of display strings (see `display_rows`)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    return lines + ["| " + " | ".join(markdown_cell(c, max_width) for c in row) + " |" for row in rows]


def _wrap(text: str, width: int) -> list[str]:
    """A cell's lines: white space collapsed, controls escaped, wrapped at `width` (long ids broken, kept whole)."""
    text = escape_controls(" ".join(text.split()))
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def _table(columns: list[str], rows: list[list[str]], max_width: int = TABLE_WIDTH) -> str:
    header = [escape_controls(c) for c in columns]
    cells = [[_wrap(c, max_width) for c in row] for row in rows]
    widths = [max([len(header[i])] + [len(line) for row in cells for line in row[i]]) for i in range(len(columns))]

    def lines_of(row: list[list[str]]) -> list[str]:
        height = max((len(cell) for cell in row), default=1)
        padded = [cell + [""] * (height - len(cell)) for cell in row]
        return ["  ".join(padded[i][k].ljust(widths[i]) for i in range(len(row))).rstrip() for k in range(height)]

    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(),
           "  ".join("-" * w for w in widths)]
    for row in cells:
        out.extend(lines_of(row))
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _sparql_json(columns: list[str], rows) -> dict:
    def term_json(term):
        if isinstance(term, ox.NamedNode):
            return {"type": "uri", "value": term.value}
        if isinstance(term, ox.BlankNode):
            return {"type": "bnode", "value": term.value}
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out

    bindings = [{c: term_json(t) for c, t in zip(columns, row, strict=True) if t is not None} for row in rows]
    return {"head": {"vars": columns}, "results": {"bindings": bindings}}
