"""SHACL-SPARQL constraints evaluated set-based on an Oxigraph store instead of once per focus node in pySHACL.

pySHACL runs a shape's `sh:select` once per focus node through rdflib's SPARQL engine (about 2 ms a
call, plus pySHACL's own checks of the query text each time): on a generated 50-patient record that was
more than half of the record's check (876 calls, 3.2 s of 5.5 s, `benchmarks/run.py`). Here each
constraint is one query for all its focus nodes: the shape's targets (one DISTINCT sub-select binding
?this) joined with the constraint's own SELECT, $this read as ?this. The build's per-record Oxigraph
store (record + ontology, the same triples pySHACL validates) answers it in milliseconds.

Only constraints whose meaning is unchanged by that rewrite are moved (`split`): on a named node shape
that no other shape refers to (so no nested evaluation), whose SELECT projects $this and binds it in
every solution, uses neither $PATH, $value, $currentShape, $shapesGraph nor ?failure, with exactly one
message; every other constraint stays with pySHACL. The results are the same `emkg.shacl.Violation`s
pySHACL would give (shape, focus, path, value, message with {?var} filled in exactly as pySHACL fills
it); tests/build/test_shacl_sparql.py checks that on every example of tests/shapes/ and on records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import XSD

from emkg.namespaces import compact
from emkg.shacl import SH, Violation

_THIS = re.compile(r"\$this\b")
_PROJECTS_THIS = re.compile(r"^\s*SELECT\s+(DISTINCT\s+|REDUCED\s+)?[^{]*[?$]this\b", re.IGNORECASE)
_UNSUPPORTED = re.compile(r"\$(PATH|value|currentShape|shapesGraph)\b|[?$]failure\b")
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


@dataclass(frozen=True)
class Constraint:
    shape: URIRef
    node: object  # the sh:sparql node in the shapes graph
    query: str  # one query for every focus node of the shape
    message: str
    severity: str


def split(shapes: Graph) -> tuple[Graph, list[Constraint]]:
    """(a copy of `shapes` without the constraints moved to Oxigraph, the moved constraints).

    The copy keeps every other constraint and every target; `with_sparql_targets` turns its SPARQL
    targets into the focus nodes Oxigraph finds for them."""
    moved: list[Constraint] = []
    for shape in sorted(set(shapes.subjects(SH.sparql, None)), key=str):
        for node in sorted(shapes.objects(shape, SH.sparql), key=str):
            constraint = _movable(shapes, shape, node)
            if constraint is not None:
                moved.append(constraint)
    remaining = Graph()
    drop = {(c.shape, c.node) for c in moved}
    dropped_nodes = {c.node for c in moved}
    for triple in shapes:
        s, p, _ = triple
        if (p == SH.sparql and (s, triple[2]) in drop) or s in dropped_nodes:
            continue
        remaining.add(triple)
    for prefix, namespace in shapes.namespaces():
        remaining.bind(prefix, namespace, override=True)
    return remaining, moved


def _movable(shapes: Graph, shape, node) -> Constraint | None:
    if not isinstance(shape, URIRef) or (shape, RDF.type, SH.NodeShape) not in shapes:
        return None
    if (None, None, shape) in shapes:
        return None  # another shape refers to it (sh:node ...): pySHACL evaluates it nested
    if (shape, RDF.type, URIRef("http://www.w3.org/2000/01/rdf-schema#Class")) in shapes or \
            (shape, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in shapes:
        return None  # implicit class target
    if list(shapes.objects(shape, SH.message)) or any(
            (x, SH.deactivated, None) in shapes for x in (shape, node)):
        return None
    select = shapes.value(node, SH.select)
    messages = list(shapes.objects(node, SH.message))
    if select is None or len(messages) != 1 or _UNSUPPORTED.search(str(select)) \
            or not _PROJECTS_THIS.search(str(select)):
        return None
    targets = _targets(shapes, shape)
    if targets is None:
        return None
    prefixes = _prefixes(shapes, [node, *shapes.objects(shape, SH.target)])
    body = _THIS.sub("?this", str(select))
    query = f"{prefixes}SELECT * WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {targets} }} }}\n{{ {body}\n}} }}"
    severity = shapes.value(shape, SH.severity) or SH.Violation
    return Constraint(shape, node, query, str(messages[0]), compact(str(severity)).replace("sh:", ""))


@dataclass(frozen=True)
class SparqlTargets:
    """The shapes graph for pySHACL with its SPARQL-based targets (sh:target [a sh:SPARQLTarget]) taken
    out: rdflib took 0.4 s a record to answer them; Oxigraph answers them on the record's store and
    pySHACL gets the nodes found as sh:targetNode, the same focus nodes (SHACL-AF 5.1)."""

    shapes: Graph  # without the SPARQL targets
    queries: tuple  # (shape, query) per SPARQL target

    @classmethod
    def of(cls, shapes: Graph) -> SparqlTargets:
        found, target_nodes = [], set()
        for shape, target in sorted(shapes.subject_objects(SH.target), key=str):
            select = shapes.value(target, SH.select)
            if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None \
                    or re.search(r"\$[A-Za-z_]", str(select)) or not isinstance(shape, URIRef):
                continue
            found.append((shape, _prefixes(shapes, [target]) + str(select)))
            target_nodes.add(target)
        rest = Graph()
        for triple in shapes:
            if triple[0] in target_nodes or (triple[1] == SH.target and triple[2] in target_nodes):
                continue
            rest.add(triple)
        for prefix, namespace in shapes.namespaces():
            rest.bind(prefix, namespace, override=True)
        return cls(rest, tuple(found))

    def has_shapes(self) -> bool:
        """False when no shape is left for pySHACL (every one compiled or moved): nothing to run."""
        return bool(self.queries) or any(self.shapes.subjects(RDF.type, SH.NodeShape)) \
            or any(self.shapes.subjects(SH.property, None))

    def resolved(self, store) -> Graph:
        """The shapes with each SPARQL target replaced by the focus nodes it selects on `store`."""
        import pyoxigraph as ox

        shapes = Graph()
        shapes += self.shapes
        for shape, query in self.queries:
            for solution in store.query(query):
                node = solution["this"]
                if isinstance(node, ox.NamedNode):
                    shapes.add((shape, SH.targetNode, URIRef(node.value)))
                elif node is not None:
                    shapes.add((shape, SH.targetNode, _LexicalForms.plain(node)))
        return shapes


def _targets(shapes: Graph, shape) -> str | None:
    """The shape's targets as one SPARQL group binding ?this, or None if one is not understood."""
    groups = []
    for cls in shapes.objects(shape, SH.targetClass):
        groups.append(f"?this a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {cls.n3()}")
    for node in shapes.objects(shape, SH.targetNode):
        groups.append(f"VALUES ?this {{ {node.n3()} }}")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        groups.append(f"?this {prop.n3()} []")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        groups.append(f"[] {prop.n3()} ?this")
    for target in shapes.objects(shape, SH.target):
        select = shapes.value(target, SH.select)
        if (target, RDF.type, SH.SPARQLTarget) not in shapes or select is None \
                or re.search(r"\$[A-Za-z_]", str(select)):
            return None
        groups.append(f"{{ {select} }}")
    if not groups:
        return None
    return " UNION ".join(f"{{ {g} }}" for g in groups)


