"""The scale benchmark: build and query synthetic patients, side by side, in one run.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--work DIR] [--runs 5] [--no-virtuoso]

For each size: `benchmarks/generate.py` writes the patients as case records with their synthetic source
texts; `emkg build` runs end to end on them (fresh, then incremental after one changed record, the
build's own report naming the re-checked record); the peak memory of the build's process tree is
sampled from /proc. Every stored query (queries/*.rq, default parameters; median of --runs after a
warm-up; list queries also their first page, LIMIT 50) runs on the embedded store, on Virtuoso over
HTTP (started by tests/endpoint/virtuoso_harness.py, on the build's emkg.nt), and at the smallest size
on rdflib's in-memory graph (each query in a child process, capped at 60 s; a query over 5 s is run
once). Per-shape SHACL timings (the build's path) come from one generated 50-patient record. Writes
benchmarks/RESULTS.md and benchmarks/results/build-time.png; every figure there is written by this script.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import math
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "endpoint"))

import machine  # noqa: E402
from generate import generate  # noqa: E402

RDFLIB_CAP_S = 60.0
PAGE = 50
TARGETS = {"build_10000_s": 60.0, "build_100000_s": 600.0, "peak_gb": 4.0, "incremental_10000_s": 2.0,
           "query_ms": 50.0, "virtuoso_factor": 2.0, "rdflib_speedup": 100.0}


# -- measuring a child process tree ----------------------------------------------------------------

def _tree_rss_kb(root: int) -> int:
    children: dict[int, list[int]] = collections.defaultdict(list)
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        pid = int(entry)
        children[int(fields.get("PPid", "0").strip() or 0)].append(pid)
        rss[pid] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def timed_run(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, peak RSS of the process tree in GB, result)."""
    peak = [0]
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(child.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    return seconds, peak[0] / 1024 / 1024, subprocess.CompletedProcess(command, child.returncode, out, err)


# -- builds ----------------------------------------------------------------------------------------

def build_command(build_dir: Path, records: Path, sources: Path) -> list[str]:
    return [sys.executable, "-m", "emkg.cli", "build", "--build-dir", str(build_dir), "--evidence-dir", str(records),
            "--seeds", str(sources)]


def measure_build(size: int, work: Path) -> dict:
    folder = work / str(size)
    records, sources, build_dir = folder / "records", folder / "sources", folder / "build"
    if not records.is_dir():
        generate(size, records, sources, seed=0)
    import shutil

    shutil.rmtree(build_dir, ignore_errors=True)
    result: dict = {"size": size, "records": len(list(records.glob("*.yaml")))}
    seconds, peak, done = timed_run(build_command(build_dir, records, sources))
    if done.returncode != 0:
        raise SystemExit(f"emkg build failed at {size} patients:\n{done.stdout}\n{done.stderr[-3000:]}")
    report = json.loads((build_dir / "build-report.json").read_text())
    result.update(fresh_s=seconds, fresh_peak_gb=peak, triples=report["triples"], fresh_steps=report["timings"])
    changed = sorted(records.glob("*.yaml"))[0]
    text = changed.read_text(encoding="utf-8")
    edited = "(not real data; edited by benchmarks/run.py)"
    if edited in text:  # toggled back and forth, so every run changes exactly one record
        changed.write_text(text.replace(edited, "(not real data)", 1), encoding="utf-8")
    else:
        changed.write_text(text.replace("(not real data)", edited, 1), encoding="utf-8")
    seconds, peak, done = timed_run(build_command(build_dir, records, sources))
    if done.returncode != 0:
        raise SystemExit(f"incremental emkg build failed at {size} patients:\n{done.stderr[-3000:]}")
    report = json.loads((build_dir / "build-report.json").read_text())
    result.update(incremental_s=seconds, incremental_peak_gb=peak, incremental_steps=report["timings"],
                  rechecked=report["checked"])
    result["build_dir"] = build_dir
    return result


# -- per-shape SHACL timings -----------------------------------------------------------------------

def shape_timings(record: Path) -> tuple[float, list[tuple[str, float]], float]:
    """The build's SHACL on one record, per shape: the core shapes compiled to Oxigraph queries
    (emkg.shacl_compiled, the class closure they read counted apart), each SHACL-SPARQL constraint as one
    Oxigraph query (emkg.shacl_sparql), pySHACL for any shape left to it. Also the time of pySHACL with
    every shape (what `emkg validate` runs), for comparison."""
    from emkg import record_check, shacl_compiled, shacl_sparql
    from emkg.shacl import validate
    from loaders.yaml_record import read_record

    context = record_check.prepare(None, None, None)
    graph = read_record(record).graph
    started = time.perf_counter()
    validate(read_record(record).graph, context.shapes, context.ontology)
    all_in_pyshacl = time.perf_counter() - started
    db, _ = record_check._stored_with_ontology(graph.serialize(format="nt", encoding="utf-8"), context)
    started = time.perf_counter()
    record_check.shacl_violations(graph, db, context, {})
    total = time.perf_counter() - started
    times: collections.Counter = collections.Counter()
    graph = read_record(record).graph
    lexical = shacl_sparql._LexicalForms(graph)
    started = time.perf_counter()
    shacl_compiled.add_class_closure(db)
    times["(class closure for the compiled shapes)"] += time.perf_counter() - started
    for check in context.compiled_checks:
        started = time.perf_counter()
        shacl_compiled.evaluate(db, [check], lexical, {})
        times[str(check.shape).removeprefix("emkg:") + " (compiled, Oxigraph)"] += time.perf_counter() - started
    for constraint in context.sparql_constraints:
        started = time.perf_counter()
        list(db.query(constraint.query))
        times[str(constraint.shape).rsplit("/", 1)[-1] + " (SPARQL, Oxigraph)"] += time.perf_counter() - started
    if context.uncompiled_shapes.has_shapes():
        started = time.perf_counter()
        validate(graph, context.uncompiled_shapes.resolved(db), context.ontology)
        times["(shapes left to pySHACL)"] += time.perf_counter() - started
    return total, times.most_common(), all_in_pyshacl


# -- queries ---------------------------------------------------------------------------------------

def stored_queries() -> list[tuple[str, str, bool, str]]:
    """(name, query text with default parameters bound, is a list query, the text the embedded store runs)."""
    from emkg import catalogue, store

    out = []
    for name, stored in sorted(catalogue.catalogue().items()):
        text = store.bind_values(stored.text, stored.bindings({}))
        embedded = store.embedded_query(stored.text, stored.bindings({}))  # what `emkg query` runs
        aggregate = re.search(r"\bGROUP\s+BY\b|\(\s*COUNT\s*\(", stored.text, re.IGNORECASE) is not None
        out.append((name, text, not aggregate, embedded))
    return out


def first_page(text: str) -> str | None:
    if re.search(r"\bLIMIT\s+\d+\s*$", text.strip(), re.IGNORECASE):
        return None
    return text.rstrip() + f"\nLIMIT {PAGE}\n"


def median_ms(run, runs: int) -> tuple[float, int]:
    rows = run()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), rows


