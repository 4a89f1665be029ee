"""`emkg build`: ontology + imports + evidence -> one validated graph -> store and release files.

Cost grows with the records, not their square:

1. Each record is checked on its own (`emkg.record_check`: read, convert, terms, SHACL against the
   record plus the ontology, quotes against its source text), in parallel on every core, and its
   result cached on disk (`emkg.buildcache`) by a hash of the record, the ontology, the shapes and the
   code: a rebuild after one changed record checks that record only.
2. The records' N-Triples (each with its inferred types and derived helper links, computed in step 1:
   the rules and derive queries only ever relate nodes of one record) are bulk-loaded into a new
   Oxigraph store once, with the ontology (its blank nodes canonically labelled); the checks that need
   several records (the same publication in two records) run there as SPARQL. The QC rules of
   queries/qc/ only ever relate nodes of one record, so they run per record in step 1 too
   (see emkg.record_check).
3. Release files are written from the store (`emkg.release`).
4. The new build becomes current in one atomic step, under a lock (`emkg.buildswitch`).

All or nothing: any problem raises BuildFailed naming file, field and line, and the current build is
untouched. Every build writes build/build-report.json saying, per record, whether it was checked or
taken from the cache.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from emkg import buildcache, buildswitch, paths, progress, record_check
from emkg.release import RELEASE_FILES  # noqa: F401 (the release files, re-exported for callers)

REPORT_FILE = "build-report.json"


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
    derived: int = 0  # helper links added by emkg.derive
    checked: list[str] = field(default_factory=list)  # record files checked in this build
    cached: list[str] = field(default_factory=list)  # record files whose result came from the cache
    timings: dict[str, float] = field(default_factory=dict)  # seconds per build step
    version: str = ""


def build(build_dir: Path | None = None, evidence_dir: Path | None = None, seeds_dir: Path | None = None,
          check_quotes: bool = True, jobs: int | None = None) -> BuildReport:
    build_dir = Path(build_dir or paths.BUILD_DIR)
    started = time.perf_counter()
    with buildswitch.build_lock(build_dir):
        buildswitch.test_point("locked")
        scratch = buildswitch.new_scratch(build_dir)
        try:
            report = _build(build_dir, scratch, evidence_dir, seeds_dir, check_quotes, jobs, started)
        except BuildFailed as failure:
            _write_report(build_dir, {"status": "failed", "summary": str(failure), "problems": failure.problems,
                                      **getattr(failure, "details", {})})
            raise
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return report


def _build(build_dir: Path, scratch: Path, evidence_dir, seeds_dir, check_quotes, jobs, started) -> BuildReport:
    from emkg.graph import record_files

    timings: dict[str, float] = {}
    step = time.perf_counter()
    seeds = Path(seeds_dir or paths.seeds_dir())
    notes: list[str] = []
    quote_seeds = seeds if check_quotes and seeds.is_dir() else None
    if check_quotes and quote_seeds is None:
        notes.append(f"source texts not found at {seeds}: quotes were not checked (set EMKG_SEEDS)")
    context = record_check.prepare(None, None, quote_seeds)
    _ontology_qc(build_dir, context)
    timings["ontology and shapes"] = time.perf_counter() - step

    step = time.perf_counter()
    files = record_files(evidence_dir)
    status, results = _check_records(build_dir, files, context, jobs)
    timings["records"] = time.perf_counter() - step
    details = {"per_record": [{"file": f.name, "status": status[f.name], "key": results[f.name].get("key")}
                              for f in files]}
    problems = [p for f in files for p in results[f.name]["problems"]]
    if problems:
        failure = BuildFailed(f"{len(problems)} problem(s) in the curated records; nothing was changed", problems)
        failure.details = details
        raise failure
    notes += [n for f in files for n in results[f.name]["notes"]]
    buildswitch.test_point("checked")

    from emkg import release

    step = time.perf_counter()
    merged = scratch / "records.nt"
    cache = buildcache.RecordCache(build_dir / "cache")
    with open(merged, "wb") as out:
        for f in files:
            with open(cache.nt_path(results[f.name]["key"]), "rb") as part:
                shutil.copyfileobj(part, out)
    ontology_nt = scratch / "ontology.nt"
    ontology_nt.write_bytes(_canonical_ontology(build_dir, context))
    details["ontology_key"] = buildcache.context_hash()
    db, patched = _store(build_dir, scratch, files, results, details["ontology_key"], cache, merged, ontology_nt)
    details["store"] = "patched from the previous build" if patched else "loaded"
    timings["load"] = time.perf_counter() - step
    buildswitch.test_point("loaded")

    # The fast reasoning path's types and the derived helper links came with each record's result
    # (emkg.record_check.inferred_and_derived): computed per record, in parallel, and cached.
    inferred = sum(results[f.name].get("inferred", 0) for f in files)
    derived = sum(results[f.name].get("derived", 0) for f in files)
    step = time.perf_counter()
    qc_problems = _cross_record_checks(db)
    timings["cross-record QC"] = time.perf_counter() - step
    if qc_problems:
        failure = BuildFailed(f"{len(qc_problems)} cross-record QC problem(s); nothing was changed", qc_problems)
        failure.details = details
        raise failure

    step = time.perf_counter()
    parts = [merged, ontology_nt]
    release.write(db, scratch / "release", parts, canonical=(merged,))
    for part in parts:
        part.unlink()
    triples = len(db)
    timings["release"] = time.perf_counter() - step
    step = time.perf_counter()
    db.flush()
    if not patched:  # a patched store keeps the compacted files of the previous build, plus a small new one
        db.optimize()
    del db  # closes RocksDB before the folder is moved into place
    timings["store compaction"] = time.perf_counter() - step
    buildswitch.test_point("released")

    report = BuildReport(triples, len(files), build_dir, quote_seeds is not None, 0.0, notes, inferred=inferred,
                         derived=derived,
                         checked=[f.name for f in files if status[f.name] == "checked"],
                         cached=[f.name for f in files if status[f.name] == "cached"], timings=timings,
                         version=scratch.name.removeprefix(".scratch-"))
    report.seconds = time.perf_counter() - started
    content = _report_content(report, details)
    (scratch / REPORT_FILE).write_text(content, encoding="utf-8")
    step = time.perf_counter()
    buildswitch.switch(build_dir, scratch)
    timings["switch"] = time.perf_counter() - step
    _write_report(build_dir, json.loads(_report_content(report, details)))
    return report


def _store(build_dir: Path, scratch: Path, files, results, ontology_key: str, cache, merged: Path, ontology_nt: Path):
    """The new build's store in scratch/store, and whether it was patched (emkg.storepatch) rather than
    bulk-loaded from every record."""
    import pyoxigraph as ox

    from emkg import release, storepatch

    keys = {f.name: results[f.name]["key"] for f in files}
    patch = storepatch.plan(buildswitch.current_version(build_dir), keys, ontology_key, cache.nt_path)
    if patch is not None:
        try:
            return storepatch.apply(scratch / "store", patch, cache.nt_path, ontology_nt.read_bytes()), True
        except storepatch.NotPatchable:
            shutil.rmtree(scratch / "store", ignore_errors=True)
    db = ox.Store(str(scratch / "store"))
    db.bulk_load(path=str(merged), format=ox.RdfFormat.N_TRIPLES)
    release.add_with_labels(db, ontology_nt.read_bytes())
    return db, False


def _report_content(report: BuildReport, details: dict) -> str:
    data = {"status": "ok", **asdict(report), **details}
    data["build_dir"] = str(report.build_dir)
    return json.dumps(data, indent=2) + "\n"


def _write_report(build_dir: Path, data: dict) -> None:
    target = build_dir / REPORT_FILE
    scratch = build_dir / f".{REPORT_FILE}.{os.getpid()}"
    scratch.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(scratch, target)


def _ontology_qc(build_dir: Path, context: record_check.Context) -> None:
    """Ontology QC (labels, declarations, mappings, version, owlready2, RDF/XML), once per content."""
    from emkg import ontology_qc

    queries = ontology_qc.query_files(paths.QUERIES_DIR)
    key = buildcache.context_hash(extra=tuple(queries))
    marker = build_dir / "cache" / f"ontology-qc-{key}.ok"
    if marker.is_file():
        return
    problems = ontology_qc.check(context.ontology, None, context.shapes, queries)
    if problems:
        raise BuildFailed(f"{len(problems)} ontology QC problem(s); nothing was changed", [str(p) for p in problems])
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()


def _canonical_ontology(build_dir: Path, context: record_check.Context) -> bytes:
    from emkg import release

    key = buildcache.context_hash()
    cached = build_dir / "cache" / f"ontology-{key}.nt"
    if cached.is_file():
        return cached.read_bytes()
    data = release.canonical_ontology_nt(context.ontology)
    cached.parent.mkdir(parents=True, exist_ok=True)
    part = cached.with_name(f".{cached.name}.{os.getpid()}")
    part.write_bytes(data)
    os.replace(part, cached)
    return data


def _check_records(build_dir: Path, files: list[Path], context: record_check.Context, jobs: int | None
                   ) -> tuple[dict[str, str], dict[str, dict]]:
    """Per record: 'cached' or 'checked' (or 'failed'), and its result (key, problems, notes)."""
    cache = buildcache.RecordCache(build_dir / "cache")
    key_context = buildcache.context_hash(quotes_checked=context.seeds_dir is not None,  # + the quote query
                                          extra=tuple(sorted((paths.QUERIES_DIR / "checks").glob("*.rq"))))
    status: dict[str, str] = {}
    results: dict[str, dict] = {}
    todo: list[tuple[Path, str]] = []
    for path in files:
        data, problems = record_check.read_bytes(path)
        if data is None:
            status[path.name], results[path.name] = "failed", {"problems": problems, "notes": []}
            continue
        key = buildcache.record_key(key_context, data)
        entry = cache.get(key, context.seeds_dir)
        if entry is not None:
            status[path.name], results[path.name] = "cached", {**entry, "key": key}
        else:
            todo.append((path, key))
    cache_dir = str(cache.folder)
    workers = min(jobs or os.cpu_count() or 1, len(todo))
    if workers <= 1:
        done = list(progress.track((record_check.check_and_cache(str(p), k, cache_dir) for p, k in todo),
                                   "checking records", total=len(todo)))
    else:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            checked = pool.map(record_check.check_and_cache, [str(p) for p, _ in todo], [k for _, k in todo],
                               [cache_dir] * len(todo))
            done = list(progress.track(checked, "checking records", total=len(todo)))
    for (path, key), result in zip(todo, done, strict=True):
        status[path.name] = "checked" if result["ok"] else "failed"
        results[path.name] = {**result, "key": key}
    return status, results


CROSS_RECORD_CHECKS = {
    # The same publication curated in two records: its patients would be counted twice.
    "the same publication is curated in two records": """
        PREFIX emkg: <https://w3id.org/emkg/>
        SELECT ?first ?second ?property ?value WHERE {
          VALUES ?property { emkg:doi emkg:pmid emkg:sourceTextFile }
          ?first ?property ?value . ?second ?property ?value .
          ?first a emkg:Publication . ?second a emkg:Publication .
          FILTER (STR(?first) < STR(?second))
        } ORDER BY ?first ?second ?property""",
}


def _cross_record_checks(db) -> list[str]:
    """Checks that need several records, as SPARQL on the new store (the per-record QC rules of
    queries/qc/ run in emkg.record_check, where they are linear and cached)."""
    from emkg import store
    from emkg.namespaces import compact

    problems = []
    for summary, query in CROSS_RECORD_CHECKS.items():
        _, rows = store.select(db, query)
        for first, second, prop, value in rows:
            problems.append(f"{compact(first.value)} and {compact(second.value)}: {summary} "
                            f"(same {compact(prop.value)}: {value.value})")
    return problems
