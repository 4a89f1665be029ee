"""Many small perturbations of one record, each in a copy of its own, all in one graph.

A differential oracle for the SHACL paths of the build (emkg.shacl_compiled, emkg.shacl_sparql) against pySHACL
(emkg.shacl.validate): every perturbation a submitter's mistake could make to one triple (the triple dropped, a
second value, a number moved by one, a number set on each side of every bound a shape gives its property, another
datatype, a language tag, an IRI of another class, another rdf:type) is applied to its own copy of the record,
whose nodes are renamed (`…/case/k12-…`), so one validation of the union checks them all at once and the copies
cannot see each other (every shape of shapes/ is about one record's own nodes).
"""

from __future__ import annotations

from decimal import Decimal

from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH, XSD

RECORD_PREFIXES = ("https://w3id.org/emkg/case/", "https://w3id.org/emkg/publication/")
_NUMBERS = {XSD.integer, XSD.decimal, XSD.double, XSD.nonNegativeInteger}
_BOUNDS = (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive)


def bounds_by_path(shapes: Graph) -> dict[URIRef, set[Decimal]]:
    """Every numeric bound (sh:min/maxIn/Exclusive) the shapes give a property, by its sh:path."""
    found: dict[URIRef, set[Decimal]] = {}
    for shape, path in shapes.subject_objects(SH.path):
        for bound in _BOUNDS:
            for value in shapes.objects(shape, bound):
                if isinstance(path, URIRef):
                    found.setdefault(path, set()).add(Decimal(str(value)))
    return found


def _renamed(term, copy: int):
    if isinstance(term, URIRef):
        for prefix in RECORD_PREFIXES:
            if str(term).startswith(prefix):
                return URIRef(prefix + f"k{copy}-" + str(term)[len(prefix):])
    return term


def _number(value: Decimal, like: Literal) -> Literal:
    if like.datatype == XSD.integer or like.datatype == XSD.nonNegativeInteger:
        return Literal(str(int(value)), datatype=like.datatype)
    return Literal(str(value), datatype=like.datatype)


def perturbations(record: Graph, shapes: Graph) -> list[tuple[str, set, set]]:
    """[(what was done, triples removed, triples added)] over the record's own triples, in a fixed order."""
    bounds = bounds_by_path(shapes)
    triples = sorted(record)
    types = sorted({o for o in record.objects(None, RDF.type)})
    iri_objects = sorted({o for s, p, o in triples if isinstance(o, URIRef) and p != RDF.type})
    values_by_predicate: dict = {}
    for _, p, o in triples:
        if isinstance(o, Literal) and o.datatype in _NUMBERS:
            values_by_predicate.setdefault(p, set()).add(Decimal(str(o.toPython())))
    done: list[tuple[str, set, set]] = []

    def change(label: str, triple, new) -> None:
        done.append((label, {triple}, {new}))

    seen = set()
    for index, triple in enumerate(triples):
        s, p, o = triple
        kind = (tuple(sorted(record.objects(s, RDF.type))), p, type(o), getattr(o, "datatype", None))
        if kind in seen:
            continue  # the same property of another node of the same classes: the same shapes see it
        seen.add(kind)
        name = f"{s.rsplit('/', 1)[-1]} {p.n3(record.namespace_manager)} {o.n3(record.namespace_manager)}"
        done.append((f"drop {name}", {triple}, set()))
        if p == RDF.type:
            for other in (types[(index + k) % len(types)] for k in (1, 2)):
                if other != o:
                    change(f"{name} -> type {other}", triple, (s, p, other))
            continue
        if isinstance(o, Literal) and o.datatype in _NUMBERS:
            value = Decimal(str(o.toPython()))
            targets = {value - 1, value + 1}
            for bound in bounds.get(p, ()):
                targets |= {bound - 1, bound, bound + 1}
            for other in values_by_predicate.get(p, ()):  # the order of days, of diagnosis and relapse ...
                targets |= {other - 1, other, other + 1}
            if o.datatype == XSD.decimal:
                targets |= {b + Decimal("0.5") for b in bounds.get(p, ())}
            for target in sorted(targets):
                new = _number(target, o)
                if new != o and not (o.datatype == XSD.nonNegativeInteger and target < 0):
                    change(f"{name} -> {new}", triple, (s, p, new))
            change(f"{name} -> string", triple, (s, p, Literal(str(o))))
            other = XSD.decimal if o.datatype == XSD.integer else XSD.integer
            change(f"{name} -> {other}", triple, (s, p, Literal(str(int(value)), datatype=other)))
            done.append((f"{name} + second value", set(), {(s, p, _number(value + 2, o))}))
        elif isinstance(o, Literal) and o.datatype == XSD.boolean:
            change(f"{name} -> flipped", triple, (s, p, Literal(not o.toPython())))
            change(f"{name} -> string", triple, (s, p, Literal(str(o))))
            done.append((f"{name} + second value", set(), {(s, p, Literal(not o.toPython()))}))
        elif isinstance(o, Literal):
            change(f"{name} -> @en", triple, (s, p, Literal(str(o), lang="en")))
            change(f"{name} -> integer", triple, (s, p, Literal(len(str(o)))))
            change(f"{name} -> IRI", triple, (s, p, URIRef("https://w3id.org/emkg/Female")))
            done.append((f"{name} + second value", set(), {(s, p, Literal(str(o) + " again"))}))
        else:
            for other in (iri_objects[(index + k) % len(iri_objects)] for k in (1, 5)):
                if other != o:
                    change(f"{name} -> {other}", triple, (s, p, other))
            change(f"{name} -> string", triple, (s, p, Literal(str(o).rsplit("/", 1)[-1])))
            other = iri_objects[(index + 3) % len(iri_objects)]
            if other != o:
                done.append((f"{name} + second value {other}", set(), {(s, p, other)}))
    return done


def union_of_copies(record: Graph, changes: list[tuple[str, set, set]]) -> Graph:
    """One graph: copy k of `record` (its nodes renamed) with change k applied."""
    union = Graph()
    for copy, (_, removed, added) in enumerate(changes):
        for triple in record:
            if triple not in removed:
                union.add(tuple(_renamed(t, copy) for t in triple))
        for triple in added:
            union.add(tuple(_renamed(t, copy) for t in triple))
    for prefix, namespace in record.namespaces():
        union.bind(prefix, namespace, override=True)
    return union