def _oxigraph_query(store_dir: str, text: str, runs: int, answer) -> None:
    from emkg import store

    db = store.open_read_only(Path(store_dir))
    answer.put(median_ms(lambda: len(list(db.query(text))), runs))


def capped(target, args, cap_s: float):
    """Run `target(*args, answer)` in a forked child; its answer, or None if it ran over `cap_s`."""
    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    child = context.Process(target=target, args=(*args, answer))
    child.start()
    child.join(cap_s)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return answer.get() if not answer.empty() else None


def oxigraph_times(build_dir: Path, runs: int, cap_s: float) -> dict[str, dict]:
    """Each query in a child process (a runaway query cannot be stopped inside the process), capped."""
    from emkg import paths

    store_dir = str(paths.store_dir(build_dir))
    out = {}
    for name, _, is_list, text in stored_queries():
        entry = {"list": is_list, "ms": None, "rows": None}
        timed = capped(_oxigraph_query, (store_dir, text, 1), cap_s)
        if timed is not None:
            entry["ms"], entry["rows"] = timed
            if timed[0] < 5000 and runs > 1:  # repeat only what is fast enough to repeat
                entry["ms"], entry["rows"] = capped(_oxigraph_query, (store_dir, text, runs), cap_s * runs) or timed
        page = first_page(text) if is_list else None
        if page:
            paged = capped(_oxigraph_query, (store_dir, page, runs), cap_s)
            entry["page_ms"] = paged[0] if paged else None
        out[name] = entry
    return out


