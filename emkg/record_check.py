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


_context: Context | None = None


def prepare(ontology_dir: Path | None, shapes_dir: Path | None, seeds_dir: Path | None) -> Context:
    """Parse the ontology and shapes once for this process (a pool initializer)."""
    global _context
    from emkg import ontology_qc, qc
    from emkg.graph import ontology_graph, shapes_graph

    ontology = ontology_graph(ontology_dir)
    _context = Context(ontology, shapes_graph(shapes_dir), ontology_qc.declared_terms(ontology), seeds_dir,
                       ontology.serialize(format="nt", encoding="utf-8"), qc.rules())
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


def qc_problems(nt: bytes, name: str, context: Context, locations: dict | None = None) -> list[str]:
    """Rows of the queries/qc/ rules on this record plus the ontology, as problem lines; with the record's
    `locations` (node -> (field, line)), each names the line and field of the first node of its row."""
    import pyoxigraph as ox

    from emkg import store

    db = ox.Store()
    db.bulk_load(nt, format=ox.RdfFormat.N_TRIPLES)
    db.bulk_load(context.ontology_nt, format=ox.RdfFormat.N_TRIPLES)
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


def check_text(data: bytes, name: str) -> dict:
    """Every per-record check. Returns {file, ok, problems, notes, nt, source_text, timings}."""
    from emkg import ontology_qc
    from emkg.quotes import missing_quotes
    from emkg.shacl import validate
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
    undeclared = ontology_qc.undeclared_in_graph(graph, context.declared, name)
    if undeclared:
        return _failed(name, [str(p) for p in undeclared])
    started = time.perf_counter()
    locations = {node: (name, field, line) for node, (field, line) in record.locations.items()}
    _, violations, _ = validate(graph, context.shapes, context.ontology, locations)
    timings["shacl"] = time.perf_counter() - started
    errors = [str(v) for v in violations if v.severity == "Violation"]
    notes = [str(v) for v in violations if v.severity != "Violation"]
    source = next(graph.objects(None, EMKG_SOURCE_TEXT), None)
    if context.seeds_dir is not None and not errors:
        started = time.perf_counter()
        missing, unchecked = missing_quotes(graph, context.seeds_dir)
        timings["quotes"] = time.perf_counter() - started
        errors += [m.located(name, record.locations) for m in missing]  # file, line and field, as the other checks
        notes += [f"no source text for {pub}: its quotes were not checked" for pub in unchecked]
    if errors:
        return _failed(name, errors)
    started = time.perf_counter()
    nt = _as_stored(graph.serialize(format="nt", encoding="utf-8")).decode("utf-8")
    timings["serialise"] = time.perf_counter() - started
    started = time.perf_counter()
    errors = qc_problems(nt.encode("utf-8"), name, context, record.locations)
    timings["qc"] = time.perf_counter() - started
    if errors:
        return _failed(name, errors)
    return {"file": name, "ok": True, "problems": [], "notes": notes, "nt": nt,
            "source_text": str(source) if source is not None else None, "timings": timings}
