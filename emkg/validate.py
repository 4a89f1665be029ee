"""Validate submitted case files: read -> record data -> triples -> the SHACL shapes -> a report.

Formats, chosen by file name: case record YAML (`.yaml`, `.yml`), the CSV template (`.csv`), GA4GH
Phenopacket v2 JSON (`.json`), and RDF (`.ttl`, `.nt`, `.jsonld`). CSV and Phenopackets are converted
to case-record data and go through the record loader like YAML; RDF is validated as it is.

One check pipeline: what `emkg submit` and `emkg build` check, this checks, in this order: the record
structure (and `record_checks.safety`: ids, text sizes, Unicode, numbers), `emkg:` terms declared in the
ontology, the SHACL shapes, the QC rules that apply to one record (queries/qc/), the source text and
its quotes, and duplicates against the existing records and within the submission. So a file valid
here is accepted by `emkg submit` and then by `emkg build`.

Outcome codes follow the CLI: VALID (0), INVALID (1: problems name case, field and line in the
submitted file), UNUSABLE (2: missing, unreadable, binary, empty, too large, or not the format its name
says). The input is only read, never written, and nothing here opens a network connection.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, URIRef

from emkg.graph import ontology_graph, shapes_graph
from emkg.namespaces import EMKG, compact, expand
from loaders.core import Problem, RecordInvalid
from loaders.limits import MAX_INPUT_BYTES, LimitExceeded, read_file
from loaders.source_map import Conversion, RecordData, SourceMap, Unusable
from loaders.yaml_record import LoadedRecord, build_record

VALID, INVALID, UNUSABLE = 0, 1, 2
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv", ".json": "phenopacket", ".ttl": "turtle",
           ".nt": "n-triples", ".jsonld": "json-ld"}
RECORD_FORMATS = ("yaml", "csv", "phenopacket")
MAX_BYTES = MAX_INPUT_BYTES  # far above 1,000 cases; stops a runaway file before it is parsed
_CASE_IRI = re.compile(re.escape(EMKG) + r"case/([^/]+)/([^/]+)")
_PUBLICATION_IRI = re.compile(re.escape(EMKG) + r"publication/([^/]+)")
_RECORD_PATIENT = re.compile(r"^patients\[(\d+)\]")


@dataclass
class Context:
    """What a record is checked against besides itself: the curated records (duplicates), the
    source-text folders, texts given with the submission (`--source-text`: name -> text) and the
    records being replaced (`--replace`: file names), whose content is not a duplicate."""

    evidence_dir: Path | None = None
    source_dirs: list[Path] | None = None
    source_texts: dict[str, str] = field(default_factory=dict)
    replacing: set[str] = field(default_factory=set)

    def folders(self) -> list[Path]:
        from emkg import paths

        return self.source_dirs if self.source_dirs is not None else paths.source_text_dirs()

    def evidence(self) -> Path:
        from emkg import paths

        return self.evidence_dir or paths.EVIDENCE_DIR


@dataclass
class Outcome:
    file: str
    code: int
    problems: list[str] = field(default_factory=list)  # one line each, for people
    details: list[dict] = field(default_factory=list)  # the same problems with stable keys, for machines
    format: str | None = None
    report: Graph | None = None  # pySHACL's report graph, when the shapes ran
    records: list[RecordData] = field(default_factory=list)  # the record data (for `emkg submit`)
    quotes_checked: list[bool] = field(default_factory=list)  # per record: quotes checked against a text


@functools.cache
def _reference_graphs() -> tuple[Graph, Graph]:
    """Shapes and ontology, parsed once per process: `emkg validate` may be given many files.
    emkg.shacl.validate leaves both unchanged (it copies what pySHACL would modify)."""
    return shapes_graph(), ontology_graph()


def file_format(path: Path) -> str | None:
    return FORMATS.get(path.suffix.lower())


def read_text(path: Path) -> str:
    """The file as text, or Unusable naming why not (missing, too large, binary, not UTF-8, empty)."""
    try:  # a directory or a pipe is named as such; size is checked before reading (loaders.limits)
        raw = read_file(path, MAX_BYTES)
    except LimitExceeded as exc:
        raise Unusable(str(exc)) from None
    if b"\0" in raw:
        raise Unusable(f"{path.name}: binary data, not a text file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Unusable(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise Unusable(f"{path.name}: the file is empty")
    return text


def convert(text: str, name: str, fmt: str) -> Conversion:
    """Record formats -> record data (raises Unusable when the file is not that format at all)."""
    if fmt == "yaml":
        from loaders.yaml_lines import YamlError, load

        try:
            data, lines = load(text)
        except YamlError as exc:
            raise Unusable(f"{name}:{exc.line or '?'}: {exc}") from None
        if not isinstance(data, dict):
            raise Unusable(f"{name}: not a case record (a YAML mapping starting 'schema: emkg-record/2')")
        return Conversion([RecordData(data, SourceMap(lines=lines))])
    if fmt == "csv":
        from loaders.csv_template import convert as from_csv

        return from_csv(text, name)
    from loaders.phenopacket import convert as from_phenopacket

    return from_phenopacket(text, name)


def validate_file(path: Path, context: Context | None = None) -> Outcome:
    name, fmt = path.name, file_format(path)
    if fmt is None:
        return Outcome(name, UNUSABLE, [f"{name}: unsupported file type {path.suffix!r}; expected one of "
                                        f"{', '.join(FORMATS)}"])
    try:
        text = read_text(path)
        if fmt in RECORD_FORMATS:
            context = context or Context()
            if path.resolve().parent == context.evidence().resolve():  # a curated record is not its own duplicate
                context = dataclasses.replace(context, replacing=context.replacing | {path.name})
            return _validate_records(convert(text, name, fmt), name, fmt, context)
        from loaders.rdf_input import read_rdf

        graph, located = read_rdf(text, name, fmt)
    except Unusable as exc:
        return Outcome(name, UNUSABLE, [str(exc)], format=fmt)
    locations = {node: (name, where, line) for node, (where, line) in located.items()}
    outcome = Outcome(name, VALID, format=fmt)
    _run_shapes(outcome, graph, locations)
    return outcome


def _validate_records(conversion: Conversion, name: str, fmt: str, context: Context) -> Outcome:
    outcome = Outcome(name, VALID, format=fmt, records=conversion.records)
    # A Phenopacket is one patient: its conversion problems belong to that case; a CSV's to the file.
    single = conversion.records[0] if len(conversion.records) == 1 and fmt == "phenopacket" else None
    whole = _record_case(single, "patients[0]") if single else "(file)"
    for warning in conversion.warnings:
        _add(outcome, _problem_detail(warning, "Warning", whole))
    for problem in conversion.problems:
        _add(outcome, _problem_detail(problem, "Violation", whole))
    from emkg import progress, record_checks

    data_graph, locations, record_paths, unknown_terms = Graph(), {}, {}, set()
    for record in progress.track(conversion.records, f"reading {name}"):
        unsafe = record_checks.safety(record.data)
        for finding in unsafe:
            _add_finding(outcome, record, finding, name)
        if unsafe:  # the loader is not given what could break it
            continue
        try:
            loaded: LoadedRecord = build_record(record.data, record.source.lines, name)
        except RecordInvalid as exc:
            for problem in exc.problems:
                translated = Problem(problem.file, record.source.source_field(problem.path), problem.line,
                                     problem.message, problem.value)
                _add(outcome, _problem_detail(translated, "Violation", _record_case(record, problem.path)))
            continue
        data_graph += loaded.graph
        for node, (record_path, line) in loaded.locations.items():
            locations[node] = (name, record.source.source_field(record_path), line)
            record_paths[node] = (record_path, record.source)
        from emkg.ontology_qc import declared_terms

        for finding in record_checks.undeclared_terms(loaded.graph, declared_terms(_reference_graphs()[1]),
                                                      loaded.locations, _fields_by_predicate()):
            _add_finding(outcome, record, finding, name)
            unknown_terms.add(str(finding.value))
        for finding in record_checks.target_warnings(record.data, _antigen_names()):
            _add_finding(outcome, record, finding, name)
    if len(data_graph):
        _run_shapes(outcome, data_graph, locations, record_paths)
        # A made-up term is reported once, as not a term, not again by the shape of its field.
        outcome.details[:] = [d for d in outcome.details
                              if d["constraint"] == "terms" or d["value"] not in unknown_terms]
        outcome.problems[:] = [p for p in outcome.problems if not any(f"(value: {t!r})" in p and "not a term" not in p
                                                                       for t in unknown_terms)]
        _run_qc_rules(outcome, data_graph, locations, record_paths)
    _check_against_sources_and_records(outcome, conversion.records, name, context)
    if any(d["severity"] == "Violation" for d in outcome.details):
        outcome.code = INVALID
    return outcome


def _check_against_sources_and_records(outcome: Outcome, records: list[RecordData], name: str,
                                       context: Context) -> None:
    from emkg import record_checks

    for record in records:
        findings, checked = record_checks.quote_findings(record.data, context.folders(), context.source_texts)
        outcome.quotes_checked.append(checked)
        for finding in findings:
            _add_finding(outcome, record, finding, name)
    existing = existing_records(context.evidence())
    per_record = record_checks.duplicate_findings([r.data for r in records], existing, context.replacing)
    for record, findings in zip(records, per_record, strict=True):
        for finding in findings:
            _add_finding(outcome, record, finding, name)


def existing_records(evidence_dir: Path) -> list[tuple[Path, dict]]:
    """The curated records as data (for duplicates); unreadable ones are the build's to report."""
    from emkg.graph import record_files
    from loaders.yaml_lines import YamlError, load

    records = []
    for path in record_files(evidence_dir) if evidence_dir.is_dir() else []:
        try:
            data, _ = load(path.read_text(encoding="utf-8"))
        except (YamlError, UnicodeDecodeError, OSError):
            continue
        if isinstance(data, dict):
            records.append((path, data))
    return records