def virtuoso_times(build_dir: Path, work: Path, runs: int, cap_s: float) -> tuple[dict[str, dict], str]:
    from virtuoso_harness import GRAPH, Virtuoso, find_binaries, install

    from emkg import paths

    if find_binaries() is None:
        install()
    server, isql = find_binaries()
    release = paths.release_dir(build_dir).resolve()
    folder = work / "virtuoso"
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out = {}
    with Virtuoso(folder, [release], server, isql) as virtuoso:
        virtuoso.start()
        virtuoso.load_ntriples(release / "emkg.nt", GRAPH)
        for name, text, _is_list, _ in stored_queries():
            def run(t=text):
                return len(virtuoso.sparql(t, graph=GRAPH, timeout=cap_s)["results"]["bindings"])
            entry = {"ms": None, "rows": None}
            with contextlib.suppress(OSError):  # a timeout (over the cap) or a refused query: no figure
                entry["ms"], entry["rows"] = median_ms(run, runs)
            out[name] = entry
        version = virtuoso.sql("SELECT sys_stat('st_dbms_ver');").strip().splitlines()[-1:]
    return out, (version[0].strip() if version else "?")


_RDFLIB_GRAPH = None


def _rdflib_query(text: str, answer) -> None:
    started = time.perf_counter()
    rows = len(list(_RDFLIB_GRAPH.query(text)))
    answer.put(((time.perf_counter() - started) * 1000, rows))


def rdflib_times(build_dir: Path, runs: int) -> dict[str, dict]:
    """Each query in a forked child that holds the parsed graph; a child over the cap is killed."""
    global _RDFLIB_GRAPH
    from rdflib import Graph

    from emkg import paths

    _RDFLIB_GRAPH = Graph().parse(paths.release_dir(build_dir) / "emkg.nt", format="nt")
    out = {}
    for name, text, _, _ in stored_queries():
        times, rows, status = [], None, "ok"
        for _ in range(runs):
            started = time.perf_counter()
            answer = capped(_rdflib_query, (text,), RDFLIB_CAP_S)
            if answer is None:  # over the cap, or rdflib raised (the child printed its traceback)
                status = "capped" if time.perf_counter() - started >= RDFLIB_CAP_S else "error"
                break
            ms, rows = answer
            times.append(ms)
            if ms > 5000:  # one run of a slow query says enough; five would take minutes
                break
        out[name] = {"ms": statistics.median(times) if status == "ok" else None, "rows": rows,
                     "capped": status == "capped", "status": status}
    _RDFLIB_GRAPH = None
    return out


# -- the report ------------------------------------------------------------------------------------

def fmt_s(value) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def fmt_ms(value) -> str:
    return "n/a" if value is None else (f"{value:.0f}" if value >= 100 else f"{value:.1f}")


def verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else ("met" if ok else "MISSED")


