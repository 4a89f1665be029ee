"""Case record YAML (the curation format) -> RDF.

read -> check against `record_schema` -> triples. Every problem is collected with its field path and
line so a curator sees them all at once, and nothing is added to any graph unless the whole record is
well-formed. IRIs are minted from the record's own ids, so rebuilding gives the same graph.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import decimal
import re
from dataclasses import dataclass
from pathlib import Path as FsPath
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from loaders import record_schema as schema
from loaders.core import EMKG, CurieError, Problem, RecordInvalid, expand  # noqa: F401 (Problem, RecordInvalid: re-exported)
from loaders.yaml_lines import Path, YamlError, format_path, load, nearest_line

DEFAULT_EVIDENCE_CODE = "ECO:0007121"  # clinical study evidence used in manual assertion
SCHEMA_ID = "emkg-record/2"  # written by submit and the converters
SCHEMA_IDS = (SCHEMA_ID, "emkg-record/1")  # read: version 1 is a subset of version 2
LOCAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
YEAR_MONTH = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
ANCHORED_FIELDS = ("day", "day_min", "day_max")
# The relapse kinds a marrow_involved value contradicts.
RELAPSE_KIND_MARROW = {"emkg:IsolatedExtramedullary": False, "emkg:CombinedMarrowExtramedullary": True,
                       "emkg:IsolatedMarrow": True}


def iri(curie: str) -> URIRef:
    return URIRef(expand(curie))


@dataclass
class LoadedRecord:
    """A record's triples and, for every node minted from it, the field path and line it came from."""

    graph: Graph
    locations: dict[URIRef, tuple[str, int | None]]
    file: str


def load_record(path: str | FsPath) -> Graph:
    """Read one case record file and return its triples; raise RecordInvalid with every problem."""
    return read_record(path).graph


def read_record(path: str | FsPath) -> LoadedRecord:
    path = FsPath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RecordInvalid([Problem(path.name, "(file)", None, "file is not UTF-8 text")]) from None
    return parse_record(text, path.name)


def parse_record(text: str, file_name: str) -> LoadedRecord:
    try:
        data, lines = load(text)
    except YamlError as exc:
        raise RecordInvalid([Problem(file_name, "(file)", exc.line, str(exc))]) from None
    return build_record(data, lines, file_name)


def build_record(data: Any, lines: dict[Path, int], file_name: str) -> LoadedRecord:
    """Record data -> triples. The other input formats (CSV, Phenopacket) convert to this same data, with
    `lines` mapping each field path to its line in the submitted file, so there is one RDF mapping."""
    builder = _RecordBuilder(file_name, lines)
    graph = builder.build(data)
    if builder.problems:
        raise RecordInvalid(builder.problems)
    return LoadedRecord(graph, builder.locations, file_name)


