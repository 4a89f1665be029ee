"""Reasoning: fill in the ontology's defined classes (CNS relapse, severe CRS, dual-target CAR ...).

Two paths give the same inferred types:

* ``hermit_inferred_types`` - the reference. Ontology + data go into a fresh owlready2 ``World`` (as
  N-Triples: owlready2 does not read Turtle) and HermiT realises every individual. Slow (a JVM and a
  tableau run), so ``emkg reason`` runs it on demand, not every build.
* ``fast_inferred_types`` - one SPARQL CONSTRUCT rule per defined class, run in pyoxigraph. The rules
  are compiled from the ``owl:equivalentClass`` axioms themselves (``compile_rules``), so the ontology is
  the single source of truth; a construct the compiler does not know raises ``UnsupportedAxiom``
  naming the class. `emkg build` adds these triples; ``tests/ontology/test_reasoning.py`` checks that
  both paths agree on the seed graph and on hand-made instances of every defined class.

Where the paths could differ, and what is done about it:

* "not (present value false)" needs a closed-world reading: the curation format says a fact with no
  ``present`` field is present (``present: true`` by default), but OWL reads an absent value as unknown.
  The HermiT path therefore states that default (``emkg:present true`` on every adverse event without
  a ``present`` value, in the reasoner's input only; ``emkg:present`` is functional) and the rules use
  ``FILTER NOT EXISTS``.
* The rules read a node's class from its asserted ``rdf:type`` (and ``rdfs:subClassOf*``), not from
  ``rdfs:domain``/``rdfs:range``; the loader always asserts a node's class, so on loader output both
  paths agree.

Marking: an inferred type is written as two triples, ``?x rdf:type C`` (so every query sees it) and
``?x emkg:inferredType C`` (an annotation property), so a query can tell asserted from inferred types
without reification or named graphs, and the release stays plain N-Triples in the default graph.
Only types that were not already asserted are returned.

An inconsistent graph raises ``InconsistentGraph``: HermiT says only "inconsistent", so the data is
narrowed down (by bisection over its subjects, each step a HermiT consistency check) to a small set of
individuals that is inconsistent with the ontology, and the error lists their triples and the
ontology axioms on the properties and classes those triples use.
"""

from __future__ import annotations

import itertools
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from emkg.namespaces import EMKG, compact

INFERRED_TYPE = URIRef(EMKG + "inferredType")
ADVERSE_EVENT = URIRef(EMKG + "AdverseEvent")
PRESENT = URIRef(EMKG + "present")

Inferred = set[tuple[URIRef, URIRef]]  # (individual, defined class)


class ReasoningError(Exception):
    """The reasoner could not run (Java missing, unreadable input); the message is for the user."""


class JavaMissing(ReasoningError):
    """No Java runtime to run HermiT: the set-up is incomplete (a usage error, exit 2), not a failed check."""


class UnsupportedAxiom(ReasoningError):
    """A defined class uses an OWL construct the fast-path rule compiler does not translate."""


class InconsistentGraph(ReasoningError):
    """HermiT found the ontology plus data inconsistent.

    ``individuals``: the (compacted) subjects whose triples, together with the ontology, are
    inconsistent; ``triples``: their triples; ``axioms``: ontology axioms on the terms they use.
    """

    def __init__(self, message: str, individuals: list[str], triples: list[str], axioms: list[str]):
        super().__init__(message)
        self.individuals = individuals
        self.triples = triples
        self.axioms = axioms


# --------------------------------------------------------------------------------------------------
# Defined classes and the rule compiler

def defined_classes(ontology: Graph) -> list[URIRef]:
    """The emkg classes with an owl:equivalentClass axiom, sorted."""
    return sorted(c for c in set(ontology.subjects(OWL.equivalentClass, None))
                  if isinstance(c, URIRef) and str(c).startswith(EMKG))


@dataclass(frozen=True)
class Rule:
    defined_class: URIRef
    where: str  # a SPARQL group pattern binding ?x to the members

    def construct(self) -> str:
        cls = f"<{self.defined_class}>"
        return (f"CONSTRUCT {{ ?x <{RDF.type}> {cls} }} WHERE {{ {self.where} "
                f"FILTER(isIRI(?x)) FILTER NOT EXISTS {{ ?x <{RDF.type}> {cls} }} }}")


