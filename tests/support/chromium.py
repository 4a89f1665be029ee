"""Headless Chromium for the browser tests: Debian's `chromium`, installed with apt-get if missing.

A Chromium that cannot be installed fails the tests that need it (a missing service is a failure in
CI, never a skip). FLAGS keep the browser off the network and out of the user's profile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"]


class ChromiumMissing(RuntimeError):
    """Chromium is not installed and could not be installed; the message says why."""


def ensure_chromium() -> str:
    """The path of Debian's chromium, installing it (apt-get update + install -y chromium) if missing."""
    if Path(CHROMIUM).is_file():
        return CHROMIUM
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        raise ChromiumMissing(f"{CHROMIUM} is missing and installing it needs apt-get as root")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise ChromiumMissing(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    if not Path(CHROMIUM).is_file():
        raise ChromiumMissing(f"apt-get installed chromium but {CHROMIUM} is not there")
    return CHROMIUM


def browser_args(user_data_dir: Path) -> list[str]:
    """FLAGS plus a private profile folder, for a browser started directly (Playwright takes the folder
    as launch_persistent_context's user_data_dir and sets --headless itself)."""
    return [*FLAGS, f"--user-data-dir={user_data_dir}"]