@functools.cache
def _antigen_names() -> dict[str, str]:
    from emkg.record_checks import antigen_short_names

    return antigen_short_names(_reference_graphs()[1])


@functools.cache
def _qc_rules() -> list:
    from emkg import qc

    return [(rule.name, rule.summary, rule.text) for rule in qc.rules()]


def _run_qc_rules(outcome: Outcome, data: Graph, locations: dict, record_paths: dict | None = None) -> None:
    """The QC rules of queries/qc/ on the record (with the ontology, which some rules read): a row is a
    violation at the first node of the row that the submitted file has (a term the record uses is not in
    the file, the part using it is), at the field of the row's property where the row names one."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.extend(pyoxigraph.Quad(*_ox(t)) for t in data)
    store.extend(pyoxigraph.Quad(*_ox(t)) for t in _reference_graphs()[1])
    reported = {d["focus"] for d in outcome.details if d["severity"] == "Violation"}
    for rule, summary, text in _qc_rules():
        for row in store.query(text):
            nodes = [URIRef(v.value) for v in row if isinstance(v, pyoxigraph.NamedNode)]
            node = next((n for n in nodes if n in locations), nodes[0] if nodes else None)
            if node is not None and compact(str(node)) in reported:
                continue  # a shape already reported this node: each problem once
            file, where, line = locations.get(node, (outcome.file, None, None))
            located = (record_paths or {}).get(node)
            for prop in nodes if located else ():
                found = _field_line(located, compact(str(prop)))
                if found is not None:
                    where, line = found
                    break
            _add(outcome, {"severity": "Violation", "case": _graph_case(data, node) if node else "(file)",
                           "file": file, "field": where or (compact(str(node)) if node else rule), "line": line,
                           "message": f"{summary} (QC rule {rule})", "value": None, "shape": None,
                           "constraint": f"qc:{rule}", "path": None, "focus": compact(str(node)) if node else None})


def _ox(triple) -> tuple:
    import pyoxigraph
    from rdflib import BNode, Literal

    def term(node):
        if isinstance(node, URIRef):
            return pyoxigraph.NamedNode(str(node))
        if isinstance(node, BNode):
            return pyoxigraph.BlankNode(str(node))
        assert isinstance(node, Literal)
        if node.language:
            return pyoxigraph.Literal(str(node), language=node.language)
        if node.datatype:
            return pyoxigraph.Literal(str(node), datatype=pyoxigraph.NamedNode(str(node.datatype)))
        return pyoxigraph.Literal(str(node))

    return tuple(term(n) for n in triple)


def _add_finding(outcome: Outcome, record: RecordData, finding: Any, file: str) -> None:
    """A record_checks.Finding at its field and line in the submitted file."""
    where, line = _locate(record, finding.path)
    detail = {"severity": finding.severity, "case": _record_case(record, finding.path), "file": file,
              "field": where, "line": line, "message": finding.message,
              "value": None if finding.value is None else str(finding.value), "shape": None,
              "constraint": finding.rule, "path": None, "focus": None}
    match = re.match(r"patients\[(\d+)\]\.facts\[(\d+)\]", finding.path)
    if match:
        try:
            fact = record.data["patients"][int(match[1])]["facts"][int(match[2])]
            detail["fact"] = str(fact.get("id")) if isinstance(fact, dict) and fact.get("id") else None
        except (KeyError, IndexError, TypeError):
            pass
    _add(outcome, detail)


def _locate(record: RecordData, record_path: str) -> tuple[str, int | None]:
    """(submitter's field, line) of a record path: the nearest enclosing part that has a line."""
    from loaders.yaml_lines import nearest_line, parse_path

    line = nearest_line(record.source.lines, parse_path(record_path), whole_file=False) if record_path else None
    return record.source.source_field(record_path) or record_path, line


def _run_shapes(outcome: Outcome, data: Graph, locations: dict, record_paths: dict | None = None) -> None:
    from emkg.shacl import validate

    _, violations, report = validate(data, *_reference_graphs(), locations)
    outcome.report = report
    for v in violations:
        located = (record_paths or {}).get(URIRef(v.focus))
        where, line = _field_of_path(v, located) or (v.field, v.line)
        if record_paths is None and where and v.path:  # RDF: the node and the property, as in the file
            where = f"{where} {v.path}"
        message, value = readable(v.message), None if v.value is None else readable(v.value)
        detail = {"severity": v.severity, "case": _graph_case(data, URIRef(v.focus)), "file": v.file or outcome.file,
                  "field": where or readable(compact(v.focus)), "line": line or v.line, "message": message,
                  "value": value, "shape": v.shape, "constraint": v.constraint, "path": v.path,
                  "focus": compact(v.focus)}
        if located is not None:
            detail["fact"] = _fact_id(URIRef(v.focus))
        _add(outcome, detail)
    if any(v.severity == "Violation" for v in violations):
        outcome.code = INVALID


@functools.cache
def _fields_by_predicate() -> dict[str, tuple[str, ...]]:
    """Record field names per property CURIE, to name the field a shape's sh:path points at."""
    from loaders import record_schema as schema

    found: dict[str, list[str]] = {}

    def visit(fields) -> None:
        for f in fields:
            if f.predicate:
                found.setdefault(f.predicate, []).append(f.name)
            visit(f.fields)

    for part in (schema.PUBLICATION, schema.PRODUCT, schema.PATIENT, schema.COHORT, schema.FINDING,
                 *schema.FACT_TYPES.values()):
        visit(part.fields)
    visit(schema.COMMON_FACT_FIELDS)
    return {k: tuple(dict.fromkeys(v)) for k, v in found.items()}


def _field_of_path(violation, located: tuple[str, SourceMap] | None) -> tuple[str, int | None] | None:
    """(field, line) in the submitted file for a result with a sh:path (e.g. the CSV column of emkg:grade)."""
    if located is None or not violation.path:
        return None
    return _field_line(located, violation.path)


def _field_line(located: tuple[str, SourceMap], predicate: str) -> tuple[str, int | None] | None:
    """(field, line) in the submitted file of the record field a property CURIE maps to, below a part."""
    record_path, source = located
    for name in _fields_by_predicate().get(predicate, ()):
        found = source.locate(f"{record_path}.{name}")
        if found is not None:
            return found
    return None


_IRI = re.compile(r"(https?://[^\s<>\"'(),{}]+|emkg:case/[^\s<>\"'(),{}]+)")


def readable(text: str) -> str:
    """A message without raw IRIs: a case's facts by their ids ('fact inf of P1'), properties by their
    record field ('order'), other terms as CURIEs."""
    def name(match: re.Match) -> str:
        iri = match[0].rstrip(".;:")
        tail = match[0][len(iri):]
        full = expand(iri) if iri.startswith("emkg:case/") else iri
        if full.startswith(EMKG + "case/"):
            parts = full[len(EMKG) + len("case/"):].split("/")
            if len(parts) >= 3:
                return f"fact '{parts[2]}' of {parts[1]}" + tail
            return f"patient {parts[-1]}" + tail
        curie = compact(full)
        fields = _fields_by_predicate().get(curie)
        return (f"'{fields[0]}'" if fields else curie) + tail

    return _IRI.sub(name, text)


def _fact_id(node: URIRef) -> str | None:
    """The id of the fact a node belongs to (case/<pub>/<patient>/<fact>/...), None for other nodes."""
    if not str(node).startswith(EMKG + "case/"):
        return None
    parts = str(node)[len(EMKG) + len("case/"):].split("/")
    return parts[2] if len(parts) >= 3 else None


def _add(outcome: Outcome, detail: dict, text: str | None = None) -> None:
    detail.setdefault("fact", None)  # stable keys: the fact id of the problem, where there is one
    key = (detail["severity"], detail["field"], detail["line"], detail["message"], detail["value"])
    if any((d["severity"], d["field"], d["line"], d["message"], d["value"]) == key for d in outcome.details):
        return  # each problem once
    outcome.details.append(detail)
    if text is None:
        where = f"{detail['file']}:{detail['line']}" if detail["line"] else detail["file"]
        value = f" (value: {detail['value']!r})" if detail["value"] is not None else ""
        fact = f" (fact {detail['fact']})" if detail.get("fact") else ""
        text = f"{detail['severity']}: {where}: {detail['field']}{fact}: {detail['message']}{value}"
    outcome.problems.append(text)


def _problem_detail(problem: Problem, severity: str, case: str) -> dict:
    return {"severity": severity, "case": case, "file": problem.file, "field": problem.path, "line": problem.line,
            "message": problem.message, "value": None if problem.value is None else str(problem.value),
            "shape": "record format", "constraint": "loader", "path": None, "focus": None}


def _record_case(record: RecordData, record_path: str) -> str:
    pub = record.data.get("publication", {})
    pub_id = pub.get("id", "?") if isinstance(pub, dict) else "?"
    match = _RECORD_PATIENT.match(record_path or "")
    patients = record.data.get("patients")
    if match and isinstance(patients, list) and int(match[1]) < len(patients):
        patient = patients[int(match[1])]
        return f"{pub_id}/{patient.get('id', match[1]) if isinstance(patient, dict) else match[1]}"
    return f"{pub_id} (publication)"


def _graph_case(graph: Graph, focus: URIRef) -> str:
    """The patient a problem is about: from the loader's IRIs, else by following the graph up to one."""
    match = _CASE_IRI.match(str(focus))
    if match:
        return f"{match[1]}/{match[2]}"
    match = _PUBLICATION_IRI.match(str(focus))
    if match:
        return f"{match[1]} (publication)"
    about, patient_class = URIRef(expand("emkg:aboutPatient")), URIRef(expand("emkg:Patient"))
    frontier, seen = [focus], {focus}
    for _ in range(4):  # quote -> fact -> patient, quantity -> fact -> patient
        nxt = []
        for node in frontier:
            if (node, RDF.type, patient_class) in graph:
                return compact(str(node))
            patient = graph.value(node, about)
            if patient is not None:
                return compact(str(patient))
            nxt += [s for s in graph.subjects(None, node) if s not in seen]
        seen.update(nxt)
        frontier = nxt
    return "(not about one patient)"
