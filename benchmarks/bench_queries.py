"""Time every stored query on the seed graph in the embedded store (Oxigraph on disk).

    python benchmarks/bench_queries.py [--runs 21] [--build-dir build]

Runs each catalogue query (default parameters, and each non-default case of
tests/queries/param_cases.json) --runs times after one warm-up run, reports the median and the
slowest run in milliseconds, and writes benchmarks/results/queries.md. Target: under 100 ms each.
Needs a build (`emkg build`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from emkg import catalogue, paths, store  # noqa: E402

sys.path.insert(0, str(HERE))
import machine  # noqa: E402

TARGET_MS = 100.0
CASES_FILE = HERE.parent / "tests" / "queries" / "param_cases.json"


def cases() -> list[tuple[str, str, dict[str, str]]]:
    param_cases = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    out = []
    for name in catalogue.catalogue():
        out.append((name, "default", {}))
        out += [(name, case, params) for case, params in sorted(param_cases.get(name, {}).items())]
    return out


def time_case(db, name: str, params: dict[str, str], runs: int) -> tuple[float, float, int]:
    stored = catalogue.get(name)
    bindings = stored.bindings(params)
    _, rows = store.select(db, stored.text, bindings)  # warm-up, and the row count
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        store.select(db, stored.text, bindings)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings), len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--build-dir", type=Path, default=None)
    args = parser.parse_args()
    load_before = machine.load_average()
    db = store.open_read_only(paths.store_dir(args.build_dir))
    results = [(name, case, *time_case(db, name, params, args.runs)) for name, case, params in cases()]
    slow = [r for r in results if r[2] >= TARGET_MS]
    lines = [
        "# Query benchmark: every catalogue query on the seed graph (embedded Oxigraph store)", "",
        "Written by `benchmarks/bench_queries.py` (after `emkg build`); do not edit by hand.", "",
        *machine.header_lines(load_before),
        f"- {args.runs} timed runs per case after one warm-up", "",
        f"Target: median under {TARGET_MS:.0f} ms per query. Result: "
        + ("all under target." if not slow else f"{len(slow)} case(s) over target."), "",
        "| query | parameters | rows | median ms | slowest ms |", "|---|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {case} | {rows} | {median:.1f} | {worst:.1f} |"
              for name, case, median, worst, rows in results]
    out = HERE / "results" / "queries.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
