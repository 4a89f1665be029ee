"""meta_plot.forest: the rows, pooled diamond and notes the forest plot draws, from hand-made studies."""

from __future__ import annotations

import io

import pytest

from emkg import meta
from emkg.meta_data import OUTCOMES, Studies, StudyProportion
from emkg.meta_plot import forest

QUOTE = "Complete remission was reached by four of the five patients with testicular relapse."
LONG = QUOTE + " The fifth patient relapsed in the testis again."


def _study(name, events, total, reason="", quote=QUOTE):
    return StudyProportion(f"https://w3id.org/emkg/{name}", f"Study {name}", events, total, "cohort finding",
                           f"https://w3id.org/emkg/{name}-finding", quote, excluded_reason=reason)


@pytest.fixture
def drawn():
    studies = Studies(OUTCOMES["complete-remission"], [_study("a", 4, 5), _study("b", 9, 10, quote=LONG)],
                      [_study("c", 1, 1, "one patient only")])
    pooled = meta.Pooled(k=2, proportion=0.5, low=0.3, high=0.7, i2=0.25, tau2=0.0, q=1.0, harmonic_n=6.7,
                         weights=[0.4, 0.6])
    return studies, forest(studies, pooled)


def test_one_row_per_included_study_with_its_interval(drawn):
    studies, (figure, rows) = drawn
    assert [(r[0], r[1], r[4]) for r in rows] == [
        (f'Study a  4/5\n"{QUOTE}"', 0.8, "https://w3id.org/emkg/a-finding"),
        (f'Study b  9/10\n"{QUOTE} The ..."', 0.9, "https://w3id.org/emkg/b-finding")]
    assert [r[2:4] for r in rows] == [meta.study_interval(s) for s in studies.included]
    axes = figure.axes[0]
    assert [list(c.get_sizes()) for c in axes.collections if len(c.get_sizes())] == [[150.0], [210.0]]


def test_the_pooled_estimate_and_the_excluded_studies_are_annotated(drawn):
    _, (figure, _) = drawn
    axes = figure.axes[0]
    notes = {a.get_text(): a.xy for a in axes.texts}
    assert notes["pooled, random effects (k=2): 50.0% [30.0%, 70.0%]; I2 25%"] == (-0.02, 2.5)
    assert notes["not pooled: Study c (one patient only)"] == (0, -0.12)
    assert axes.get_title() == OUTCOMES["complete-remission"].label
    figure.savefig(io.BytesIO(), format="png")  # and the figure draws
