"""One build at a time, and an atomic switch from the old build to the new one.

Layout of a build folder::

    build/.lock                 fcntl lock held by the running build (serialises builds)
    build/versions/<id>/        a complete build: store/, release/, build-report.json
    build/current -> versions/<id>     the build readers use; switched with one rename of a symlink
    build/store   -> current/store     stable paths for readers and users
    build/release -> current/release
    build/.scratch-<id>/        a build in progress (renamed into versions/ when complete)
    build/cache/                checked records (emkg.buildcache)

A new version is written completely in a scratch folder, renamed into versions/, and then `current`
is replaced by a new symlink with os.replace (rename(2) is atomic), so a reader resolving `current`
sees the old or the new build, never a mixture. The previous version is kept (a reader that resolved
it just before the switch can still open it); older ones are removed. A build killed at any point
leaves `current` pointing at a complete version; its scratch folder is removed by the next build.

Tests stop a build at named points with EMKG_BUILD_TEST_POINT=<name>[,<name>...] and
EMKG_BUILD_TEST_ACTION=exit|pause (exit: os._exit(3), as abrupt as a kill; pause: print "paused at
<name>" and sleep EMKG_BUILD_TEST_PAUSE seconds, default 30, so the test can SIGKILL it there).
Without these variables `test_point` does nothing.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import time
from pathlib import Path

POINTS = ("locked", "checked", "loaded", "released", "renamed", "switched", "cleaned")


def test_point(name: str) -> None:
    wanted = os.environ.get("EMKG_BUILD_TEST_POINT")
    if not wanted or name not in wanted.split(","):
        return
    if os.environ.get("EMKG_BUILD_TEST_ACTION", "exit") == "pause":
        print(f"paused at {name}", flush=True)
        time.sleep(float(os.environ.get("EMKG_BUILD_TEST_PAUSE", "30")))
    else:
        os._exit(3)


@contextlib.contextmanager
def build_lock(build_dir: Path):
    """Hold the build folder's lock; a second build waits until the first has finished."""
    build_dir.mkdir(parents=True, exist_ok=True)
    with open(build_dir / ".lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def new_scratch(build_dir: Path) -> Path:
    """Remove what killed builds left behind, then make this build's scratch folder (lock held)."""
    for stale in build_dir.glob(".scratch-*"):
        shutil.rmtree(stale, ignore_errors=True)
    for stale in build_dir.glob(".current-*"):
        stale.unlink(missing_ok=True)
    for stale in build_dir.glob(".old-*"):  # the layout before versions/ (emkg <= 0.x)
        shutil.rmtree(stale, ignore_errors=True)
    version = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}-{os.getpid()}"
    scratch = build_dir / f".scratch-{version}"
    scratch.mkdir()
    return scratch


def switch(build_dir: Path, scratch: Path) -> Path:
    """Make `scratch` the current build; return its folder under versions/."""
    versions = build_dir / "versions"
    versions.mkdir(exist_ok=True)
    version = versions / scratch.name.removeprefix(".scratch-")
    previous = current_version(build_dir)
    os.rename(scratch, version)
    test_point("renamed")
    link = build_dir / f".current-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(Path("versions") / version.name)
    os.replace(link, build_dir / "current")
    test_point("switched")
    _stable_links(build_dir)
    for old in versions.iterdir():
        if old not in (version, previous):
            shutil.rmtree(old, ignore_errors=True)
    test_point("cleaned")
    return version


def current_version(build_dir: Path) -> Path | None:
    current = build_dir / "current"
    return current.resolve() if current.is_symlink() else None


def _stable_links(build_dir: Path) -> None:
    """build/store and build/release point through `current` (made once; older layouts moved aside)."""
    for part in ("store", "release"):
        path = build_dir / part
        if path.is_symlink():
            continue
        link = build_dir / f".current-{part}-{os.getpid()}"
        link.unlink(missing_ok=True)
        link.symlink_to(Path("current") / part)
        if path.is_dir():  # a build made before versions/ existed: replace its folder by the link
            old = build_dir / f".old-{part}-{os.getpid()}"
            path.rename(old)
            os.replace(link, path)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(link, path)
