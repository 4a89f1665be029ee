"""Check one case record on its own: read, convert, terms, SHACL (record + ontology), quotes.

Runs in worker processes (`emkg.build` uses a process pool): the ontology and the shapes are parsed
once per process (`prepare`), then every record is checked against them. A record's result is plain
data (its N-Triples, problems and notes as text) so it can be cached on disk and sent between
processes. SHACL sees the record plus the ontology, not the whole graph: every shape in shapes/ is
about one record's nodes (a patient's timeline, a fact's quote ...); checks across records run as
SPARQL on the built store (`emkg.build`).

The QC rules of queries/qc/ also run here, on the record plus the ontology in a small in-memory
Oxigraph store: a record's references are local ids (the loader resolves them inside the record), so
every triple of a record is about that record's own nodes or ontology terms, and a rule finds the same
rows per record as on the whole graph. On the whole graph one of them (fact-without-evidence) took 38 s
at 1,000 patients, growing with the square of the data; per record it is linear and cached.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

EMKG_SOURCE_TEXT = URIRef("https://w3id.org/emkg/sourceTextFile")


@dataclass
class Context:
    ontology: Graph
    shapes: Graph
    declared: set
    seeds_dir: Path | None  # None: quotes are not checked
    ontology_nt: bytes = b""  # the ontology as N-Triples, for the per-record QC store
    qc_rules: list = None  # queries/qc/ rules (emkg.catalogue.StoredQuery)
    rules: list = None  # the fast reasoning rules (emkg.reason.compile_rules)
    ontology_axioms: Graph = None  # what pySHACL copies from the ontology into every data graph
    core_shapes: object = None  # shacl_sparql.SparqlTargets: the shapes pySHACL checks (without the below)
    sparql_constraints: list = None  # SHACL-SPARQL constraints run on the record's Oxigraph store
    compiled_checks: list = None  # shacl_compiled.Check: core node shapes compiled to Oxigraph queries
    uncompiled_shapes: object = None  # shacl_sparql.SparqlTargets: the core shapes left to pySHACL


_context: Context | None = None


def prepare(ontology_dir: Path | None, shapes_dir: Path | None, seeds_dir: Path | None) -> Context:
    """Parse the ontology and shapes once for this process (a pool initializer)."""
    global _context
    from emkg import ontology_qc, qc, shacl_compiled, shacl_sparql
    from emkg.graph import ontology_graph, shapes_graph
    from emkg.reason import compile_rules
    from emkg.shacl import ontology_axioms

    ontology = ontology_graph(ontology_dir)
    shapes = shapes_graph(shapes_dir)
    core, constraints = shacl_sparql.split(shapes)
    checks, uncompiled = shacl_compiled.compile_shapes(core)
    axioms = ontology_axioms(ontology)
    _context = Context(ontology, shapes, ontology_qc.declared_terms(ontology), seeds_dir,
                       ontology.serialize(format="nt", encoding="utf-8"), qc.rules(), compile_rules(ontology),
                       axioms, shacl_sparql.SparqlTargets.of(core), constraints, checks,
                       shacl_sparql.SparqlTargets.of(uncompiled))
    return _context


def read_bytes(path: Path) -> tuple[bytes | None, list[str]]:
    """The record's bytes, or a problem line (a record deleted while the build reads it is no traceback)."""
    try:
        return path.read_bytes(), []
    except FileNotFoundError:
        return None, [f"{path.name}: (file): the record disappeared while the build was reading it"]
    except OSError as exc:
        return None, [f"{path.name}: (file): cannot be read: {exc.strerror or exc}"]


def check_and_cache(path: str, key: str, cache_dir: str) -> dict:
    """Check one record (a pool task); cache a passing result; return it without its N-Triples."""
    from emkg.buildcache import RecordCache, file_hash
    from emkg.quotes import PLAIN_FILE_NAME

    data, problems = read_bytes(Path(path))
    if data is None:
        return _failed(Path(path).name, problems)
    result = check_text(data, Path(path).name)
    nt = result.pop("nt")
    if result["ok"]:
        name = result.get("source_text")
        seeds = _context.seeds_dir
        plain = name is not None and PLAIN_FILE_NAME.match(name) and seeds is not None
        result["source_hash"] = file_hash(seeds / name) if plain else None
        if not plain:
            result["source_text"] = None
        RecordCache(Path(cache_dir)).put(key, result, nt.encode("utf-8"))
    return result


