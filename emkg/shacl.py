"""SHACL validation: pySHACL is called here and nowhere else, always the same way.

The data graph is passed as a graph object (a string would be read as a path or URL), the ontology
as `ont_graph` so that class hierarchy is available, RDFS inference only (OWL-RL inference multiplies
validation time, see design notes), and pySHACL works on a copy (`inplace=False`) so the caller's
graph is never mutated. Results are turned into plain records that name the shape, path, constraint
and value, and, through the loader's locations, the submitter's file, field and line.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import RDF, Graph, Namespace, URIRef

from emkg.namespaces import compact

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    severity: str
    focus: str
    path: str | None
    constraint: str
    shape: str | None
    message: str
    value: str | None
    file: str | None = None
    field: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: {self.field}" if self.file else compact(self.focus)
        value = f" (value: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{value}"


def validate(data: Graph, shapes: Graph, ontology: Graph,
             locations: dict[URIRef, tuple[str, str, int | None]] | None = None) -> tuple[bool, list[Violation], Graph]:
    """Validate `data`; return (conforms, violations, the SHACL report graph)."""
    from pyshacl import validate as pyshacl_validate

    # pySHACL adds a few RDFS/OWL axioms to the shapes graph it is given: hand it a copy, so that
    # callers may parse shapes once and validate many graphs with them.
    shapes_copy = Graph()
    shapes_copy += shapes
    # RDFS entailment is computed here (_with_rdfs_types) on our own copy of the data, so pySHACL runs
    # with inference="none" and inplace=True on that copy: owlrl's closure re-scans every triple until
    # fixpoint and took ~40% of validating 1,000 cases (benchmarks/results/validate.md).
    conforms, report, _ = pyshacl_validate(
        _with_rdfs_types(data, ontology), shacl_graph=shapes_copy, ont_graph=ontology, inference="none",
        advanced=True, allow_warnings=True, inplace=True, abort_on_first=False,
    )
    results = report.subjects(RDF.type, SH.ValidationResult)
    violations = [_violation(report, shapes, result, locations or {}) for result in results]
    violations.sort(key=lambda v: (v.file or "", v.line or 0, v.focus, v.message))
    return conforms, violations, report


def _with_rdfs_types(data: Graph, ontology: Graph) -> Graph:
    """A copy of `data` plus the rdf:type triples RDFS entailment adds to it: rdfs:domain and rdfs:range
    (object values only) of its properties, then every rdfs:subClassOf ancestor of every type. The
    ontology has no rdfs:subPropertyOf, so these are the RDFS rules that give the data new triples
    (the ontology's own closure is not needed: sh:class and sh:targetClass follow subClassOf)."""
    from rdflib import RDFS, Literal

    parents: dict = {}
    for child, parent in ontology.subject_objects(RDFS.subClassOf):
        if isinstance(parent, URIRef):
            parents.setdefault(child, set()).add(parent)
    ancestors: dict = {}

    def up(cls) -> set:
        if cls not in ancestors:
            ancestors[cls] = set()  # guards against subClassOf cycles
            found = set()
            for parent in parents.get(cls, ()):
                found |= {parent} | up(parent)
            ancestors[cls] = found
        return ancestors[cls]

    domains = {p: list(ontology.objects(p, RDFS.domain)) for p in set(ontology.subjects(RDFS.domain, None))}
    ranges = {p: list(ontology.objects(p, RDFS.range)) for p in set(ontology.subjects(RDFS.range, None))}
    out = Graph()
    out += data
    types = set(data.subject_objects(RDF.type))
    for s, p, o in data:
        types.update((s, d) for d in domains.get(p, ()) if isinstance(d, URIRef))
        if not isinstance(o, Literal):
            types.update((o, r) for r in ranges.get(p, ()) if isinstance(r, URIRef))
    for node, cls in types:
        out.add((node, RDF.type, cls))
        for ancestor in up(cls):
            out.add((node, RDF.type, ancestor))
    return out


def _violation(report: Graph, shapes: Graph, result, locations) -> Violation:
    def one(predicate):
        return report.value(result, predicate)

    focus = one(SH.focusNode)
    path = one(SH.resultPath)
    shape = one(SH.sourceShape)
    value = one(SH.value)
    file = field = line = None
    if focus in locations:
        file, field, line = locations[focus]
    return Violation(
        severity=compact(str(one(SH.resultSeverity))).replace("sh:", ""),
        focus=str(focus),
        path=compact(str(path)) if isinstance(path, URIRef) else ("(inverse path)" if path is not None else None),
        constraint=compact(str(one(SH.sourceConstraintComponent))),
        shape=compact(str(shape)) if isinstance(shape, URIRef) else _parent_shape(shapes, shape),
        message=str(one(SH.resultMessage) or ""),
        value=compact(str(value)) if value is not None else None,
        file=file, field=field, line=line,
    )


def _parent_shape(shapes: Graph, shape) -> str | None:
    """Property shapes are blank nodes: name the node shape they belong to, when the report holds it."""
    for parent in shapes.subjects(SH.property, shape):
        if isinstance(parent, URIRef):
            return compact(str(parent))
    return None
