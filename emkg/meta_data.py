"""Per-study proportions for `emkg meta`, read from the built store with SPARQL.

A study is a publication. Its count for an outcome comes from ONE of two places, never both:
- a whole-cohort count finding (n of N, no subgroup) of the outcome's measure, if the publication has one;
  then none of its individually curated patients are counted (they may be the cohort's members);
- otherwise its individually curated patients, each counted once: evaluable when the graph says
  whether they reached the outcome, a hit when they did ("not reported" is not "absent": a CRS fact
  without a grade makes the patient not evaluable for grade >= 3 CRS, not a non-case).
Studies that may share patients (same trial registration, or a shared centre with overlapping or unknown
enrolment periods: a heuristic on emkg:trialRegistration / emkg:centre / emkg:enrollmentPeriod, since
the graph has no overlap marker) are flagged; only the larger of such a pair is pooled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from emkg import store

PREFIXES = """PREFIX emkg: <https://w3id.org/emkg/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX obo: <http://purl.obolibrary.org/obo/>
"""
# Filters shared by every query: ?only_site / ?only_product are bound by VALUES when given.
PATIENT_FILTERS = """
  FILTER(!BOUND(?only_site) || EXISTS { ?site_relapse a emkg:Relapse ; emkg:aboutPatient ?patient ;
                                                      emkg:hasSite ?relapse_site .
                                        ?relapse_site rdfs:subClassOf* ?only_site })
  FILTER(!BOUND(?only_product) || EXISTS { ?product_infusion a emkg:CarTInfusion ; emkg:aboutPatient ?patient ;
                                                             emkg:usesProduct ?only_product })"""


@dataclass(frozen=True)
class Outcome:
    name: str
    label: str
    measures: tuple[str, ...]  # SPARQL terms of the cohort finding measures (and adverse event conditions)
    min_grade: int | None = None  # adverse events: count grade >= this


OUTCOMES = {
    "complete-remission": Outcome("complete-remission", "complete remission (CR or MRD-negative CR) after the "
                                  "first CAR-T infusion", ("emkg:CompleteRemission",)),
    "severe-crs": Outcome("severe-crs", "grade >= 3 cytokine release syndrome", ("obo:MONDO_0600008",), 3),
    "severe-icans": Outcome("severe-icans", "grade >= 3 ICANS / CRES (neurotoxicity)", ("emkg:ICANS", "emkg:CRES"), 3),
}


def cohort_query(outcome: Outcome) -> str:
    grade = f"FILTER(BOUND(?grade) && ?grade >= {outcome.min_grade})" if outcome.min_grade else ""
    return PREFIXES + f"""SELECT ?publication ?publication_label ?finding ?numerator ?denominator ?grade ?grade_max
       ?quote ?members
