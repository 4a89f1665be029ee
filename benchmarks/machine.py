"""The facts every benchmark result file states: date, machine, load average, commit, command."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min)"


def git_commit() -> str:
    try:
        done = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return done.stdout.strip() + (" (with uncommitted changes)" if dirty else "") if done.returncode == 0 else "?"
    except OSError:
        return "?"


def command() -> str:
    script = os.path.relpath(sys.argv[0], ROOT)
    return "python " + " ".join(shlex.quote(a) for a in [script, *sys.argv[1:]])


def header_lines(load_before: str) -> list[str]:
    memory = memory_gb()
    return [
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- command: `{command()}`",
        f"- git commit: {git_commit()}",
        f"- machine: {cpu_model()}, {os.cpu_count()} cores, "
        + (f"{memory:.1f} GB memory" if memory else "memory unknown") + f", {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}",
        f"- load average before: {load_before}; after: {load_average()}",
    ]
