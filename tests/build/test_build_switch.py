"""The switch to a new build: atomic, locked, and safe against kills at any point.

Builds run as child processes on a small evidence folder that alternates between two variants (with
and without the made-up minimal case), so old and new graphs differ. After every kill the build folder
must hold one complete earlier build (store and release files describing the same graph), and the
next build must succeed and leave no scratch folder behind.
"""

from __future__ import annotations

import random
import signal
import threading
import time

import pytest
from build_helpers import leftovers, release_state, run_build, small_evidence, start_build

from emkg import paths, store
from emkg.buildswitch import POINTS

pytestmark = pytest.mark.slow


@pytest.fixture
def two_states(tmp_path, seeds_dir):
    """A build folder, the evidence folder, a toggle between the two variants and their known states."""
    evidence = small_evidence(tmp_path / "evidence")
    extra = evidence / "test-minimal-case.yaml"
    extra_text = extra.read_text(encoding="utf-8")
    build_dir = tmp_path / "build"

    def toggle():
        if extra.exists():
            extra.unlink()
        else:
            extra.write_text(extra_text, encoding="utf-8")

    states = set()
    for _ in range(2):
        done = run_build(build_dir, evidence, seeds_dir)
        assert done.returncode == 0, done.stderr
        states.add(release_state(build_dir))
        toggle()
    assert len(states) == 2
    return build_dir, evidence, toggle, states


def assert_usable_and_recovers(build_dir, evidence, seeds_dir, states):
    assert release_state(build_dir) in states
    done = run_build(build_dir, evidence, seeds_dir)
    assert done.returncode == 0, done.stderr
    assert release_state(build_dir) in states
    assert leftovers(build_dir) == []


def test_killed_at_every_switch_point(two_states, seeds_dir):
    build_dir, evidence, toggle, states = two_states
    kills = 0
    for point in POINTS:
        toggle()
        child = run_build(build_dir, evidence, seeds_dir, EMKG_BUILD_TEST_POINT=point, EMKG_BUILD_TEST_ACTION="exit")
        assert child.returncode == 3, (point, child.stderr)
        kills += 1
        assert release_state(build_dir) in states, point
    for point in POINTS:  # SIGKILL while paused there
        toggle()
        child = start_build(build_dir, evidence, seeds_dir, EMKG_BUILD_TEST_POINT=point,
                            EMKG_BUILD_TEST_ACTION="pause")
        assert child.stdout.readline().strip() == f"paused at {point}"
        child.send_signal(signal.SIGKILL)
        child.wait()
        kills += 1
        assert release_state(build_dir) in states, point
    assert kills >= 14
    assert_usable_and_recovers(build_dir, evidence, seeds_dir, states)


def test_killed_at_random_times(two_states, seeds_dir):
    build_dir, evidence, toggle, states = two_states
    started = time.monotonic()
    assert run_build(build_dir, evidence, seeds_dir).returncode == 0
    duration = time.monotonic() - started
    chance = random.Random(16)
    for _ in range(8):
        toggle()
        child = start_build(build_dir, evidence, seeds_dir)
        time.sleep(chance.uniform(0.2, duration))
        child.send_signal(signal.SIGKILL)
        child.wait()
        assert release_state(build_dir) in states
    assert_usable_and_recovers(build_dir, evidence, seeds_dir, states)


def test_queries_during_builds_see_the_old_or_the_new_graph(two_states, seeds_dir):
    build_dir, evidence, toggle, states = two_states
    counts = {lines for lines, _ in states}
    seen, errors = [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                db = store.open_read_only(paths.store_dir(build_dir))
                (count,) = next(iter(db.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))
                seen.append(int(count.value))
                del db
            except Exception as exc:  # noqa: BLE001 (any failure of a reader is what this test counts)
                errors.append(repr(exc))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(6):
            toggle()
            done = run_build(build_dir, evidence, seeds_dir)
            assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        thread.join()
    assert errors == []
    assert len(seen) > 20 and set(seen) <= counts and set(seen) == counts


def test_two_builds_at_once_are_serialised(two_states, seeds_dir):
    build_dir, evidence, toggle, states = two_states
    toggle()
    first = start_build(build_dir, evidence, seeds_dir, EMKG_BUILD_TEST_POINT="checked",
                        EMKG_BUILD_TEST_ACTION="pause", EMKG_BUILD_TEST_PAUSE="4")
    assert first.stdout.readline().strip() == "paused at checked"
    second = start_build(build_dir, evidence, seeds_dir)
    time.sleep(2.5)
    assert second.poll() is None, "the second build did not wait for the lock"
    assert first.wait(timeout=60) == 0 and second.wait(timeout=60) == 0
    assert release_state(build_dir) in states
    assert leftovers(build_dir) == []
