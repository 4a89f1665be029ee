"""The checks on a submitted record that are not SHACL shapes, shared by `emkg validate` and `emkg submit`.

Each returns `Finding`s that name a record path (`patients[0].facts[2].quote`); emkg.validate turns
the path into the submitter's field and line. In the order the pipeline runs them:

* `safety`: what the build reads can never break it: ids (a slug, no newline), text sizes, Unicode
  (lone surrogates, control characters), numbers (finite, in range), nesting.
* `undeclared_terms`: every `emkg:` term a record uses is declared in the ontology (the build's QC).
* `quote_findings`: the source text exists and every quote occurs in it; a quote not found is shown
  with the closest passage of the text and the words that differ.
* `duplicate_findings`: the same publication (id, DOI, PMID) or the same patient (centre, age, sex,
  relapse sites, product, days) already curated, or twice in one submission.
* `target_warnings`: a product quote that names antigens other than its structured targets.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef

from emkg.namespaces import EMKG, compact
from emkg.quotes import PLAIN_FILE_NAME, canonical, closest_passage, find_source, readable
from loaders.yaml_lines import format_path

SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}\Z")
MAX_TEXT = {"quote": 2_000, "label": 300, "name": 300, "title": 1_000}  # characters
MAX_OTHER_TEXT = 5_000
MAX_DEPTH, MAX_ITEMS, MAX_INT = 12, 5_000, 10**12
# Ranges the shapes do not already check (grades, ages, years have their own shapes and messages).
RANGES = {"day": (-36_600, 36_600), "day_min": (-36_600, 36_600), "day_max": (-36_600, 36_600),
          "order": (0, 100_000), "infusion_number": (0, 1_000)}
ID_FIELDS = {"id", "product", "relative_to", "after", "treats", "assesses", "members", "since", "conditions",
             "conflicts_with", "conditioning", "gvhd_prophylaxis"}
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An antigen as texts write it: "CD19", "CD-19", "CD 22". CD3 (the zeta chain), CD28 and CD137 (4-1BB) and the
# CD8/CD4 hinge or T-cell subsets are parts of the CAR or the cell product, never what it targets.
_ANTIGEN = re.compile(r"\b(?:CD[- ]?(\d{1,3}[a-z]?)|(BCMA|GD2|HER2))\b", re.IGNORECASE)
_CONSTRUCT_PARTS = {"CD3", "CD28", "CD137", "CD8", "CD8A", "CD4"}


def _antigens_named(text: str) -> set[str]:
    named = {f"CD{number}".upper() if number else other.upper() for number, other in _ANTIGEN.findall(text)}
    return named - _CONSTRUCT_PARTS


@dataclass(frozen=True)
class Finding:
    severity: str  # "Violation" refuses the record; "Warning" is shown
    path: str  # record path, e.g. patients[0].facts[2].quote
    message: str
    value: Any = None
    rule: str = ""


# -- 1. nothing the build reads can break it ------------------------------------------------------------
def safety(data: Any) -> list[Finding]:
    found: list[Finding] = []

    def visit(node: Any, path: tuple, depth: int) -> None:
        where = format_path(path)
        if depth > MAX_DEPTH:
            found.append(Finding("Violation", where, f"nested deeper than {MAX_DEPTH} levels", rule="limits"))
            return
        key = path[-1] if path and isinstance(path[-1], str) else (path[-2] if len(path) > 1 else "")
        if isinstance(node, dict):
            for k, v in node.items():
                if not isinstance(k, str) or _bad_text(k):
                    found.append(Finding("Violation", where, "field names are plain text", str(k)[:80], "unicode"))
                    continue
                visit(v, path + (k,), depth + 1)
        elif isinstance(node, list):
            if len(node) > MAX_ITEMS:
                found.append(Finding("Violation", where, f"more than {MAX_ITEMS} items", len(node), "limits"))
                return
            for i, item in enumerate(node):
                visit(item, path + (i,), depth + 1)
        elif isinstance(node, str):
            found.extend(_text_findings(node, where, str(key)))
        elif isinstance(node, bool) or node is None:
            return
        elif isinstance(node, int | float):
            found.extend(_number_findings(node, where, str(key)))

    visit(data, (), 0)
    return found


def _bad_text(text: str) -> str | None:
    if _LONE_SURROGATE.search(text):
        return "contains a lone UTF-16 surrogate (broken Unicode); retype the character"
    if _CONTROL.search(text):
        return "contains a control character; remove it"
    return None


def _text_findings(text: str, where: str, key: str) -> list[Finding]:
    problem = _bad_text(text)
    if problem:
        return [Finding("Violation", where, problem, text[:80].encode("unicode_escape").decode(), "unicode")]
    limit = MAX_TEXT.get(key, MAX_OTHER_TEXT)
    if len(text) > limit:
        return [Finding("Violation", where, f"longer than {limit} characters ({len(text)}); quote a short "
                        "passage, not the whole text", text[:60] + "...", "limits")]
    if key in ID_FIELDS and not SLUG.match(text):
        shown = text[:80].encode("unicode_escape").decode()
        return [Finding("Violation", where, "an id is letters, digits, '-', '_' or '.' (no spaces or line "
                        "breaks, at most 120 characters)", shown, "ids")]
    if key == "source_text" and not PLAIN_FILE_NAME.match(text):
        return [Finding("Violation", where, "source_text is a plain file name (no folders, nothing hidden)",
                        text[:80], "ids")]
    return []


def _number_findings(number: float, where: str, key: str) -> list[Finding]:
    if isinstance(number, float) and not math.isfinite(number):
        return [Finding("Violation", where, "a number must be finite", str(number), "numbers")]
    if abs(number) > MAX_INT * 1e6:
        return [Finding("Violation", where, "number out of range", number, "numbers")]
    low_high = RANGES.get(key)
    if low_high and not low_high[0] <= number <= low_high[1]:
        return [Finding("Violation", where, f"'{key}' must lie between {low_high[0]} and {low_high[1]}", number,
                        "numbers")]
    return []


# -- 2. every emkg: term exists ------------------------------------------------------------------------------
def undeclared_terms(graph: Graph, declared: set[URIRef], locations: dict,
                     field_names: dict[str, tuple[str, ...]]) -> list[Finding]:
    """emkg IRIs the record uses (classes, units, categories ...) that the ontology does not declare;
    the record's own minted IRIs (case/, publication/) are not terms. `field_names`: the record fields
    of each property CURIE, to name the field rather than the part."""
    from emkg.ontology_qc import EVIDENCE_NAMESPACES

    found, seen = [], set()
    for subject, predicate, obj in graph:
        if not isinstance(obj, URIRef) or not str(obj).startswith(EMKG) or obj in declared:
            continue
        if str(obj).startswith(EVIDENCE_NAMESPACES) or obj in seen:
            continue
        seen.add(obj)
        where = locations.get(subject, ("(record)", None))[0]
        names = field_names.get(compact(str(predicate)), ())
        where = f"{where}.{names[0]}" if names and where != "(record)" else where
        found.append(Finding("Violation", where, f"{compact(str(obj))} is not a term of the ontology; "
                             f"`emkg terms` lists the allowed values", compact(str(obj)), "terms"))
    return found


# -- 3. quotes against the source text -----------------------------------------------------------------------
def quote_findings(data: dict, folders: list[Path], given: dict[str, str] | None = None
                   ) -> tuple[list[Finding], bool]:
    """(findings, whether the quotes were checked). `given` maps source-text names to texts handed in
    with the submission, looked at before the folders; the name "" is the text given with
    `--source-text`, whatever name the record gives it (or none)."""
    given = given or {}
    pub = data.get("publication") if isinstance(data.get("publication"), dict) else {}
    name = pub.get("source_text")
    if name is None and "" not in given:
        return [], False
    if name is None:
        name = "the given source text"
        raw = given[""]
    else:
        raw = given.get(name, given.get(""))
    if raw is None and (not isinstance(name, str) or not PLAIN_FILE_NAME.match(name)):
        return [Finding("Violation", "publication.source_text", "a plain file name in a source-text folder",
                        name, "source text")], False
    if raw is None:
        path = find_source(name, folders)
        if path is None:
            shown = ", ".join(str(f) for f in folders)
            return [Finding("Violation", "publication.source_text",
                            f"no source text of this name in {shown}; give it with --source-text FILE, or leave "
                            "the field out (the quotes are then marked unchecked)", name, "source text")], False
        raw = path.read_text(encoding="utf-8", errors="replace")
    text, words = canonical(raw), None
    found = []
    for path, quote in _quotes(data, ()):
        if canonical(quote) in text:
            continue
        words = words if words is not None else readable(raw)
        near = closest_passage(quote, words)
        message = f"quote not found in {name}"
        if near:
            passage, differences = near
            message += f"; closest passage: {passage!r}"
            if differences and len(differences) <= 3:
                message += f"; differs at {'; '.join(differences)}"
        found.append(Finding("Violation", path, message, quote, "quotes"))
    return found, True


def _quotes(node: Any, path: tuple) -> Iterable[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "quote":
                if isinstance(value, str):
                    yield format_path(path + (key,)), value
                elif isinstance(value, list):
                    yield from ((format_path(path + (key, i)), q) for i, q in enumerate(value) if isinstance(q, str))
            else:
                yield from _quotes(value, path + (key,))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _quotes(item, path + (i,))


# -- 4. duplicates ----------------------------------------------------------------------------------------------
def duplicate_findings(submitted: list[dict], existing: list[tuple[Path, dict]], replacing: set[str] = frozenset()
                       ) -> list[list[Finding]]:
    """Per submitted record, its likely duplicates: among the existing records (except the ones being
    replaced, by file name) and among the other patients of the submission."""
    results = []
    own: list[tuple[str, dict, dict]] = []  # (where, record, patient) of the submission so far
    for data in submitted:
        found = []
        pub = data.get("publication") if isinstance(data.get("publication"), dict) else {}
        for path, other in existing:
            if path.name in replacing:
                continue
            other_pub = other.get("publication") if isinstance(other.get("publication"), dict) else {}
            same = [key for key in ("id", "doi", "pmid") if pub.get(key) and
                    _norm(pub.get(key)) == _norm(other_pub.get(key, ""))]
            if same:
                patients = ", ".join(str(p.get("id")) for p in _patients(other)) or "no individual patients"
                found.append(Finding("Violation", f"publication.{same[0]}",
                                     f"likely duplicate: this publication is already curated in {path.name} (same "
                                     f"{', '.join(same)}; patients: {patients}); use `emkg submit --replace` to "
                                     "replace it", pub.get(same[0]), "duplicates"))
                continue
            found += _patient_duplicates(data, other, f"in {path.name}")
        for i, patient in enumerate(_patients(data)):
            mine = signature(data, patient)
            for where, other_record, other_patient in own:
                if mine and mine.matches(signature(other_record, other_patient)):
                    found.append(Finding("Violation", f"patients[{i}]", f"patient {patient.get('id')!r} repeats "
                                         f"patient {other_patient.get('id')!r} {where} of this submission (same "
                                         f"{mine.shared(signature(other_record, other_patient))})",
                                         patient.get("id"), "duplicates"))
            own.append((f"of {pub.get('id')}", data, patient))
        results.append(found)
    return results


def _patient_duplicates(data: dict, other: dict, where: str) -> list[Finding]:
    found = []
    for i, patient in enumerate(_patients(data)):
        mine = signature(data, patient)
        for theirs_patient in _patients(other):
            theirs = signature(other, theirs_patient)
            if mine and mine.matches(theirs):
                found.append(Finding("Violation", f"patients[{i}]", f"likely duplicate: patient {patient.get('id')!r} "
                                     f"matches patient {theirs_patient.get('id')!r} {where} (same "
                                     f"{mine.shared(theirs)})", patient.get("id"), "duplicates"))
    return found


@dataclass(frozen=True)
class Signature:
    centres: frozenset
    content: tuple  # age, sex, products, relapse sites, timeline

    def matches(self, other: Signature | None) -> bool:
        if other is None or self.content != other.content:
            return False
        if self.centres and other.centres:
            return bool(self.centres & other.centres)
        # Without a centre on one side, the same days must back the match (a timeline, not only a profile).
        return bool(self.content[4])

    def shared(self, other: Signature | None) -> str:
        centre = "centre, " if other and self.centres & other.centres else ""
        return f"{centre}age, sex, relapse sites, product and days"


def signature(record: dict, patient: dict) -> Signature | None:
    """What identifies a patient across reports (centre, age, sex, CAR-T product, relapse sites, days);
    None when too little is known to tell two patients apart."""
    pub = record.get("publication") if isinstance(record.get("publication"), dict) else {}
    centres = frozenset(_norm(c) for c in _as_list(pub.get("centres")))
    facts = [f for f in _as_list(patient.get("facts")) if isinstance(f, dict)]
    demo = next((f for f in facts if f.get("type") == "demographics"), {})
    products = {p.get("id"): p for p in _as_list(record.get("products")) if isinstance(p, dict)}
    used = sorted(_product_key(products.get(f.get("product"), {})) for f in facts if f.get("type") == "car-t-infusion")
    sites = tuple(sorted({str(s) for f in facts if f.get("type") == "relapse" for s in _as_list(f.get("sites"))}))
    timeline = tuple(sorted((str(f.get("type")), f["day"]) for f in facts
                            if isinstance(f.get("day"), int) and not isinstance(f.get("day"), bool)))
    # Enough to tell patients apart: the product, and age and sex or at least two dated facts.
    known_person = demo.get("age_years") is not None and demo.get("sex") is not None
    if not used or not (known_person or len(timeline) >= 2):
        return None
    return Signature(centres, (str(demo.get("age_years")), str(demo.get("sex")), tuple(used), sites, timeline))


def _product_key(product: dict) -> str:
    targets = sorted(map(str, _as_list(product.get("targets"))))
    domains = sorted(map(str, _as_list(product.get("costimulatory_domains"))))
    return f"{targets}{domains}" if targets else _norm(product.get("name", ""))


# -- 5. a target named in the quote contradicting the structured target -----------------------------------
def target_warnings(data: dict, antigen_names: dict[str, str]) -> list[Finding]:
    """Warn when a product's quotes name antigens and a structured target is not among them."""
    found = []
    for i, product in enumerate(_as_list(data.get("products"))):
        if not isinstance(product, dict):
            continue
        words = " ".join(q for _, q in _quotes(product, ())) + " " + str(product.get("name", ""))
        named = _antigens_named(words)
        if not named:
            continue
        for j, target in enumerate(_as_list(product.get("targets"))):
            short = antigen_names.get(str(target))
            if short and short.upper() not in named:
                found.append(Finding("Warning", f"products[{i}].targets[{j}]",
                                     f"target {short} is not named in the product's quote or name, which name "
                                     f"{', '.join(sorted(named))}; check the target", str(target), "targets"))
    return found


def antigen_short_names(ontology: Graph) -> dict[str, str]:
    """PR term CURIE -> its CD name ('PR:000001002' -> 'CD19'), from the labels and synonyms."""
    names = {}
    for subject, _, label in ontology.triples((None, None, None)):
        if isinstance(subject, URIRef) and "/PR_" in str(subject) and hasattr(label, "language"):
            named = sorted(_antigens_named(str(label)))
            if named and compact(str(subject)) not in names:
                names[compact(str(subject))] = named[0]
    return names


def _norm(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value)).lower().split())


def _patients(record: dict) -> list[dict]:
    return [p for p in _as_list(record.get("patients")) if isinstance(p, dict)]


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]