def compile_rules(ontology: Graph) -> list[Rule]:
    """One rule per defined class, translated from its owl:equivalentClass expression."""
    rules = []
    for cls in defined_classes(ontology):
        expressions = list(ontology.objects(cls, OWL.equivalentClass))
        if len(expressions) != 1:
            raise UnsupportedAxiom(f"{compact(str(cls))} has {len(expressions)} equivalentClass axioms; "
                                   "the rule compiler handles exactly one")
        compiler = _Compiler(ontology, cls)
        rules.append(Rule(cls, compiler.pattern(expressions[0], "x")))
    return rules


class _Compiler:
    """Translate one class expression into a SPARQL pattern (the subset of OWL the ontology uses)."""

    def __init__(self, ontology: Graph, owner: URIRef):
        self.g = ontology
        self.owner = owner
        self.counter = itertools.count(1)

    def fail(self, what: str) -> UnsupportedAxiom:
        return UnsupportedAxiom(f"{compact(str(self.owner))}: the fast-path rule compiler does not translate {what}; "
                                "extend emkg.reason._Compiler or use intersectionOf / hasValue / someValuesFrom "
                                "/ oneOf / complementOf / datatype facets")

    def fresh(self) -> str:
        return f"v{next(self.counter)}"

    def pattern(self, expr, var: str) -> str:
        g = self.g
        if isinstance(expr, URIRef):
            if expr == OWL.Thing:
                return ""
            return f"?{var} <{RDF.type}>/<{RDFS.subClassOf}>* <{expr}> ."
        if (members := g.value(expr, OWL.intersectionOf)) is not None:
            return " ".join(self.pattern(m, var) for m in Collection(g, members))
        if (members := g.value(expr, OWL.unionOf)) is not None:
            return " UNION ".join("{ " + self.pattern(m, var) + " }" for m in Collection(g, members))
        if (members := g.value(expr, OWL.oneOf)) is not None:
            return f"FILTER(?{var} IN ({', '.join(self.term(m) for m in Collection(g, members))}))"
        if (negated := g.value(expr, OWL.complementOf)) is not None:
            return f"FILTER NOT EXISTS {{ {self.pattern(negated, var)} }}"
        if (prop := g.value(expr, OWL.onProperty)) is not None:
            if not isinstance(prop, URIRef):
                raise self.fail("an inverse or anonymous property")
            if (value := g.value(expr, OWL.hasValue)) is not None:
                asserted = f"?{var} <{prop}> {self.term(value)} ."
                # The value can also follow from a class of the node: a registered product's class says its
                # costimulatory domain (C rdfs:subClassOf [owl:onProperty p ; owl:hasValue v]), as HermiT reads it.
                classes = sorted({c for r in g.subjects(OWL.hasValue, value) if (r, OWL.onProperty, prop) in g
                                  for c in g.subjects(RDFS.subClassOf, r) if isinstance(c, URIRef)})
                if not classes:
                    return asserted
                cls = self.fresh()
                return (f"{{ {asserted} }} UNION {{ VALUES ?{cls} {{ {' '.join(c.n3() for c in classes)} }} "
                        f"?{var} <{RDF.type}>/<{RDFS.subClassOf}>* ?{cls} . }}")
            if (filler := g.value(expr, OWL.someValuesFrom)) is not None:
                inner = self.fresh()
                return f"?{var} <{prop}> ?{inner} . " + self.filler(filler, inner)
            raise self.fail("a restriction other than hasValue / someValuesFrom")
        raise self.fail(f"the expression {expr!r}")

    def filler(self, filler, var: str) -> str:
        """A someValuesFrom filler: a class expression or a data range."""
        g = self.g
        if (base := g.value(filler, OWL.onDatatype)) is not None:
            tests = [f"DATATYPE(?{var}) = <{base}>"]
            ops = {XSD.minInclusive: ">=", XSD.maxInclusive: "<=", XSD.minExclusive: ">", XSD.maxExclusive: "<"}
            for facet_node in Collection(g, g.value(filler, OWL.withRestrictions)):
                facets = list(g.predicate_objects(facet_node))
                if len(facets) != 1 or facets[0][0] not in ops:
                    raise self.fail("a datatype facet other than min/max inclusive/exclusive")
                tests.append(f"?{var} {ops[facets[0][0]]} {self.term(facets[0][1])}")
            return f"FILTER({' && '.join(tests)})"
        if isinstance(filler, URIRef) and filler in (RDFS.Literal, XSD.integer, XSD.decimal, XSD.string,
                                                     XSD.boolean):
            return "" if filler == RDFS.Literal else f"FILTER(DATATYPE(?{var}) = <{filler}>)"
        return self.pattern(filler, var)

    def term(self, node) -> str:
        if isinstance(node, BNode):
            raise self.fail("a blank node as a value")
        return node.n3()


