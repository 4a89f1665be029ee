"""Helpers for the build tests: a small evidence folder and `emkg build` as a child process."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from emkg import paths

TESTS = Path(__file__).resolve().parent.parent
SMALL_RECORD = paths.EVIDENCE_DIR / "nct03919240-sscart19-skin-testis.yaml"
EXTRA_RECORD = TESTS / "records" / "valid" / "minimal-case.yaml"


def small_evidence(folder: Path) -> Path:
    """One seed record (quotes checked against its source text) and the made-up minimal case."""
    folder.mkdir(parents=True)
    shutil.copy(SMALL_RECORD, folder / SMALL_RECORD.name)
    shutil.copy(EXTRA_RECORD, folder / "test-minimal-case.yaml")
    return folder


def build_command(build_dir: Path, evidence: Path, seeds: Path) -> list[str]:
    return [sys.executable, "-m", "emkg.cli", "build", "--build-dir", str(build_dir), "--evidence-dir", str(evidence),
            "--seeds", str(seeds)]


def start_build(build_dir: Path, evidence: Path, seeds: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(build_command(build_dir, evidence, seeds), env={**os.environ, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_build(build_dir: Path, evidence: Path, seeds: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(build_dir, evidence, seeds), env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)


def store_triples(build_dir: Path) -> int:
    from emkg import store

    db = store.open_read_only(paths.store_dir(build_dir))
    (count,) = next(iter(db.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
    return int(count.value)


def release_state(build_dir: Path) -> tuple[int, str]:
    """(triples in the store, sha256 of the release N-Triples): the two must describe one graph."""
    nt = (paths.release_dir(build_dir) / "emkg.nt").read_bytes()
    lines = nt.count(b"\n")
    assert store_triples(build_dir) == lines, "store and release files disagree"
    return lines, hashlib.sha256(nt).hexdigest()


def leftovers(build_dir: Path) -> list[str]:
    """Scratch folders, half-made links and extra versions a finished build must not leave."""
    names = [p.name for p in build_dir.iterdir() if p.name.startswith((".scratch-", ".current-", ".old-"))]
    versions = sorted(p.name for p in (build_dir / "versions").iterdir())
    return names + (versions if len(versions) > 2 else [])
