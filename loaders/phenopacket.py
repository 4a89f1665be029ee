"""GA4GH Phenopacket v2 JSON (one patient) -> case-record data -> the record loader's triples.

A submitted packet must be standard: it is first parsed by the official `phenopackets` package
(`google.protobuf.json_format.Parse` into `phenopackets.Phenopacket`); a field the schema does not
have, or a value outside an enumeration (sex "M"), is refused at its JSON path and line, never dropped.
The subset a CAR-T case needs is then mapped into the case-record structure, so validation and RDF are
the same as for a YAML record. Every part that is not mapped is a warning naming its JSON path.

Mapping (Phenopacket -> case record); the record fields it fills are listed, each with its element, in
loaders/phenopacket_fields.py (generated from the record schema; tests/loaders/test_phenopacket.py checks
that the mapping fills no other field):
  metaData.externalReferences          the first one that is not an emkg annotation is the publication:
                                       id PMID:n -> pmid, DOI:x -> doi, any other id -> the record id
                                       (slug); its `description` is the publication's quote
  id / subject.id                      patient id (subject.id) and label
  subject.sex (MALE / FEMALE)          demographics.sex emkg:Male / emkg:Female (UNKNOWN_SEX, OTHER_SEX:
                                       no sex recorded, a warning)
  subject.timeAtLastEncounter.age      demographics.age_years (from iso8601duration, e.g. P12Y6M)
  subject.dateOfBirth                  refused: exact dates are not kept (privacy)
  diseases[] without primarySite       diagnosis (term -> disease)
  diseases[] with primarySite          relapse (sites = primarySite); excluded -> present: false;
                                       laterality HP:0012835 / HP:0012834 / HP:0012832 (left / right /
                                       bilateral, Phenopacket's HPO laterality codes) -> site_details
  phenotypicFeatures[]                 observation (finding = type label, note = description);
                                       quotes also from evidence[].reference.description
  measurements[]                       measurement: assay -> analyte, value.quantity -> value + unit,
                                       description -> finding
  medicalActions[].treatment           a CAR-T product (agent id in KNOWN_PRODUCTS, or a label naming
                                       CAR-T) -> products[] + car-t-infusion with dose from
                                       doseIntervals[0].quantity; another agent -> therapy (agents)
  medicalActions[].procedure           HSCT codes (NCIT:C46089 ...) -> hsct
  medicalActions[].radiationTherapy    therapy emkg:Radiotherapy (bodySite -> sites)
  medicalActions[].adverseEvents[]     toxicity (condition)
  medicalActions[].responseToTreatment response, assessing that action's infusion; NCIT:C4870 ->
                                       emkg:CompleteRemission, NCIT:C18058 -> emkg:PartialRemission
  onset / performed / timeObserved     `age` elements order the facts (`order`); timestamps are
                                       refused (privacy); other time elements are warnings

emkg's additional information (the source's words, grades, targets of unregistered products, the
source text) has no field of its own in a Phenopacket, so it is kept as annotations in the standard
list `metaData.externalReferences`: an entry whose `id` is one of the ANNOTATIONS below and whose
`reference` is a JSON pointer to the element it is about (`#/medicalActions/0/adverseEvents/0`):
  EMKG-QUOTE        description = a verbatim quote supporting that element (one entry per quote)
  EMKG-GRADE        description = "grade 2 emkg:ASTCT2019" (or "grade 1-2 emkg:CTCAE") for an adverse event
  EMKG-TARGET       description = the PR term of a product's target (#/medicalActions/0/treatment/agent);
                    an EMKG-QUOTE there is the product's own quote (else the action's quotes are used)
  EMKG-SOURCE-TEXT  description = the file name of the publication's text (reference: "#/")
  EMKG-DAY          description = the day of that element counted from the CAR-T infusion (day 0), e.g. "5"
  EMKG-ORDER        description = its position in the patient's history when no day is known, e.g. "2"
                    (without any EMKG-ORDER, facts are ordered by their onset ages)
  EMKG-TIMING       description = the time from an anchor event that is not a curated fact, e.g.
                    "14 emkg:Day after emkg:MrdNegativityEvent" or "about 18 emkg:Month before
                    emkg:TransplantEvent" (the record's `timing`; one entry per timing)
The packet stays valid for every Phenopacket tool; `emkg.phenopacket_export` writes the same form.
"""