# --------------------------------------------------------------------------------------------------
# Fast path (pyoxigraph)

def fast_inferred_types(graph: Graph, ontology: Graph | None = None) -> Inferred:
    """The defined-class types the rules infer for ``graph``, excluding asserted ones.

    ``ontology`` gives the axioms (rules and class hierarchy); leave it out when ``graph`` already
    contains the ontology, as the assembled build graph does.
    """
    import pyoxigraph as ox

    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    if ontology is not None:
        store.load(ontology.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return materialise(store, compile_rules(ontology if ontology is not None else graph))


def materialise(store, rules: list[Rule], insert: bool = True) -> Inferred:
    """Run the rules on an Oxigraph store until nothing new is found; return what was new.

    With ``insert`` the new rdf:type triples are added to the store (so a defined class used inside
    another's definition is seen on the next pass). Only rdf:type is inserted, never emkg:inferredType:
    callers mark the triples when they write them (``marked_triples``).
    """
    import pyoxigraph as ox

    found: Inferred = set()
    for _ in range(len(rules) + 1):
        new: Inferred = set()
        for rule in rules:
            for triple in store.query(rule.construct()):
                new.add((URIRef(triple.subject.value), URIRef(triple.object.value)))
        new -= found
        if not new:
            break
        found |= new
        if not insert:
            break
        rdf_type = ox.NamedNode(str(RDF.type))
        store.extend(ox.Quad(ox.NamedNode(s), rdf_type, ox.NamedNode(c)) for s, c in new)
    return found


def marked_triples(inferred: Iterable[tuple[URIRef, URIRef]]) -> Graph:
    """The inferred types as triples: rdf:type plus the emkg:inferredType marker."""
    graph = Graph()
    for subject, cls in inferred:
        graph.add((subject, RDF.type, cls))
        graph.add((subject, INFERRED_TYPE, cls))
    return graph


# --------------------------------------------------------------------------------------------------
# HermiT (owlready2)

def with_defaults(data: Graph) -> Graph:
    """A copy of ``data`` with the curation format's default ``present true`` stated on adverse events."""
    closed = Graph()
    closed += data
    for event in set(data.subjects(RDF.type, ADVERSE_EVENT)):
        if data.value(event, PRESENT) is None:
            closed.add((event, PRESENT, Literal(True)))
    return closed


def hermit_inferred_types(data: Graph, ontology: Graph, explain: bool = True) -> Inferred:
    """Realise ``data`` against ``ontology`` with HermiT; the new defined-class types.

    Raises InconsistentGraph (with the individuals involved when ``explain``) or ReasoningError.
    """
    import shutil

    import owlready2

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise JavaMissing(f"no Java runtime: HermiT runs `{owlready2.JAVA_EXE}`, which is not on PATH; install a JRE "
                          "11 or later (Debian: apt-get install default-jre-headless)")
    classes = defined_classes(ontology)
    merged = with_defaults(data) + ontology
    world = owlready2.World()
    with tempfile.TemporaryDirectory(prefix="emkg-reason-") as tmp:
        nt_file = Path(tmp) / "input.nt"
        merged.serialize(nt_file, format="nt", encoding="utf-8")
        try:
            world.get_ontology(nt_file.as_uri()).load(format="ntriples")
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError:
            raise _inconsistency(data, ontology, explain) from None
        except owlready2.OwlReadyJavaError as exc:
            raise ReasoningError(f"HermiT failed: {_first_java_line(str(exc))}") from None
        except FileNotFoundError as exc:  # java vanished between the check and the run
            raise JavaMissing(f"cannot run HermiT: {exc}") from None
    inferred: Inferred = set()
    for cls in classes:
        entity = world[str(cls)]
        if entity is None:
            continue
        # instances() reads asserted and inferred rdf:type, including those of subclasses
        for individual in entity.instances(world=world):
            iri = getattr(individual, "iri", "")
            if iri and not iri.startswith("_"):
                inferred.add((URIRef(iri), cls))
    return {(s, c) for s, c in inferred if (s, RDF.type, c) not in data}


def without_inferred(graph: Graph) -> Graph:
    """``graph`` minus the types marked emkg:inferredType (and the markers): what was asserted."""
    asserted = Graph()
    asserted += graph
    for subject, cls in list(graph.subject_objects(INFERRED_TYPE)):
        asserted.remove((subject, RDF.type, cls))
        asserted.remove((subject, INFERRED_TYPE, cls))
    return asserted


def _first_java_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith("at ") and "Java error message" not in line]
    return useful[0] if useful else "unknown Java error"