class _RecordBuilder:
    def __init__(self, file_name: str, lines: dict[Path, int]):
        self.file = file_name
        self.lines = lines
        self.problems: list[Problem] = []
        self.graph = Graph(store="SimpleMemory")  # no named graphs: 40 % faster to fill than the default store
        self.ids: dict[str, tuple[URIRef, str, Path]] = {}  # local id -> (IRI, part name, path)
        self.pending_refs: list[tuple[URIRef, schema.Field, Any, Path]] = []
        self.evidence_code = DEFAULT_EVIDENCE_CODE
        self.publication: URIRef | None = None
        self.locations: dict[URIRef, tuple[str, int | None]] = {}  # node -> (field path, line)

    # -- problems -------------------------------------------------------------------------------
    def problem(self, path: Path, message: str, value: Any = None) -> None:
        self.problems.append(Problem(self.file, format_path(path), nearest_line(self.lines, path), message, value))

    # -- the record -----------------------------------------------------------------------------
    def build(self, data: Any) -> Graph:
        if not isinstance(data, dict):
            self.problem((), "a case record is a YAML mapping with 'publication' and 'patients' or 'cohorts'")
            return self.graph
        for key in data:
            if key not in schema.TOP_LEVEL:
                self.problem((key,), f"unknown top-level field; expected one of {', '.join(schema.TOP_LEVEL)}")
        if data.get("schema") not in SCHEMA_IDS:
            self.problem(("schema",), f"the first line must be 'schema: {SCHEMA_ID}' (or the older "
                         f"'schema: {SCHEMA_IDS[1]}')", data.get("schema"))
        if "evidence_code" in data:
            self.evidence_code = self.check_curie(data["evidence_code"], ("evidence_code",)) or DEFAULT_EVIDENCE_CODE
        pub = data.get("publication")
        if not isinstance(pub, dict):
            self.problem(("publication",), "every record names its source publication")
            return self.graph
        self.add_publication(pub)
        if not data.get("patients") and not data.get("cohorts"):
            self.problem(("patients",), "a record needs at least one patient or cohort")
        for i, product in enumerate(self.as_list(data.get("products"), ("products",))):
            product_iri = self.child(self.publication, "product", product)
            self.add_part(schema.PRODUCT, product, ("products", i), product_iri)
            if product_iri is not None and isinstance(product, dict) and product.get("name") is None:
                self.graph.add((product_iri, iri("rdfs:label"), Literal(schema.UNNAMED_PRODUCT)))
        for i, patient in enumerate(self.as_list(data.get("patients"), ("patients",))):
            self.add_patient(patient, ("patients", i))
        for i, cohort in enumerate(self.as_list(data.get("cohorts"), ("cohorts",))):
            self.add_cohort(cohort, ("cohorts", i))
        for i, note in enumerate(self.as_list(data.get("curation_notes"), ("curation_notes",))):
            literal = self.check_literal(note, "text", ("curation_notes", i))
            if literal is not None:  # stripped, like every other text field
                self.graph.add((self.publication, iri("emkg:curationNote"), literal))
        self.resolve_refs()
        return self.graph

    def as_list(self, value: Any, path: Path) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, "expected a list (lines starting with '- ')", value)
            return []
        return value

    def child(self, parent: URIRef, kind: str, part: Any) -> URIRef | None:
        local = part.get("id") if isinstance(part, dict) else None
        return URIRef(f"{parent}/{kind}/{local}") if isinstance(local, str) and LOCAL_ID.match(local) else None

    def add_publication(self, pub: dict) -> None:
        slug = pub.get("id")
        if not (isinstance(slug, str) and LOCAL_ID.match(slug)):
            self.problem(("publication", "id"), "publication id must be a slug like 'nct03919240-sscart19-skin-testis'",
                         slug)
            slug = "invalid"
        self.publication = URIRef(f"{EMKG}publication/{slug}")
        self.add_part(schema.PUBLICATION, pub, ("publication",), self.publication, register=False)

    def add_patient(self, patient: Any, path: Path) -> None:
        if not isinstance(patient, dict):
            self.problem(path, "a patient is a mapping with id, label and facts", patient)
            return
        local = patient.get("id")
        subject = None
        if isinstance(local, str) and LOCAL_ID.match(local):
            subject = URIRef(f"{EMKG}case/{self.publication.rsplit('/', 1)[-1]}/{local}")
        self.add_part(schema.PATIENT, patient, path, subject)
        if subject is None:
            return
        self.graph.add((subject, iri("emkg:reportedIn"), self.publication))
        facts = self.as_list(patient.get("facts"), path + ("facts",))
        infusions = [f.get("id") for f in facts if isinstance(f, dict) and f.get("type") == "car-t-infusion"]
        for i, fact in enumerate(facts):
            self.add_fact(fact, path + ("facts", i), subject, infusions)

    def add_fact(self, fact: Any, path: Path, patient: URIRef, infusions: list[str]) -> None:
        if not isinstance(fact, dict):
            self.problem(path, "a fact is a mapping with id, type and quote", fact)
            return
        kind = fact.get("type")
        part = schema.FACT_TYPES.get(kind)
        if part is None:
            self.problem(path + ("type",), f"unknown fact type; expected one of {', '.join(schema.FACT_TYPES)}", kind)
            return
        local = fact.get("id")
        subject = URIRef(f"{patient}/{local}") if isinstance(local, str) and LOCAL_ID.match(local) else None
        fields = schema.COMMON_FACT_FIELDS + part.fields
        alternatives = schema.REQUIRED_ONE_OF.get(kind, ())
        if any(fact.get(name) is not None for name in alternatives):  # one of them is enough
            fields = tuple(dataclasses.replace(f, required=False) if f.name in alternatives else f for f in fields)
        merged = schema.Part(part.name, part.node_class, fields)
        self.add_part(merged, fact, path, subject)
        if subject is None:
            return
        self.graph.add((subject, iri("emkg:aboutPatient"), patient))
        self.add_involved_sites(fact, path, subject)
        self.check_relapse_kind(fact, path)
        if any(k in fact for k in ANCHORED_FIELDS) and "relative_to" not in fact and kind != "car-t-infusion":
            if len(infusions) == 1:
                self.graph.add((subject, iri("emkg:relativeToInfusion"), URIRef(f"{patient}/{infusions[0]}")))
            elif not infusions:
                self.problem(path + ("day",), "a day offset needs a CAR-T infusion as day 0; this patient has none")
            else:
                self.problem(path + ("relative_to",),
                             f"this patient has {len(infusions)} infusions; say which is day 0 "
                             f"(relative_to: one of {', '.join(map(str, infusions))})")

    def add_involved_sites(self, fact: dict, path: Path, subject: URIRef) -> None:
        """An involved site of `site_details` is also one of the fact's sites, so queries by site find it."""
        details = fact.get("site_details")
        for detail in details if isinstance(details, list) else [details] if isinstance(details, dict) else []:
            site = detail.get("site") if isinstance(detail, dict) else None
            if isinstance(site, str) and detail.get("involved", True) is not False:
                with contextlib.suppress(CurieError):  # a bad CURIE is reported at the detail's own path
                    self.graph.add((subject, iri("emkg:hasSite"), iri(site.strip())))

    def check_relapse_kind(self, fact: dict, path: Path) -> None:
        kind, marrow = fact.get("relapse_kind"), fact.get("marrow_involved")
        if not (isinstance(kind, str) and isinstance(marrow, bool)):
            return
        if RELAPSE_KIND_MARROW.get(kind.strip(), marrow) != marrow:
            self.problem(path + ("marrow_involved",),
                         f"relapse_kind {kind} says the marrow is {'' if not marrow else 'not '}involved, "
                         f"but marrow_involved is {str(marrow).lower()}", marrow)

    def add_cohort(self, cohort: Any, path: Path) -> None:
        subject = self.child(self.publication, "cohort", cohort)
        self.add_part(schema.COHORT, cohort, path, subject)
        if subject is None:
            return
        self.graph.add((subject, iri("emkg:reportedIn"), self.publication))
        for i, finding in enumerate(self.as_list(cohort.get("findings"), path + ("findings",))):
            finding_iri = self.child(subject, "finding", finding)
            self.add_part(schema.FINDING, finding, path + ("findings", i), finding_iri)
            if finding_iri is not None:
                self.graph.add((finding_iri, iri("emkg:aboutCohort"), subject))

    # -- generic parts --------------------------------------------------------------------------
    def add_part(self, part: schema.Part, data: Any, path: Path, subject: URIRef | None,
                 register: bool = True) -> None:
        if not isinstance(data, dict):
            self.problem(path, f"a {part.name} is a mapping of fields", data)
            return
        if subject is None:
            self.problem(path + ("id",), "needs an id of letters, digits, '-', '_' or '.'", data.get("id"))
            return
        if register:
            local = data["id"]
            if local in self.ids:
                self.problem(path + ("id",), f"id {local!r} is used twice in this record "
                             f"(first at {format_path(self.ids[local][2])})")
            else:
                self.ids[local] = (subject, data.get("type", part.name), path)
        self.graph.add((subject, RDF.type, iri(part.node_class)))
        self.locations[subject] = (format_path(path), self.lines.get(path))
        self.add_fields(part.fields, part.name, data, path, subject)
        if "quote" in part.by_name:
            self.add_quotes(data, path, subject)

    def add_fields(self, fields: tuple[schema.Field, ...], where: str, data: dict, path: Path,
                   subject: URIRef) -> None:
        by_name = {f.name: f for f in fields}
        for key in data:
            if key not in by_name:
                self.problem(path + (key,), f"unknown field for a {where}; expected one of "
                             f"{', '.join(by_name)}")
        for spec in fields:
            value = data.get(spec.name)
            if value is None:
                if spec.required and spec.name not in ("id",):
                    self.problem(path + (spec.name,), f"a {where} needs '{spec.name}'" +
                                 (f" ({spec.doc})" if spec.doc else ""))
                continue
            if not spec.predicate:  # handled by the caller (id, type, quote, nested parts)
                if spec.name == "evidence_code":
                    self.check_curie(value, path + (spec.name,))
                continue
            values = value if spec.many else [value]
            if spec.many and not isinstance(value, list):
                values = [value]  # a single value is accepted where a list is allowed
            if spec.kind == "term" and len(values) > 1 and any(
                    isinstance(v, str) and v.strip() in schema.MISSING_VALUES for v in values):
                self.problem(path + (spec.name,), f"{' / '.join(schema.MISSING_VALUES)} stands alone: "
                             "it cannot be listed with other values", value)
                continue
            if spec.kind == "object" and spec.node_class == "emkg:Timing":
                self.check_anchor(values, path + (spec.name,), isinstance(value, list))
            for i, item in enumerate(values):
                item_path = path + (spec.name, i) if spec.many and isinstance(value, list) else path + (spec.name,)
                suffix = f"-{i + 1}" if spec.many else ""
                self.add_value(spec, item, item_path, subject, URIRef(f"{subject}/{spec.name}{suffix}"))

    def check_anchor(self, timings: list, path: Path, listed: bool) -> None:
        for i, timing in enumerate(timings):
            if isinstance(timing, dict) and ("from" in timing) == ("from_event" in timing):
                self.problem(path + (i,) if listed else path,
                             "a timing names exactly one anchor: 'from' (a fact of this patient) or 'from_event' "
                             "(e.g. emkg:MrdNegativityEvent)", timing)

    def add_value(self, spec: schema.Field, value: Any, path: Path, subject: URIRef, node: URIRef) -> None:
        predicate = iri(spec.predicate)
        if spec.predicate == "emkg:ageYears" and isinstance(value, str) and value.strip() == schema.AGE_90_PLUS:
            self.graph.add((subject, iri(schema.AGE_90_PLUS_PREDICATE), Literal(True)))
            return
        if spec.kind in ("text", "int", "decimal", "bool"):
            literal = self.check_literal(value, spec.kind, path)
            if literal is not None:
                self.graph.add((subject, predicate, literal))
        elif spec.kind == "term":
            curie = self.check_curie(value, path)
            if curie:
                self.graph.add((subject, predicate, iri(curie)))
        elif spec.kind == "yearmonth":
            if isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if isinstance(value, str) and YEAR_MONTH.match(value.strip()):
                self.graph.add((subject, predicate, Literal(value.strip())))
            else:
                self.problem(path, "expected a year 'YYYY' or a month 'YYYY-MM' (no day: privacy)", value)
        elif spec.kind == "publication":
            if isinstance(value, str) and LOCAL_ID.match(value.strip()):
                self.graph.add((subject, predicate, URIRef(f"{EMKG}publication/{value.strip()}")))
            else:
                self.problem(path, "expected the id of a curated publication (its file name without .yaml)", value)
        elif spec.kind == "ref":
            if isinstance(value, str | int) and not isinstance(value, bool):
                self.pending_refs.append((subject, spec, str(value), path))
            else:
                self.problem(path, "expected the id of another part of this record", value)
        elif spec.kind in ("quantity", "object"):
            if not isinstance(value, dict):
                self.problem(path, f"'{spec.name}' is a mapping of " + ", ".join(f.name for f in spec.fields), value)
                return
            self.graph.add((subject, predicate, node))
            self.graph.add((node, RDF.type, iri(spec.node_class)))
            self.locations[node] = (format_path(path), self.lines.get(path))
            self.add_fields(spec.fields, spec.name, value, path, node)

    def check_literal(self, value: Any, kind: str, path: Path) -> Literal | None:
        if isinstance(value, datetime.date | datetime.datetime):
            self.problem(path, "exact dates are not kept (privacy); give the year, or a day offset from the infusion",
                         str(value))
            return None
        if kind == "text":
            if isinstance(value, str) and value.strip():
                return Literal(value.strip())
            if isinstance(value, int | float) and not isinstance(value, bool):
                return Literal(str(value))
            self.problem(path, "expected text", value)
        elif kind == "bool":
            if isinstance(value, bool):
                return Literal(value)
            self.problem(path, "expected true or false", value)
        elif kind == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return Literal(value, datatype=XSD.integer)
            self.problem(path, "expected a whole number", value)
        elif kind == "decimal":
            number = _as_decimal(value)
            if number is not None:
                return Literal(_canonical_decimal(number), datatype=XSD.decimal)
            self.problem(path, "expected a number written as digits, e.g. 5.0e6 (units go in 'unit')", value)
        return None

    def check_curie(self, value: Any, path: Path) -> str | None:
        try:
            expand(value)
        except CurieError as exc:
            self.problem(path, str(exc), value)
            return None
        return value.strip()

    def add_quotes(self, data: dict, path: Path, subject: URIRef) -> None:
        quotes = data.get("quote")
        if quotes is None:
            return  # already reported as a missing required field
        quotes = quotes if isinstance(quotes, list) else [quotes]
        code = data.get("evidence_code") or self.evidence_code
        try:
            code_iri = iri(code)
        except CurieError:  # reported once, where the evidence_code field is checked
            code_iri = None
        for i, quote in enumerate(quotes):
            quote_path = path + ("quote", i) if isinstance(data.get("quote"), list) else path + ("quote",)
            if not isinstance(quote, str) or not quote.strip():
                self.problem(quote_path, "a quote is the source's own words, as text", quote)
                continue
            node = URIRef(f"{subject}/quote-{i + 1}")
            self.locations[node] = (format_path(quote_path), self.lines.get(quote_path))
            self.graph.add((subject, iri("emkg:hasEvidence"), node))
            self.graph.add((node, RDF.type, iri("emkg:EvidenceQuote")))
            self.graph.add((node, RDF.type, iri("oa:TextQuoteSelector")))
            self.graph.add((node, iri("oa:exact"), Literal(" ".join(quote.split()))))
            self.graph.add((node, iri("prov:wasQuotedFrom"), self.publication))
            if code_iri is not None:
                self.graph.add((node, iri("emkg:evidenceCode"), code_iri))

    def resolve_refs(self) -> None:
        for subject, spec, target, path in self.pending_refs:
            found = self.ids.get(target)
            if found is None:
                self.problem(path, f"no part of this record has the id {target!r}", target)
                continue
            expected = spec.ref_target  # the kind of part the schema's range names, where it matters
            if expected and found[1] != expected:
                self.problem(path, f"'{spec.name}' must name a {expected}, but {target!r} is a {found[1]}", target)
                continue
            self.graph.add((subject, iri(spec.predicate), found[0]))


def _as_decimal(value: Any) -> decimal.Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return decimal.Decimal(str(value))
    if isinstance(value, str) and re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", value.strip()):
        return decimal.Decimal(value.strip())
    return None


def _canonical_decimal(number: decimal.Decimal) -> str:
    """xsd:decimal in canonical form ('21.0', '5000000.0'), so every RDF syntax writes the same literal."""
    text = format(number.normalize(), "f")
    return text if "." in text else text + ".0"