from __future__ import annotations

import re
from typing import Any

from loaders.core import Problem
from loaders.ids import slug
from loaders.json_lines import JsonError, load
from loaders.source_map import Conversion, RecordData, SourceMap, Unusable
from loaders.yaml_lines import Path, format_path, nearest_line
from loaders.yaml_record import SCHEMA_ID

# Registered CAR-T products among the verified NCIt terms: name, targets, costimulatory domains.
KNOWN_PRODUCTS = {
    "NCIT:C102758": ("tisagenlecleucel", ["PR:000001002"], ["emkg:FourOneBBDomain"]),
    "NCIT:C120309": ("axicabtagene ciloleucel", ["PR:000001002"], ["emkg:CD28Domain"]),
}
HSCT_CODES = {"NCIT:C46089"}
RADIOTHERAPY = "NCIT:C15313"  # the generic modality "Radiation Therapy", as emkg.phenopacket_export writes it
RESPONSES = {"NCIT:C4870": "emkg:CompleteRemission", "NCIT:C18058": "emkg:PartialRemission"}
SEXES = {"MALE": "emkg:Male", "FEMALE": "emkg:Female"}
QUOTE, GRADE, TARGET, SOURCE_TEXT = "EMKG-QUOTE", "EMKG-GRADE", "EMKG-TARGET", "EMKG-SOURCE-TEXT"
DAY, ORDER, TIMING = "EMKG-DAY", "EMKG-ORDER", "EMKG-TIMING"
ANNOTATIONS = (QUOTE, GRADE, TARGET, SOURCE_TEXT, DAY, ORDER, TIMING)
# Phenopacket's laterality codes (HPO) <-> the record's laterality terms; the codes as in the GA4GH-stewarded
# LinkML value set LateralityEnum (https://linkml.io/valuesets/elements/LateralityEnum) and phenopacket-tools.
LATERALITY = {"HP:0012835": "emkg:Left", "HP:0012834": "emkg:Right", "HP:0012832": "emkg:Bilateral"}
METADATA_KEYS = {"externalReferences", "created", "createdBy", "submittedBy", "resources", "updates",
                 "phenopacketSchemaVersion"}  # the rest is about the file, not the case
_CAR_T = re.compile(r"\bCAR[- ]?T\b|chimeric antigen receptor", re.IGNORECASE)
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_TIMING = re.compile(r"^\s*(about\s+)?([0-9.]+)\s+(emkg:\w+)\s+(after|before)\s+(emkg:\w+)\s*$", re.IGNORECASE)
_GRADE = re.compile(r"^\s*grade\s+(\d)(?:\s*-\s*(\d))?\s+(\S+)\s*$", re.IGNORECASE)
_PARSE_AT = re.compile(r'at "?Phenopacket\.?([A-Za-z0-9_\[\].]*)')
_UNKNOWN_FIELD = re.compile(r'has no field named "([^"]+)"')


def convert(text: str, file_name: str) -> Conversion:
    try:
        data, lines = load(text)
    except JsonError as exc:
        raise Unusable(f"{file_name}:{exc.line or '?'}: {exc}") from None
    if not isinstance(data, dict) or not ({"subject", "metaData"} & set(data)):
        raise Unusable(f"{file_name}: not a Phenopacket (a JSON object with subject and metaData)")
    version = (data.get("metaData") or {}).get("phenopacketSchemaVersion") if isinstance(data.get("metaData"),
                                                                                         dict) else None
    if not isinstance(version, str) or version.split(".")[0] != "2":  # v1 and v3 name things differently
        where = lines.get(("metaData", "phenopacketSchemaVersion"), lines.get(("metaData",), "?"))
        raise Unusable(f"{file_name}:{where}: metaData.phenopacketSchemaVersion is {version!r}; only Phenopacket "
                       "schema 2 (e.g. \"2.0\") is read")
    converter = _Converter(file_name, lines)
    converter.check_standard(text)
    return converter.run(data)


