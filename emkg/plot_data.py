"""The data behind `emkg plot`: patient courses on one time axis, and the studies' reported survival estimates.

Read from the built store with SPARQL (internal queries: they shape data for drawing, they are not
researcher questions). Days follow the record format: a fact's day counts from the infusion it names
(or the patient's only infusion). Day 0 of a patient's lane is the first CAR-T infusion; a later
infusion whose interval from an earlier one is not reported cannot be placed on that axis, so it starts
a lane of its own ("P1, CAR-T 2"). Facts with no day, or anchored to nothing placeable, are kept as
`undated` events (drawn as a note, never at an invented time). A window (day_min..day_max) is drawn at
its middle with its range.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pyoxigraph as ox

from emkg import store
from emkg.namespaces import compact

EMKG = "https://w3id.org/emkg/"
DAYS_PER_UNIT = {EMKG + "Day": 1.0, EMKG + "Week": 7.0, EMKG + "Month": 365.25 / 12, EMKG + "Year": 365.25}
KINDS = {EMKG + "CarTInfusion": "infusion", EMKG + "ResponseAssessment": "response", EMKG + "Relapse": "relapse",
         EMKG + "HSCT": "transplant", EMKG + "FollowUp": "follow-up"}

PATIENT_FACTS = """PREFIX emkg: <https://w3id.org/emkg/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?publication ?patient ?patient_label ?fact ?kind ?anchor ?day ?day_min ?day_max ?number
       ?outcome ?site_label ?present ?status ?since ?duration ?duration_unit ?product_label
