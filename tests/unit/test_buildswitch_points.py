"""emkg.buildswitch in-process: the named test points stop a build where their names say, and switch()
leaves versions/, current and the stable links as its docstring describes (the kill tests in
tests/build/test_build_switch.py run builds as child processes)."""

from __future__ import annotations

import os

import pytest

from emkg import buildswitch


class Stopped(Exception):
    pass


class Pauses:
    """Where the build paused: (seconds it would have slept, the build folder's state then)."""

    def __init__(self):
        self.build_dir = None
        self.seen: list[tuple[float, dict]] = []

    def sleep(self, seconds):
        current = buildswitch.current_version(self.build_dir)
        self.seen.append((seconds, {
            "current": current.name if current else None,
            "versions": sorted(p.name for p in (self.build_dir / "versions").iterdir()),
            "scratch": sorted(p.name for p in self.build_dir.glob(".scratch-*")),
            "links": sorted(p for p in ("store", "release") if (self.build_dir / p).is_symlink())}))


@pytest.fixture
def paused(monkeypatch):
    """Pause at the named points without sleeping, recording the folder's state at each."""
    pauses = Pauses()
    monkeypatch.setenv("EMKG_BUILD_TEST_ACTION", "pause")
    monkeypatch.setenv("EMKG_BUILD_TEST_PAUSE", "0.5")
    monkeypatch.setattr(buildswitch.time, "sleep", pauses.sleep)
    return pauses


def new_build(build_dir, name):
    scratch = build_dir / f".scratch-{name}"
    (scratch / "store").mkdir(parents=True)
    (scratch / "release").mkdir()
    return scratch


def test_switch_pauses_at_renamed_switched_and_cleaned_in_order(tmp_path, paused, capsys, monkeypatch):
    build_dir = paused.build_dir = tmp_path / "build"
    build_dir.mkdir()
    buildswitch.switch(build_dir, new_build(build_dir, "v1"))
    buildswitch.switch(build_dir, new_build(build_dir, "v2"))
    assert capsys.readouterr().out == ""  # no point named: no pause
    monkeypatch.setenv("EMKG_BUILD_TEST_POINT", "renamed,switched,cleaned")
    version = buildswitch.switch(build_dir, new_build(build_dir, "v3"))
    assert version == build_dir / "versions" / "v3"
    assert capsys.readouterr().out == "paused at renamed\npaused at switched\npaused at cleaned\n"
    links = ["release", "store"]
    assert paused.seen == [
        (0.5, {"current": "v2", "versions": ["v1", "v2", "v3"], "scratch": [], "links": links}),  # renamed
        (0.5, {"current": "v3", "versions": ["v1", "v2", "v3"], "scratch": [], "links": links}),  # switched
        (0.5, {"current": "v3", "versions": ["v2", "v3"], "scratch": [], "links": links}),  # cleaned
    ]
    assert os.readlink(build_dir / "current") == os.path.join("versions", "v3")
    assert os.readlink(build_dir / "store") == os.path.join("current", "store")
    assert os.readlink(build_dir / "release") == os.path.join("current", "release")


@pytest.mark.parametrize("point", ["renamed", "switched", "cleaned"])
def test_each_switch_point_alone(tmp_path, paused, capsys, monkeypatch, point):
    build_dir = paused.build_dir = tmp_path / "build"
    build_dir.mkdir()
    monkeypatch.setenv("EMKG_BUILD_TEST_POINT", point)
    buildswitch.switch(build_dir, new_build(build_dir, "v1"))
    assert capsys.readouterr().out == f"paused at {point}\n"
    assert len(paused.seen) == 1
    assert point in buildswitch.POINTS


def test_test_point_exits_with_3_by_default_and_waits_30_seconds_when_paused(monkeypatch, capsys):
    exits, sleeps = [], []

    def fake_exit(code):
        exits.append(code)
        raise Stopped

    monkeypatch.setattr(buildswitch.os, "_exit", fake_exit)
    monkeypatch.setattr(buildswitch.time, "sleep", sleeps.append)
    monkeypatch.delenv("EMKG_BUILD_TEST_POINT", raising=False)
    monkeypatch.delenv("EMKG_BUILD_TEST_ACTION", raising=False)
    monkeypatch.delenv("EMKG_BUILD_TEST_PAUSE", raising=False)
    buildswitch.test_point("renamed")  # no variable: nothing happens
    monkeypatch.setenv("EMKG_BUILD_TEST_POINT", "locked,renamed")
    buildswitch.test_point("switched")  # not named
    assert exits == [] and sleeps == []
    with pytest.raises(Stopped):
        buildswitch.test_point("renamed")
    assert exits == [3]
    monkeypatch.setenv("EMKG_BUILD_TEST_ACTION", "pause")
    buildswitch.test_point("locked")
    assert sleeps == [30.0] and capsys.readouterr().out == "paused at locked\n"
