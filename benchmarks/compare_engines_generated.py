"""Oxigraph (in memory) and Virtuoso 7.2 (the endpoint tests' private server) on the same generated data.

    python benchmarks/compare_engines_generated.py N [QUERY...]

Loads build/release/emkg.nt plus N patients of benchmarks/generate.py into an in-memory Oxigraph store,
adds the derived helper triples, writes the store as N-Triples into a scratch folder and loads that into
a private Virtuoso (tests/endpoint/virtuoso_harness.py). Then runs each stored query (defaults, whole
answer) once on each engine and prints rows, milliseconds and how many rows only one engine returned
(GROUP_CONCAT columns may differ in part order only). Single runs: indicative, not a benchmark.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "tests" / "endpoint", ROOT / "benchmarks"):
    sys.path.insert(0, str(folder))

import generate  # noqa: E402
import pyoxigraph as ox  # noqa: E402
from virtuoso_harness import Virtuoso, find_binaries  # noqa: E402

from emkg import catalogue, derive, remote, store  # noqa: E402

GRAPH = "https://w3id.org/emkg/test/generated"


def main() -> int:
    n, names = int(sys.argv[1]), sys.argv[2:] or list(catalogue.catalogue())
    db = ox.Store()
    db.bulk_load(path=str(ROOT / "build" / "release" / "emkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    db.bulk_load(input=generate.ntriples(n), format=ox.RdfFormat.N_TRIPLES)
    print("derived triples added:", len(derive.add_derived(db)), flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data.nt"
        db.dump(str(data), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        server_dir = Path(scratch) / "virtuoso"
        server_dir.mkdir()
        with Virtuoso(server_dir, [Path(scratch)], *find_binaries()) as server:
            server.start()
            print("triples loaded into Virtuoso:", server.load_ntriples(data, GRAPH), flush=True)
            for name in names:
                stored = catalogue.get(name)
                bindings = stored.bindings({})
                started = time.perf_counter()
                _, ours = store.select(db, stored.text, bindings)
                ours_ms = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                _, theirs = remote.select(server.endpoint, stored.text, bindings, timeout=600, default_graph=GRAPH)
                theirs_ms = (time.perf_counter() - started) * 1000
                a, b = ({tuple(map(str, row)) for row in rows} for rows in (ours, theirs))
                print(f"{name}: oxigraph {len(ours)} rows {ours_ms:.0f} ms, virtuoso {len(theirs)} rows "
                      f"{theirs_ms:.0f} ms; only oxigraph {len(a - b)}, only virtuoso {len(b - a)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
