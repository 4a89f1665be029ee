"""The spreadsheet template: one CSV row per patient -> case-record data -> the record loader's triples.

`COLUMNS` (generated from the record schema) is the one table of the template: `emkg template csv`
prints its header (and a commented example row) from it, `emkg template csv --doc` prints the column
reference from it, and `convert` reads rows with it. Each column names the record part and field it
fills, so a row becomes the same structure as a YAML case record (publication, products,
patients[].facts[]) and goes through `loaders.yaml_record.build_record`: there is no second RDF mapping.

Rows are grouped into one record per `publication_id`. Cells are text; the column's kind says how a
cell is read: `list` cells are split on ';', `int` / `bool` cells are converted when they can be and
otherwise passed on unchanged so that the record loader reports them. A fact (diagnosis, relapse,
toxicity ...) is made only when one of its cells is filled. Rows whose first cell starts with '#' and
empty rows are skipped. Problems point at the row's line and the column name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from loaders import csv_columns
from loaders.core import Problem
from loaders.ids import slug
from loaders.limits import MAX_LITERAL_CHARS, MAX_ROWS
from loaders.source_map import Conversion, RecordData, SourceMap, Unusable
from loaders.yaml_record import SCHEMA_ID


@dataclass(frozen=True)
class Column:
    name: str
    part: str  # publication, patient, product, or a fact slot (see FACT_SLOTS)
    field: str  # record field in that part; 'a.b' for a field of a nested mapping
    kind: str  # text, term, list, int, decimal, bool
    doc: str
    example: str = ""
    required: bool = False


# Fact slots: column part -> (fact type, fact id suffix, fields every such fact gets).
FACT_SLOTS: dict[str, tuple[str, str]] = {
    "demographics": ("demographics", "demographics"),
    "diagnosis": ("diagnosis", "diagnosis"),
    "relapse": ("relapse", "relapse"),
    "hsct": ("hsct", "hsct"),
    "therapy": ("therapy", "therapy"),
    "infusion": ("car-t-infusion", "infusion"),
    "toxicity1": ("toxicity", "toxicity-1"),
    "toxicity2": ("toxicity", "toxicity-2"),
    "response": ("response", "response"),
    "followup": ("follow-up", "follow-up"),
}


# The columns come from the one schema (schema/emkg_record.yaml, annotation csv_columns), generated into
# loaders/csv_columns.py; schema/generate.py checks that each fills a field the schema has.
COLUMNS: tuple[Column, ...] = tuple(Column(*row) for row in csv_columns.COLUMNS)
BY_NAME = {c.name: c for c in COLUMNS}
BY_PART: dict[str, tuple[Column, ...]] = {part: tuple(c for c in COLUMNS if c.part == part)
                                          for part in dict.fromkeys(c.part for c in COLUMNS)}
FOLLOW_UP_UNIT = "emkg:Month"  # followup_months is in months: the template fills in the unit


def template() -> str:
    """The header row and one commented, made-up example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in COLUMNS])
    example = [c.example for c in COLUMNS]
    example[0] = "# example (delete this row): " + example[0]
    writer.writerow(example)
    return out.getvalue()


def reference() -> str:
    """The column reference (Markdown), from the same table."""
    rows = ["# CSV template columns", "", "<!-- generated - do not edit: run `emkg template csv --doc` -->", "",
            "One row per patient; rows with the same `publication_id` form one record. `list` cells are "
            "separated by ';'. Rows whose first cell starts with '#' are skipped. Each filled group of columns "
            "(demographics, diagnosis, relapse, hsct, therapy, infusion, toxicity1/2, response, followup) becomes "
            "one fact of "
            "the case record format (`emkg record-format`) and needs its `_quote` column.", "",
            "| column | kind | required | becomes | meaning |", "|---|---|---|---|---|"]
    for c in COLUMNS:
        target = f"{c.part}.{c.field}" if c.part not in FACT_SLOTS else \
            f"fact `{FACT_SLOTS[c.part][0]}`.{c.field}"
        rows.append(f"| `{c.name}` | {c.kind} | {'yes' if c.required else ''} | {target} | {c.doc} |")
    return "\n".join(rows) + "\n"