WHERE {{
  VALUES ?measure {{ {' '.join(outcome.measures)} }}
  ?finding a emkg:CohortFinding ; emkg:aboutCohort ?cohort ; emkg:statistic emkg:Count ; emkg:measure ?measure ;
           emkg:numerator ?numerator ; emkg:denominator ?denominator .
  FILTER(?denominator > 0)
  FILTER NOT EXISTS {{ ?finding emkg:subgroup ?any_subgroup }}
  ?cohort emkg:reportedIn ?publication .
  OPTIONAL {{ ?publication rdfs:label ?publication_label }}
  OPTIONAL {{ ?finding emkg:grade ?grade }}
  OPTIONAL {{ ?finding emkg:gradeMax ?grade_max }}
  {grade}
  OPTIONAL {{ ?finding emkg:hasEvidence ?evidence . ?evidence oa:exact ?quote }}
  # a site: the finding itself is at that site; a product: the cohort's listed members were given it
  FILTER(!BOUND(?only_site) || EXISTS {{ ?finding emkg:hasSite ?finding_site .
                                         ?finding_site rdfs:subClassOf* ?only_site }})
  FILTER(!BOUND(?only_product) || EXISTS {{ ?cohort emkg:hasMember ?member .
                                            ?member_infusion emkg:aboutPatient ?member ;
                                                             emkg:usesProduct ?only_product }})
  OPTIONAL {{ SELECT ?cohort (GROUP_CONCAT(STR(?member_patient); separator=" ") AS ?members)
             WHERE {{ ?cohort emkg:hasMember ?member_patient }} GROUP BY ?cohort }}
}}
ORDER BY ?publication ?grade DESC(?grade_max) DESC(?numerator) ?finding ?evidence"""


RESPONSE_QUERY = PREFIXES + f"""SELECT ?publication ?publication_label ?patient ?fact ?hit ?evaluable ?quote WHERE {{
  ?patient a emkg:Patient ; emkg:reportedIn ?publication .
  OPTIONAL {{ ?publication rdfs:label ?publication_label }}
  ?infusion a emkg:CarTInfusion ; emkg:aboutPatient ?patient .
  OPTIONAL {{ ?infusion emkg:infusionNumber ?number }}
  FILTER(COALESCE(?number, 1) = 1)
  ?fact a emkg:ResponseAssessment ; emkg:assessesTherapy ?infusion ; emkg:outcome ?reached .
  BIND(?reached IN (emkg:CompleteRemission, emkg:MRDNegativeCompleteRemission) AS ?hit)
  # a response the source does not give (or did not assess) says nothing about remission
  BIND(?reached NOT IN (emkg:NotReported, emkg:Unknown, emkg:NotAssessed) AS ?evaluable)
  OPTIONAL {{ ?fact emkg:hasEvidence ?evidence . ?evidence oa:exact ?quote }}{PATIENT_FILTERS}
}}
ORDER BY ?publication ?patient ?fact ?evidence"""


def adverse_event_query(outcome: Outcome) -> str:
    return PREFIXES + f"""SELECT ?publication ?publication_label ?patient ?fact ?hit ?evaluable ?quote WHERE {{
  VALUES ?condition {{ {' '.join(outcome.measures)} }}
  ?patient a emkg:Patient ; emkg:reportedIn ?publication .
  OPTIONAL {{ ?publication rdfs:label ?publication_label }}
  ?fact a emkg:AdverseEvent ; emkg:aboutPatient ?patient ; emkg:condition ?condition .
  OPTIONAL {{ ?fact emkg:grade ?grade }}
  OPTIONAL {{ ?fact emkg:present ?present }}
  BIND(COALESCE(?present, true) AS ?occurred)
  BIND(?occurred && BOUND(?grade) && ?grade >= {outcome.min_grade} AS ?hit)
  # absent (present false) or graded: the patient's grade >= {outcome.min_grade} status is known
  BIND(!?occurred || BOUND(?grade) AS ?evaluable)
  OPTIONAL {{ ?fact emkg:hasEvidence ?evidence . ?evidence oa:exact ?quote }}{PATIENT_FILTERS}
}}
ORDER BY ?publication ?patient ?fact ?evidence"""


OVERLAP_QUERY = PREFIXES + """SELECT ?publication ?kind ?value WHERE {
  { ?publication emkg:trialRegistration ?value . BIND("registration" AS ?kind) }
  UNION { ?publication emkg:centre ?value . BIND("centre" AS ?kind) }
  UNION { ?publication emkg:enrollmentPeriod ?value . BIND("period" AS ?kind) }
}"""


@dataclass
class StudyProportion:
    publication: str
    label: str
    events: int
    total: int
    source: str  # "cohort finding" or "individual patients"
    evidence: str  # IRI of the finding, or of the first patient counted
    quote: str
    patients: tuple[str, ...] = ()
    excluded_reason: str = ""  # set when the study is flagged and left out of the pooled estimate

    @property
    def proportion(self) -> float:
        return self.events / self.total


@dataclass
class Studies:
    outcome: Outcome
    included: list[StudyProportion]
    excluded: list[StudyProportion] = field(default_factory=list)
    not_evaluable: dict[str, int] = field(default_factory=dict)  # publication -> patients without the answer


def _rows(db, query: str, bindings) -> list[dict]:
    columns, rows = store.select(db, query, bindings)
    return [dict(zip(columns, (None if t is None else t.value for t in row), strict=True)) for row in rows]


def gather(db, outcome: Outcome, site: str | None = None, product: str | None = None) -> Studies:
    bindings = {name: ox.NamedNode(iri) for name, iri in (("only_site", site), ("only_product", product)) if iri}
    studies: dict[str, StudyProportion] = {}
    for row in _rows(db, cohort_query(outcome), bindings):
        if row["publication"] in studies:  # the first finding per publication (lowest grade, widest range)
            continue
        members = tuple(sorted((row["members"] or "").split()))
        studies[row["publication"]] = StudyProportion(
            row["publication"], row["publication_label"] or row["publication"], int(row["numerator"]),
            int(row["denominator"]), "cohort finding", row["finding"], row["quote"] or "", members)

    individual = RESPONSE_QUERY if outcome.min_grade is None else adverse_event_query(outcome)
    patients: dict[str, dict] = {}
    counted_elsewhere = {p for s in studies.values() for p in s.patients}
    for row in _rows(db, individual, bindings):
        if row["publication"] in studies or row["patient"] in counted_elsewhere:
            continue  # never both: this publication's count comes from its cohort finding
        hit, evaluable = row["hit"] == "true", row["evaluable"] == "true"
        entry = patients.setdefault(row["patient"], {"publication": row["publication"], "hit": False,
                                                     "evaluable": False, "quote": "", "hit_quote": "",
                                                     "label": row["publication_label"] or row["publication"]})
        entry["hit"] |= hit
        entry["evaluable"] |= evaluable or hit
        entry["quote"] = entry["quote"] or (row["quote"] or "")
        if hit:
            entry["hit_quote"] = entry["hit_quote"] or (row["quote"] or "")
    not_evaluable: dict[str, int] = {}
    by_publication: dict[str, list[tuple[str, dict]]] = {}
    for patient, entry in sorted(patients.items()):
        if entry["evaluable"]:
            by_publication.setdefault(entry["publication"], []).append((patient, entry))
        else:
            not_evaluable[entry["publication"]] = not_evaluable.get(entry["publication"], 0) + 1
    for publication, members in by_publication.items():
        first = next((e for _, e in members if e["hit"]), members[0][1])
        studies[publication] = StudyProportion(
            publication, first["label"], sum(e["hit"] for _, e in members), len(members), "individual patients",
            members[0][0], first["hit_quote"] or first["quote"], tuple(p for p, _ in members))
    included, excluded = flag_overlaps(db, sorted(studies.values(), key=lambda s: s.publication))
    return Studies(outcome, included, excluded, not_evaluable)


def flag_overlaps(db, studies: list[StudyProportion]) -> tuple[list[StudyProportion], list[StudyProportion]]:
    """Leave out the smaller of any two studies that may share patients, saying why."""
    facts: dict[str, dict[str, set[str]]] = {}
    for row in _rows(db, OVERLAP_QUERY, {}):
        facts.setdefault(row["publication"], {}).setdefault(row["kind"], set()).add(row["value"].strip().lower())
    kept: list[StudyProportion] = []
    excluded: list[StudyProportion] = []
    for study in sorted(studies, key=lambda s: (-s.total, s.publication)):
        reason = next((why for other in kept if (why := may_share(facts.get(study.publication, {}),
                                                                  facts.get(other.publication, {}), other))), "")
        if reason:
            study.excluded_reason = reason
            excluded.append(study)
        else:
            kept.append(study)
    order = {s.publication: i for i, s in enumerate(studies)}
    return sorted(kept, key=lambda s: order[s.publication]), sorted(excluded, key=lambda s: order[s.publication])


def may_share(mine: dict[str, set[str]], theirs: dict[str, set[str]], other: StudyProportion) -> str:
    """Why two publications may report the same patients ('' if there is no reason to think so)."""
    shared = mine.get("registration", set()) & theirs.get("registration", set())
    if shared:
        return f"may share patients with {other.label} (same trial registration {sorted(shared)[0].upper()})"
    centres = mine.get("centre", set()) & theirs.get("centre", set())
    if centres and _periods_overlap(mine.get("period", set()), theirs.get("period", set())):
        return f"may share patients with {other.label} (same centre: {sorted(centres)[0]}; enrolment periods " \
               "overlap or are not reported)"
    return ""


def _periods_overlap(mine: set[str], theirs: set[str]) -> bool:
    def years(periods: set[str]) -> tuple[int, int] | None:
        found = [int(y) for p in periods for y in re.findall(r"\d{4}", p)]
        return (min(found), max(found)) if found else None

    a, b = years(mine), years(theirs)
    return a is None or b is None or (a[0] <= b[1] and b[0] <= a[1])
