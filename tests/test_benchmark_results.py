"""Benchmark result files are written by their scripts, with date, command, commit, machine and the measured
load average (benchmarks/machine.py), never typed in: the two this branch owns, and the reasoning script
writing such a file from a small run."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
HEADER = ("- date: ", "- command: `python benchmarks/", "- git commit: ", "- machine: ", "- load average before: ")


def _header_of(text: str, script: str) -> None:
    assert f"`benchmarks/{script}`" in text.split("\n\n")[1], "the file must say which script wrote it"
    for start in HEADER:
        assert any(line.startswith(start) for line in text.splitlines()), f"no '{start}' line"
    assert f"- command: `python benchmarks/{script}" in text


@pytest.mark.parametrize(("result", "script"), [("validate.md", "bench_validate.py"),
                                                 ("reasoning.md", "bench_reasoning.py")])
def test_result_file_states_its_script_and_the_machine(result, script):
    _header_of((RESULTS / result).read_text(encoding="utf-8"), script)
    assert "machine.header_lines(" in (ROOT / "benchmarks" / script).read_text(encoding="utf-8")


def test_bench_reasoning_writes_the_header_and_its_figures(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    monkeypatch.setattr(sys, "argv", ["benchmarks/bench_reasoning.py", "--patients", "20"])
    bench = importlib.import_module("bench_reasoning")
    out = tmp_path / "reasoning.md"
    assert bench.main(["--patients", "20", "--output", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    _header_of(text, "bench_reasoning.py")
    assert "synthetic patients: 20 (seed 0)" in text and "| emkg:CNSRelapse |" in text