def write_results(sizes, builds, shapes, queries, rdflib, virtuoso, virtuoso_version, load_before, args) -> str:
    lines = ["# Scale benchmark: `emkg build` and the stored queries on synthetic patients", "",
             "Written by `benchmarks/run.py`; every figure below comes from that run. Do not edit by hand.", "",
             *machine.header_lines(load_before),
             "- data: `benchmarks/generate.py N --seed 0` (50 synthetic patients per record, quotes checked "
             "against the synthetic source texts)", ""]
    lines += ["## Build", "",
              "| patients | records | triples | fresh build s | peak GB | incremental s (one record changed) "
              "| re-checked | incremental peak GB |", "|---:|---:|---:|---:|---:|---:|---|---:|"]
    for b in builds:
        lines.append(f"| {b['size']:,} | {b['records']} | {b['triples']:,} | {fmt_s(b['fresh_s'])} | "
                     f"{b['fresh_peak_gb']:.2f} | {fmt_s(b['incremental_s'])} | {', '.join(b['rechecked']) or '-'} | "
                     f"{b['incremental_peak_gb']:.2f} |")
    lines += ["", "Build steps (seconds, from the build's own report, build/build-report.json):", ""]
    steps = list(builds[0]["fresh_steps"]) if builds else []
    lines += ["| patients | build | " + " | ".join(steps) + " |", "|---:|---|" + "---:|" * len(steps)]
    for b in builds:
        for kind in ("fresh", "incremental"):
            lines.append(f"| {b['size']:,} | {kind} | "
                         + " | ".join(f"{b[kind + '_steps'].get(s, 0):.2f}" for s in steps) + " |")
    total, per_shape, all_in_pyshacl = shapes
    lines += ["", "## SHACL per shape (the build's path, one generated 50-patient record + the ontology: "
              f"{total:.2f} s; every shape in pySHACL, as `emkg validate` runs them: {all_in_pyshacl:.2f} s)", "",
              "Core shapes compiled to one Oxigraph query per constraint (emkg/shacl_compiled.py); SHACL-SPARQL "
              "constraints as one Oxigraph query each (emkg/shacl_sparql.py); both on the record's store.", "",
              "| shape | seconds |", "|---|---:|"]
    lines += [f"| {name} | {seconds:.3f} |" for name, seconds in per_shape]
    lines += ["", "## Stored queries (default parameters, median of "
              f"{args.runs} after a warm-up, milliseconds)", ""]
    header = "| query | kind |"
    rule = "|---|---|"
    query_sizes = [size for size in sizes if size in queries]
    for size in query_sizes:
        header += f" Oxigraph {size:,} | first page {size:,} | Virtuoso {size:,} |"
        rule += "---:|---:|---:|"
    header += f" rdflib {sizes[0]:,} |"
    rule += "---:|"
    lines += [header, rule]
    for name in sorted(queries[sizes[0]]):
        row = f"| {name} | {'list' if queries[sizes[0]][name]['list'] else 'aggregate'} |"
        for size in query_sizes:
            q = queries[size][name]
            v = virtuoso.get(size, {}).get(name, {})
            both = v and v.get("rows") is not None and q["rows"] is not None
            differ = both and v["rows"] != q["rows"]
            rows_note = f" (rows: Oxigraph {q['rows']}, Virtuoso {v['rows']})" if differ else ""
            shown = fmt_ms(q["ms"]) if q["ms"] is not None else f"> {args.cap:.0f} s"
            row += f" {shown} | {fmt_ms(q.get('page_ms'))} | {fmt_ms(v.get('ms'))}{rows_note} |"
        r = rdflib.get(name, {})
        shown = {"capped": "> 60 s", "error": "error (rdflib raised)"}.get(r.get("status"), fmt_ms(r.get("ms")))
        row += f" {shown} |"
        lines.append(row)
    if virtuoso_version:
        lines += ["", f"Virtuoso: {virtuoso_version}, started by tests/endpoint/virtuoso_harness.py on loopback."]
    lines += ["", "## Targets (issue 16, item 5)", "", "| target | figure | verdict |", "|---|---|---|"]
    by_size = {b["size"]: b for b in builds}

    def build_target(size, key, limit, label):
        b = by_size.get(size)
        value = b[key] if b else None
        lines.append(f"| {label} | {fmt_s(value)} s | {verdict(None if value is None else value <= limit)} |")

    build_target(10000, "fresh_s", TARGETS["build_10000_s"], "build of 10,000 patients <= 60 s")
    build_target(100000, "fresh_s", TARGETS["build_100000_s"], "build of 100,000 patients <= 10 min")
    build_target(10000, "incremental_s", TARGETS["incremental_10000_s"], "incremental rebuild at 10,000 <= 2 s")
    peak = max((max(b["fresh_peak_gb"], b["incremental_peak_gb"]) for b in builds), default=None)
    lines.append(f"| peak memory <= 4 GB (largest size run) | {fmt_s(peak)} GB | "
                 f"{verdict(None if peak is None else peak <= TARGETS['peak_gb'])} |")
    at = 10000 if 10000 in queries else None
    if at:
        def figure(q):
            value = q.get("page_ms") if q["list"] and q.get("page_ms") is not None else q["ms"]
            return math.inf if value is None else value

        slow = [n for n, q in queries[at].items() if figure(q) > TARGETS["query_ms"]]
        lines.append(f"| every aggregate query and list first page <= 50 ms at 10,000 | {len(slow)} over: "
                     f"{', '.join(slow) or '-'} | {verdict(not slow)} |")
        if at in virtuoso:
            far = [n for n, q in queries[at].items() if virtuoso[at].get(n, {}).get("ms") is not None
                   and (q["ms"] or math.inf) > TARGETS["virtuoso_factor"] * max(virtuoso[at][n]["ms"], 1.0)]
            lines.append(f"| every query within 2x of Virtuoso at 10,000 | {len(far)} not: {', '.join(far) or '-'} "
                         f"| {verdict(not far)} |")
        else:
            lines.append("| every query within 2x of Virtuoso at 10,000 | - | not measured |")
    else:
        lines.append("| queries <= 50 ms at 10,000; within 2x of Virtuoso | - | not measured (size not run) |")
    pairs = [(queries[sizes[0]][n]["ms"] or args.cap * 1000,
              rdflib[n]["ms"] if not rdflib[n]["capped"] else RDFLIB_CAP_S * 1000)
             for n in rdflib if n in queries[sizes[0]] and rdflib[n]["status"] != "error"]
    if pairs:
        speedup = math.exp(statistics.mean(math.log(max(r, 0.01) / max(o, 0.01)) for o, r in pairs))
        capped = sum(1 for n in rdflib if rdflib[n]["capped"])
        errors = sum(1 for n in rdflib if rdflib[n]["status"] == "error")
        lines.append(f"| Oxigraph >= 100x faster than rdflib (geometric mean) at {sizes[0]:,} | {speedup:.0f}x "
                     f"({capped} rdflib queries capped at 60 s, counted as 60 s; {errors} raised an error, left out) "
                     f"| {verdict(speedup >= 100)} |")
    return "\n".join(lines) + "\n"