def pointer(path: Path) -> str:
    """A JSON path as the JSON pointer an annotation's `reference` uses: ('diseases', 1) -> '#/diseases/1'."""
    return "#/" + "/".join(str(p) for p in path)


class _Converter:
    def __init__(self, file_name: str, lines: dict[Path, int]):
        self.file = file_name
        self.lines = lines
        self.source = SourceMap()
        self.out = Conversion()
        self.facts: list[dict] = []
        self.ages: list[tuple[float, dict]] = []  # (days, fact) for ordering
        self.products: list[dict] = []
        self.patient_id = "subject"
        self.notes: dict[str, dict[str, list[tuple[str, Path]]]] = {}  # pointer -> kind -> [(text, path)]
        self.used: set[Path] = set()  # annotations that were applied
        self.standard_problem: Problem | None = None  # what the official package refused (first only)
        self.explicit_order = False

    def line(self, path: Path) -> int | None:
        return nearest_line(self.lines, path)

    def warn(self, path: Path, message: str) -> None:
        self.out.warnings.append(Problem(self.file, format_path(path), self.line(path), message))

    def problem(self, path: Path, message: str, value: Any = None) -> None:
        self.out.problems.append(Problem(self.file, format_path(path), self.line(path), message, value))

    def check_standard(self, text: str) -> None:
        """The official package must read the file: an unknown field or enum value is refused."""
        from google.protobuf.json_format import Parse, ParseError
        from phenopackets import Phenopacket

        try:
            Parse(text, Phenopacket())
        except ParseError as exc:
            message = str(exc)
            at = _PARSE_AT.search(message)
            path = _json_path(at[1].rstrip(".")) if at else ()
            unknown = _UNKNOWN_FIELD.search(message)
            if unknown:
                path += (unknown[1],)
                why = (f"'{unknown[1]}' is not a field of this Phenopacket element (the official phenopackets "
                       "package refuses it); emkg's quotes and grades go in metaData.externalReferences "
                       "(EMKG-QUOTE, EMKG-GRADE; see `emkg record-format`)")
            else:
                detail = message.rsplit(": ", 1)[-1].split(" at ")[0].strip(". ")
                why = f"not a valid Phenopacket v2 value (official phenopackets package: {detail})"
            self.standard_problem = Problem(self.file, format_path(path), self.line(path), why)

    def only(self, obj: Any, path: Path, known: set[str]) -> dict:
        if not isinstance(obj, dict):
            self.problem(path, "expected a JSON object", obj)
            return {}
        for key in obj:
            if key not in known:
                self.warn(path + (key,), "not mapped to the case record; it is not validated or kept")
        return obj

    def items(self, obj: dict, key: str, path: Path) -> list[tuple[Path, Any]]:
        value = obj.get(key, [])
        if not isinstance(value, list):
            self.problem(path + (key,), "expected a JSON array", value)
            return []
        return [(path + (key, i), item) for i, item in enumerate(value)]

    def annotations(self, path: Path, kind: str) -> list[tuple[str, Path]]:
        found = self.notes.get(pointer(path), {}).get(kind, [])
        self.used.update(p for _, p in found)
        return found

    def fact(self, kind: str, json_path: Path, fields: dict[str, tuple[Any, Path]], quote_from: Path,
             obj: dict, time: tuple[Any, Path] | None = None) -> dict:
        """Add a fact; `fields` maps record field -> (value, JSON path it came from)."""
        index = len(self.facts)
        record_path = ("patients", 0, "facts", index)
        fact: dict[str, Any] = {"id": f"{kind}-{index + 1}", "type": kind}
        self.source.put(record_path, format_path(json_path), self.line(json_path))
        for name, (value, path) in fields.items():
            if value is not None:
                fact[name] = value
            self.source.put(record_path + (name,), format_path(path), self.line(path))
        quotes = self.quotes(obj, quote_from, record_path + ("quote",))
        if quotes:
            fact["quote"] = quotes
        for kind, name in ((DAY, "day"), (ORDER, "order")):
            for text, note_path in self.annotations(json_path, kind)[:1]:
                try:
                    fact[name] = int(text.strip())
                except ValueError:
                    self.problem(note_path, f"an {kind} annotation is a whole number", text)
                self.source.put(record_path + (name,), format_path(note_path), self.line(note_path))
                self.explicit_order = self.explicit_order or kind == ORDER
        for i, (text, note_path) in enumerate(self.annotations(json_path, TIMING)):
            self.timing(text, note_path, fact, record_path + ("timing", i))
        if time is not None:
            self.time(time[0], time[1], fact)
        self.facts.append(fact)
        return fact

    def timing(self, text: str, note_path: Path, fact: dict, record_path: Path) -> None:
        match = _TIMING.match(text)
        if not match:
            self.problem(note_path, "an EMKG-TIMING annotation reads 'N emkg:Unit after|before emkg:AnchorEvent', "
                         "e.g. '14 emkg:Day after emkg:MrdNegativityEvent'", text)
            return
        about, value, unit, direction, anchor = match.groups()
        timing: dict[str, Any] = {"from_event": anchor, "after": {"value": value, "unit": unit}}
        if direction.lower() == "before":
            timing["before"] = True
        if about:
            timing["approximate"] = True
        fact.setdefault("timing", []).append(timing)
        where, line = format_path(note_path), self.line(note_path)
        self.source.put(record_path, where, line)
        for key in ("from_event", "after", "before", "approximate"):
            self.source.put(record_path + (key,), where, line)
        for key in ("value", "unit"):
            self.source.put(record_path + ("after", key), where, line)

    def quotes(self, obj: dict, path: Path, record_path: Path) -> list[str] | None:
        """The quotes of the element at `path`: EMKG-QUOTE annotations, then evidence descriptions. Each
        quote's record path maps back to the annotation (field and line) it came from."""
        found: list[tuple[str, Path]] = list(self.annotations(path, QUOTE))
        for i, evidence in enumerate(obj.get("evidence", []) if isinstance(obj.get("evidence"), list) else []):
            description = (evidence.get("reference") or {}).get("description") if isinstance(evidence, dict) else None
            if isinstance(description, str):
                found.append((description, path + ("evidence", i, "reference", "description")))
            else:
                self.warn(path + ("evidence", i), "evidence without reference.description gives no quote")
        where = found[0][1] if found else path
        self.source.put(record_path, format_path(where) if found else f"{pointer(path)} (no EMKG-QUOTE)",
                        self.line(where))
        for i, (_, quote_path) in enumerate(found):
            self.source.put(record_path + (i,), format_path(quote_path), self.line(quote_path))
        return [text for text, _ in found] or None

    def time(self, element: Any, path: Path, fact: dict) -> None:
        if not isinstance(element, dict):
            return
        if "timestamp" in element:
            self.problem(path + ("timestamp",), "exact dates are not kept (privacy); give the age "
                         "(age.iso8601duration) instead", element["timestamp"])
            return
        duration = (element.get("age") or {}).get("iso8601duration") if isinstance(element.get("age"), dict) else None
        days = _days(duration)
        if days is None:
            self.warn(path, "only age.iso8601duration (e.g. P12Y3M) is used to order facts")
        else:
            self.ages.append((days, fact))

    # -- the packet -----------------------------------------------------------------------------------
    def run(self, data: dict) -> Conversion:
        self.only(data, (), {"id", "subject", "phenotypicFeatures", "measurements", "diseases", "medicalActions",
                             "metaData"})
        publication = self.publication(data.get("metaData"))
        self.subject(data.get("subject"), data.get("id"))
        for path, disease in self.items(data, "diseases", ()):
            self.disease(self.only(disease, path, {"term", "excluded", "onset", "primarySite", "laterality"}), path)
        for path, feature in self.items(data, "phenotypicFeatures", ()):
            self.feature(self.only(feature, path, {"type", "excluded", "onset", "description", "evidence"}), path)
        for path, measurement in self.items(data, "measurements", ()):
            self.measurement(self.only(measurement, path, {"assay", "value", "description", "timeObserved"}), path)
        for path, action in self.items(data, "medicalActions", ()):
            self.action(self.only(action, path, {"treatment", "procedure", "radiationTherapy", "adverseEvents",
                                                 "responseToTreatment"}), path)
        for rank, (_, fact) in enumerate(sorted(self.ages, key=lambda pair: pair[0]), 1):
            if not self.explicit_order:
                fact["order"] = rank
        for pointer_, kinds in self.notes.items():
            for kind, found in kinds.items():
                for _, path in found:
                    if path not in self.used:
                        self.warn(path, f"{kind} annotation of {pointer_}: no mapped element there; not kept")
        # Each problem once: the official package's refusal unless the mapping names the same field, and
        # no "not mapped" warning for a field that is refused.
        refused = {p.path for p in self.out.problems}
        if self.standard_problem and self.standard_problem.path not in refused:
            self.out.problems.insert(0, self.standard_problem)
            refused.add(self.standard_problem.path)
        self.out.warnings = [w for w in self.out.warnings if w.path not in refused]
        patient = {"id": self.patient_id, "label": f"subject {self.patient_id}", "facts": self.facts}
        record = {"schema": SCHEMA_ID, "publication": publication, "products": self.products, "patients": [patient]}
        self.out.records.append(RecordData(record, self.source))
        return self.out

    def publication(self, meta: Any) -> dict:
        path = ("metaData",)
        meta = self.only(meta if meta is not None else {}, path, METADATA_KEYS)
        refs = []
        for ref_path, ref in self.items(meta, "externalReferences", path):
            ref = self.only(ref, ref_path, {"id", "reference", "description"})
            if ref.get("id") in ANNOTATIONS:
                self.note(ref, ref_path)
            else:
                refs.append((ref_path, ref))
        self.source.put(("publication",), "metaData.externalReferences", self.line(path))
        if not refs:
            self.problem(path + ("externalReferences",), "a case needs its source: add metaData.externalReferences "
                         "with the publication's id (PMID:..., DOI:... or your own id) and a quote as its description")
            return {"id": "unknown-publication"}
        for extra, _ in refs[1:]:
            self.warn(extra, "only the first external reference is taken as the case's publication")
        ref_path, ref = refs[0]
        ref_id = str(ref.get("id", ""))
        prefix, _, local = ref_id.partition(":")
        pub: dict[str, Any] = {"id": slug(ref_id) or "unknown-publication", "label": ref_id or None,
                               "design": "emkg:CaseReport", "quote": ref.get("description")}
        if prefix.upper() in ("PMID", "PUBMED"):
            pub["pmid"] = local
        elif prefix.upper() == "DOI":
            pub["doi"] = local
        source_texts = self.annotations((), SOURCE_TEXT)
        if source_texts:
            pub["source_text"] = source_texts[0][0]
            self.source.put(("publication", "source_text"), format_path(source_texts[0][1]),
                            self.line(source_texts[0][1]))
        for name, key in (("id", "id"), ("label", "id"), ("pmid", "id"), ("doi", "id"), ("quote", "description"),
                          ("design", "id")):
            self.source.put(("publication", name), format_path(ref_path + (key,)), self.line(ref_path + (key,)))
        return {k: v for k, v in pub.items() if v is not None}

    def note(self, ref: dict, path: Path) -> None:
        target, text = ref.get("reference"), ref.get("description")
        if not isinstance(target, str) or not target.startswith("#"):
            self.problem(path + ("reference",), f"an {ref['id']} annotation's reference is a JSON pointer to the "
                         "element it is about, e.g. #/diseases/0", target)
            return
        if not isinstance(text, str) or not text.strip():
            self.problem(path + ("description",), f"an {ref['id']} annotation needs its text in description", text)
            return
        target = "#/" + target.lstrip("#/") if target not in ("#", "#/") else "#/"
        self.notes.setdefault(target, {}).setdefault(ref["id"], []).append((text, path + ("description",)))

    def subject(self, subject: Any, packet_id: Any) -> None:
        path = ("subject",)
        subject = self.only(subject if subject is not None else {}, path,
                            {"id", "sex", "timeAtLastEncounter", "dateOfBirth"})
        self.patient_id = slug(str(subject.get("id") or packet_id or ""), keep_case=True) or "subject"
        self.source.put(("patients", 0), "subject.id", self.line(path + ("id",)))
        self.source.put(("patients", 0, "id"), "subject.id", self.line(path + ("id",)))
        if "dateOfBirth" in subject:
            self.problem(path + ("dateOfBirth",), "exact dates of birth are not kept (privacy); give the age",
                         subject["dateOfBirth"])
        sex = subject.get("sex")
        age_element = subject.get("timeAtLastEncounter")
        age = None
        if isinstance(age_element, dict) and isinstance(age_element.get("age"), dict):
            days = _days(age_element["age"].get("iso8601duration"))
            age = round(days / 365.25, 1) if days is not None else age_element["age"].get("iso8601duration")
        elif age_element is not None:
            self.warn(path + ("timeAtLastEncounter",), "only age.iso8601duration is read")
        if sex is None and age is None:
            return
        if sex in ("UNKNOWN_SEX", "OTHER_SEX"):
            self.warn(path + ("sex",), f"sex {sex} is not recorded (the record has emkg:Male / emkg:Female)")
        elif sex is not None and sex not in SEXES:
            self.problem(path + ("sex",), "sex is MALE, FEMALE, OTHER_SEX or UNKNOWN_SEX", sex)
        self.fact("demographics", path, {
            "sex": (SEXES.get(sex), path + ("sex",)),
            "age_years": (age, path + ("timeAtLastEncounter", "age", "iso8601duration")),
        }, path, subject)

    def disease(self, disease: dict, path: Path) -> None:
        term = _term_id(disease.get("term"))
        site = _term_id(disease.get("primarySite"))
        present = False if disease.get("excluded") is True else None
        if site is not None:
            fact = self.fact("relapse", path, {"sites": ([site], path + ("primarySite", "id")),
                                               "present": (present, path + ("excluded",))},
                             path, disease, (disease.get("onset"), path + ("onset",)))
            side = _term_id(disease.get("laterality"))
            if side is not None:
                laterality_path = path + ("laterality", "id")
                record_path = ("patients", 0, "facts", self.facts.index(fact), "site_details")
                fact["site_details"] = {"site": site, "laterality": LATERALITY.get(side, side)}
                self.source.put(record_path, format_path(laterality_path), self.line(laterality_path))
                self.source.put(record_path + ("laterality",), format_path(laterality_path), self.line(laterality_path))
                self.source.put(record_path + ("site",), format_path(path + ("primarySite", "id")),
                                self.line(path + ("primarySite", "id")))
                if side not in LATERALITY:
                    self.problem(laterality_path, "laterality is HP:0012835 (left), HP:0012834 (right) or "
                                 "HP:0012832 (bilateral)", side)
        else:  # a diagnosis; a laterality is warned about, the diagnosis is still kept
            if disease.get("laterality") is not None:
                self.warn(path + ("laterality",), "laterality is kept for a relapse (a disease with primarySite) only")
            self.fact("diagnosis", path, {"disease": ([term] if term else None, path + ("term", "id")),
                                          "present": (present, path + ("excluded",))},
                      path, disease, (disease.get("onset"), path + ("onset",)))

    def feature(self, feature: dict, path: Path) -> None:
        term = feature.get("type") if isinstance(feature.get("type"), dict) else {}
        self.fact("observation", path, {
            "finding": (term.get("label") or term.get("id"), path + ("type",)),
            "present": (False if feature.get("excluded") is True else None, path + ("excluded",)),
            "note": (feature.get("description"), path + ("description",)),
        }, path, feature, (feature.get("onset"), path + ("onset",)))

    def measurement(self, measurement: dict, path: Path) -> None:
        value = measurement.get("value") if isinstance(measurement.get("value"), dict) else {}
        for key in value:
            if key != "quantity":
                self.warn(path + ("value", key), "only value.quantity is mapped")
        quantity = value.get("quantity") if isinstance(value.get("quantity"), dict) else {}
        qpath = path + ("value", "quantity")
        for key in quantity:
            if key not in ("value", "unit"):
                self.warn(qpath + (key,), "not mapped to the case record; it is not validated or kept")
        self.fact("measurement", path, {
            "analyte": (_term_id(measurement.get("assay")), path + ("assay", "id")),
            "value": (quantity.get("value"), qpath + ("value",)),
            "unit": (_term_id(quantity.get("unit")), qpath + ("unit", "id")),
            "finding": (measurement.get("description"), path + ("description",)),
        }, path, measurement, (measurement.get("timeObserved"), path + ("timeObserved",)))

    def action(self, action: dict, path: Path) -> None:
        infusion = None
        if "treatment" in action:
            infusion = self.treatment(action, path + ("treatment",))
        if "procedure" in action:
            self.procedure(action, path + ("procedure",))
        if "radiationTherapy" in action:
            rpath = path + ("radiationTherapy",)
            rt = self.only(action["radiationTherapy"], rpath, {"modality", "bodySite"})
            if _term_id(rt.get("modality")) not in (None, RADIOTHERAPY):  # a specific modality is not kept
                self.warn(rpath + ("modality",), f"only the generic modality {RADIOTHERAPY} (what emkg:Radiotherapy "
                                                 "says) is mapped; this one is not kept")
            site = _term_id(rt.get("bodySite"))
            self.fact("therapy", rpath, {
                "category": ("emkg:Radiotherapy", rpath),
                "sites": ([site] if site else None, rpath + ("bodySite", "id")),
            }, path, action)
        for event_path, event in self.items(action, "adverseEvents", path):
            event = self.only(event, event_path, {"id", "label"})
            grade = grade_max = system = None
            grades = self.annotations(event_path, GRADE)
            if grades:
                text, grade_path = grades[0]
                match = _GRADE.match(text)
                if match:
                    grade, grade_max, system = int(match[1]), int(match[2]) if match[2] else None, match[3]
                else:
                    self.problem(grade_path, "an EMKG-GRADE annotation reads 'grade N SYSTEM' or 'grade N-M SYSTEM', "
                                 "e.g. 'grade 2 emkg:ASTCT2019'", text)
            grade_at = grades[0][1] if grades else event_path
            self.fact("toxicity", event_path, {
                "condition": (event.get("id"), event_path + ("id",)),
                "reported_term": (event.get("label"), event_path + ("label",)),
                "grade": (grade, grade_at), "grade_max": (grade_max, grade_at), "grading_system": (system, grade_at),
            }, event_path, event)
        if "responseToTreatment" in action:
            rpath = path + ("responseToTreatment",)
            response = self.only(action["responseToTreatment"], rpath, {"id", "label"})
            outcome = response.get("id")
            fact = self.fact("response", rpath, {"outcome": (RESPONSES.get(outcome, outcome), rpath + ("id",))},
                             rpath, response)
            if infusion is not None:
                fact["assesses"] = infusion["id"]

    def treatment(self, action: dict, path: Path) -> dict | None:
        treatment = self.only(action["treatment"], path, {"agent", "doseIntervals"})
        agent = treatment.get("agent") if isinstance(treatment.get("agent"), dict) else {}
        agent_id, label = _term_id(agent), agent.get("label") or ""
        dose, dose_path = None, path + ("doseIntervals",)
        intervals = self.items(treatment, "doseIntervals", path)
        if intervals:
            dose_path, interval = intervals[0]
            for extra, _ in intervals[1:]:
                self.warn(extra, "only the first dose interval is mapped (the total CAR-T dose)")
            if isinstance(interval, dict):
                for key in interval:
                    if key != "quantity":
                        self.warn(dose_path + (key,), "not mapped to the case record; it is not validated or kept")
            quantity = interval.get("quantity") if isinstance(interval, dict) else None
            if isinstance(quantity, dict):
                dose = {k: v for k, v in (("value", quantity.get("value")), ("unit", _term_id(quantity.get("unit"))))
                        if v is not None}
                dose_path += ("quantity",)
        action_path = path[:-1]
        if agent_id in KNOWN_PRODUCTS or _CAR_T.search(label):
            name, targets, domains = KNOWN_PRODUCTS.get(agent_id, (label, None, None))
            product_id = slug(name) or "car-t"
            product_path = ("products", len(self.products))
            # The product's own quotes annotate the agent; without them the action's quotes support it.
            quote_from = path + ("agent",) if self.notes.get(pointer(path + ("agent",)), {}).get(QUOTE) else action_path
            product = {"id": product_id, "name": name,
                       "quote": self.quotes({}, quote_from, product_path + ("quote",))}
            given_targets = self.annotations(path + ("agent",), TARGET)
            if agent_id in KNOWN_PRODUCTS:
                product |= {"product_class": [agent_id], "targets": targets, "costimulatory_domains": domains}
            if given_targets:
                product["targets"] = [text.strip() for text, _ in given_targets]
            self.products.append({k: v for k, v in product.items() if v is not None})
            for name_ in ("id", "name", "targets", "product_class"):
                self.source.put(product_path + (name_,), format_path(path + ("agent",)), self.line(path + ("agent",)))
            if given_targets:
                self.source.put(product_path + ("targets",), format_path(given_targets[0][1]),
                                self.line(given_targets[0][1]))
            self.source.put(product_path, format_path(path + ("agent",)), self.line(path + ("agent",)))
            return self.fact("car-t-infusion", path, {"product": (product_id, path + ("agent", "id")),
                                                      "dose": (dose, dose_path)}, action_path, {})
        agents = [{"drug": agent_id, **({"dose": dose} if dose else {})}] if agent_id else None
        self.fact("therapy", path, {"category": ("emkg:Therapy", path), "agents": (agents, path + ("agent",))},
                  action_path, action)
        return None

    def procedure(self, action: dict, path: Path) -> None:
        procedure = self.only(action["procedure"], path, {"code", "performed"})
        code = _term_id(procedure.get("code"))
        if code in HSCT_CODES:
            self.fact("hsct", path, {"category": ([code], path + ("code", "id"))}, path[:-1], action,
                      (procedure.get("performed"), path + ("performed",)))
        else:
            self.warn(path + ("code",), "only haematopoietic stem-cell transplantation (NCIT:C46089) is mapped "
                                        "from procedures")


def _json_path(text: str) -> Path:
    """'medicalActions[0].treatment' (the protobuf parser's path) -> ('medicalActions', 0, 'treatment')."""
    out: list[str | int] = []
    for name, index in re.findall(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]", text):
        out.append(int(index) if index else name)
    return tuple(out)


def _term_id(term: Any) -> str | None:
    return term.get("id") if isinstance(term, dict) and isinstance(term.get("id"), str) else None


def _days(duration: Any) -> float | None:
    match = _DURATION.match(duration) if isinstance(duration, str) else None
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return years * 365.25 + months * 30.44 + weeks * 7 + days



__all__ = ["convert", "pointer", "Unusable", "ANNOTATIONS"]
