"""Ontology QC, run as a step of `emkg build`: problems here are build problems like any other.

Checks (each a function returning ``QCProblem``s, so the tests can break an ontology and see which
check catches it):

* ``labels``: every emkg class, property and named individual has ``rdfs:label`` and a definition
  (``IAO:0000115``, the OBO definition property).
* ``undeclared``: no IRI in the emkg namespace is used in the built graph, the shapes or the stored
  queries unless the ontology declares it (gives it an ``rdf:type``). Deliberately excluded: the IRIs
  the case-record loader mints for evidence individuals (``loaders/yaml_record.py`` puts every patient,
  fact, quote, product and cohort under ``emkg:case/`` or ``emkg:publication/``), the ontology's own
  version IRI, and the shapes graph's own nodes (a NodeShape or prefix declaration declares itself
  by being typed there). A misspelt class in a record, a shape or a query is caught here.
* ``exact-match``: no local term is ``skos:exactMatch`` of two external terms, and no external term is
  ``skos:exactMatch`` of two local terms (either would make the SSSOM set ambiguous).
* ``mapping-target``: every mapped external term is in an import module with a label and not deprecated.
* ``version``: one ``owl:Ontology`` header whose ``owl:versionIRI`` carries the release date
  (``.../releases/YYYY-MM-DD/...``) equal to ``owl:versionInfo``, with license, creator and description.
* ``owlready2``: the ontology loads into a fresh owlready2 ``World`` (from N-Triples: owlready2 does not
  read Turtle) and owlready2 sees every emkg class as a class.
* ``rdfxml``: the ontology survives RDF/XML (what Protege opens): serialise, parse, isomorphic.
* ``robot:<check>``: ROBOT's report queries (``ontology/report_queries/``, run by ``emkg.ontology_report``
  on an Oxigraph store of the ontology): every ERROR-level check of ROBOT's default profile plus
  missing definitions and annotation whitespace.

The owlready2 load and the round trip together take about 0.3 s on the seed ontology, so they run on
every build rather than only in `emkg reason`.
"""

from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from emkg import paths
from emkg.mappings import PREDICATES as MAPPING_PREDICATES
from emkg.namespaces import EMKG, IAO_DEFINITION, compact

# Namespaces under which loaders/yaml_record.py mints evidence individuals (patients, facts, quotes,
# products, cohorts, findings); they are data, not vocabulary, so the ontology does not declare them.
EVIDENCE_NAMESPACES = (EMKG + "case/", EMKG + "publication/")
DEFINITION = URIRef(IAO_DEFINITION)
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
_DATE_SEGMENT = re.compile(r"/(\d{4}-\d{2}-\d{2})/")
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w\-.]*)?:\s*<" + re.escape(EMKG) + ">", re.IGNORECASE)
_FULL_IRI = re.compile("<(" + re.escape(EMKG) + r"[^>\s]*)>")


@dataclass(frozen=True)
class QCProblem:
    check: str
    term: str
    message: str

    def __str__(self) -> str:
        return f"ontology QC [{self.check}] {self.term}: {self.message}"


def _local_terms(ontology: Graph) -> set[URIRef]:
    return {s for t in TERM_TYPES for s in ontology.subjects(RDF.type, t)
            if isinstance(s, URIRef) and str(s).startswith(EMKG)}


def declared_terms(ontology: Graph) -> set[URIRef]:
    """Every emkg IRI the ontology gives an rdf:type (classes, properties, individuals, the ontology)."""
    return {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(EMKG)}


def missing_labels(ontology: Graph) -> list[QCProblem]:
    problems = []
    for term in sorted(_local_terms(ontology)):
        for predicate, name in ((RDFS.label, "rdfs:label"), (DEFINITION, "IAO:0000115 definition")):
            if ontology.value(term, predicate) is None:
                problems.append(QCProblem("labels", compact(str(term)), f"has no {name}"))
        if ontology.value(term, SKOS.definition) is not None:  # the property emkg used before IAO:0000115
            problems.append(QCProblem("labels", compact(str(term)), "has skos:definition: write the definition "
                                      "as IAO:0000115 (the OBO definition property) instead"))
    return problems


def _is_excused(iri: str) -> bool:
    return iri.startswith(EVIDENCE_NAMESPACES)


