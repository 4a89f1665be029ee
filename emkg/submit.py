"""`emkg submit`: validate a case file and add it to evidence/ as a curated case record.

1. The file is validated exactly as `emkg validate` does (any format that converts to a case record:
   YAML, the CSV template, a Phenopacket; RDF cannot be written back as a record and is refused).
2. Each record is named by its publication id: `<publication.id>.yaml`, the house convention, so the
   same submission always gets the same file name and record IRIs.
3. Likely duplicates are refused, naming the existing record file and patient: the same publication
   (same id, DOI or PMID) already curated, or a patient with the same centre, age, sex, CAR-T product
   (targets and costimulation, else name) and timeline (fact types with their days).
4. Quotes: when the record names `publication.source_text` the text must be in the seeds folder and
   every quote must occur in it (as `emkg build` checks the seed records). A submission without a
   source text is accepted with its quotes unchecked; the written record says so in `curation_notes`,
   and `emkg build` reports it as a note ("no source text ... not checked"), not a failure.
Nothing is written unless every record passes; the evidence folder is never touched on failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from emkg.graph import record_files
from emkg.quotes import PLAIN_FILE_NAME, canonical, source_text
from emkg.validate import RECORD_FORMATS, Outcome, validate_file
from loaders.yaml_lines import YamlError, load
from loaders.yaml_record import SCHEMA_ID, RecordInvalid, parse_record

UNCHECKED_NOTE = "Submitted with `emkg submit`; no source text was available, so its quotes are not checked."


@dataclass
class SubmitResult:
    code: int
    outcome: Outcome
    messages: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def submit(path: Path, evidence_dir: Path, seeds_dir: Path) -> SubmitResult:
    outcome = validate_file(path)
    if outcome.code:
        return SubmitResult(outcome.code, outcome, ["nothing was written"])
    if outcome.format not in RECORD_FORMATS:
        return SubmitResult(2, outcome, [f"{path.name}: `emkg submit` takes a case record (YAML), the CSV template "
                                         "or a Phenopacket; RDF can be validated but not added as a record"])
    existing = _existing_records(evidence_dir)
    problems: list[str] = []
    planned: list[tuple[Path, str]] = []
    for record in outcome.records:
        data = record.data
        target = evidence_dir / f"{data['publication']['id']}.yaml"
        problems += duplicates(data, existing, target)
        quote_problems, checked = check_quotes(data, seeds_dir)
        problems += quote_problems
        planned.append((target, to_yaml(data, checked)))
    if problems:
        return SubmitResult(1, outcome, problems + ["nothing was written"])
    evidence_dir.mkdir(parents=True, exist_ok=True)
    result = SubmitResult(0, outcome)
    for target, text in planned:
        parse_record(text, target.name)  # the written file must read back as a valid record
        scratch = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        scratch.write_text(text, encoding="utf-8")
        scratch.replace(target)
        result.written.append(target)
        result.messages.append(f"added {target}")
    return result


def to_yaml(data: dict, quotes_checked: bool) -> str:
    """The record in the curation format: `schema:` first, then the parts in the documented order."""
    body = {k: v for k, v in data.items() if k != "schema" and v not in (None, [], {})}
    if not quotes_checked:
        body["curation_notes"] = list(body.get("curation_notes", [])) + [UNCHECKED_NOTE]
    text = f"schema: {SCHEMA_ID}\n" + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)
    try:
        parse_record(text, "(submitted)")
    except RecordInvalid as exc:  # the record validated, so this is a bug in the writer, not in the input
        raise RuntimeError(f"submitted record does not read back: {exc}") from None
    return text


def check_quotes(data: dict, seeds_dir: Path) -> tuple[list[str], bool]:
    """(problems, whether the quotes were checked against the named source text)."""
    name = data["publication"].get("source_text")
    if name is None:
        return [], False
    if not PLAIN_FILE_NAME.match(str(name)):
        return [f"publication.source_text must be a plain file name in the seeds folder, not {name!r}"], False
    text = source_text(seeds_dir, str(name))
    if text is None:
        return [f"publication.source_text names {name!r}, which is not in {seeds_dir}; add the text there or "
                "leave the field out (the quotes are then marked unchecked)"], False
    missing = [q for q in _quotes(data) if canonical(q) not in text]
    return [f"quote not found in {name}: {q!r}" for q in missing], True


def duplicates(data: dict, existing: list[tuple[Path, dict]], target: Path) -> list[str]:
    """Likely duplicates of the submitted record among the existing ones, each naming file and patient."""
    found = []
    pub = data["publication"]
    for path, other in existing:
        other_pub = other.get("publication") if isinstance(other.get("publication"), dict) else {}
        same = [key for key in ("id", "doi", "pmid")
                if pub.get(key) and str(pub.get(key)).lower() == str(other_pub.get(key, "")).lower()]
        if same or path.name == target.name:
            patients = ", ".join(str(p.get("id")) for p in _patients(other)) or "no individual patients"
            found.append(f"likely duplicate: publication {pub.get('id')!r} is already curated in {path.name} "
                         f"(same {', '.join(same) or 'file name'}; patients: {patients})")
            continue
        for patient in _patients(data):
            mine = signature(data, patient)
            for theirs_patient in _patients(other):
                theirs = signature(other, theirs_patient)
                if mine and theirs and mine[0] & theirs[0] and mine[1] == theirs[1]:
                    found.append(f"likely duplicate: patient {patient.get('id')!r} matches patient "
                                 f"{theirs_patient.get('id')!r} in {path.name} (same centre, age, sex, product "
                                 "and timeline)")
    return found


def signature(record: dict, patient: dict) -> tuple[frozenset, tuple] | None:
    """(centres, (age, sex, products, timeline)) of a patient, or None when any part is unknown.
    Two patients match when they share a centre and the rest is equal."""
    pub = record.get("publication") if isinstance(record.get("publication"), dict) else {}
    own = frozenset(str(c).strip().lower() for c in _as_list(pub.get("centres")))
    facts = [f for f in _as_list(patient.get("facts")) if isinstance(f, dict)]
    demo = next((f for f in facts if f.get("type") == "demographics"), {})
    products = {p.get("id"): p for p in _as_list(record.get("products")) if isinstance(p, dict)}
    used = sorted(_product_key(products.get(f.get("product"), {})) for f in facts if f.get("type") == "car-t-infusion")
    timeline = tuple(sorted((str(f.get("type")), int(f["day"])) for f in facts if isinstance(f.get("day"), int)))
    if not own or demo.get("age_years") is None or demo.get("sex") is None or not used:
        return None
    return own, (str(demo["age_years"]), demo["sex"], tuple(used), timeline)


def _product_key(product: dict) -> str:
    targets = sorted(map(str, _as_list(product.get("targets"))))
    domains = sorted(map(str, _as_list(product.get("costimulatory_domains"))))
    return f"{targets}{domains}" if targets else str(product.get("name", "")).strip().lower()


def _existing_records(evidence_dir: Path) -> list[tuple[Path, dict]]:
    records = []
    for path in record_files(evidence_dir) if evidence_dir.is_dir() else []:
        try:
            data, _ = load(path.read_text(encoding="utf-8"))
        except (YamlError, UnicodeDecodeError):
            continue  # `emkg build` reports broken records; they cannot be compared here
        if isinstance(data, dict):
            records.append((path, data))
    return records


def _patients(record: dict) -> list[dict]:
    return [p for p in _as_list(record.get("patients")) if isinstance(p, dict)]


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _quotes(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            found += [q for q in _as_list(value) if isinstance(q, str)] if key == "quote" else _quotes(value)
        return found
    if isinstance(node, list):
        return [q for item in node for q in _quotes(item)]
    return []
