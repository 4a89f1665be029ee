"""Time every stored query at scale: the seed release plus N synthetic patients, in Oxigraph.

    python benchmarks/bench_queries_scale.py 1000 10000 [--runs 5] [--cap 60] [--no-derived] [-o FILE]

For each N: writes N patients with benchmarks/generate.py, bulk-loads build/release/emkg.nt (run
`emkg build` first) and them into a fresh store, adds the derived helper triples (emkg.derive, as the
build does) unless --no-derived, then runs each stored query with its default parameters (list queries:
their first page, as `emkg query` does) in a child process: one warm-up and --runs timed runs, median and
slowest in ms. A query whose warm-up takes longer than --cap seconds is reported as "> cap" (that one run
only); a child still running at 3 x cap is killed. Writes a Markdown table with date, machine and load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def make_store(n: int, work: Path, derived: bool) -> tuple[Path, int, int]:
    import generate
    import pyoxigraph as ox

    from emkg import derive, paths

    data = work / f"patients-{n}.nt"
    if not data.is_file():
        data.write_bytes(generate.ntriples(n))  # the loader's triples of n generated records
    folder = work / f"store-{n}-{'derived' if derived else 'plain'}"
    shutil.rmtree(folder, ignore_errors=True)
    db = ox.Store(str(folder))
    db.bulk_load(path=str(paths.BUILD_DIR / "release" / "emkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    db.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES)
    added = len(derive.add_derived(db)) if derived else 0
    db.flush()
    db.optimize()
    size = len(db)
    del db
    return folder, size, added


def child(store_dir: str, name: str, runs: int, cap: float) -> None:
    from emkg import catalogue, store

    db = store.open_read_only(Path(store_dir))
    stored = catalogue.get(name)
    text = stored.paged_text()
    bindings = stored.bindings({})
    started = time.perf_counter()
    _, rows = store.select(db, text, bindings)
    first = (time.perf_counter() - started) * 1000
    timings = [first]
    if first <= cap * 1000:
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            store.select(db, text, bindings)
            timings.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"rows": len(rows), "timings": timings, "capped": first > cap * 1000}))


def time_query(store_dir: Path, name: str, runs: int, cap: float) -> dict:
    command = [sys.executable, __file__, "--child", str(store_dir), name, "--runs", str(runs), "--cap", str(cap)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=3 * cap, check=False)
    except subprocess.TimeoutExpired:
        return {"rows": None, "timings": [], "capped": True, "killed": True}
    if done.returncode != 0:
        return {"rows": None, "timings": [], "error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout)


def cell(result: dict, cap: float) -> str:
    if result.get("error"):
        return "error"
    if result.get("killed"):
        return f"> {3 * cap * 1000:.0f} (killed)"
    if result["capped"]:
        return f"> {cap * 1000:.0f} ({result['timings'][0]:.0f}, 1 run)"
    return f"{statistics.median(result['timings']):.1f}"


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        parser = argparse.ArgumentParser()
        parser.add_argument("--child", nargs=2)
        parser.add_argument("--runs", type=int)
        parser.add_argument("--cap", type=float)
        args = parser.parse_args()
        child(args.child[0], args.child[1], args.runs, args.cap)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cap", type=float, default=60.0, help="seconds; slower warm-ups are not repeated")
    parser.add_argument("--no-derived", action="store_true", help="leave out the derived helper triples")
    parser.add_argument("--queries", nargs="*", help="only these stored queries")
    parser.add_argument("--work-dir", type=Path, default=None)
    parser.add_argument("-o", "--output", type=Path, default=None)
    args = parser.parse_args()
    from emkg import catalogue

    names = args.queries or list(catalogue.catalogue())
    work = args.work_dir or Path(tempfile.gettempdir()) / "emkg-query-scale"
    work.mkdir(parents=True, exist_ok=True)
    columns, sizes = {}, []
    for n in args.sizes:
        folder, triples, added = make_store(n, work, not args.no_derived)
        sizes.append(f"{n:,} patients ({triples:,} triples, {added:,} derived)")
        columns[n] = {}
        for name in names:
            result = time_query(folder, name, args.runs, args.cap)
            columns[n][name] = result
            print(f"{n} {name} {cell(result, args.cap)} ms, {result.get('rows')} rows", flush=True)
    load = os.getloadavg()
    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__, ROOT), *sys.argv[1:]])
    lines = [
        "# Stored queries at scale (embedded Oxigraph store)", "",
        f"Command (after `emkg build`): `{command}`", "",
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; Python {platform.python_version()}; "
        f"{platform.machine()}, {os.cpu_count()} CPU(s); load average at the end {load[0]:.2f} {load[1]:.2f} "
        f"{load[2]:.2f}; median of {args.runs} runs after one warm-up, default parameters, list queries: first page.",
        "", "Data: " + "; ".join(sizes), "",
        "| query | " + " | ".join(f"{n:,}: ms (rows)" for n in args.sizes) + " |",
        "|---|" + "---:|" * len(args.sizes),
    ]
    for name in names:
        lines.append(f"| {name} | " + " | ".join(
            f"{cell(columns[n][name], args.cap)} ({columns[n][name].get('rows')})" for n in args.sizes) + " |")
    text = "\n".join(lines) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
