"""GA4GH Phenopacket v2 JSON (one patient) -> case-record data -> the record loader's triples.

The subset that a CAR-T case needs is mapped into the case-record structure, so validation and RDF
are the same as for a YAML record. Problems name the JSON path (`medicalActions[0].treatment.agent.id`)
and its line in the file (`loaders.json_lines`). Every key that is not mapped is reported as a
warning; nothing is dropped silently.

Mapping (Phenopacket -> case record):
  metaData.externalReferences[0]       publication: id PMID:n -> pmid, DOI:x -> doi; its `description`
                                       is the publication's quote; design emkg:CaseReport
  id / subject.id                      patient id (subject.id) and label
  subject.sex (MALE / FEMALE)          demographics.sex emkg:Male / emkg:Female
  subject.timeAtLastEncounter.age      demographics.age_years (from iso8601duration, e.g. P12Y6M)
  subject.dateOfBirth                  rejected: exact dates are not kept (privacy)
  diseases[] without primarySite       diagnosis (term -> disease)
  diseases[] with primarySite          relapse (sites = primarySite); excluded -> present: false
  phenotypicFeatures[]                 observation (finding = type label); excluded -> present: false;
                                       quotes also from evidence[].reference.description
  measurements[]                       measurement: assay -> analyte, value.quantity -> value + unit,
                                       description -> finding
  medicalActions[].treatment           a CAR-T product (agent id in KNOWN_PRODUCTS, or a label naming
                                       CAR-T) -> products[] + car-t-infusion with dose from
                                       doseIntervals[0].quantity; another agent -> therapy (agents)
  medicalActions[].procedure           HSCT codes (NCIT:C46089 ...) -> hsct
  medicalActions[].radiationTherapy    therapy emkg:Radiotherapy (bodySite, dosage in Gy)
  medicalActions[].adverseEvents[]     toxicity (condition)
  medicalActions[].responseToTreatment response, assessing that action's infusion; NCIT:C4870 ->
                                       emkg:CompleteRemission, NCIT:C18058 -> emkg:PartialRemission
  onset / performed / timeObserved     `age` elements order the facts (`order`); timestamps are
                                       rejected (privacy); other time elements are warnings

Phenopackets have no place for the source's words, grades or grading systems, so three keys are added
(emkg extensions, documented here and in the README): `quote` (text or list) on subject, diseases[],
phenotypicFeatures[], measurements[], medicalActions[], adverseEvents[] and responseToTreatment, and
`grade` / `gradingSystem` on adverseEvents[]. Without quotes a fact fails validation (every fact
needs one).
"""

from __future__ import annotations

import re
from typing import Any

from loaders.json_lines import JsonError, load
from loaders.source_map import Conversion, RecordData, SourceMap, Unusable
from loaders.yaml_lines import Path, format_path
from loaders.yaml_record import SCHEMA_ID, Problem

# Registered CAR-T products among the verified NCIt terms: name, targets, costimulatory domains.
KNOWN_PRODUCTS = {
    "NCIT:C102758": ("tisagenlecleucel", ["PR:000001002"], ["emkg:FourOneBBDomain"]),
    "NCIT:C120309": ("axicabtagene ciloleucel", ["PR:000001002"], ["emkg:CD28Domain"]),
}
HSCT_CODES = {"NCIT:C46089"}
RESPONSES = {"NCIT:C4870": "emkg:CompleteRemission", "NCIT:C18058": "emkg:PartialRemission"}
SEXES = {"MALE": "emkg:Male", "FEMALE": "emkg:Female"}
METADATA_KEYS = {"externalReferences", "created", "createdBy", "submittedBy", "resources", "updates",
                 "phenopacketSchemaVersion"}  # the rest is about the file, not the case