def undeclared_in_graph(graph: Graph, declared: set[URIRef], where: str) -> list[QCProblem]:
    """emkg IRIs used in `graph` that are neither declared nor evidence individuals."""
    version_iris = set(graph.objects(None, OWL.versionIRI))
    seen: dict[URIRef, int] = defaultdict(int)
    for triple in graph:
        for node in triple:
            if isinstance(node, URIRef) and str(node).startswith(EMKG):
                seen[node] += 1
    return [QCProblem("undeclared", compact(str(iri)), f"used {n} time(s) in {where} but not declared in the ontology")
            for iri, n in sorted(seen.items())
            if iri not in declared and iri not in version_iris and not _is_excused(str(iri))]


def undeclared_in_shapes(shapes: Graph, declared: set[URIRef]) -> list[QCProblem]:
    # A shape (or a prefix declaration) declares itself by being typed in the shapes graph.
    own = {s for s in shapes.subjects(RDF.type, None) if isinstance(s, URIRef)}
    return undeclared_in_graph(shapes, declared | own, "shapes/")


def undeclared_in_query(text: str, declared: set[URIRef], name: str) -> list[QCProblem]:
    """emkg terms a query (its text, header included) names as CURIE or full IRI but the ontology lacks."""
    prefixes = {m.group(1) or "" for m in _PREFIX_DECL.finditer(text)} | {"emkg"}
    curie = re.compile(r"(?<![\w:/<])(" + "|".join(map(re.escape, sorted(prefixes))) +
                       r"):([A-Za-z_][\w\-]*(?:/[\w\-.]*[\w\-])*)")
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        found = [EMKG + m.group(2) for m in curie.finditer(line)] + [m.group(1) for m in _FULL_IRI.finditer(line)]
        for iri in found:
            if URIRef(iri) not in declared and not _is_excused(iri) and iri != EMKG:
                problems.append(QCProblem("undeclared", compact(iri), f"used in {name} line {number} "
                                          "but not declared in the ontology"))
    return problems


def exact_match_conflicts(ontology: Graph) -> list[QCProblem]:
    by_local: dict[URIRef, set] = defaultdict(set)
    by_external: dict[URIRef, set] = defaultdict(set)
    for local, external in ontology.subject_objects(SKOS.exactMatch):
        if str(local).startswith(EMKG):
            by_local[local].add(external)
            by_external[external].add(local)
    problems = [QCProblem("exact-match", compact(str(local)),
                          f"skos:exactMatch of {len(ext)} external terms: "
                          f"{', '.join(sorted(compact(str(e)) for e in ext))}; keep one, use closeMatch for others")
                for local, ext in sorted(by_local.items()) if len(ext) > 1]
    for external, loc in sorted(by_external.items()):
        if len(loc) > 1:
            names = ", ".join(sorted(compact(str(t)) for t in loc))
            problems.append(QCProblem("exact-match", compact(str(external)),
                                      f"skos:exactMatch of {len(loc)} local terms: {names}"))
    return problems


def mapping_target_problems(ontology: Graph) -> list[QCProblem]:
    problems = []
    for predicate in MAPPING_PREDICATES:  # the ones the SSSOM set is generated from
        for local, external in sorted(ontology.subject_objects(predicate)):
            if not str(local).startswith(EMKG):
                continue
            target = compact(str(external))
            if ontology.value(external, RDFS.label) is None:
                problems.append(QCProblem("mapping-target", compact(str(local)),
                                          f"maps to {target}, which no import module declares with a label "
                                          "(verify it in ../shared/ontology-terms.tsv, then run `emkg imports`)"))
            elif ontology.value(external, OWL.deprecated) == Literal(True):
                problems.append(QCProblem("mapping-target", compact(str(local)), f"maps to deprecated {target}"))
    return problems