def plot(builds, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [b["size"] for b in builds]
    fig, axis = plt.subplots(figsize=(6, 4))
    axis.plot(sizes, [b["fresh_s"] for b in builds], "o-", label="fresh build")
    axis.plot(sizes, [b["incremental_s"] for b in builds], "s-", label="incremental (one record changed)")
    axis.axhline(60, color="grey", linestyle=":", label="target at 10,000: 60 s")
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("synthetic patients")
    axis.set_ylabel("wall seconds")
    axis.set_title("emkg build time against size (benchmarks/run.py)")
    axis.legend()
    fig.tight_layout()
    fig.savefig(out, dpi=100, metadata={"Software": None})
    plt.close(fig)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated patient counts")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "benchmark", help="scratch folder")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds before a query run is stopped")
    parser.add_argument("--query-sizes", default="1000,10000",
                        help="the sizes whose stored queries are timed too (the others: builds only)")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip Virtuoso (the results say 'not measured')")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    sizes = sorted(int(s.replace(",", "").replace("_", "")) for s in args.sizes.split(","))
    query_sizes = {int(s.replace(",", "").replace("_", "")) for s in args.query_sizes.split(",")}
    load_before = machine.load_average()
    args.work.mkdir(parents=True, exist_ok=True)
    builds, queries, virtuoso, version = [], {}, {}, ""
    for size in sizes:
        print(f"[{size}] generate + build", file=sys.stderr, flush=True)
        b = measure_build(size, args.work)
        builds.append(b)
        print(f"[{size}] fresh {b['fresh_s']:.1f} s, incremental {b['incremental_s']:.1f} s; queries",
              file=sys.stderr, flush=True)
        if size not in query_sizes:
            continue
        queries[size] = oxigraph_times(b["build_dir"], args.runs, args.cap)
        if not args.no_virtuoso:
            virtuoso[size], version = virtuoso_times(b["build_dir"], args.work, args.runs, args.cap)
    print(f"[{sizes[0]}] rdflib", file=sys.stderr, flush=True)
    rdflib = rdflib_times(builds[0]["build_dir"], args.runs)
    first_record = sorted((args.work / str(sizes[0]) / "records").glob("*.yaml"))[0]
    shapes = shape_timings(first_record)
    text = write_results(sizes, builds, shapes, queries, rdflib, virtuoso, version, load_before, args)
    args.out.write_text(text, encoding="utf-8")
    png = HERE / "results" / "build-time.png"
    plot(builds, png)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
