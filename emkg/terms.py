"""`emkg terms FIELD [TEXT]`: the allowed values of a record field, with labels and synonyms.

A field's values come from the ontology (edit file + imports): the individuals and subclasses of the
class its property ranges over (`outcome` -> emkg:ResponseCategory), or, for external terms, the
imported terms of the ontologies the shapes accept for it (`sites` -> UBERON). TEXT keeps the terms
whose CURIE, label or a synonym contains it (`emkg terms site testis`).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from rdflib import OWL, RDF, RDFS, Graph, Namespace, URIRef

from emkg.namespaces import compact, expand

OBO = "http://purl.obolibrary.org/obo/"
OBOINOWL = Namespace("http://www.geneontology.org/formats/oboInOwl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
SYNONYMS = (OBOINOWL.hasExactSynonym, OBOINOWL.hasRelatedSynonym, OBOINOWL.hasNarrowSynonym,
            OBOINOWL.hasBroadSynonym, SKOS.altLabel)

# Fields whose property has no range in the ontology: the term sources the shapes accept for them.
SOURCES: dict[str, tuple[str, ...]] = {
    "sites": ("UBERON",), "compartment": ("UBERON",), "disease": ("MONDO", "NCIT"),
    "condition": ("MONDO", "NCIT", "HP", "class:emkg:LocalCondition"), "targets": ("PR",), "antigen": ("PR",),
    "analyte": ("PR", "class:emkg:Analyte", "emkg:CarTCells"), "drug": ("NCIT", "CHEBI"), "route": ("NCIT",),
    "genes": ("HGNC",), "measure": ("class:emkg:CohortMeasure", "MONDO", "NCIT"),
    "category": ("class:emkg:Therapy", "NCIT"), "product_class": ("class:emkg:CarTProduct", "NCIT"),
    "method": ("class:emkg:AssessmentMethod", "NCIT", "OBI"), "evidence_code": ("ECO",),
}
ALIASES = {"site": "sites", "target": "targets", "gene": "genes", "status": "status", "grade_system": "grading_system",
           "costimulation": "costimulatory_domains", "domain": "costimulatory_domains"}


@dataclass(frozen=True)
class Term:
    curie: str
    label: str
    synonyms: tuple[str, ...]

    def matches(self, text: str) -> bool:
        text = text.lower()
        return any(text in s.lower() for s in (self.curie, self.label, *self.synonyms))


class UnknownField(ValueError):
    pass


def field_predicates() -> dict[str, list[str]]:
    """Record field name -> the properties of its term-valued fields (from the record format table)."""
    from loaders import record_schema as schema

    found: dict[str, list[str]] = {}

    def visit(fields) -> None:
        for f in fields:
            if f.kind == "term" and f.predicate:
                found.setdefault(f.name, [])
                if f.predicate not in found[f.name]:
                    found[f.name].append(f.predicate)
            visit(f.fields)

    for part in (schema.PUBLICATION, schema.PRODUCT, schema.PATIENT, schema.COHORT, schema.FINDING,
                 *schema.FACT_TYPES.values()):
        visit(part.fields)
    visit(schema.COMMON_FACT_FIELDS)
    visit(schema.QUANTITY_FIELDS)
    return found


def allowed(field: str, ontology: Graph, text: str | None = None) -> list[Term]:
    fields = field_predicates()
    name = ALIASES.get(field, field)
    if name not in fields:
        close = difflib.get_close_matches(name, fields, n=3)  # first, before the long list a terminal may cut
        raise UnknownField(f"no term field {field!r}" + (f" (did you mean {', '.join(close)}?)" if close else "") +
                           f"; fields with listed values: {', '.join(sorted(fields))}")
    nodes: set[URIRef] = set()
    for predicate in fields[name]:
        for cls in ontology.objects(URIRef(expand(predicate)), RDFS.range):
            nodes |= _members(ontology, cls)
    for source in SOURCES.get(name, ()) if not nodes else ():
        if source.startswith("class:"):
            nodes |= _members(ontology, URIRef(expand(source[len("class:"):])))
        elif ":" in source:
            nodes.add(URIRef(expand(source)))
        else:
            nodes |= {s for s in ontology.subjects(RDFS.label, None)
                      if isinstance(s, URIRef) and str(s).startswith(f"{OBO}{source}_")}
    terms = [_term(ontology, node) for node in nodes]
    terms = [t for t in terms if text is None or t.matches(text)]
    return sorted(terms, key=lambda t: (t.label.lower(), t.curie))


def _members(ontology: Graph, cls: URIRef) -> set[URIRef]:
    """The individuals of `cls` (or of a subclass); where it has none, its subclasses (the values of a
    field like a therapy category are classes)."""
    classes = {cls} | set(ontology.transitive_subjects(RDFS.subClassOf, cls))
    found = {s for c in classes for s in ontology.subjects(RDF.type, c) if isinstance(s, URIRef)}
    found = {n for n in found if (n, RDF.type, OWL.Ontology) not in ontology}
    return found or {c for c in classes - {cls} if isinstance(c, URIRef)}


def _term(ontology: Graph, node: URIRef) -> Term:
    label = ontology.value(node, RDFS.label)
    synonyms = tuple(sorted({str(s) for p in SYNONYMS for s in ontology.objects(node, p)}))
    return Term(compact(str(node)), str(label) if label is not None else "", synonyms)


def render(terms: list[Term]) -> str:
    if not terms:
        return "no matching terms\n"
    width = max(len(t.curie) for t in terms)
    lines = []
    for term in terms:
        also = f"  (also: {'; '.join(term.synonyms[:6])})" if term.synonyms else ""
        lines.append(f"{term.curie:<{width}}  {term.label}{also}")
    return "\n".join(lines) + "\n"
