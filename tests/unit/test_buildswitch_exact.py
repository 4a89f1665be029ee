"""emkg.buildswitch in-process, exactly: what new_scratch clears of killed builds (and of the layout before
versions/), and that switch() leaves what it cannot remove in versions/ without failing a build already switched."""

from __future__ import annotations

import os

from emkg import buildswitch


def _listing(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_new_scratch_clears_what_killed_builds_and_the_old_layout_left(tmp_path):
    build_dir = tmp_path / "build"
    (build_dir / ".scratch-20250101T000000-1-11" / "store").mkdir(parents=True)
    (build_dir / ".old-store-42" / "db").mkdir(parents=True)  # a build before versions/ killed mid-move
    (build_dir / ".old-release-42").mkdir()
    (build_dir / ".old-release-42" / "emkg.ttl").write_text("x", encoding="utf-8")
    (build_dir / "versions" / "v1").mkdir(parents=True)
    (build_dir / ".current-7").symlink_to(os.path.join("versions", "v1"))
    (build_dir / "current").symlink_to(os.path.join("versions", "v1"))
    (build_dir / "cache").mkdir()
    scratch = buildswitch.new_scratch(build_dir)
    assert scratch.parent == build_dir and scratch.name.startswith(".scratch-") and scratch.name.endswith(
        f"-{os.getpid()}")
    assert _listing(build_dir) == [scratch.name, "cache", "current", "versions", "versions/v1"]


def test_switch_leaves_a_stray_file_in_versions_and_still_switches(tmp_path):
    build_dir = tmp_path / "build"
    build_dir.mkdir()
    for name in ("v1", "v2"):
        (build_dir / f".scratch-{name}" / "store").mkdir(parents=True)
        buildswitch.switch(build_dir, build_dir / f".scratch-{name}")
    (build_dir / "versions" / "notes.txt").write_text("kept by hand", encoding="utf-8")  # not a build: rmtree fails
    (build_dir / ".scratch-v3" / "store").mkdir(parents=True)
    version = buildswitch.switch(build_dir, build_dir / ".scratch-v3")
    assert version == build_dir / "versions" / "v3"
    assert os.readlink(build_dir / "current") == os.path.join("versions", "v3")
    assert _listing(build_dir / "versions") == ["notes.txt", "v2", "v2/store", "v3", "v3/store"]


def test_new_scratch_goes_on_past_a_leftover_it_cannot_remove(tmp_path):
    """A `.scratch-*` that is not a folder (rmtree cannot remove it) is left for the user; the build still starts."""
    (tmp_path / ".scratch-leftover").write_text("not a folder", encoding="utf-8")
    scratch = buildswitch.new_scratch(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".scratch-leftover", scratch.name])
    assert scratch.is_dir()
