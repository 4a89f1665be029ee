"""Core SHACL shapes compiled to SPARQL and evaluated set-based on the record's Oxigraph store.

pySHACL walks every focus node of every property shape in Python: on a generated 50-patient record
(1,750 facts) that was 0.69 s of CPU, half of the build's check of a record, spread over a hundred
property shapes (`benchmarks/run.py`, per-shape table). Here each constraint of a node shape is one
query over all its focus nodes, answered by Oxigraph in about a millisecond: the measurement that
justifies a compiler of our own next to pySHACL (pyrudof, a Rust SHACL engine, took 0.27 s on the same
record and has no notion of our report's fields).

pySHACL stays the reference: `emkg validate` runs it with every shape, and
tests/build/test_shacl_sparql.py requires this path to report exactly pySHACL's violations (shape,
focus, path, constraint component, message, value) on every example of tests/shapes/, on the curated
records and on generated ones. A node shape is compiled only if every one of its parts is understood
here (`compile_shapes`); any other node shape stays with pySHACL, whole. A graph with a blank node or
an ill-typed literal (which a record never has) is left to pySHACL too (`can_evaluate`).

Class membership (sh:class, sh:targetClass: rdf:type/rdfs:subClassOf*) is read from a closure the
evaluation adds to the store in a named graph of its own (`add_class_closure`), so a check is one
lookup per value instead of a path walk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import XSD

from emkg.namespaces import compact
from emkg.shacl import SH, Violation
from emkg.shacl_sparql import _prefixes

ISA = "<urn:emkg:shacl:isa>"  # graph name and predicate of the class closure
_RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
_ABOUT_A_SHAPE = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group, SH.path, RDF.type,
                  URIRef("http://www.w3.org/2000/01/rdf-schema#comment"),
                  URIRef("http://www.w3.org/2000/01/rdf-schema#label")}
_TARGETS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
_COUNTS = {SH.minCount, SH.maxCount, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.qualifiedMaxCount}
_RANGES = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}
_NODE_KINDS = {SH.IRI: "isIRI(?v)", SH.Literal: "isLiteral(?v)", SH.BlankNode: "isBlank(?v)",
               SH.BlankNodeOrIRI: "!isLiteral(?v)", SH.BlankNodeOrLiteral: "!isIRI(?v)",
               SH.IRIOrLiteral: "!isBlank(?v)"}


class Unsupported(Exception):
    """A part of a shape this compiler does not translate: the node shape stays with pySHACL."""


@dataclass(frozen=True)
class Check:
    """One constraint of a node shape as one query binding ?this (and ?v when a value is reported)."""

    query: str
    shape: str | None  # the node shape, compact, as `emkg.shacl` names it
    path: str | None
    constraint: str  # e.g. sh:ClassConstraintComponent
    message: str
    severity: str
    reports_value: bool  # pySHACL's result has an sh:value (not for counts)


def compile_shapes(shapes: Graph) -> tuple[list[Check], Graph]:
    """(the checks of every node shape compiled, a copy of `shapes` without those node shapes)."""
    checks: list[Check] = []
    compiled: list[URIRef] = []
    referenced = {o for s, p, o in shapes if p != RDF.type and isinstance(o, URIRef)}
    for shape in sorted({s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}, key=str):
        if shape in referenced:
            continue  # another shape refers to it (sh:node ...): pySHACL evaluates it there
        try:
            checks += _node_shape(shapes, shape)
        except Unsupported:
            continue
        compiled.append(shape)
    return checks, _without(shapes, compiled)


def can_evaluate(graph: Graph) -> bool:
    """True if the compiled checks report what pySHACL reports on `graph`: no blank node (Oxigraph names
    them otherwise) and no ill-typed literal (Oxigraph's comparisons and pySHACL's differ on them)."""
    for triple in graph:
        for term in triple:
            if isinstance(term, BNode) or (isinstance(term, Literal) and term.ill_typed):
                return False
    return True


def add_class_closure(store) -> None:
    """Every node's classes (rdf:type/rdfs:subClassOf*), as triples of a graph of its own in `store`."""
    store.update(f"INSERT {{ GRAPH {ISA} {{ ?node {ISA} ?class }} }} WHERE "
                 f"{{ ?node a ?type . ?type {_RDFS_SUBCLASS}* ?class }}")


