"""`emkg stats`: what the graph holds, per publication and per relapse site, at a glance."""

from __future__ import annotations

PUBLICATIONS = """
PREFIX emkg: <https://w3id.org/emkg/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?publication ?label
       (COUNT(DISTINCT ?patient) AS ?patients)
       (COUNT(DISTINCT ?fact) AS ?facts)
       (COUNT(DISTINCT ?finding) AS ?cohort_findings)
       (COUNT(DISTINCT ?quote) AS ?quotes)
WHERE {
  ?publication a emkg:Publication ; rdfs:label ?label .
  OPTIONAL { ?patient emkg:reportedIn ?publication ; a emkg:Patient .
             OPTIONAL { ?fact emkg:aboutPatient ?patient } }
  OPTIONAL { ?cohort emkg:reportedIn ?publication . ?finding emkg:aboutCohort ?cohort }
  OPTIONAL { ?quote <http://www.w3.org/ns/prov#wasQuotedFrom> ?publication }
}
GROUP BY ?publication ?label
ORDER BY ?publication
"""

SITES = """
PREFIX emkg: <https://w3id.org/emkg/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?site ?site_label (COUNT(DISTINCT ?patient) AS ?patients) (COUNT(DISTINCT ?relapse) AS ?relapses) WHERE {
  ?relapse a emkg:Relapse ; emkg:aboutPatient ?patient ; emkg:hasSite ?site .
  OPTIONAL { ?site rdfs:label ?site_label }
}
GROUP BY ?site ?site_label
ORDER BY DESC(?patients) ?site
"""

SECTIONS = (
    ("Per publication (individual patients, their facts, cohort findings, quotes)", PUBLICATIONS),
    ("Per relapse site (individually curated patients)", SITES),
)
