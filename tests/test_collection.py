"""The README's test command collects every test file under tests/.

pytest does not enter folders named like build outputs (its default norecursedirs has "build"), so the tests in
tests/build/ ran only when named on the command line, never in CI, until pyproject.toml set norecursedirs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_test_file_is_collected_by_the_plain_test_command():
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    collected = {line.split("::")[0] for line in done.stdout.splitlines() if "::" in line}
    on_disk = {path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").rglob("test_*.py")}
    assert sorted(on_disk - collected) == []
    assert "tests/build/test_build_workers.py" in collected