def evaluate(store, checks: list[Check], lexical, locations: dict) -> list[Violation]:
    """The violations of `checks` on `store` (with `add_class_closure` done); `lexical` maps Oxigraph's
    terms to the validated graph's (`emkg.shacl_sparql._LexicalForms`)."""
    found = []
    for check in checks:
        seen = set()
        for solution in store.query(check.query):
            this = lexical.term(solution["this"])
            value = lexical.term(solution["v"]) if check.reports_value else None
            if (this, value) in seen:
                continue
            seen.add((this, value))
            file = field = line = None
            if this in locations:
                file, field, line = locations[this]
            found.append(Violation(severity=check.severity, focus=str(this), path=check.path,
                                   constraint=check.constraint, shape=check.shape, message=check.message,
                                   value=compact(str(value)) if value is not None else None,
                                   file=file, field=field, line=line))
    return found


# -- compiling ---------------------------------------------------------------------------------------

def _node_shape(shapes: Graph, shape: URIRef) -> list[Check]:
    if shapes.value(shape, SH.deactivated) is not None:
        raise Unsupported("deactivated")
    targets = _target_group(shapes, shape)
    name = compact(str(shape))
    checks = []
    for prop in shapes.objects(shape, SH.property):
        if not isinstance(prop, BNode):
            raise Unsupported("a named property shape may be shared")
        checks += _constraints(shapes, prop, targets, name, _path(shapes, shapes.value(prop, SH.path)))
    own = {p for p in shapes.predicates(shape)} - _TARGETS - {SH.property}
    if own - _ABOUT_A_SHAPE:
        checks += _constraints(shapes, shape, targets, name, None)
    return checks


def _target_group(shapes: Graph, shape) -> tuple[str, str]:
    """(the PREFIX lines a SPARQL target needs, one group binding ?this to every focus node)."""
    sparql_targets = []
    groups = [f"GRAPH {ISA} {{ ?this {ISA} {c.n3()} }}" for c in shapes.objects(shape, SH.targetClass)]
    groups += [f"VALUES ?this {{ {_term(n)} }}" for n in shapes.objects(shape, SH.targetNode)]
    groups += [f"?this {p.n3()} []" for p in shapes.objects(shape, SH.targetSubjectsOf)]
    groups += [f"[] {p.n3()} ?this" for p in shapes.objects(shape, SH.targetObjectsOf)]
    for target in shapes.objects(shape, SH.target):  # SHACL-AF SPARQL targets, as sub-selects
        select = shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None \
                or re.search(r"\$[A-Za-z_]", str(select)):
            raise Unsupported("a target that is not a plain SPARQL target")
        sparql_targets.append(target)
        groups.append("{ " + str(select) + "\n}")  # a comment in it ends at its line
    if not groups:
        raise Unsupported("no target")
    prologue = _prefixes(shapes, sparql_targets)
    return prologue, "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {g} }}" for g in groups) + " } }"


def _path(shapes: Graph, path) -> tuple[str, str | None]:
    """(the path in SPARQL, the path as `emkg.shacl` reports it)."""
    if isinstance(path, URIRef):
        return path.n3(), compact(str(path))
    if isinstance(path, BNode):
        inverse, more = shapes.value(path, SH.inversePath), shapes.value(path, SH.oneOrMorePath)
        if isinstance(inverse, URIRef) and len(list(shapes.predicate_objects(path))) == 1:
            return "^" + inverse.n3(), "^" + compact(str(inverse))
        if isinstance(more, URIRef) and len(list(shapes.predicate_objects(path))) == 1:
            return more.n3() + "+", "(complex path)"
    raise Unsupported(f"path {path!r}")


