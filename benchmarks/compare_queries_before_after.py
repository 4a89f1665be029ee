"""Paired timing of the stored queries before and after a rework, under the same machine load.

    python benchmarks/compare_queries_before_after.py N --ref COMMIT [--cap 30] [--store BUILD/store] [-o FILE]

Needs the stores bench_queries_scale.py leaves in the work folder for N patients: store-N-plain (without
derived triples) for the queries as they were at COMMIT and store-N-derived for the current ones (first
page, as `emkg query` answers). Each query's two versions run alternately, --runs times each (5) after one
warm-up of the current one; an old version slower than --cap seconds is run once. Default parameters
(the old headers' `#+ param: NAME TYPE default=V` lines are read for that). --store runs both versions on
one built store instead (`emkg build` adds the derived triples the old queries use too).
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from emkg import catalogue, store  # noqa: E402

_OLD_PARAM = re.compile(r"^#\+ param:\s*(\w+)\s+(\w+)(.*?)(?:--|$)", re.MULTILINE)


def old_version(ref: str, name: str) -> tuple[str, dict]:
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:queries/{name}.rq"], capture_output=True,
                          text=True, check=True).stdout
    if text.startswith("#+ summary"):  # a grlc header: its defaults, and the first page of a list query
        with tempfile.TemporaryDirectory() as scratch:
            path = Path(scratch) / f"{name}.rq"
            path.write_text(text, encoding="utf-8")
            old = catalogue.parse(path)
        return old.paged_text(), old.bindings({})
    bindings = {}
    for pname, ptype, options in _OLD_PARAM.findall(text):
        default = re.search(r"default=(\S+)", options)
        if default:
            kind = {"curie": "iri"}.get(ptype, ptype)
            bindings[pname] = catalogue.Param(pname, kind).bind(default.group(1))
    return text, bindings


PAGE = 100  # every list query's page size (their headers' pagination)


def timed(db, text: str, bindings: dict) -> tuple[float, float]:
    """(wall-clock ms, CPU ms) of one run of a query."""
    wall, cpu = time.perf_counter(), time.process_time()
    store.select(db, text, bindings)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--ref", required=True, help="the commit whose queries/*.rq are the 'before'")
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=5, help="alternating runs of each version (default 5)")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "emkg-query-scale")
    parser.add_argument("--skip", nargs="*", default=[], help="queries to leave out (e.g. one known to take minutes)")
    parser.add_argument("--store", type=Path, help="one built store (e.g. BUILD/store, with its derived triples) "
                        "for both versions, instead of the work folder's plain and derived stores")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    if args.store:
        plain = derived = store.open_read_only(args.store)
    else:
        plain = store.open_read_only(args.work_dir / f"store-{args.n}-plain")
        derived = store.open_read_only(args.work_dir / f"store-{args.n}-derived")
    import machine

    load_before = machine.load_average()
    rows = []
    for name, current in catalogue.catalogue().items():
        if name in args.skip:
            continue
        old_text, old_bindings = old_version(args.ref, name)
        new_text, new_bindings = current.paged_text(), current.bindings({})
        store.select(derived, new_text, new_bindings)
        before, after, capped = [], [], False
        for _ in range(args.runs):
            after.append(timed(derived, new_text, new_bindings))
            if not capped:
                before.append(timed(plain, old_text, old_bindings))
                capped = before[-1][0] > args.cap * 1000
        wall, cpu = (statistics.median(t[0] for t in before), statistics.median(t[1] for t in before))
        old_cells = (f"> {args.cap * 1000:.0f} ({before[-1][0]:.0f}, 1 run) | {before[-1][1]:.0f}" if capped
                     else f"{wall:.1f} | {cpu:.1f}")
        new_cells = f"{statistics.median(t[0] for t in after):.1f} | {statistics.median(t[1] for t in after):.1f}"
        rows.append(f"| {name} | {'list' if current.page_size else 'aggregate'} | {old_cells} | {new_cells} |")
        print(rows[-1], flush=True)
    scope = (f"list queries: the first page (LIMIT {PAGE}) before and after, both on {args.store}" if args.store else
             "before: whole answer on the store without derived triples; after: first page, store with them.")
    text = "\n".join([
        f"# Stored queries before ({args.ref[:10]}) and after the rework, {args.n:,} patients, paired runs", "",
        *machine.header_lines(load_before), "",
        f"Median of {args.runs} alternating runs (before, after) after one warm-up of the current version, default "
        f"parameters; {scope}. CPU ms: this process's CPU time (Oxigraph runs a query in the calling thread), "
        "less disturbed by the load than the wall-clock ms.", "",
        "| query | kind | before ms | before CPU ms | after ms | after CPU ms |", "|---|---|---:|---:|---:|---:|",
        *rows]) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
