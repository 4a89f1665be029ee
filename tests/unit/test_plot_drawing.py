"""emkg plot: what the swimmer and Kaplan-Meier figures draw for small hand-made lanes (no built store)."""

from __future__ import annotations

import matplotlib.colors as mcolors
import pytest

from emkg import plot, plot_data
from emkg.plot_data import Event, Lane, ReportedEstimate


@pytest.fixture
def lanes(monkeypatch):
    drawn = [Lane("P1", "https://w3id.org/emkg/p1", "https://w3id.org/emkg/pub", [
        Event("f1", "infusion", 0.0), Event("f2", "relapse", 30.0, 20.0, 40.0, "CNS"),
        Event("f3", "death", 90.0)])]
    monkeypatch.setattr(plot_data, "swimmer_lanes", lambda db, site, product, publication: drawn)
    monkeypatch.setattr(plot_data, "reported_estimates", lambda db: [
        ReportedEstimate("https://w3id.org/emkg/pub", "f", "overall survival", 12.0, 0.5)])
    return drawn


def test_swimmer_draws_one_sized_marker_per_dated_event(lanes):
    axes = plot.swimmer(None).figure.axes[0]
    points = [(tuple(c.get_offsets()[0]), list(c.get_sizes()), mcolors.to_hex(c.get_facecolor()[0]))
              for c in axes.collections]
    assert points == [((0.0, 0.0), [60.0], "#1f77b4"), ((30.0, 0.0), [60.0], "#d62728"),
                      ((90.0, 0.0), [60.0], "#000000")]
    assert [a.get_text() for a in axes.texts] == ["CNS"]
    assert [tuple(line.get_xdata()) for line in axes.lines if line.get_linewidth() == 2] == [(20.0, 40.0)]


def test_km_figure_size_and_reported_estimate(lanes):
    drawn = plot.km(None)
    assert tuple(drawn.figure.get_size_inches()) == (9.0, 5.5)
    assert [(r.months, r.died) for r in drawn.data.records] == [(90.0 / (365.25 / 12), True)]
    diamonds = [c for c in drawn.figure.axes[0].collections if list(c.get_sizes()) == [50.0]]
    assert [tuple(c.get_offsets()[0]) for c in diamonds] == [(12.0, 0.5)]
    assert [c.get_label() for c in diamonds] == ["overall survival at 12 months, reported by pub"]