WHERE {
  ?patient a emkg:Patient ; emkg:reportedIn ?publication .
  FILTER(!BOUND(?only_publication) || ?publication = ?only_publication)
  FILTER(!BOUND(?only_site) || EXISTS { ?filter_relapse a emkg:Relapse ; emkg:aboutPatient ?patient ;
                                                        emkg:hasSite ?filter_site .
                                        ?filter_site rdfs:subClassOf* ?only_site })
  FILTER(!BOUND(?only_product) || EXISTS { ?filter_infusion a emkg:CarTInfusion ; emkg:aboutPatient ?patient ;
                                                            emkg:usesProduct ?only_product })
  OPTIONAL { ?patient emkg:sourceLabel ?patient_label }
  VALUES ?kind { emkg:CarTInfusion emkg:ResponseAssessment emkg:Relapse emkg:HSCT emkg:FollowUp }
  ?fact emkg:aboutPatient ?patient ; a ?kind .
  OPTIONAL { ?fact emkg:relativeToInfusion ?anchor }
  OPTIONAL { ?fact emkg:dayOffset ?day }
  OPTIONAL { ?fact emkg:dayOffsetMin ?day_min }
  OPTIONAL { ?fact emkg:dayOffsetMax ?day_max }
  OPTIONAL { ?fact emkg:infusionNumber ?number }
  OPTIONAL { ?fact emkg:outcome ?outcome }
  OPTIONAL { ?fact emkg:hasSite ?site . OPTIONAL { ?site rdfs:label ?site_label } }
  OPTIONAL { ?fact emkg:present ?present }
  OPTIONAL { ?fact emkg:status ?status }
  OPTIONAL { ?fact emkg:durationSince ?since }
  OPTIONAL { ?fact emkg:duration ?quantity . ?quantity emkg:value ?duration ; emkg:unit ?duration_unit }
  OPTIONAL { ?fact emkg:usesProduct ?product . OPTIONAL { ?product rdfs:label ?product_label } }
}
ORDER BY ?publication ?patient ?fact"""

REPORTED_ESTIMATES = """PREFIX emkg: <https://w3id.org/emkg/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?publication ?finding ?measure ?measure_label ?value ?time ?time_unit WHERE {
  ?finding a emkg:CohortFinding ; emkg:statistic emkg:KaplanMeierEstimate ; emkg:aboutCohort ?cohort ;
           emkg:measure ?measure ; emkg:value ?value ; emkg:timePoint ?point .
  ?point emkg:value ?time ; emkg:unit ?time_unit .
  ?cohort emkg:reportedIn ?publication .
  OPTIONAL { ?measure rdfs:label ?measure_label }
}
ORDER BY ?publication ?measure ?time"""


@dataclass
class Event:
    fact: str
    kind: str  # infusion, response, relapse, transplant, follow-up, death
    day: float | None = None  # days since the lane's day 0; None: undated
    low: float | None = None
    high: float | None = None
    label: str = ""


@dataclass
class Lane:
    name: str
    patient: str
    publication: str
    events: list[Event] = field(default_factory=list)

    @property
    def end(self) -> float:
        return max((e.high if e.high is not None else e.day) for e in self.events if e.day is not None)


@dataclass
class _Fact:
    iri: str
    kind: str
    anchor: str | None = None
    day: float | None = None
    day_min: float | None = None
    day_max: float | None = None
    number: int = 1
    outcome: str = ""
    sites: set[str] = field(default_factory=set)
    present: bool = True
    statuses: set[str] = field(default_factory=set)
    since: str | None = None
    duration_days: float | None = None
    product: str = ""


def _value(term):
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        if term.datatype.value.endswith(("#integer", "#decimal", "#double", "#int")):
            return float(term.value)
        if term.datatype.value.endswith("#boolean"):
            return term.value == "true"
    return term.value


def patient_facts(db, site: str | None = None, product: str | None = None, publication: str | None = None):
    """{patient: (publication, label, {fact IRI: _Fact})} for the patients the filters keep (IRIs)."""
    bindings = {name: ox.NamedNode(iri) for name, iri in
                (("only_site", site), ("only_product", product), ("only_publication", publication)) if iri}
    columns, rows = store.select(db, PATIENT_FACTS, bindings)
    patients: dict[str, tuple[str, str, dict[str, _Fact]]] = {}
    for row in rows:
        r = dict(zip(columns, (_value(t) for t in row), strict=True))
        # lane names: the first two words of the publication's slug and the source's own patient label
        study = "-".join(r["publication"].rsplit("/", 1)[-1].split("-")[:2])
        name = f"{study} {r['patient_label'] or r['patient'].rsplit('/')[-1]}"
        _, _, facts = patients.setdefault(r["patient"], (r["publication"], name, {}))
        fact = facts.setdefault(r["fact"], _Fact(r["fact"], KINDS[r["kind"]]))
        fact.anchor = r["anchor"] or fact.anchor
        fact.day = r["day"] if r["day"] is not None else fact.day
        fact.day_min = r["day_min"] if r["day_min"] is not None else fact.day_min
        fact.day_max = r["day_max"] if r["day_max"] is not None else fact.day_max
        fact.number = int(r["number"]) if r["number"] is not None else fact.number
        fact.outcome = compact(r["outcome"]).removeprefix("emkg:") if r["outcome"] else fact.outcome
        if r["site_label"]:
            fact.sites.add(r["site_label"])
        if r["present"] is False:
            fact.present = False
        if r["status"]:
            fact.statuses.add(r["status"])
        fact.since = r["since"] or fact.since
        if r["duration"] is not None and r["duration_unit"] in DAYS_PER_UNIT:
            fact.duration_days = r["duration"] * DAYS_PER_UNIT[r["duration_unit"]]
        fact.product = r["product_label"] or fact.product
    return patients


def swimmer_lanes(db, site: str | None = None, product: str | None = None,
                  publication: str | None = None) -> list[Lane]:
    """One lane per patient (more when an infusion cannot be placed relative to the first)."""
    lanes = []
    for patient, (pub, label, facts) in sorted(patient_facts(db, site, product, publication).items()):
        lanes += _patient_lanes(patient, pub, label, facts)
    return lanes


def _patient_lanes(patient: str, publication: str, label: str, facts: dict[str, _Fact]) -> list[Lane]:
    facts = {iri: f for iri, f in facts.items() if f.present}
    infusions = sorted((f for f in facts.values() if f.kind == "infusion"), key=lambda f: (f.number, f.iri))
    # place each infusion: (lane index, day within that lane)
    placed: dict[str, tuple[int, float]] = {}
    lane_names = []
    for infusion in infusions:
        anchor = placed.get(infusion.anchor) if infusion.anchor else None
        if anchor and infusion.day is not None:
            placed[infusion.iri] = (anchor[0], anchor[1] + infusion.day)
        else:
            placed[infusion.iri] = (len(lane_names), 0.0)
            lane_names.append(label if not lane_names else f"{label}, CAR-T {infusion.number}")
    if not lane_names:
        lane_names.append(f"{label} (no CAR-T infusion)")
    lanes = [Lane(name, patient, publication) for name in lane_names]
    only_infusion = infusions[0].iri if len(infusions) == 1 else None

    def position(fact: _Fact) -> tuple[int, float | None, float | None, float | None]:
        if fact.kind == "infusion":
            lane, day = placed[fact.iri]
            return lane, day, None, None
        anchor = placed.get(fact.anchor or only_infusion or "")
        if anchor and (fact.day is not None or fact.day_min is not None):
            if fact.day is not None:
                return anchor[0], anchor[1] + fact.day, None, None
            high = fact.day_max if fact.day_max is not None else fact.day_min
            low, high = anchor[1] + fact.day_min, anchor[1] + high
            return anchor[0], (low + high) / 2, low, high
        if fact.kind == "follow-up" and fact.since in facts and fact.duration_days is not None:
            lane, start, _, _ = position(facts[fact.since])
            if start is not None:
                return lane, start + fact.duration_days, None, None
        return 0, None, None, None

    for fact in sorted(facts.values(), key=lambda f: f.iri):
        lane, day, low, high = position(fact)
        kind = "death" if fact.kind == "follow-up" and EMKG + "Dead" in fact.statuses else fact.kind
        lanes[lane].events.append(Event(fact.iri, kind, day, low, high, _label(fact)))
    for lane in lanes:
        lane.events.sort(key=lambda e: (e.day is None, e.day if e.day is not None else 0, e.fact))
    return lanes


def _label(fact: _Fact) -> str:
    if fact.kind == "relapse":
        return ", ".join(sorted(fact.sites)) or "site not reported"
    if fact.kind == "response":
        return fact.outcome
    if fact.kind == "infusion":
        return fact.product
    if fact.kind == "follow-up":
        return ", ".join(sorted(compact(s).removeprefix("emkg:") for s in fact.statuses))
    return ""


@dataclass
class SurvivalRecord:
    lane: str
    patient: str
    months: float
    died: bool


def survival_records(lanes: list[Lane]) -> list[SurvivalRecord]:
    """Per patient whose last follow-up (or death) has a time: months from the CAR-T infusion that starts
    its lane (the first infusion, or a later one that could not be placed after it), and whether they died."""
    last: dict[str, tuple[Lane, Event]] = {}
    for lane in lanes:
        for event in lane.events:
            if event.kind in ("follow-up", "death") and event.day is not None:
                last[lane.patient] = (lane, event)
    return [SurvivalRecord(lane.name, patient, event.day / DAYS_PER_UNIT[EMKG + "Month"], event.kind == "death")
            for patient, (lane, event) in sorted(last.items())]


@dataclass
class ReportedEstimate:
    publication: str
    finding: str
    measure: str
    months: float
    proportion: float


def reported_estimates(db) -> list[ReportedEstimate]:
    """The studies' own Kaplan-Meier estimates with their time points (percent -> proportion, time -> months)."""
    columns, rows = store.select(db, REPORTED_ESTIMATES)
    out = []
    for row in rows:
        r = dict(zip(columns, (_value(t) for t in row), strict=True))
        if r["time_unit"] not in DAYS_PER_UNIT or r["value"] is None or math.isnan(r["value"]):
            continue
        months = r["time"] * DAYS_PER_UNIT[r["time_unit"]] / DAYS_PER_UNIT[EMKG + "Month"]
        out.append(ReportedEstimate(r["publication"], r["finding"], r["measure_label"] or compact(r["measure"]),
                                    months, r["value"] / 100))
    return out
