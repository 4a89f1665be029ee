"""Print query results as a table, CSV, TSV, Markdown or SPARQL 1.1 results JSON."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from emkg.namespaces import compact

FORMATS = ("table", "csv", "tsv", "json", "markdown")


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


def render(columns: list[str], rows, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_sparql_json(columns, rows), indent=2, ensure_ascii=False) + "\n"
    shown = display_rows(rows)
    if fmt in ("csv", "tsv"):
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(shown)
        return buffer.getvalue()
    if fmt == "markdown":
        return "\n".join(markdown_table(columns, shown)) + "\n"
    return _table(columns, shown)


def markdown_cell(text: str, max_width: int | None = None) -> str:
    """A table cell: pipes escaped, on one line; with `max_width`, white space collapsed and clipped."""
    if max_width is None:
        return text.replace("|", "\\|").replace("\n", " ")
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= max_width else text[: max_width - 1] + "…"


def markdown_table(columns: list[str], rows: list[list[str]], max_width: int | None = None) -> list[str]:
    """The lines of a Markdown table of display strings (see `display_rows`)."""
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    return lines + ["| " + " | ".join(markdown_cell(c, max_width) for c in row) + " |" for row in rows]


def _table(columns: list[str], rows: list[list[str]], max_width: int = 60) -> str:
    clip = lambda s: " ".join(s.split())[: max_width - 1] + "…" if len(s) > max_width else " ".join(s.split())  # noqa: E731
    cells = [columns] + [[clip(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
    fmt_row = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()  # noqa: E731
    out = [fmt_row(columns), "  ".join("-" * w for w in widths)] + [fmt_row(r) for r in cells[1:]]
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
