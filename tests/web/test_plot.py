"""emkg plot: the data each plot draws, checked against the curated records and by hand, not pixels."""

from __future__ import annotations

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from emkg import catalogue, paths, plot, plot_data, store
from emkg.cli import main

MONTH = 365.25 / 12
EMKG = "https://w3id.org/emkg/"


@pytest.fixture(scope="module")
def db(built):
    return store.open_read_only(paths.store_dir(built))


def record(name):
    return yaml.safe_load((paths.EVIDENCE_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


def lane_named(lanes, name):
    (lane,) = [lane for lane in lanes if lane.name == name]
    return lane


def scatter_points(axes):
    return {(round(float(x), 4), int(y)) for c in axes.collections for x, y in c.get_offsets()}


def test_swimmer_has_every_curated_patient(db):
    drawn = plot.swimmer(db)
    patients = {row[0].value for row in store.select(
        db, "PREFIX emkg: <https://w3id.org/emkg/> SELECT DISTINCT ?p WHERE { ?p a emkg:Patient }")[1]}
    assert {lane.patient for lane in drawn.data} == patients
    curated = sum(len(record(p.stem).get("patients") or []) for p in paths.EVIDENCE_DIR.glob("*.yaml"))
    assert len(patients) == curated


def test_swimmer_days_count_from_the_first_infusion(db):
    drawn = plot.swimmer(db)
    lane = lane_named(drawn.data, "nct03919240-sscart19 P1")
    # the record: HSCT on day 46, follow-up 25 months after the HSCT, skin response on day 7
    patient = record("nct03919240-sscart19-skin-testis")["patients"][0]
    facts = {f["id"]: f for f in patient["facts"]}
    follow_up = next(f for f in facts.values() if f["type"] == "follow-up")
    since_day = facts[follow_up["since"]]["day"]
    expected_end = since_day + follow_up["duration"]["value"] * MONTH
    dated = {(e.kind, round(e.day, 4)) for e in lane.events if e.day is not None}
    assert ("infusion", 0.0) in dated
    assert ("transplant", float(since_day)) in dated
    assert ("follow-up", round(expected_end, 4)) in dated
    assert lane.end == pytest.approx(expected_end)
    # and those points are what the figure drew on that lane's row
    row = len(drawn.data) - 1 - drawn.data.index(lane)
    points = scatter_points(drawn.figure.axes[0])
    assert (round(expected_end, 4), row) in points and (float(since_day), row) in points


def test_infusion_not_placeable_after_the_first_starts_its_own_lane(db):
    lanes = plot.swimmer(db).data
    first = lane_named(lanes, "donor-derived P1")
    second = lane_named(lanes, "donor-derived P1, CAR-T 2")
    assert [e.kind for e in first.events if e.day == 0] == ["infusion"]
    eye = next(e for e in second.events if e.kind == "relapse" and e.day is not None)
    assert (eye.low, eye.high, eye.day) == (-181, -152, (-181 - 152) / 2) and eye.label == "eye"
    follow_up = next(e for e in second.events if e.kind == "follow-up")
    assert follow_up.day == 158


def test_undated_facts_are_kept_not_placed(db):
    lane = lane_named(plot.swimmer(db).data, "chictr2100041852-cart19 S001")
    assert [e.kind for e in lane.events if e.day is not None] == ["infusion"]
    assert {e.kind for e in lane.events if e.day is None} >= {"relapse", "response", "follow-up", "transplant"}


def test_swimmer_filters(db):
    testis = plot.swimmer(db, site="http://purl.obolibrary.org/obo/UBERON_0000473").data
    assert {lane.patient for lane in testis} == {EMKG + "case/nct03919240-sscart19-skin-testis/P1"}
    publication = EMKG + "publication/kovalenko-2023-brexu-cel-leukemia-cutis"
    assert {lane.publication for lane in plot.swimmer(db, publication=publication).data} == {publication}
    products = store.select(db, "PREFIX emkg: <https://w3id.org/emkg/> SELECT DISTINCT ?product ?patient WHERE { "
                                "?i a emkg:CarTInfusion ; emkg:usesProduct ?product ; emkg:aboutPatient ?patient }")[1]
    product = products[0][0].value
    expected = {patient.value for prod, patient in products if prod.value == product}
    assert {lane.patient for lane in plot.swimmer(db, product=product).data} == expected


def test_km_curve_is_the_product_limit_estimate():
    months, died = [2.0, 3.0, 3.0, 5.0, 8.0], [True, False, True, True, False]
    pairs = enumerate(zip(months, died, strict=True))
    records = [plot_data.SurvivalRecord(f"L{i}", f"P{i}", m, d) for i, (m, d) in pairs]
    curve = plot.survival_fit(records).survival_function_.iloc[:, 0]
    # by hand: S(t) = prod over death times t_i <= t of (1 - d_i / n_i)
    times, expected, survival = sorted(set(months)), [], 1.0
    for t in times:
        at_risk = sum(m >= t for m in months)
        deaths = sum(d for m, d in zip(months, died, strict=True) if m == t)
        survival *= 1 - deaths / at_risk
        expected.append(survival)
    assert np.allclose([curve[t] for t in times], expected)
    assert expected[-1] == pytest.approx(0.3)


def test_km_uses_patients_with_follow_up_and_the_reported_estimates(db):
    drawn = plot.km(db)
    km = drawn.data
    by_lane = {r.lane: r for r in km.records}
    assert by_lane["nct03919240-sscart19 P1"].months == pytest.approx(46 / MONTH + 25)
    assert by_lane["donor-derived P1, CAR-T 2"].months == pytest.approx(158 / MONTH)
    assert not any(r.died for r in km.records)  # no curated patient died
    assert (km.curve.iloc[:, 0] == 1.0).all()
    findings = record("chictr2100041852-cart19-combined-em-relapse-pediatric")["cohorts"][0]["findings"]
    reported = {(f["time_point"]["value"], f["value"] / 100) for f in findings
                if f.get("statistic") == "emkg:KaplanMeierEstimate"}
    assert {(e.months, e.proportion) for e in km.estimates} == reported
    drawn_points = {(round(float(x), 4), round(float(y), 4)) for c in drawn.figure.axes[0].collections
                    for x, y in c.get_offsets()}
    assert {(float(m), round(p, 4)) for m, p in reported} <= drawn_points


def test_response_by_site_draws_the_stored_query(db):
    drawn = plot.response_by_site(db)
    stored = catalogue.get("response-by-relapse-site")
    columns, rows = store.select(db, stored.text, stored.bindings({}))
    keys = {(r[columns.index("site")].value, r[columns.index("level")].value, r[columns.index("source")].value,
             int(r[columns.index("numerator")].value), int(r[columns.index("denominator")].value)) for r in rows}
    frame = drawn.data
    assert set(zip(frame.site, frame.level, frame.source, frame.numerator, frame.denominator, strict=True)) == keys
    # the query rounds half up (SPARQL ROUND: 13/16 -> 0.813), Python's round() of a binary float may not
    assert np.allclose(frame.proportion, frame.numerator / frame.denominator, rtol=0, atol=0.0005 + 1e-9)
    drawn_x = [float(bars.lines[0].get_xdata()[0]) for bars in drawn.figure.axes[0].containers]
    assert np.allclose(sorted(drawn_x), sorted(frame.proportion))
    testis_patients = frame[(frame.site_label == "testis") & (frame.level == "patients")]
    assert (testis_patients.numerator.tolist(), testis_patients.denominator.tolist()) == ([0], [1])


@pytest.mark.parametrize("kind", ["swimmer", "km", "response-by-site"])
@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml")])
def test_cli_writes_png_and_svg(built, tmp_path, kind, suffix, magic):
    out = tmp_path / f"{kind}{suffix}"
    result = CliRunner().invoke(main, ["plot", kind, "--out", str(out), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(magic)


def test_cli_usage_errors(built, tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["plot", "km", "--out", str(tmp_path / "x.pdf")]).exit_code == 2
    assert runner.invoke(main, ["plot", "swimmer", "--site", "NOPE:1", "--build-dir", str(built)]).exit_code == 2
    assert runner.invoke(main, ["plot", "response-by-site", "--site", "UBERON:0000473"]).exit_code == 2