def _constraints(shapes: Graph, shape, targets: tuple[str, str], name: str, path) -> list[Check]:
    """The checks of one property shape (`path` given) or of a node shape's own constraints."""
    messages = list(shapes.objects(shape, SH.message))
    if len(messages) != 1 or re.search(r"\{[?$]\w+\}", str(messages[0])):
        raise Unsupported("a shape needs exactly one sh:message without placeholders")
    severity = shapes.value(shape, SH.severity) or SH.Violation
    parameters = {p for p in shapes.predicates(shape)} - _ABOUT_A_SHAPE - _TARGETS - {SH.property}
    sparql_path, shown_path = path if path is not None else (None, None)
    values = f"?this {sparql_path} ?v ." if sparql_path else "BIND(?this AS ?v)"

    def check(component: str, where: str, select: str = "DISTINCT ?this ?v", tail: str = "") -> Check:
        query = f"{targets[0]}SELECT {select} WHERE {{ {targets[1]} {where} }} {tail}".strip()
        return Check(query, name, shown_path, f"sh:{component}ConstraintComponent", str(messages[0]),
                     compact(str(severity)).replace("sh:", ""), "?v" in select)

    checks = []
    for parameter in sorted(parameters, key=str):
        if parameter in _COUNTS or parameter == SH.flags:  # sh:flags is read with sh:pattern
            continue
        condition = _conforms(shapes, shape, parameter)
        if condition is None:  # a pair constraint
            other = shapes.value(shape, parameter)
            checks.append(check("LessThanOrEquals", f"{values} ?this {other.n3()} ?o "
                                                    f"FILTER(!COALESCE(?v <= ?o, false))"))
            continue
        for component, test in condition:
            checks.append(check(component, f"{values} FILTER(!({test}))"))
    if path is None and parameters & _COUNTS:
        raise Unsupported("counts on a node shape")
    for count, having in ((SH.minCount, "<"), (SH.maxCount, ">")):
        limit = shapes.value(shape, count)
        if limit is None:
            continue
        component = "MinCount" if count == SH.minCount else "MaxCount"
        if count == SH.minCount and int(limit) == 1:
            checks.append(check(component, f"FILTER NOT EXISTS {{ ?this {sparql_path} ?v }}", "DISTINCT ?this"))
        else:
            optional = f"OPTIONAL {{ {values} }}" if count == SH.minCount else values
            checks.append(check(component, optional, "?this",
                                f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having} {int(limit)})"))
    nested = shapes.value(shape, SH.qualifiedValueShape)
    if nested is not None:
        if shapes.value(shape, SH.qualifiedValueShapesDisjoint) is not None:
            raise Unsupported("disjoint qualified value shapes")
        test = _nested(shapes, nested)
        for count, having, component in ((SH.qualifiedMinCount, "<", "QualifiedMinCount"),
                                         (SH.qualifiedMaxCount, ">", "QualifiedMaxCount")):
            limit = shapes.value(shape, count)
            if limit is not None:
                pattern = f"OPTIONAL {{ {values} FILTER({test}) }}" if having == "<" else f"{values} FILTER({test})"
                checks.append(check(component, pattern, "?this",
                                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) {having} {int(limit)})"))
    return checks


def _conforms(shapes: Graph, shape, parameter) -> list[tuple[str, str]] | None:
    """[(component, a SPARQL test that ?v conforms)] for one value constraint; None for sh:lessThanOrEquals."""
    objects = list(shapes.objects(shape, parameter))
    if parameter == SH.lessThanOrEquals:
        if len(objects) != 1 or not isinstance(objects[0], URIRef):
            raise Unsupported("lessThanOrEquals")
        return None
    if parameter == SH.qualifiedValueShapesDisjoint:
        raise Unsupported("disjoint")
    tests = []
    for value in objects:
        tests.append(_value_test(shapes, shape, parameter, value))
    return tests


