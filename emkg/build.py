"""`emkg build`: ontology + imports + evidence -> one validated graph -> store and release files.

Nothing is replaced unless everything succeeded: the new store and release files are written into a
scratch folder beside the old ones and only then moved into place, so a failed build (a broken
record, a SHACL violation, a quote not found in its source) leaves the previous build untouched.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib.compare import to_canonical_graph

from emkg import ontology_qc, paths, store
from emkg.derive import derived_graph
from emkg.graph import knowledge_graph, shapes_graph
from emkg.quotes import missing_quotes
from emkg.reason import fast_inferred_types, marked_triples
from emkg.shacl import validate

RELEASE_FILES = {"emkg.nt": "nt", "emkg.ttl": "turtle", "emkg.owl": "xml"}


class BuildFailed(Exception):
    """The build stopped; `problems` are lines for the researcher, each naming file and field."""

    def __init__(self, summary: str, problems: list[str]):
        super().__init__(summary)
        self.problems = problems


@dataclass
class BuildReport:
    triples: int
    records: int
    build_dir: Path
    quotes_checked: bool
    seconds: float
    notes: list[str] = field(default_factory=list)
    inferred: int = 0  # defined-class types added by the fast reasoning path


def build(build_dir: Path | None = None, evidence_dir: Path | None = None, seeds_dir: Path | None = None,
          check_quotes: bool = True) -> BuildReport:
    started = time.perf_counter()
    build_dir = build_dir or paths.BUILD_DIR
    assembled = knowledge_graph(evidence_dir)
    if assembled.problems:
        raise BuildFailed(f"{len(assembled.problems)} problem(s) in the curated records; nothing was changed",
                          [str(p) for p in assembled.problems])
    ontology = assembled.ontology
    shapes = shapes_graph()
    # Ontology QC (labels, undeclared emkg IRIs, exact-match conflicts, version IRI, owlready2, RDF/XML).
    qc_problems = ontology_qc.check(ontology, assembled.graph, shapes, ontology_qc.query_files(paths.QUERIES_DIR))
    if qc_problems:
        raise BuildFailed(f"{len(qc_problems)} ontology QC problem(s); nothing was changed",
                          [str(p) for p in qc_problems])
    conforms, violations, _ = validate(assembled.graph, shapes, ontology, assembled.locations)
    errors = [v for v in violations if v.severity == "Violation"]
    if errors:
        raise BuildFailed(f"{len(errors)} SHACL violation(s); nothing was changed", [str(v) for v in errors])
    notes = [str(v) for v in violations if v.severity != "Violation"]
    quotes_checked = False
    seeds = seeds_dir or paths.seeds_dir()
    if check_quotes and seeds.is_dir():
        missing, unchecked = missing_quotes(assembled.graph, seeds)
        if missing:
            raise BuildFailed(f"{len(missing)} quote(s) not found in their source text; nothing was changed",
                              [str(m) for m in missing])
        quotes_checked = True
        notes += [f"no source text for {pub}: its quotes were not checked" for pub in unchecked]
    elif check_quotes:
        notes.append(f"source texts not found at {seeds}: quotes were not checked (set EMKG_SEEDS)")
    # Defined classes (CNS relapse, severe CRS ...) filled in by the fast rule path, marked as inferred;
    # `emkg reason` checks them against HermiT, which is too slow to run on every build.
    inferred = fast_inferred_types(assembled.graph, ontology)
    assembled.graph += marked_triples(inferred)
    # Derived helper triples (emkg.derive: the CONSTRUCTs in queries/derive/, run on an Oxigraph store of
    # the graph after the inferred types are in), so that the store and the release files both carry them.
    assembled.graph += derived_graph(assembled.graph)
    _write_atomically(assembled.graph, build_dir)
    return BuildReport(len(assembled.graph), len(assembled.record_files), build_dir, quotes_checked,
                       time.perf_counter() - started, notes, inferred=len(inferred))


def _write_atomically(graph, build_dir: Path) -> None:
    build_dir.mkdir(parents=True, exist_ok=True)
    scratch = build_dir / f".incoming-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    release = scratch / "release"
    release.mkdir(parents=True)
    try:
        for name, fmt in RELEASE_FILES.items():
            if fmt == "nt":
                # Canonical blank-node labels (the ontology's OWL restrictions) + sorted lines: the same
                # graph always gives the same bytes, so releases diff cleanly.
                canonical = to_canonical_graph(graph)
                lines = sorted(set(canonical.serialize(format="nt").splitlines()) - {""})
                (release / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            else:
                graph.serialize(release / name, format=fmt, encoding="utf-8")
        store.create(scratch / "store", release / "emkg.nt")
        for part in ("store", "release"):
            _replace_dir(scratch / part, build_dir / part)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _replace_dir(new: Path, target: Path) -> None:
    """Move `new` to `target`, keeping the old one until the new one is in place."""
    old = target.with_name(f".old-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)
