"""Markdown documentation of the query catalogue (queries/README.md), with example output.

Kept apart from catalogue.py so the catalogue parser stays small. The examples are the first rows of
each query on the built graph, so the file changes when the evidence does; a test checks it is current.
"""

from __future__ import annotations

from emkg import catalogue, output, store
from emkg.namespaces import compact

EXAMPLE_ROWS = 5
HEADER = "<!-- generated - do not edit: run `emkg queries --markdown` after `emkg build` -->"


def _example(db, stored: catalogue.StoredQuery) -> list[str]:
    columns, rows = store.select(db, stored.text, stored.bindings({}))
    shown = output.display_rows(rows[:EXAMPLE_ROWS])
    lines = output.markdown_table(columns, shown, max_width=80)
    more = len(rows) - len(shown)
    lines.append("")
    lines.append(f"{len(rows)} row(s) on the seed graph" + (f"; first {len(shown)} shown." if more > 0 else "."))
    return lines


def _shown(param: catalogue.Param, value: str) -> str:
    """A parameter value as a user types it: IRIs as CURIEs where a prefix is known."""
    return compact(value) if param.type == "iri" else value


def _command(stored: catalogue.StoredQuery) -> str:
    params = "".join(f" --param {p.name}={_shown(p, p.default)}" for p in stored.params if p.default is not None)
    return f"emkg query {stored.name}{params}"


def render(db) -> str:
    """The whole queries/README.md text for the current catalogue and built store."""
    out = [HEADER, "", "# Stored queries", "",
           "Each query answers one research question on the graph. Run one with `emkg query NAME` "
           "(`--param NAME=VALUE`, `--format table|csv|tsv|json|markdown`, `--limit N --offset M`); the headers "
           "are grlc decorators (YAML), so grlc can serve the folder as an API too. QC rules live in `qc/`.", ""]
    queries = catalogue.catalogue()
    out += [f"- [`{name}`](#{name}): {q.summary}" for name, q in queries.items()]
    for name, stored in queries.items():
        paging = (f"list query: {stored.page_size} rows per page (`--limit N --offset M` for others, `--limit 0` "
                  "for all)" if stored.page_size else "aggregate query: all rows")
        out += ["", f"## {name}", "", f"**Question:** {stored.question}", "",
                f"**Tags:** {', '.join(stored.tags)}", "", f"**Answer:** {paging}", ""]
        if stored.params:
            out += ["| parameter | type | default | allowed | description |", "|---|---|---|---|---|"]
            for p in stored.params:
                allowed = ", ".join(f"`{_shown(p, a)}`" for a in p.allowed) or "any"
                default = f"`{_shown(p, p.default)}`" if p.default is not None else "(none)"
                out.append(f"| `{p.name}` | {p.type} | {default} | {allowed} | {output.markdown_cell(p.doc, 200)} |")
            out.append("")
        else:
            out += ["No parameters.", ""]
        out += [f"**Columns:** {', '.join(stored.columns)}", "", "```bash", _command(stored), "```", "",
                "Example output:", ""]
        out += _example(db, stored)
    return "\n".join(out) + "\n"