def _failed(name: str, problems: list[str]) -> dict:
    return {"file": name, "ok": False, "problems": problems, "notes": [], "nt": "", "timings": {}}


def _as_stored(nt: bytes) -> bytes:
    """The triples as Oxigraph stores and writes them (canonical literals: "500.0"^^xsd:decimal is kept
    as 500), so release files written from these bytes equal a dump of the store."""
    import pyoxigraph as ox

    db = ox.Store()
    db.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    return db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())


def _stored_with_ontology(nt: bytes, context: Context):
    """(`record_store` of the record's triples, the triples as `_as_stored` writes them): the record is
    parsed once for both."""
    import pyoxigraph as ox

    db = ox.Store()
    db.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    stored = db.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    db.bulk_load(context.ontology_nt, format=ox.RdfFormat.N_TRIPLES)
    return db, stored


def record_store(nt: bytes, context: Context):
    """An in-memory Oxigraph store with the record plus the ontology (the triples pySHACL validates)."""
    import pyoxigraph as ox

    db = ox.Store()
    db.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    db.bulk_load(context.ontology_nt, format=ox.RdfFormat.N_TRIPLES)
    return db


def shacl_violations(graph: Graph, db, context: Context, locations: dict) -> list:
    """The record's SHACL violations, exactly those of `emkg.shacl.validate` with every shape: the
    SHACL-SPARQL constraints set-based on `db` (`emkg.shacl_sparql`), the core shapes compiled to queries
    on `db` (`emkg.shacl_compiled`) and the core shapes not compiled through pySHACL.
    `graph` gets the ontology's class axioms added (pySHACL in place): read it before, not after."""
    from emkg import shacl_compiled, shacl_sparql
    from emkg.shacl import validate

    violations = shacl_sparql.evaluate(db, context.sparql_constraints, graph, locations)
    core_shapes = context.core_shapes
    if context.compiled_checks and shacl_compiled.can_evaluate(graph):
        import pyoxigraph as ox

        shacl_compiled.add_class_closure(db)
        violations += shacl_compiled.evaluate(db, context.compiled_checks, shacl_sparql._LexicalForms(graph),
                                              locations)
        db.remove_graph(ox.NamedNode(shacl_compiled.ISA.strip("<>")))  # the store goes on to QC and reasoning
        core_shapes = context.uncompiled_shapes
    if core_shapes.has_shapes():
        # pySHACL last and in place, on `graph` plus the ontology axioms it would copy into it itself (its
        # `inoculate`, which depends on the ontology only: done once per process in `prepare`, it was a
        # fifth of every record's core validation). The caller drops `graph` afterwards.
        graph.addN((s, p, o, graph) for s, p, o in context.ontology_axioms)
        violations += validate(graph, core_shapes.resolved(db), None, locations, inplace=True)[1]
    violations.sort(key=lambda v: (v.file or "", v.line or 0, v.focus, v.message))
    return violations


def qc_problems(db, name: str, context: Context, locations: dict | None = None) -> list[str]:
    """Rows of the queries/qc/ rules on the record's store (`record_store`, or the record's N-Triples),
    as problem lines; with the record's `locations` (node -> (field, line)), each names the line and field
    of the first node of its row."""
    import pyoxigraph as ox

    from emkg import store

    if isinstance(db, bytes):
        db = record_store(db, context)
    problems = []
    for rule in context.qc_rules:
        columns, rows = store.select(db, rule.text)
        for row in rows:
            shown = ", ".join(f"{c}={v.value if v is not None else ''}" for c, v in zip(columns, row, strict=True))
            where = next((locations[key] for key in (URIRef(v.value) for v in row if isinstance(v, ox.NamedNode))
                          if key in (locations or {})), None)
            prefix = f"{name}:{where[1]}: {where[0]}" if where and where[1] else name
            problems.append(f"{prefix}: QC {rule.name}: {rule.summary}: {shown}")
    return problems


