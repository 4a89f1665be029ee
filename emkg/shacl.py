"""SHACL validation: pySHACL is called here and nowhere else, always the same way.

The data graph is passed as a graph object (a string would be read as a path or URL), the ontology
as `ont_graph` so that the class hierarchy and the vocabularies (units, response categories, UBERON
sites ...) are available, and pySHACL works on a copy (`inplace=False`) so the caller's graph is never
mutated. No inference: sh:class and sh:targetClass already follow rdfs:subClassOf, while RDFS
inference would apply the ontology's rdfs:range axioms and type ANY value of emkg:unit as a unit, of
emkg:outcome as a response category ..., which would make every vocabulary check pass (and OWL-RL
multiplies validation time, see design notes). `advanced=True` enables SPARQL-based targets.
Results are turned into plain records that name the shape, path, constraint
and value, and, through the loader's locations, the submitter's file, field and line.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from dataclasses import dataclass

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH  # rdflib's own SHACL namespace: defined once, by the library

from emkg.namespaces import compact


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
             locations: dict[URIRef, tuple[str, str, int | None]] | None = None,
             inplace: bool = False) -> tuple[bool, list[Violation], Graph]:
    """Validate `data`; return (conforms, violations, the SHACL report graph).

    `inplace=True` lets pySHACL add the ontology's class axioms to `data` itself instead of validating a
    copy (a third of the time of a 50-patient record's core shapes went into that copy): only for a
    caller that drops `data` afterwards (the build's record check)."""
    from pyshacl import validate as pyshacl_validate

    # pySHACL adds a few RDFS/OWL axioms to the shapes graph it is given: hand it a copy, so that
    # callers may parse shapes once and validate many graphs with them.
    shapes_copy = Graph()
    shapes_copy += shapes
    # A validation that may not touch the caller's graph works on a scratch copy that parses each SPARQL
    # text once; the build validates its own record graph in place (its SPARQL shapes run on Oxigraph).
    if inplace:
        target = data
    else:
        target = _ParsedOnceGraph()
        target += data
    with _call_local_speedups():
        conforms, report, _ = pyshacl_validate(
            target, shacl_graph=shapes_copy, ont_graph=ontology, inference="none", advanced=True,
            allow_warnings=True, inplace=True, abort_on_first=False,
        )
    results = report.subjects(RDF.type, SH.ValidationResult)
    violations = [_violation(report, shapes, result, locations or {}) for result in results]
    violations.sort(key=lambda v: (v.file or "", v.line or 0, v.focus, v.message))
    return conforms, violations, report


def ontology_axioms(ontology: Graph) -> Graph:
    """The triples pySHACL copies from `ontology` into a data graph before validating it (its
    `inoculate`: RDFS/OWL classes, properties and axioms). They depend on the ontology only, so a caller
    validating many graphs can add them itself and pass no ontology."""
    from pyshacl.rdfutil.inoculate import inoculate

    axioms = Graph()
    inoculate(axioms, ontology)
    return axioms


class _ParsedOnceGraph(Graph):
    """The scratch data graph of one validation: each SPARQL text is parsed once, not once per focus node.

    pySHACL hands rdflib the text of a SPARQL constraint once per focus node, and rdflib parses it every
    time (about 0.1 s for a temporal rule: seconds on the seed graph). The parsed query does not depend
    on the focus node ($this comes as a binding). The cache belongs to this graph object alone, so no
    other query in the process (another thread, the store) is affected, and it dies with the validation.
    """

    def __init__(self) -> None:
        super().__init__()
        self._parsed: dict = {}

    def query(self, query_object, processor="sparql", result="sparql", initNs=None,  # noqa: N803 (rdflib's names)
              initBindings=None, use_store_provided=True, **kwargs):  # noqa: N803
        if isinstance(query_object, str):
            from rdflib.plugins.sparql import prepareQuery

            key = (query_object, kwargs.get("base"), tuple(sorted((initNs or {}).items())))
            if key not in self._parsed:
                self._parsed[key] = prepareQuery(query_object, initNs=initNs, base=kwargs.get("base"))
            query_object = self._parsed[key]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


# pySHACL has no option for the two speed-ups below, so they hook it, but only for emkg's own calls: the
# hooks are installed once and pass everything through unless `_OUR_CALL` is set, and a ContextVar is
# per thread (and per asyncio task), so another thread validating at the same time, with emkg or with
# pySHACL directly, never sees them (tests/test_shacl_hooks.py), and nothing is restored under its feet.
_OUR_CALL: contextvars.ContextVar[bool] = contextvars.ContextVar("emkg_shacl_call", default=False)


@contextlib.contextmanager
def _call_local_speedups():
    """Turn the hooks on for this call, in this thread only."""
    _install_hooks()
    token = _OUR_CALL.set(True)
    try:
        yield
    finally:
        _OUR_CALL.reset(token)


@functools.cache
def _install_hooks() -> None:
    """(1) No result text: pySHACL writes a text description of every result it makes, also of the many
    it throws away inside sh:or and sh:node (2,685 on a 50-patient record with no violation): 10 % of a
    validation; only the report graph is read here. (2) Constraint parameters looked up in a set: pySHACL
    asks `p in <list>` for every predicate of every shape at every (nested) evaluation, a quarter of a
    record's core validation in URIRef comparisons."""
    from pyshacl import shape
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    from pyshacl.constraints.constraint_component import ConstraintComponent

    describe = ConstraintComponent.make_v_result_description

    def describe_outside_our_calls(self, *args, **kwargs):
        return "" if _OUR_CALL.get() else describe(self, *args, **kwargs)

    ConstraintComponent.make_v_result_description = describe_outside_our_calls
    shape.module.CONSTRAINT_PARAMS = _ConstraintParameters(ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP)


class _ConstraintParameters:
    """What pySHACL's Shape.validate unpacks from `shape.module.CONSTRAINT_PARAMS`: (parameters, map); the
    parameters as a `_Members` inside emkg's calls, pySHACL's own list otherwise."""

    def __init__(self, parameters: list, parameter_map: dict):
        self.parameters, self.members, self.parameter_map = parameters, _Members(parameters), parameter_map

    def __iter__(self):
        return iter((self.members if _OUR_CALL.get() else self.parameters, self.parameter_map))


class _Members(list):
    """pySHACL's list of constraint parameters with a set's membership test. Same members, same order;
    only `in` is a hash lookup."""

    def __init__(self, items=()):
        super().__init__(items)
        self._members = set(self)

    def __contains__(self, item) -> bool:
        return item in self._members

    def copy(self) -> _Members:
        return _Members(self)

    def append(self, item) -> None:
        super().append(item)
        self._members.add(item)


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
        path=_path(report, path),
        constraint=compact(str(one(SH.sourceConstraintComponent))),
        shape=compact(str(shape)) if isinstance(shape, URIRef) else _parent_shape(shapes, shape),
        message=str(one(SH.resultMessage) or ""),
        value=compact(str(value)) if value is not None else None,
        file=file, field=field, line=line,
    )


def _path(report: Graph, path) -> str | None:
    """A result path as text: a CURIE, or ^CURIE for an inverse path (e.g. the facts of a patient)."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return compact(str(path))
    inverse = report.value(path, SH.inversePath)
    return "^" + compact(str(inverse)) if isinstance(inverse, URIRef) else "(complex path)"


def _parent_shape(shapes: Graph, shape) -> str | None:
    """Property shapes are blank nodes: name the node shape they belong to, when the report holds it."""
    for parent in shapes.subjects(SH.property, shape):
        if isinstance(parent, URIRef):
            return compact(str(parent))
    return None
