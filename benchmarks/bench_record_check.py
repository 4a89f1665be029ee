"""CPU seconds of the build's check of one generated 50-patient record, per step (emkg.record_check).

    python benchmarks/bench_record_check.py [--runs 3]

CPU time (time.process_time), not wall time, so that a busy machine changes the figures less; the
record is `benchmarks/generate.py 50 --seed 0`, checked with its quotes against its synthetic source
text. Prints one line per run. Run it with another checkout first on PYTHONPATH to compare versions.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from emkg import record_check

    with tempfile.TemporaryDirectory() as work:
        records, sources = Path(work) / "records", Path(work) / "sources"
        generate(50, records, sources, seed=0)
        record = next(records.glob("*.yaml"))
        record_check.time.perf_counter = time.process_time  # the per-step timings in CPU seconds
        record_check.prepare(None, None, sources)
        data = record.read_bytes()
        print(f"emkg from {Path(record_check.__file__).parent}", flush=True)
        for _ in range(args.runs):
            started = time.process_time()
            result = record_check.check_text(data, record.name)
            total = time.process_time() - started
            steps = ", ".join(f"{k} {v:.3f}" for k, v in result["timings"].items())
            print(f"ok={result['ok']} cpu {total:.3f} s: {steps}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
