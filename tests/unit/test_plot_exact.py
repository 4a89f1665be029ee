"""emkg plot, exactly: the lanes, survival records and reported estimates read from small made-up courses
(tests/unit/expected/plot-courses.ttl, each fact's expected day worked out by hand in its comments), and every
artist of the three figures compared with reviewed golden descriptions (tests/unit/expected/plot-*.json;
support/figures.py says what a description holds). The golden files were written once and read against the
rendered figures; the test never rewrites them."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from PIL import Image
from support.figures import describe
from support.fixture_store import fixture_store

from emkg import plot, plot_data
from emkg.plot_data import Event, Lane, ReportedEstimate, SurvivalRecord

EXPECTED = Path(__file__).parent / "expected"
T = "https://w3id.org/emkg/case/plot-test/"
SMITH, JONES = T + "smith-2020-made-up", T + "jones-2021-made-up"
MONTH = 365.25 / 12


@pytest.fixture(scope="module")
def db() -> ox.Store:
    courses = ox.Store()
    courses.load(path=str(EXPECTED / "plot-courses.ttl"), format=ox.RdfFormat.TURTLE)
    return courses


def golden(name: str):
    return json.loads((EXPECTED / f"plot-{name}.json").read_text(encoding="utf-8"))


LANES = [
    Lane("smith-2020 Pt 1", T + "A", SMITH, [
        Event(T + "A-inf1", "infusion", 0.0, label="product X"),
        Event(T + "A-resp", "response", 28.0, label="CompleteRemission"),
        Event(T + "A-inf2", "infusion", 60.0, label="product X"),
        Event(T + "A-rel", "relapse", 110.0, 90.0, 130.0, "another site, site child"),
        Event(T + "A-fu", "death", 28.0 + 3 * MONTH, label="Dead"),
        Event(T + "A-hsct", "transplant", None, label="")]),
    Lane("smith-2020 B", T + "B", SMITH, [
        Event(T + "B-inf1", "infusion", 0.0, label="product Y"),
        Event(T + "B-rel0", "relapse", 5.0, 5.0, 5.0, "site not reported"),
        Event(T + "B-fu", "follow-up", 14.0, label="Alive, ContinuousCompleteRemission")]),
    Lane("smith-2020 B, CAR-T 2", T + "B", SMITH, [
        Event(T + "B-inf2", "infusion", 0.0, label="product X"),
        Event(T + "B-rel", "relapse", 14.0, label="site parent")]),
    Lane("jones-2021 case 3 (no CAR-T infusion)", T + "C", JONES, [
        Event(T + "C-fu", "follow-up", None, label="Alive"),
        Event(T + "C-rel", "relapse", None, label="another site")]),
    Lane("jones-2021 case 4", T + "D", JONES, [
        Event(T + "D-inf", "infusion", 0.0, label="product Y"),
        Event(T + "D-resp", "response", 7.0, label="PartialRemission"),
        Event(T + "D-fu", "follow-up", 365.25, label="Alive"),
        Event(T + "D-fu-odd", "follow-up", None, label="Alive")]),
]


def test_every_fact_is_placed_on_its_lane_at_its_day(db):
    assert plot_data.swimmer_lanes(db) == LANES
    assert [lane.end for lane in LANES[:3] + LANES[4:]] == [130.0, 14.0, 14.0, 365.25]


@pytest.mark.parametrize(("filters", "lanes"), [
    ({"site": T + "site-parent"}, [0, 1, 2]),  # A's relapse is at a subclass of the site, B's at the site
    ({"site": T + "site-child"}, [0]),
    ({"product": T + "product-y"}, [1, 2, 4]),
    ({"publication": JONES}, [3, 4]),
    ({"site": T + "site-other", "publication": SMITH}, [0]),
])
def test_the_filters_keep_whole_patients(db, filters, lanes):
    assert plot_data.swimmer_lanes(db, **filters) == [LANES[i] for i in lanes]


def test_survival_counts_months_to_the_last_follow_up_or_death(db):
    assert plot_data.survival_records(plot_data.swimmer_lanes(db)) == [
        SurvivalRecord("smith-2020 Pt 1", T + "A", (28.0 + 3 * MONTH) / MONTH, True),
        SurvivalRecord("smith-2020 B", T + "B", 14.0 / MONTH, False),
        SurvivalRecord("jones-2021 case 4", T + "D", 12.0, False)]


def test_reported_estimates_become_proportions_at_months(db):
    # km-unit (time in percent) and km-nan (value not a number) are left out; not-km is no Kaplan-Meier estimate
    assert plot_data.reported_estimates(db) == [
        ReportedEstimate(JONES, T + "km-days", "overall survival", 24.0, 0.8),
        ReportedEstimate(SMITH, T + "km-efs", "emkg:EventFreeSurvival", 12.0, 0.4),
        ReportedEstimate(SMITH, T + "km-os", "overall survival", 24.0, 0.625)]


def test_swimmer_figure(db):
    drawn = plot.swimmer(db)
    assert drawn.data == LANES
    assert describe(drawn.figure) == golden("swimmer")


def test_swimmer_of_one_publication(db):
    """Fewer lanes: a smaller figure (never under 3 inches), and only the kinds drawn in the legend."""
    drawn = plot.swimmer(db, publication=JONES)
    figure = describe(drawn.figure)
    assert figure["size"] == [11.0, 3.0]
    axes = figure["axes"][0]
    assert axes["title"] == "Individually curated patients (2)"
    assert axes["legend"]["texts"] == ["CAR-T infusion", "response assessment", "last follow-up"]
    assert [t["text"] for t in axes["texts"]] == ["undated: 1 follow-up", "undated: 1 follow-up, 1 relapse"]


def test_km_figure(db):
    drawn = plot.km(db)
    assert drawn.data.records == plot_data.survival_records(LANES)
    assert [round(v, 6) for v in drawn.data.curve.iloc[:, 0]] == [1.0, 1.0, 0.5, 0.5]
    assert describe(drawn.figure) == golden("km")


def test_km_of_one_publication_keeps_its_own_estimates(db):
    drawn = plot.km(db, publication=SMITH)
    assert drawn.data.estimates == plot_data.reported_estimates(db)[1:]
    assert [r.lane for r in drawn.data.records] == ["smith-2020 Pt 1", "smith-2020 B"]


def test_km_of_one_patient_draws_no_confidence_band(db):
    drawn = plot.km(db, site=T + "site-child")
    axes = describe(drawn.figure)["axes"][0]
    assert [c["type"] for c in axes["collections"]] == ["PathCollection"] * 3
    assert axes["legend"]["texts"][0] == "overall survival, individual patients (n=1, 1 deaths)"


def test_km_with_no_patient_followed(db):
    drawn = plot.km(db, publication=T + "nobody")
    assert (drawn.data.records, drawn.data.curve, drawn.data.estimates) == ([], None, [])
    assert describe(drawn.figure)["axes"][0]["lines"] == []


@pytest.fixture(scope="module")
def fixture_graph() -> ox.Store:
    return fixture_store()


def test_response_by_site_figure(fixture_graph):
    drawn = plot.response_by_site(fixture_graph)
    frame = drawn.data
    assert frame[["row_label", "numerator", "denominator", "proportion", "wilson_low", "wilson_high"]].to_dict(
        "records") == [
        {"row_label": "testis - patients", "numerator": 1, "denominator": 1, "proportion": 1.0,
         "wilson_low": 0.207, "wilson_high": 1.0},
        {"row_label": "central nervous system - cohort c2-cr", "numerator": 3, "denominator": 4,
         "proportion": 0.75, "wilson_low": 0.301, "wilson_high": 0.954},
        {"row_label": "skin of body - cohort c2-skin-cr", "numerator": 1, "denominator": 4, "proportion": 0.25,
         "wilson_low": 0.046, "wilson_high": 0.699}]
    assert [str(t) for t in frame.dtypes[["numerator", "denominator", "proportion"]]] == ["int64", "int64", "float64"]
    assert describe(drawn.figure) == golden("response-by-site")


def test_response_by_site_names_its_outcome(fixture_graph):
    drawn = plot.response_by_site(fixture_graph, "emkg:MRDNegativeCompleteRemission")
    axes = describe(drawn.figure)["axes"][0]
    assert axes["xlabel"] == "proportion reaching MRDNegativeCompleteRemission (Wilson 95% interval)"
    assert [(t[1], d["text"]) for t, d in zip(axes["yticks"], axes["texts"], strict=True)] == [
        (label, f"{n}/{d}") for label, n, d in drawn.data[["row_label", "numerator", "denominator"]].values]


def test_save_writes_the_format_of_the_suffix_at_120_dpi(db, tmp_path):
    drawn = plot.swimmer(db, publication=JONES)
    plot.save(drawn, tmp_path / "lanes.png")
    with Image.open(tmp_path / "lanes.png") as image:
        assert (image.format, [round(v) for v in image.info["dpi"]]) == ("PNG", [120, 120])
        # bbox_inches="tight": the saved image is cropped to what is drawn, narrower than 11 inches at 120 dpi
        assert image.size[0] < 11 * 120
    plot.save(drawn, tmp_path / "lanes.svg")
    assert (tmp_path / "lanes.svg").read_text(encoding="utf-8").startswith("<?xml")