_CAR_T = re.compile(r"\bCAR[- ]?T\b|chimeric antigen receptor", re.IGNORECASE)
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


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
    return _Converter(file_name, lines).run(data)


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

    def line(self, path: Path) -> int | None:
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return None

    def warn(self, path: Path, message: str) -> None:
        self.out.warnings.append(Problem(self.file, format_path(path), self.line(path), message))

    def problem(self, path: Path, message: str, value: Any = None) -> None:
        self.out.problems.append(Problem(self.file, format_path(path), self.line(path), message, value))

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
        quotes = self.quotes(obj, quote_from)
        if quotes:
            fact["quote"] = quotes
        self.source.put(record_path + ("quote",), format_path(quote_from + ("quote",)), self.line(quote_from))
        if time is not None:
            self.time(time[0], time[1], fact)
        self.facts.append(fact)
        return fact

    def quotes(self, obj: dict, path: Path) -> list[str] | None:
        quote = obj.get("quote")
        found = [quote] if isinstance(quote, str) else list(quote) if isinstance(quote, list) else []
        for i, evidence in enumerate(obj.get("evidence", []) if isinstance(obj.get("evidence"), list) else []):
            description = (evidence.get("reference") or {}).get("description") if isinstance(evidence, dict) else None
            if isinstance(description, str):
                found.append(description)
            else:
                self.warn(path + ("evidence", i), "evidence without reference.description gives no quote")
        return found or None

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
            self.disease(self.only(disease, path, {"term", "excluded", "onset", "primarySite", "quote"}), path)
        for path, feature in self.items(data, "phenotypicFeatures", ()):
            self.feature(self.only(feature, path, {"type", "excluded", "onset", "description", "evidence",
                                                   "quote"}), path)
        for path, measurement in self.items(data, "measurements", ()):
            self.measurement(self.only(measurement, path, {"assay", "value", "description", "timeObserved",
                                                           "quote"}), path)
        for path, action in self.items(data, "medicalActions", ()):
            self.action(self.only(action, path, {"treatment", "procedure", "radiationTherapy", "adverseEvents",
                                                 "responseToTreatment", "quote"}), path)
        for rank, (_, fact) in enumerate(sorted(self.ages, key=lambda pair: pair[0]), 1):
            fact["order"] = rank
        patient = {"id": self.patient_id, "label": f"subject {self.patient_id}", "facts": self.facts}
        record = {"schema": SCHEMA_ID, "publication": publication, "products": self.products, "patients": [patient]}
        self.out.records.append(RecordData(record, self.source))
        return self.out

    def publication(self, meta: Any) -> dict:
        path = ("metaData",)
        meta = self.only(meta if meta is not None else {}, path, METADATA_KEYS)
        refs = self.items(meta, "externalReferences", path)
        self.source.put(("publication",), "metaData.externalReferences[0]", self.line(path))
        if not refs:
            self.problem(path + ("externalReferences",), "a case needs its source: add metaData.externalReferences "
                         "with the publication's id (PMID:... or DOI:...) and a quote as its description")
            return {"id": "unknown-publication"}
        for extra, _ in refs[1:]:
            self.warn(extra, "only the first external reference is taken as the case's publication")
        ref_path, ref = refs[0]
        ref = self.only(ref, ref_path, {"id", "reference", "description"})
        ref_id = str(ref.get("id", ""))
        prefix, _, local = ref_id.partition(":")
        pub: dict[str, Any] = {"id": _slug(ref_id) or "unknown-publication", "label": ref_id or None,
                               "design": "emkg:CaseReport", "quote": ref.get("description")}
        if prefix.upper() in ("PMID", "PUBMED"):
            pub["pmid"] = local
        elif prefix.upper() == "DOI":
            pub["doi"] = local
        else:
            self.problem(ref_path + ("id",), "the publication id is PMID:<number> or DOI:<doi>", ref_id)
        for name, key in (("id", "id"), ("label", "id"), ("pmid", "id"), ("doi", "id"), ("quote", "description"),
                          ("design", "id")):
            self.source.put(("publication", name), format_path(ref_path + (key,)), self.line(ref_path + (key,)))
        return {k: v for k, v in pub.items() if v is not None}

    def subject(self, subject: Any, packet_id: Any) -> None:
        path = ("subject",)
        subject = self.only(subject if subject is not None else {}, path,
                            {"id", "sex", "timeAtLastEncounter", "dateOfBirth", "quote"})
        self.patient_id = _slug(str(subject.get("id") or packet_id or ""), keep_case=True) or "subject"
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
        if sex is not None and sex not in SEXES:
            self.warn(path + ("sex",), f"sex {sex!r} is not recorded (only MALE / FEMALE map to the record)")
        self.fact("demographics", path, {
            "sex": (SEXES.get(sex), path + ("sex",)),
            "age_years": (age, path + ("timeAtLastEncounter", "age", "iso8601duration")),
        }, path, subject)

    def disease(self, disease: dict, path: Path) -> None:
        term = _term_id(disease.get("term"))
        site = _term_id(disease.get("primarySite"))
        present = False if disease.get("excluded") is True else None
        if site is not None:
            self.fact("relapse", path, {"sites": ([site], path + ("primarySite", "id")),
                                        "present": (present, path + ("excluded",))},
                      path, disease, (disease.get("onset"), path + ("onset",)))
        else:
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
            rt = self.only(action["radiationTherapy"], path + ("radiationTherapy",),
                           {"modality", "bodySite", "dosage", "fractions"})
            rpath = path + ("radiationTherapy",)
            self.fact("therapy", rpath, {
                "category": ("emkg:Radiotherapy", rpath),
                "sites": ([_term_id(rt.get("bodySite"))] if _term_id(rt.get("bodySite")) else None,
                          rpath + ("bodySite", "id")),
            }, path, action)
        for event_path, event in self.items(action, "adverseEvents", path):
            event = self.only(event, event_path, {"id", "label", "quote", "grade", "gradingSystem"})
            self.fact("toxicity", event_path, {
                "condition": (event.get("id"), event_path + ("id",)),
                "reported_term": (event.get("label"), event_path + ("label",)),
                "grade": (event.get("grade"), event_path + ("grade",)),
                "grading_system": (event.get("gradingSystem"), event_path + ("gradingSystem",)),
            }, event_path, event)
        if "responseToTreatment" in action:
            rpath = path + ("responseToTreatment",)
            response = self.only(action["responseToTreatment"], rpath, {"id", "label", "quote"})
            outcome = response.get("id")
            fact = self.fact("response", rpath, {"outcome": (RESPONSES.get(outcome, outcome), rpath + ("id",))},
                             rpath, response)
            if infusion is not None:
                fact["assesses"] = infusion["id"]

    def treatment(self, action: dict, path: Path) -> dict | None:
        treatment = self.only(action["treatment"], path, {"agent", "doseIntervals", "routeOfAdministration"})
        agent = treatment.get("agent") if isinstance(treatment.get("agent"), dict) else {}
        agent_id, label = _term_id(agent), agent.get("label") or ""
        dose, dose_path = None, path + ("doseIntervals",)
        intervals = self.items(treatment, "doseIntervals", path)
        if intervals:
            dose_path, interval = intervals[0]
            for extra, _ in intervals[1:]:
                self.warn(extra, "only the first dose interval is mapped (the total CAR-T dose)")
            quantity = interval.get("quantity") if isinstance(interval, dict) else None
            if isinstance(quantity, dict):
                dose = {k: v for k, v in (("value", quantity.get("value")), ("unit", _term_id(quantity.get("unit"))))
                        if v is not None}
                dose_path += ("quantity",)
        if agent_id in KNOWN_PRODUCTS or _CAR_T.search(label):
            name, targets, domains = KNOWN_PRODUCTS.get(agent_id, (label, None, None))
            product_id = _slug(name) or "car-t"
            product_path = ("products", len(self.products))
            product = {"id": product_id, "name": name, "quote": self.quotes(action, path[:-1])}
            if agent_id in KNOWN_PRODUCTS:
                product |= {"product_class": [agent_id], "targets": targets, "costimulatory_domains": domains}
            self.products.append({k: v for k, v in product.items() if v is not None})
            for name_ in ("id", "name", "targets", "product_class"):
                self.source.put(product_path + (name_,), format_path(path + ("agent",)), self.line(path + ("agent",)))
            self.source.put(product_path, format_path(path + ("agent",)), self.line(path + ("agent",)))
            self.source.put(product_path + ("quote",), format_path(path[:-1] + ("quote",)), self.line(path[:-1]))
            return self.fact("car-t-infusion", path, {"product": (product_id, path + ("agent", "id")),
                                                      "dose": (dose, dose_path)}, path[:-1], action)
        agents = [{"drug": agent_id, **({"dose": dose} if dose else {})}] if agent_id else None
        self.fact("therapy", path, {"category": ("emkg:Therapy", path), "agents": (agents, path + ("agent",))},
                  path[:-1], action)
        return None

    def procedure(self, action: dict, path: Path) -> None:
        procedure = self.only(action["procedure"], path, {"code", "bodySite", "performed"})
        code = _term_id(procedure.get("code"))
        if code in HSCT_CODES:
            self.fact("hsct", path, {"category": ([code], path + ("code", "id"))}, path[:-1], action,
                      (procedure.get("performed"), path + ("performed",)))
        else:
            self.warn(path + ("code",), "only haematopoietic stem-cell transplantation (NCIT:C46089) is mapped "
                                        "from procedures")


def _term_id(term: Any) -> str | None:
    return term.get("id") if isinstance(term, dict) and isinstance(term.get("id"), str) else None


def _days(duration: Any) -> float | None:
    match = _DURATION.match(duration) if isinstance(duration, str) else None
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return years * 365.25 + months * 30.44 + weeks * 7 + days


def _slug(text: str, keep_case: bool = False) -> str:
    text = text if keep_case else text.lower()
    return "-".join("".join(ch if ch.isascii() and ch.isalnum() else " " for ch in text).split())


__all__ = ["convert", "Unusable"]