def _prefixes(shapes: Graph, nodes) -> str:
    lines = {}
    for node in nodes:
        for declarations in shapes.objects(node, SH.prefixes):
            for declared in shapes.objects(declarations, SH.declare):
                prefix, namespace = shapes.value(declared, SH.prefix), shapes.value(declared, SH.namespace)
                if prefix is not None and namespace is not None:
                    lines[str(prefix)] = f"PREFIX {prefix}: <{namespace}>\n"
    return "".join(lines[p] for p in sorted(lines))


def evaluate(store, constraints: list[Constraint], data: Graph,
             locations: dict | None = None) -> list[Violation]:
    """The violations of `constraints` on `store` (an Oxigraph store with the triples of `data`, the
    rdflib graph pySHACL would validate, plus the ontology). Literals are reported with the lexical form
    they have in `data` (Oxigraph keeps numbers canonical: 1.50 -> 1.5), as pySHACL reports them."""
    lexical = _LexicalForms(data)
    locations = locations or {}
    found: list[Violation] = []
    for constraint in constraints:
        solutions = store.query(constraint.query)
        names = [v.value for v in solutions.variables]
        seen: set = set()
        for solution in solutions:
            row = {n: lexical.term(solution[n]) for n in names if solution[n] is not None}
            this = row.pop("this")
            path, value = row.pop("path", None), row.pop("value", None)
            key = (this, path, value, tuple(sorted(row.items())))
            if key in seen:
                continue
            seen.add(key)
            found.append(_violation(constraint, this, path, value if value is not None else this, row, locations))
    return found


def _violation(constraint: Constraint, this, path, value, extra: dict, locations: dict) -> Violation:
    # pySHACL's own filling-in (constraint_component._format_sparql_based_result_message): the other
    # variables first, then this, path and value.
    message = constraint.message
    bound = dict(extra)
    bound["this"] = this
    if path is not None:
        bound["path"] = path
    bound["value"] = value  # pySHACL fills an unbound ?value with the focus node, in the message too
    for name, term in bound.items():
        message = re.sub(f"{{[?$]{name}}}", str(term), message)
    file = field = line = None
    if this in locations:
        file, field, line = locations[this]
    return Violation(severity=constraint.severity, focus=str(this),
                     path=compact(str(path)) if isinstance(path, URIRef) else None,
                     constraint="sh:SPARQLConstraintComponent", shape=compact(str(constraint.shape)),
                     message=message, value=compact(str(value)), file=file, field=field, line=line)


class _LexicalForms:
    """Oxigraph terms as the rdflib terms of the validated graph."""

    _STRINGS = {str(XSD.string), "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}

    def __init__(self, data: Graph):
        self._data = data
        self._by_value: dict | None = None

    @staticmethod
    def plain(term):
        import pyoxigraph as ox

        if isinstance(term, ox.Literal):
            return Literal(term.value, lang=term.language) if term.language else \
                Literal(term.value, datatype=URIRef(term.datatype.value))
        raise ValueError(f"a SPARQL target selects a blank node ({term}); records name every node")

    def term(self, term):
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if isinstance(term, ox.Literal):
            if term.language:
                return Literal(term.value, lang=term.language)
            datatype = term.datatype.value
            if datatype in self._STRINGS:
                return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))
            literal = Literal(term.value, datatype=URIRef(datatype))
            return self._original(literal)
        raise ValueError(f"a SHACL-SPARQL result holds a blank node ({term}); records name every node")

    def _original(self, literal: Literal) -> Literal:
        if self._by_value is None:
            self._by_value = {}
            for obj in set(self._data.objects()):
                if isinstance(obj, Literal) and obj.datatype is not None and str(obj.datatype) not in self._STRINGS:
                    self._by_value.setdefault((obj.datatype, _value_key(obj)), obj)
        return self._by_value.get((literal.datatype, _value_key(literal)), literal)


def _value_key(literal: Literal):
    value = literal.value
    return ("value", value) if value is not None and not isinstance(value, Literal) else ("lexical", str(literal))
