"""What every non-YAML input format hands to the record loader: record data plus a map back to the file.

The CSV template and Phenopacket loaders convert a submission into the case-record structure (the one
`loaders.yaml_record.build_record` turns into triples), so there is a single RDF mapping. Problems found
later (by the record loader or the SHACL shapes) name a record path such as `patients[0].facts[2].dose`;
`SourceMap` translates it back into the submitter's own words: the CSV column or the JSON path, and the
line in their file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from loaders.core import Problem
from loaders.yaml_lines import Path, format_path, nearest, parse_path


@dataclass
class SourceMap:
    """Record path -> (line, field name) in the submitted file; the nearest mapped ancestor answers."""

    lines: dict[Path, int] = field(default_factory=dict)
    fields: dict[Path, str] = field(default_factory=dict)
    _by_text: dict[str, str] | None = field(default=None, repr=False)
    _lines_by_text: dict[str, int] | None = field(default=None, repr=False)

    def put(self, path: Path, source_field: str, line: int | None) -> None:
        self.fields[path] = source_field
        if line:
            self.lines[path] = line
        self._by_text = self._lines_by_text = None

    def _field_index(self) -> dict[str, str]:
        if self._by_text is None:
            self._by_text = {format_path(p): name for p, name in self.fields.items()}
        return self._by_text

    def _line_index(self) -> dict[str, int]:
        if self._lines_by_text is None:
            self._lines_by_text = {format_path(p): line for p, line in self.lines.items()}
        return self._lines_by_text

    def locate(self, record_path: str) -> tuple[str, int | None] | None:
        """(field, line) when the submitted file has exactly this record path; None otherwise."""
        if self.fields:
            name = self._field_index().get(record_path)
            return None if name is None else (name, self._line_index().get(record_path))
        line = self._line_index().get(record_path)
        return None if line is None else (record_path, line)

    def source_field(self, record_path: str | None) -> str | None:
        """The submitter's name for a record path: the CSV column or JSON path it came from."""
        if record_path is None or not self.fields:
            return record_path
        return nearest(self.fields, parse_path(record_path), whole_file=False) or record_path


@dataclass
class RecordData:
    """One case record's data (the curation format, as plain Python) and where each part came from."""

    data: dict[str, Any]
    source: SourceMap


@dataclass
class Conversion:
    """A submission converted to record data. `problems` make it invalid; `warnings` name parts of the file
    that were not mapped (never silently dropped)."""

    records: list[RecordData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


class Unusable(ValueError):
    """The file cannot be read in the format its name says (exit 2): the message says why and where."""
