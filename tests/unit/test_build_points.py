"""emkg.build.build passes every named test point of emkg.buildswitch, in order (the crash tests of
tests/build/test_build_switch.py stop a child build at each by name; here, in process)."""

from __future__ import annotations

import shutil
from pathlib import Path

from emkg import build, buildswitch

MINIMAL = Path(__file__).resolve().parent.parent / "records" / "valid" / "minimal-case.yaml"


def test_a_build_passes_every_test_point_in_order(tmp_path, monkeypatch):
    passed: list[str] = []
    monkeypatch.setattr(buildswitch, "test_point", passed.append)
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    shutil.copy(MINIMAL, evidence / MINIMAL.name)
    build.build(tmp_path / "build", evidence_dir=evidence, seeds_dir=tmp_path, check_quotes=False, jobs=1)
    assert passed == list(buildswitch.POINTS)