def version_problems(ontology: Graph) -> list[QCProblem]:
    headers = [s for s in ontology.subjects(RDF.type, OWL.Ontology) if str(s).startswith(EMKG)]
    if len(headers) != 1:
        return [QCProblem("version", "owl:Ontology", f"expected one emkg ontology header, found {len(headers)}")]
    header = headers[0]
    name = compact(str(header))
    problems = []
    version_iris = list(ontology.objects(header, OWL.versionIRI))
    infos = list(ontology.objects(header, OWL.versionInfo))
    if len(version_iris) != 1 or len(infos) != 1:
        return [QCProblem("version", name, f"needs exactly one owl:versionIRI and one owl:versionInfo "
                                           f"(found {len(version_iris)} and {len(infos)})")]
    match = _DATE_SEGMENT.search(str(version_iris[0]))
    if not match:
        problems.append(QCProblem("version", name, f"owl:versionIRI {version_iris[0]} carries no release date "
                                                   "(expected .../releases/YYYY-MM-DD/ontology)"))
    else:
        try:
            datetime.date.fromisoformat(match.group(1))
        except ValueError:
            problems.append(QCProblem("version", name, f"owl:versionIRI date {match.group(1)} is not a real date"))
        if str(infos[0]) != match.group(1):
            problems.append(QCProblem("version", name, f"owl:versionInfo {str(infos[0])!r} differs from the "
                                                       f"versionIRI date {match.group(1)!r}"))
    for predicate, label in ((DCTERMS.license, "dcterms:license"), (DCTERMS.creator, "dcterms:creator"),
                             (DCTERMS.description, "dcterms:description")):
        if ontology.value(header, predicate) is None:
            problems.append(QCProblem("version", name, f"ontology header has no {label}"))
    return problems


def owlready_problems(ontology: Graph) -> list[QCProblem]:
    """Load into a fresh owlready2 World from N-Triples; every emkg class must come out as a class."""
    import owlready2

    # Sorted lines: owlready2's verdict on odd input can depend on triple order; keep it deterministic.
    lines = sorted(set(ontology.serialize(format="nt", encoding="utf-8").splitlines()) - {b""})
    data = b"\n".join(lines) + b"\n"
    world = owlready2.World()
    try:
        world.get_ontology(EMKG + "ontology").load(fileobj=io.BytesIO(data), format="ntriples")
    except Exception as exc:  # owlready2 raises assorted errors on bad input; report, do not crash the build
        return [QCProblem("owlready2", "ontology", f"owlready2 could not load it: {type(exc).__name__}: {exc}")]
    missing = [c for c in sorted(ontology.subjects(RDF.type, OWL.Class))
               if isinstance(c, URIRef) and str(c).startswith(EMKG)
               and not isinstance(world[str(c)], owlready2.ThingClass)]
    return [QCProblem("owlready2", compact(str(c)), "not loaded as a class by owlready2") for c in missing]


def rdfxml_problems(ontology: Graph) -> list[QCProblem]:
    try:
        text = ontology.serialize(format="xml")
        back = Graph().parse(data=text, format="xml")
    except Exception as exc:  # rdflib raises e.g. ValueError for IRIs RDF/XML cannot write as QNames
        return [QCProblem("rdfxml", "ontology", f"RDF/XML round trip failed: {type(exc).__name__}: {exc}")]
    if not isomorphic(ontology, back):
        return [QCProblem("rdfxml", "ontology", f"RDF/XML round trip changed the graph "
                                                f"({len(ontology)} -> {len(back)} triples)")]
    return []


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def query_files(queries_dir: Path) -> list[Path]:
    return sorted(queries_dir.rglob("*.rq")) if queries_dir.is_dir() else []


def check(ontology: Graph, built: Graph | None = None, shapes: Graph | None = None,
          queries: Iterable[Path] = ()) -> list[QCProblem]:
    """Every check; `ontology` is the edit file plus imports, `built` the assembled graph."""
    declared = declared_terms(ontology)
    problems = missing_labels(ontology)
    if built is not None:
        problems += undeclared_in_graph(built, declared, "the built graph")
    if shapes is not None:
        problems += undeclared_in_shapes(shapes, declared)
    for path in queries:
        problems += undeclared_in_query(path.read_text(encoding="utf-8"), declared, _shown(path))
    problems += exact_match_conflicts(ontology)
    problems += mapping_target_problems(ontology)
    problems += version_problems(ontology)
    problems += owlready_problems(ontology)
    problems += rdfxml_problems(ontology)
    problems += robot_report_problems(ontology)
    return problems


def robot_report_problems(ontology: Graph) -> list[QCProblem]:
    from emkg import ontology_report

    rows = ontology_report.run(ontology_report.ontology_store(ontology))
    return [QCProblem(f"robot:{row.check}", row.entity or "ontology",
                      f"{row.level}: {row.property} {row.value!r}".rstrip()) for row in rows]
