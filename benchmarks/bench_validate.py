"""Benchmark `emkg validate`: one submitted case, and 1,000 cases in one CSV file (not part of the tests).

    python benchmarks/bench_validate.py [--cases 1000] [--runs 5]

(a) wall time of `emkg validate tests/records/valid/minimal-case.csv` in a fresh interpreter (subprocess,
    so start-up, imports and parsing the ontology and shapes are included), median of --runs; target < 1.5 s.
(b) wall time of `emkg validate` on a CSV of --cases rows generated deterministically from the template's
    example row (every row a distinct patient of one of 20 publications, with varied sites, ages, grades and
    days), median of 3 runs; target < 30 s. The generated file must validate (exit 0).
Writes benchmarks/results/validate.md (date, machine, load average, commit); do not edit that file by hand.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
import machine  # noqa: E402

SITES = ["UBERON:0000473", "UBERON:0001359", "UBERON:0002360", "UBERON:0000955", "UBERON:0002097"]


def generate_csv(n: int, seed: int = 0) -> str:
    """n made-up patients as template rows; same n and seed -> the same text."""
    from loaders.csv_template import COLUMNS

    rng = random.Random(seed)
    names = [c.name for c in COLUMNS]
    example = {c.name: c.example for c in COLUMNS}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(names)
    for i in range(n):
        row = dict(example)
        row["publication_id"] = f"bench-{i % 20:02d}"
        row["patient_id"] = f"P{i:04d}"
        row["age_years"] = str(rng.randint(2, 70))
        row["sex"] = rng.choice(["emkg:Male", "emkg:Female"])
        row["relapse_sites"] = ";".join(rng.sample(SITES, rng.randint(1, 2)))
        # marrow_involved stays the example's false: its quote calls the relapse isolated, and a checked
        # record may not contradict its quote
        row["toxicity1_grade"] = str(rng.randint(0, 4))
        row["toxicity1_day"] = str(rng.randint(1, 14))
        row["response_day"] = str(rng.randint(21, 90))
        writer.writerow([row[name] for name in names])
    return out.getvalue()


def wall(args: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    if done.returncode not in (0, 1):  # 2: unusable input or a broken command line: the figure would be a lie
        raise SystemExit(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr}")
    return time.perf_counter() - started, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    load_before = machine.load_average()
    emkg = [sys.executable, "-m", "emkg.cli"] if not Path(sys.executable).with_name("emkg").exists() \
        else [str(Path(sys.executable).with_name("emkg"))]
    one = ROOT / "tests" / "records" / "valid" / "minimal-case.csv"
    times = []
    for _ in range(options.runs):
        seconds, code = wall(emkg + ["validate", str(one)])
        assert code == 0, f"the single case did not validate (exit {code})"
        times.append(seconds)
    one_case = (statistics.median(times), min(times), max(times))
    with tempfile.TemporaryDirectory() as scratch:
        many = Path(scratch) / f"bench-{options.cases}.csv"
        many.write_text(generate_csv(options.cases), encoding="utf-8")
        times = []
        for _ in range(3):
            seconds, code = wall(emkg + ["validate", str(many)])
            assert code == 0, f"the generated cases did not validate (exit {code})"
            times.append(seconds)
    many_cases = (statistics.median(times), min(times), max(times))
    lines = ["# `emkg validate`: one submitted case, and many cases in one file", "",
             "Written by `benchmarks/bench_validate.py`; do not edit by hand.", "",
             *machine.header_lines(load_before), "",
             "| what | median s | min s | max s | target | met |", "|---|---:|---:|---:|---|---|"]
    for what, (median, low, high), target in (
            (f"(a) `emkg validate tests/records/valid/minimal-case.csv`, fresh interpreter, {options.runs} runs",
             one_case, 1.5),
            (f"(b) `emkg validate` on {options.cases} generated CSV rows, 3 runs", many_cases, 30.0)):
        lines.append(f"| {what} | {median:.2f} | {low:.2f} | {high:.2f} | < {target} s | "
                     f"{'met' if median < target else 'missed'} |")
    out = ROOT / "benchmarks" / "results" / "validate.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
