"""Paired timing of stored queries: a git ref's query text (bound as it was, plain VALUES) against the
current text in the form the embedded store runs (emkg.store.embedded_query), on one built store.

    python benchmarks/compare_with_ref.py STORE_DIR REF QUERY...

The two versions run alternately, 3 times each; prints the medians and whether the rows agree.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from emkg import catalogue, store  # noqa: E402


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    db = store.open_read_only(Path(sys.argv[1]))
    ref = sys.argv[2]
    for name in sys.argv[3:]:
        stored = catalogue.get(name)
        bindings = stored.bindings({})
        old = subprocess.run(["git", "show", f"{ref}:queries/{name}.rq"], capture_output=True, text=True,
                             check=True, cwd=ROOT).stdout
        texts = {ref: store.bind_values(old, bindings), "current": store.embedded_query(stored.text, bindings)}
        times: dict[str, list[float]] = {k: [] for k in texts}
        rows: dict[str, list] = {}
        for _ in range(3):
            for key, text in texts.items():
                started = time.perf_counter()
                rows[key] = sorted(tuple(str(v) for v in row) for row in db.query(text))
                times[key].append(time.perf_counter() - started)
        print(f"{name}: {ref} {statistics.median(times[ref]) * 1000:.0f} ms, current "
              f"{statistics.median(times['current']) * 1000:.0f} ms, same rows: {rows[ref] == rows['current']} "
              f"({len(rows['current'])} rows)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
