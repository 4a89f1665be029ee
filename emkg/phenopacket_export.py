"""The built graph -> one GA4GH Phenopacket v2 JSON file per patient.

The same mapping as the import (loaders.phenopacket), in reverse: demographics -> subject, diagnosis
and relapses -> diseases (a relapse with its site as primarySite, one disease per site), CAR-T infusions
-> medicalActions[].treatment (a registered product by its NCIt class, another by its name; its targets
as EMKG-TARGET), toxicities -> adverseEvents of the infusion's action (grade and grading system as
EMKG-GRADE), responses -> responseToTreatment, HSCT -> procedure, radiotherapy -> radiationTherapy,
measurements -> measurements. Quotes, days and order go in metaData.externalReferences as the import's
annotations (EMKG-QUOTE, EMKG-DAY, EMKG-ORDER), so the file holds only standard fields and reads back as
the same case. Every packet is checked with the official `phenopackets` package before it is written.
Not exported (a Phenopacket has no place for them): facts of other kinds (assessments, follow-up,
genetic findings, observations, therapies other than radiotherapy), a toxicity stated absent (an adverse
event has no "excluded" flag), a measured range (lowValue/highValue), a relapse's marrow involvement, a
product's construct beyond its targets, cohorts.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, URIRef

from emkg.namespaces import EMKG, compact, expand
from loaders.phenopacket import (
    DAY,
    GRADE,
    HSCT_CODES,
    KNOWN_PRODUCTS,
    LATERALITY,
    ORDER,
    QUOTE,
    RESPONSES,
    SEXES,
    SOURCE_TEXT,
    TIMING,
)
from loaders.phenopacket import TARGET as TARGET_NOTE

SCHEMA_VERSION = "2.0"
_SEX = {v: k for k, v in SEXES.items()}
_RESPONSE = {v: k for k, v in RESPONSES.items()}


def _p(curie: str) -> URIRef:
    return URIRef(expand(curie))


def export_phenopackets(graph: Graph, out_dir: Path) -> list[Path]:
    """Write `<publication>--<patient>.phenopacket.json` for every patient of `graph`; returns the files."""
    from google.protobuf.json_format import Parse
    from phenopackets import Phenopacket

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    from emkg import progress

    for patient in progress.track(sorted(graph.subjects(RDF.type, _p("emkg:Patient"))), "writing Phenopackets"):
        packet = _Packet(graph, patient).build()
        text = json.dumps(packet, indent=2, ensure_ascii=False) + "\n"
        Parse(text, Phenopacket())  # the official package must read what we write
        pub_slug, patient_slug = str(patient).removeprefix(f"{EMKG}case/").split("/", 1)
        target = out_dir / f"{pub_slug}--{patient_slug}.phenopacket.json"
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


class _Packet:
    def __init__(self, graph: Graph, patient: URIRef):
        self.g = graph
        self.patient = patient
        self.refs: list[dict] = []

    def one(self, node, curie: str):
        return self.g.value(node, _p(curie))

    def all(self, node, curie: str) -> list:
        return sorted(self.g.objects(node, _p(curie)))

    def facts(self, cls: str) -> list[URIRef]:
        facts = [f for f in self.g.subjects(_p("emkg:aboutPatient"), self.patient) if (f, RDF.type, _p(cls)) in self.g]
        return sorted(facts)

    def annotate(self, pointer: str, fact: URIRef) -> None:
        """The fact's quotes, day and order as annotations of the element at `pointer`."""
        for quote in sorted(self.g.objects(fact, _p("emkg:hasEvidence"))):
            exact = self.one(quote, "oa:exact")
            if exact is not None:
                self.refs.append({"id": QUOTE, "reference": pointer, "description": str(exact)})
        for kind, curie in ((DAY, "emkg:dayOffset"), (ORDER, "emkg:sequenceNumber")):
            value = self.one(fact, curie)
            if value is not None:
                self.refs.append({"id": kind, "reference": pointer, "description": str(value)})
        for timing in self.all(fact, "emkg:hasTiming"):
            anchor, after = self.one(timing, "emkg:anchorEvent"), self.one(timing, "emkg:timeFromAnchor")
            value, unit = (self.one(after, "emkg:value"), self.one(after, "emkg:unit")) if after else (None, None)
            if anchor is None or value is None or unit is None:
                continue  # a timing from another fact, or a range, has no annotation form yet
            about = "about " if self.one(timing, "emkg:approximate") == Literal(True) else ""
            direction = "before" if self.one(timing, "emkg:beforeAnchor") == Literal(True) else "after"
            self.refs.append({"id": TIMING, "reference": pointer, "description":
                              f"{about}{value} {compact(str(unit))} {direction} {compact(str(anchor))}"})

    def build(self) -> dict:
        pub = self.one(self.patient, "emkg:reportedIn")
        local = str(self.patient).rsplit("/", 1)[-1]
        packet: dict = {"id": f"{str(pub).rsplit('/', 1)[-1]}-{local}", "subject": {"id": local}}
        for demo in self.facts("emkg:Demographics")[:1]:
            sex, age = self.one(demo, "emkg:sex"), self.one(demo, "emkg:ageYears")
            if sex is not None and compact(str(sex)) in _SEX:
                packet["subject"]["sex"] = _SEX[compact(str(sex))]
            if age is not None:
                packet["subject"]["timeAtLastEncounter"] = {"age": {"iso8601duration": _duration(float(age))}}
            self.annotate("#/subject", demo)
        diseases, actions, measurements = [], [], []
        for dx in self.facts("emkg:Diagnosis"):
            for term in self.all(dx, "emkg:disease")[:1]:
                disease = {"term": self.term(term)}
                if self.one(dx, "emkg:present") == Literal(False):
                    disease["excluded"] = True
                self.annotate(f"#/diseases/{len(diseases)}", dx)
                diseases.append(disease)
        for relapse in self.facts("emkg:Relapse"):
            for site in self.all(relapse, "emkg:hasSite")[:1]:
                diagnosed = [d for dx in self.facts("emkg:Diagnosis") for d in self.all(dx, "emkg:disease")]
                disease = {"term": self.term(diagnosed[0] if diagnosed else _p("MONDO:0020511")),
                           "primarySite": self.term(site)}
                side = self.laterality(relapse, site)
                if side is not None:
                    disease["laterality"] = side
                if self.one(relapse, "emkg:present") == Literal(False):
                    disease["excluded"] = True
                self.annotate(f"#/diseases/{len(diseases)}", relapse)
                diseases.append(disease)
        for infusion in self.facts("emkg:CarTInfusion"):
            actions.append(self.infusion(infusion, len(actions)))
        for hsct in self.facts("emkg:HSCT"):
            codes = [compact(str(c)) for c in self.g.objects(hsct, RDF.type) if compact(str(c)) in HSCT_CODES]
            if codes:
                self.annotate(f"#/medicalActions/{len(actions)}", hsct)
                actions.append({"procedure": {"code": {"id": codes[0], "label": self.label(_p(codes[0]))}}})
        for therapy in self.facts("emkg:Radiotherapy"):
            rt = {"modality": {"id": "NCIT:C15313", "label": "Radiation Therapy"}}
            sites = self.all(therapy, "emkg:hasSite")
            if sites:
                rt["bodySite"] = self.term(sites[0])
            self.annotate(f"#/medicalActions/{len(actions)}", therapy)
            actions.append({"radiationTherapy": rt})
        for measurement in self.facts("emkg:Measurement"):
            measurements.append(self.measurement(measurement, len(measurements)))
        for key, value in (("diseases", diseases), ("medicalActions", actions), ("measurements", measurements)):
            if value:
                packet[key] = value
        packet["metaData"] = self.meta(pub)
        return packet

    def laterality(self, relapse: URIRef, site) -> dict | None:
        """The Phenopacket laterality of a relapse site, from the relapse's site_details."""
        codes = {term: code for code, term in LATERALITY.items()}
        for detail in self.all(relapse, "emkg:hasSiteInvolvement"):
            side = self.one(detail, "emkg:laterality")
            if self.one(detail, "emkg:hasSite") == site and side is not None and compact(str(side)) in codes:
                return {"id": codes[compact(str(side))], "label": compact(str(side)).split(":")[1]}
        return None

    def infusion(self, infusion: URIRef, index: int) -> dict:
        pointer = f"#/medicalActions/{index}"
        product = self.one(infusion, "emkg:usesProduct")
        classes = [compact(str(c)) for c in self.g.objects(product, RDF.type) if compact(str(c)) in KNOWN_PRODUCTS]
        name = str(self.one(product, "rdfs:label") or "CAR-T")
        # An unregistered product has no ontology class: its own IRI names it, its label says CAR-T.
        agent = {"id": classes[0], "label": name} if classes else {
            "id": compact(str(product)), "label": name if _mentions_car_t(name) else f"{name} (CAR-T)"}
        treatment: dict = {"agent": agent}
        for quote in sorted(self.g.objects(product, _p("emkg:hasEvidence"))):
            self.refs.append({"id": QUOTE, "reference": f"{pointer}/treatment/agent",
                              "description": str(self.one(quote, "oa:exact"))})
        if not classes:
            for target in self.all(product, "emkg:targetsAntigen"):
                self.refs.append({"id": TARGET_NOTE, "reference": f"{pointer}/treatment/agent",
                                  "description": compact(str(target))})
        dose = self.one(infusion, "emkg:hasDose")
        if dose is not None and self.one(dose, "emkg:value") is not None:
            quantity: dict = {"value": float(self.one(dose, "emkg:value"))}
            unit = self.one(dose, "emkg:unit")
            if unit is not None:
                quantity["unit"] = self.term(unit)
            treatment["doseIntervals"] = [{"quantity": quantity}]
        self.annotate(pointer, infusion)
        action: dict = {"treatment": treatment}
        # A toxicity stated absent stays out: an adverse event has no "excluded" flag, so it would read as present.
        events = [t for t in self.facts("emkg:AdverseEvent")
                  if self._anchor(t) == infusion and self.one(t, "emkg:present") != Literal(False)]
        if events:
            action["adverseEvents"] = []
            for i, event in enumerate(events):
                condition = self.one(event, "emkg:condition")
                term = self.term(condition)
                reported = self.one(event, "emkg:reportedTerm")
                if reported is not None:
                    term["label"] = str(reported)
                action["adverseEvents"].append(term)
                event_pointer = f"{pointer}/adverseEvents/{i}"
                grade, top, system = (self.one(event, c) for c in ("emkg:grade", "emkg:gradeMax", "emkg:gradingSystem"))
                if grade is not None and system is not None:
                    span = f"{grade}-{top}" if top is not None else f"{grade}"
                    self.refs.append({"id": GRADE, "reference": event_pointer,
                                      "description": f"grade {span} {compact(str(system))}"})
                self.annotate(event_pointer, event)
        responses = [r for r in self.facts("emkg:ResponseAssessment") if self._anchor(r) == infusion]
        for response in responses[:1]:
            outcome = compact(str(self.one(response, "emkg:outcome")))
            action["responseToTreatment"] = {"id": _RESPONSE.get(outcome, outcome), "label": self.label(
                _p(outcome))}
            self.annotate(f"{pointer}/responseToTreatment", response)
        return action

    def _anchor(self, fact: URIRef) -> URIRef | None:
        return self.one(fact, "emkg:assessesTherapy") or self.one(fact, "emkg:relativeToInfusion") or (
            self.facts("emkg:CarTInfusion") or [None])[0]

    def measurement(self, fact: URIRef, index: int) -> dict:
        out: dict = {"assay": self.term(self.one(fact, "emkg:analyte"))}
        value, unit = self.one(fact, "emkg:value"), self.one(fact, "emkg:unit")
        if value is not None:
            out["value"] = {"quantity": {"value": float(value)}}
            if unit is not None:
                out["value"]["quantity"]["unit"] = self.term(unit)
        finding = self.one(fact, "emkg:finding")
        if finding is not None:
            out["description"] = str(finding)
        self.annotate(f"#/measurements/{index}", fact)
        return out

    def meta(self, pub: URIRef) -> dict:
        pmid, doi = self.one(pub, "emkg:pmid"), self.one(pub, "emkg:doi")
        ref_id = f"PMID:{pmid}" if pmid else f"DOI:{doi}" if doi else str(pub).rsplit("/", 1)[-1]
        reference: dict = {"id": ref_id}
        quotes = [str(self.one(q, "oa:exact")) for q in sorted(self.g.objects(pub, _p("emkg:hasEvidence")))]
        if quotes:
            reference["description"] = quotes[0]
        source = self.one(pub, "emkg:sourceTextFile")
        refs = [reference] + self.refs
        if source is not None:
            refs.append({"id": SOURCE_TEXT, "reference": "#/", "description": str(source)})
        created = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return {"created": created, "createdBy": "emkg export", "phenopacketSchemaVersion": SCHEMA_VERSION,
                "resources": [], "externalReferences": refs}

    def term(self, node) -> dict:
        return {"id": compact(str(node)), "label": self.label(node)}

    def label(self, node) -> str:
        label = self.g.value(node, RDFS.label)
        return str(label) if label is not None else compact(str(node))


def _duration(years: float) -> str:
    whole = int(years)
    months = round((years - whole) * 12)
    return f"P{whole}Y{months}M" if months else f"P{whole}Y"


def _mentions_car_t(name: str) -> bool:
    return re.search(r"\bCAR[- ]?T\b|chimeric antigen receptor", name, re.IGNORECASE) is not None