def _value_test(shapes: Graph, shape, parameter, value) -> tuple[str, str]:
    if parameter == SH["class"]:
        return "Class", f"EXISTS {{ GRAPH {ISA} {{ ?v {ISA} {value.n3()} }} }}"
    if parameter == SH.datatype:
        if value == RDF.langString:
            return "Datatype", "(isLiteral(?v) && lang(?v) != \"\")"
        return "Datatype", f"(isLiteral(?v) && lang(?v) = \"\" && datatype(?v) = {value.n3()})"
    if parameter == SH.nodeKind:
        if value not in _NODE_KINDS:
            raise Unsupported("nodeKind")
        return "NodeKind", _NODE_KINDS[value]
    if parameter == SH["in"]:
        members = list(Collection(shapes, value))
        return "In", "(" + (" || ".join(f"sameTerm(?v, {_term(m)})" for m in members) or "false") + ")"
    if parameter == SH.hasValue:
        raise Unsupported("hasValue on a focus or property shape")  # counts the values, not each value
    if parameter == SH.pattern:
        flags = shapes.value(shape, SH.flags)
        flag_text = f", {_string(str(flags))}" if flags is not None else ""
        return "Pattern", f"(!isBlank(?v) && REGEX(STR(?v), {_string(str(value))}{flag_text}))"
    if parameter in (SH.minLength, SH.maxLength):
        operator = ">=" if parameter == SH.minLength else "<="
        component = "MinLength" if parameter == SH.minLength else "MaxLength"
        return component, f"(!isBlank(?v) && STRLEN(STR(?v)) {operator} {int(value)})"
    if parameter in _RANGES:
        component = compact(str(parameter)).replace("sh:", "")
        component = component[0].upper() + component[1:]
        return component, f"(isLiteral(?v) && COALESCE(?v {_RANGES[parameter]} {value.n3()}, false))"
    if parameter in (SH["or"], SH.xone):
        tests = [_nested(shapes, member) for member in Collection(shapes, value)]
        if parameter == SH["or"]:
            return "Or", "(" + (" || ".join(tests) or "false") + ")"
        return "Xone", "((" + " + ".join(f"IF({t}, 1, 0)" for t in tests) + ") = 1)"
    if parameter == SH["not"]:
        return "Not", f"!({_nested(shapes, value)})"
    if parameter == SH.node:
        return "Node", _nested(shapes, value)
    raise Unsupported(f"parameter {parameter}")


def _nested(shapes: Graph, shape) -> str:
    """A SPARQL test that ?v conforms to a nested shape (of sh:or, sh:xone, sh:not, sh:node, a qualified
    value shape): its value constraints on ?v itself, or one property with sh:minCount 1 / sh:hasValue."""
    if not isinstance(shape, BNode):
        raise Unsupported("a named nested shape")
    parameters = {p for p in shapes.predicates(shape)} - {RDF.type}
    path = shapes.value(shape, SH.path)
    if path is not None:
        sparql_path, _ = _path(shapes, path)
        rest = parameters - {SH.path}
        minimum, has = shapes.value(shape, SH.minCount), shapes.value(shape, SH.hasValue)
        if rest == {SH.minCount} and int(minimum) == 1:
            return f"EXISTS {{ ?v {sparql_path} [] }}"
        if rest == {SH.hasValue}:
            return f"EXISTS {{ ?v {sparql_path} {_term(has)} }}"
        raise Unsupported("nested property shape")
    tests = []
    for parameter in sorted(parameters, key=str):
        if parameter in (SH.message, SH.severity, SH.name, SH.description) or parameter in _COUNTS \
                or parameter == SH.lessThanOrEquals or parameter == SH.property:
            raise Unsupported("nested shape with counts, pairs or messages")
        for value in shapes.objects(shape, parameter):
            tests.append(_value_test(shapes, shape, parameter, value)[1])
    return "(" + (" && ".join(tests) or "true") + ")"


def _term(node) -> str:
    """A constant of a shape as SPARQL; only IRIs and strings, whose identity Oxigraph keeps as written
    and canonical booleans (numbers are stored canonically, so sameTerm could differ from pySHACL's term comparison)."""
    if isinstance(node, URIRef):
        return node.n3()
    if isinstance(node, Literal) and node.language is None and node.datatype in (None, XSD.string):
        return _string(str(node))
    if isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) in ("true", "false"):
        return str(node)  # canonical booleans: the form Oxigraph keeps
    raise Unsupported(f"constant {node!r}")


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def _without(shapes: Graph, compiled: list[URIRef]) -> Graph:
    """`shapes` without the compiled node shapes and the blank nodes only they reach."""
    drop = set(compiled)
    stack = list(compiled)
    while stack:
        for obj in shapes.objects(stack.pop(), None):
            if isinstance(obj, BNode) and obj not in drop:
                drop.add(obj)
                stack.append(obj)
    rest = Graph()
    for triple in shapes:
        if triple[0] not in drop:
            rest.add(triple)
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace, override=True)
    return rest