def convert(text: str, file_name: str) -> Conversion:
    """CSV text -> one RecordData per publication; problems name the line and the column."""
    rows = _rows(text, file_name)
    header_line, header = rows[0]
    unknown = [h for h in header if h not in BY_NAME]
    conversion = Conversion()
    for name in unknown:
        conversion.warnings.append(Problem(file_name, name, header_line, "unknown column; it is not read "
                                           "(see `emkg template csv --doc`)", name))
    missing = [c.name for c in COLUMNS if c.required and c.name not in header]
    if missing:
        raise Unusable(f"{file_name}:{header_line}: the header lacks the column(s) {', '.join(missing)}; "
                       "start from `emkg template csv`")
    records: dict[str, _Record] = {}
    for line, cells in rows[1:]:
        if len(cells) > len(header):
            conversion.problems.append(Problem(file_name, "(row)", line, f"the row has {len(cells)} cells but the "
                                               f"header has {len(header)} columns"))
            continue
        row = {h: cells[i].strip() for i, h in enumerate(header) if h in BY_NAME and i < len(cells)}
        pub_id = row.get("publication_id", "")
        if not pub_id:
            conversion.problems.append(Problem(file_name, "publication_id", line, "every row names its publication"))
            continue
        record = records.setdefault(pub_id, _Record(file_name))
        record.add_row(row, line, conversion.problems)
    conversion.records = [RecordData(r.data, r.source) for r in records.values()]
    return conversion


