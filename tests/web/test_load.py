"""A short run of benchmarks/load_serve.py: 0 failed requests, and the slow query cut by the timeout."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

from emkg import catalogue, serve_guard

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "load_serve.py"


def load_script():
    spec = importlib.util.spec_from_file_location("load_serve", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_short_load_run_has_no_failures_and_cuts_the_slow_query(built, tmp_path):
    results = tmp_path / "load.md"
    code = load_script().main(["--clients", "5", "--seconds", "5", "--timeout", "2",
                               "--build-dir", str(built), "--results", str(results)])
    text = results.read_text()
    figures = json.loads(text.split("```json\n")[1].split("```")[0])
    assert figures["failed"] == 0, figures["failures"]
    assert figures["requests"] > 20
    assert figures["slow_status"] == 503 and figures["slow_cut"]
    assert 2.0 <= figures["slow_seconds"] < 2.0 + 5.0  # uncut it would run for hours
    assert figures["answered_while_slow_ran"] > 0
    assert code == 0


def test_every_stored_query_passes_the_guard_as_select():
    # the server runs catalogue queries without the check, as SELECT: keep that assumption true
    for stored in catalogue.catalogue().values():
        assert serve_guard.check(stored.text).form == "SELECT", stored.name
