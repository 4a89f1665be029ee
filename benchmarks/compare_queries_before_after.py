"""Paired timing of the stored queries before and after a rework, under the same machine load.

    python benchmarks/compare_queries_before_after.py N --ref COMMIT [--cap 30] [-o FILE]

Needs the stores bench_queries_scale.py leaves in the work folder for N patients: store-N-plain (without
derived triples) for the queries as they were at COMMIT and store-N-derived for the current ones (first
page, as `emkg query` answers). Each query's two versions run alternately, 5 times each after one
warm-up of the current one; an old version slower than --cap seconds is run once. Default parameters
(the old headers' `#+ param: NAME TYPE default=V` lines are read for that).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emkg import catalogue, store  # noqa: E402

_OLD_PARAM = re.compile(r"^#\+ param:\s*(\w+)\s+(\w+)(.*?)(?:--|$)", re.MULTILINE)


def old_version(ref: str, name: str) -> tuple[str, dict]:
    text = subprocess.run(["git", "-C", str(ROOT), "show", f"{ref}:queries/{name}.rq"], capture_output=True,
                          text=True, check=True).stdout
    bindings = {}
    for pname, ptype, options in _OLD_PARAM.findall(text):
        default = re.search(r"default=(\S+)", options)
        if default:
            kind = {"curie": "iri"}.get(ptype, ptype)
            bindings[pname] = catalogue.Param(pname, kind).bind(default.group(1))
    return text, bindings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--ref", required=True, help="the commit whose queries/*.rq are the 'before'")
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "emkg-query-scale")
    parser.add_argument("--skip", nargs="*", default=[], help="queries to leave out (e.g. one known to take minutes)")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    plain = store.open_read_only(args.work_dir / f"store-{args.n}-plain")
    derived = store.open_read_only(args.work_dir / f"store-{args.n}-derived")
    load_before = os.getloadavg()
    rows = []
    for name, current in catalogue.catalogue().items():
        if name in args.skip:
            continue
        old_text, old_bindings = old_version(args.ref, name)
        new_text, new_bindings = current.paged_text(), current.bindings({})
        store.select(derived, new_text, new_bindings)
        before, after, capped = [], [], False
        for _ in range(5):
            started = time.perf_counter()
            store.select(derived, new_text, new_bindings)
            after.append((time.perf_counter() - started) * 1000)
            if not capped:
                started = time.perf_counter()
                store.select(plain, old_text, old_bindings)
                before.append((time.perf_counter() - started) * 1000)
                capped = before[-1] > args.cap * 1000
        median = statistics.median(before)
        old_cell = f"> {args.cap * 1000:.0f} ({before[-1]:.0f}, 1 run)" if capped else f"{median:.1f}"
        rows.append(f"| {name} | {old_cell} | {statistics.median(after):.1f} |")
        print(rows[-1], flush=True)
    load_after = os.getloadavg()
    command = "python " + " ".join([os.path.relpath(__file__, ROOT), *sys.argv[1:]])
    text = "\n".join([
        f"# Stored queries before ({args.ref[:10]}) and after the rework, {args.n:,} patients, paired runs", "",
        f"Command: `{command}`", "",
        f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}; {os.cpu_count()} CPU(s); load average "
        f"{load_before[0]:.2f} at the start, {load_after[0]:.2f} at the end; median ms of 5 alternating runs; "
        "before: whole answer on the store without derived triples; after: first page, store with them.", "",
        "| query | before ms | after ms |", "|---|---:|---:|", *rows]) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