def _hermit_consistent(graph: Graph) -> bool:
    """One HermiT consistency check (``-k``) of a whole graph, on the command line."""
    import owlready2
    from owlready2 import reasoning

    with tempfile.TemporaryDirectory(prefix="emkg-consistency-") as tmp:
        nt_file = Path(tmp) / "input.nt"
        graph.serialize(nt_file, format="nt", encoding="utf-8")
        command = [owlready2.JAVA_EXE, f"-Xmx{reasoning.JAVA_MEMORY}M", "-cp", reasoning._HERMIT_CLASSPATH,
                   "org.semanticweb.HermiT.cli.CommandLine", "-k", nt_file.as_uri()]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    if "is satisfiable" in output:
        return True
    if "is not satisfiable" in output or "nconsistent" in output:
        return False
    raise ReasoningError(f"HermiT consistency check failed: {_first_java_line(output)}")


def _inconsistency(data: Graph, ontology: Graph, explain: bool, max_checks: int = 40) -> InconsistentGraph:
    if not explain:
        return InconsistentGraph("HermiT: the ontology plus the data graph is inconsistent "
                                 "(run with explanations to find the individuals involved)", [], [], [])
    if not _hermit_consistent(with_defaults(Graph()) + ontology):
        return InconsistentGraph("HermiT: the ontology itself is inconsistent, with no data at all", [], [],
                                 [])
    closed = with_defaults(data)
    units = sorted({s for s in closed.subjects() if not isinstance(s, BNode)}, key=str)
    checks = 0

    def inconsistent(subjects: list) -> bool:
        nonlocal checks
        checks += 1
        return not _hermit_consistent(_subgraph(closed, subjects) + ontology)

    # Halve while one half alone is inconsistent, then drop single subjects while the rest still is.
    while len(units) > 1 and checks < max_checks:
        half = len(units) // 2
        if inconsistent(units[:half]):
            units = units[:half]
        elif inconsistent(units[half:]):
            units = units[half:]
        else:
            break
    for unit in list(units):
        if len(units) == 1 or checks >= max_checks:
            break
        rest = [u for u in units if u != unit]
        if inconsistent(rest):
            units = rest
    culprit = _subgraph(closed, units)
    triples = sorted(_show(t) for t in culprit)
    terms = {t for triple in culprit for t in (triple[1], triple[2]) if isinstance(t, URIRef)}
    logical = (RDFS.domain, RDFS.range, RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith,
               OWL.inverseOf, RDF.type)
    axioms = sorted(_show(t) for term in terms for t in ontology.triples((term, None, None))
                    if t[1] in logical and (t[1] != RDF.type or str(t[2]).startswith(str(OWL))))
    names = [compact(str(u)) for u in units]
    minimal = (" (one minimal set; fix it and re-run to find any other)" if checks < max_checks
               else f" (search stopped after {max_checks} HermiT checks: not minimal)")
    message = (f"HermiT: the data is inconsistent with the ontology; individuals involved{minimal}: "
               + ", ".join(names) + "\n  their triples:\n    " + "\n    ".join(triples)
               + "\n  ontology axioms on the terms they use:\n    " + "\n    ".join(axioms or ["(none)"]))
    return InconsistentGraph(message, names, triples, axioms)


def _subgraph(graph: Graph, subjects: Iterable) -> Graph:
    """The triples of ``subjects``, with the blank nodes they reach."""
    sub = Graph()
    todo = list(subjects)
    seen = set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            sub.add(triple)
            if isinstance(triple[2], BNode):
                todo.append(triple[2])
    return sub


def _show(triple) -> str:
    from emkg.namespaces import bind_prefixes

    names = Graph()
    bind_prefixes(names)
    return " ".join(compact(str(t)) if isinstance(t, URIRef) else t.n3(names.namespace_manager) for t in triple)