def _rows(text: str, file_name: str) -> list[tuple[int, list[str]]]:
    """(start line, cells) of the header and every data row; comment and blank rows left out."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    last = 0
    previous_limit = csv.field_size_limit(MAX_LITERAL_CHARS)  # the csv module's own cell limit, made ours
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                continue
            if len(rows) > MAX_ROWS:  # the header plus MAX_ROWS data rows are already read
                raise Unusable(f"{file_name}:{start}: more than {MAX_ROWS:,} rows, over the limit; split the file")
            rows.append((start, cells))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise Unusable(f"{file_name}:{reader.line_num}: a cell over the limit of {MAX_LITERAL_CHARS:,} "
                           "characters") from None
        raise Unusable(f"{file_name}:{reader.line_num}: not readable as CSV: {exc}") from None
    finally:
        csv.field_size_limit(previous_limit)
    if not rows or "publication_id" not in [h.strip() for h in rows[0][1]]:
        raise Unusable(f"{file_name}: no header row naming publication_id; start from `emkg template csv`")
    header_line, header = rows[0]
    header = [h.strip() for h in header]
    twice = sorted({h for h in header if h and header.count(h) > 1})
    if twice:
        raise Unusable(f"{file_name}:{header_line}: the header names the column(s) {', '.join(twice)} more than "
                       "once; which one holds the value would be a guess")
    if len(rows) == 1:
        raise Unusable(f"{file_name}: no rows: the file has a header but no patient rows")
    rows[0] = (header_line, header)
    return rows


class _Record:
    """The record data built from the rows of one publication."""

    def __init__(self, file_name: str):
        self.file = file_name
        self.data: dict[str, Any] = {"schema": SCHEMA_ID, "publication": {}, "products": [], "patients": []}
        self.source = SourceMap()
        self.publication_line: dict[str, int] = {}
        self.products: dict[str, tuple[dict, int]] = {}

    def add_row(self, row: dict[str, str], line: int, problems: list[Problem]) -> None:
        self._publication(row, line, problems)
        index = len(self.data["patients"])
        base = ("patients", index)
        patient: dict[str, Any] = {"facts": []}
        self._fill(patient, row, "patient", base, line)
        product_id = self._product(row, line, problems)
        for part, (kind, suffix) in FACT_SLOTS.items():
            columns = BY_PART[part]
            if not any(row.get(c.name) for c in columns):
                continue
            fact_path = base + ("facts", len(patient["facts"]))
            fact: dict[str, Any] = {"id": f"{row.get('patient_id') or 'patient'}-{suffix}", "type": kind}
            self.source.put(fact_path, columns[0].name, line)
            self._fill(fact, row, part, fact_path, line)
            if part == "followup" and row.get("followup_months"):
                fact["duration"]["unit"] = FOLLOW_UP_UNIT
            self._anchor(fact, row, fact_path, line)
            if isinstance(fact.get("site_details"), dict):  # laterality of the relapse's one site
                sites = fact.get("sites") or []
                fact["site_details"]["site"] = sites[0] if len(sites) == 1 else None
                self.source.put(fact_path + ("site_details", "site"), "relapse_sites", line)
            if kind == "car-t-infusion":
                fact["product"] = product_id
                self.source.put(fact_path + ("product",), "product_name", line)
            if kind == "response" and any(f.get("type") == "car-t-infusion" for f in patient["facts"]):
                fact["assesses"] = f"{row.get('patient_id')}-infusion"
            if isinstance(fact.get("after"), list):  # column groups -> the ids of this row's facts
                fact["after"] = [f"{row.get('patient_id')}-{FACT_SLOTS[a][1]}" if a in FACT_SLOTS else a
                                 for a in fact["after"]]
            patient["facts"].append(fact)
        if row.get("curation_note"):
            notes = self.data.setdefault("curation_notes", [])
            self.source.put(("curation_notes", len(notes)), "curation_note", line)
            notes.append(row["curation_note"])
        self.source.put(base, "patient_id", line)
        self.data["patients"].append(patient)

    def _anchor(self, fact: dict, row: dict[str, str], fact_path: tuple, line: int) -> None:
        """timing.from names a column group (-> the id of this row's fact) or an anchor event term."""
        timing = fact.get("timing")
        anchor = timing.get("from") if isinstance(timing, dict) else None
        if not isinstance(anchor, str):
            return
        if anchor in FACT_SLOTS:
            timing["from"] = f"{row.get('patient_id') or 'patient'}-{FACT_SLOTS[anchor][1]}"
        elif ":" in anchor:
            timing["from_event"] = timing.pop("from")
            self.source.put(fact_path + ("timing", "from_event"), "relapse_timing_from", line)

    def _fill(self, target: dict, row: dict[str, str], part: str, path: tuple, line: int) -> None:
        for column in BY_PART[part]:
            self.source.put(path + tuple(column.field.split(".")), column.name, line)
            cell = row.get(column.name, "")
            if cell:
                _set(target, column.field, _read(cell, column.kind))

    def _publication(self, row: dict[str, str], line: int, problems: list[Problem]) -> None:
        pub = self.data["publication"]
        for column in BY_PART["publication"]:
            cell = row.get(column.name, "")
            if not cell:
                continue
            value = _read(cell, column.kind)
            if column.field not in pub:
                pub[column.field] = value
                self.source.put(("publication", column.field), column.name, line)
            elif pub[column.field] != value:
                first = self.source.lines.get(("publication", column.field))
                problems.append(Problem(self.file, column.name, line, f"publication {row['publication_id']!r} is "
                                        f"described differently on line {first}", cell))
        self.source.put(("publication",), "publication_id", self.source.lines.get(("publication",)) or line)

    def _product(self, row: dict[str, str], line: int, problems: list[Problem]) -> str:
        """Rows naming the same product share one products entry; returns its id."""
        name = row.get("product_name", "")
        product_id = slug(name) or f"{row.get('patient_id') or 'patient'}-product"
        product: dict[str, Any] = {"id": product_id}
        columns = BY_PART["product"]
        for column in columns:
            if row.get(column.name):
                _set(product, column.field, _read(row[column.name], column.kind))
        if product_id in self.products:
            known, first = self.products[product_id]
            if known != product:
                problems.append(Problem(self.file, "product_name", line, f"product {name!r} is described "
                                        f"differently on line {first}", name))
            return product_id
        if not any(row.get(c.name) for c in columns):
            return product_id  # no product described: the infusion's reference is reported by the loader
        path = ("products", len(self.data["products"]))
        self.source.put(path, "product_name", line)
        for column in columns:
            self.source.put(path + (column.field,), column.name, line)
        self.products[product_id] = (product, line)
        self.data["products"].append(product)
        return product_id


def _set(target: dict, dotted: str, value: Any) -> None:
    *parents, last = dotted.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value


def _read(cell: str, kind: str) -> Any:
    """A cell as the record loader expects it; a cell that does not fit is passed on for the loader to report."""
    if kind == "list":
        return [part.strip() for part in cell.split(";") if part.strip()]
    if kind == "int":
        try:
            return int(cell)
        except ValueError:
            return cell
    if kind == "bool":
        return {"true": True, "yes": True, "false": False, "no": False}.get(cell.lower(), cell)
    return cell