def _undeclared_terms(record, name: str, context: Context) -> list[str]:
    """The emkg: terms the record uses but the ontology does not declare, each with its file, line and
    field, as `emkg validate` names them (the whole-graph QC above only says that some are)."""
    from emkg import record_checks
    from emkg.validate import _fields_by_predicate

    lines = {field: line for field, line in record.locations.values()}
    problems = []
    for finding in record_checks.undeclared_terms(record.graph, context.declared, record.locations,
                                                  _fields_by_predicate()):
        part = finding.path
        while part not in lines and "." in part:
            part = part.rsplit(".", 1)[0]
        line = lines.get(part)
        problems.append(f"{name}:{line}: {finding.path}: {finding.message}" if line else
                        f"{name}: {finding.path}: {finding.message}")
    return problems


def check_text(data: bytes, name: str) -> dict:
    """Every per-record check. Returns {file, ok, problems, notes, nt, source_text, timings}."""
    from emkg import ontology_qc
    from emkg.quotes import missing_quotes
    from loaders.yaml_record import RecordInvalid, parse_record

    context = _context
    assert context is not None, "prepare() first"
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _failed(name, [f"{name}: (file): file is not UTF-8 text"])
    try:
        record = parse_record(text, name)
    except RecordInvalid as exc:
        return _failed(name, [str(p) for p in exc.problems])
    timings["read"] = time.perf_counter() - started
    graph = record.graph
    if ontology_qc.undeclared_in_graph(graph, context.declared, name):
        return _failed(name, _undeclared_terms(record, name, context))
    started = time.perf_counter()
    db, nt = _stored_with_ontology(graph.serialize(format="nt", encoding="utf-8"), context)
    timings["serialise"] = time.perf_counter() - started
    started = time.perf_counter()
    source = next(graph.objects(None, EMKG_SOURCE_TEXT), None)
    quotes = None
    if context.seeds_dir is not None:
        quotes_started = time.perf_counter()
        quotes = missing_quotes(db, context.seeds_dir)
        timings["quotes"] = time.perf_counter() - quotes_started
    started = time.perf_counter()
    locations = {node: (name, field, line) for node, (field, line) in record.locations.items()}
    violations = shacl_violations(graph, db, context, locations)
    timings["shacl"] = time.perf_counter() - started
    errors = [str(v) for v in violations if v.severity == "Violation"]
    notes = [str(v) for v in violations if v.severity != "Violation"]
    if quotes is not None and not errors:  # quote problems only for a record whose shapes pass
        missing, unchecked = quotes
        errors += [m.located(name, record.locations) for m in missing]  # file, line and field, as the other checks
        notes += [f"no source text for {pub}: its quotes were not checked" for pub in unchecked]
    if errors:
        return _failed(name, errors)
    started = time.perf_counter()
    errors = qc_problems(db, name, context, record.locations)
    timings["qc"] = time.perf_counter() - started
    if errors:
        return _failed(name, errors)
    started = time.perf_counter()
    inferred, derived, added = inferred_and_derived(db, context)
    timings["reasoning and derived links"] = time.perf_counter() - started
    return {"file": name, "ok": True, "problems": [], "notes": notes, "nt": (nt + added).decode("utf-8"),
            "source_text": str(source) if source is not None else None, "timings": timings,
            "inferred": inferred, "derived": derived}


def inferred_and_derived(db, context: Context) -> tuple[int, int, bytes]:
    """The fast reasoning path's types (rdf:type plus the emkg:inferredType marker) and the derived helper
    links (queries/derive/) of this record, as N-Triples, with their counts.

    Per record, not on the built store: every rule and every derive query relates nodes of one record
    (a record's references are local ids, resolved inside the record) and ontology terms, so the union
    over the records is what the whole graph gives (tests/build/test_incremental.py compares the two),
    and it is computed in parallel and cached with the record. `db` gets the inferred types added."""
    import pyoxigraph as ox

    from emkg.derive import derived_triples
    from emkg.reason import INFERRED_TYPE, materialise

    inferred = materialise(db, context.rules)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    marker = ox.NamedNode(str(INFERRED_TYPE))
    triples = [ox.Triple(ox.NamedNode(str(s)), p, ox.NamedNode(str(c))) for s, c in sorted(inferred)
               for p in (rdf_type, marker)]
    derived = derived_triples(db)
    out = ox.serialize(triples + derived, format=ox.RdfFormat.N_TRIPLES) or b""
    return len(inferred), len(derived), out
