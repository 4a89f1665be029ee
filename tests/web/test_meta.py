"""emkg meta: pooled figures against an independent numpy calculation; never both counts; overlap flags."""

from __future__ import annotations

import numpy as np
import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from emkg import meta, meta_data, paths, store
from emkg.cli import main
from emkg.meta_data import StudyProportion

EMKG = "https://w3id.org/emkg/"
PEDIATRIC = EMKG + "publication/chictr2100041852-cart19-combined-em-relapse-pediatric"


def by_hand(events, totals):
    """Freeman-Tukey + DerSimonian-Laird (tau2 truncated at 0) + Miller's inversion, written out in numpy."""
    x, n = np.asarray(events, float), np.asarray(totals, float)
    t = np.arcsin(np.sqrt(x / (n + 1))) + np.arcsin(np.sqrt((x + 1) / (n + 1)))
    v = 1 / (n + 0.5)
    w = 1 / v
    fixed = np.sum(w * t) / np.sum(w)
    q = np.sum(w * (t - fixed) ** 2)
    df = len(x) - 1
    tau2 = max(0.0, (q - df) / (np.sum(w) - np.sum(w**2) / np.sum(w)))
    wr = 1 / (v + tau2)
    mu, se = np.sum(wr * t) / np.sum(wr), np.sqrt(1 / np.sum(wr))
    nh = len(x) / np.sum(1 / n)
    lowest = np.arcsin(0.0) + np.arcsin(np.sqrt(1 / (nh + 1)))  # t at x = 0 (n = nh): below it, p = 0
    highest = np.arcsin(np.sqrt(nh / (nh + 1))) + np.arcsin(1.0)  # t at x = n: above it, p = 1

    def back(value):
        if value <= lowest:
            return 0.0
        if value >= highest:
            return 1.0
        s = np.sin(value)
        return 0.5 * (1 - np.sign(np.cos(value)) * np.sqrt(1 - (s + (s - 1 / s) / nh) ** 2))

    z = 1.959963984540054
    return {"p": back(mu), "low": back(mu - z * se), "high": back(mu + z * se), "tau2": tau2,
            "i2": max(0.0, (q - df) / q) if q > 0 else 0.0, "q": q, "weights": wr / np.sum(wr)}


def studies_of(events, totals):
    return [StudyProportion(f"p{i}", f"P{i}", x, n, "cohort finding", f"e{i}", "q")
            for i, (x, n) in enumerate(zip(events, totals, strict=True))]


@pytest.mark.parametrize("events, totals", [
    ([6, 8, 1, 1, 0], [7, 8, 1, 1, 1]),            # the seed graph's complete remission (tau2 > 0)
    ([1, 3, 0, 0, 0], [7, 8, 1, 1, 1]),            # the seed graph's grade >= 3 CRS (Q < df: tau2 = 0)
    ([2, 10, 30, 5, 17], [20, 15, 40, 30, 25]),    # heterogeneous
    ([0, 0, 1], [10, 12, 15]),                     # near zero
])
def test_pooled_figures_match_the_numpy_calculation(events, totals):
    pooled = meta.pool(studies_of(events, totals))
    expected = by_hand(events, totals)
    assert pooled.proportion == pytest.approx(expected["p"], abs=1e-9)
    assert pooled.low == pytest.approx(expected["low"], abs=1e-9)
    assert pooled.high == pytest.approx(expected["high"], abs=1e-9)
    assert pooled.tau2 == pytest.approx(expected["tau2"], abs=1e-12)
    assert pooled.i2 == pytest.approx(expected["i2"], abs=1e-12)
    assert pooled.q == pytest.approx(expected["q"])
    assert np.allclose(pooled.weights, expected["weights"])


def test_fewer_than_two_studies_are_not_pooled():
    assert meta.pool(studies_of([3], [5])) is None


@pytest.fixture(scope="module")
def db(built):
    return store.open_read_only(paths.store_dir(built))


def test_seed_complete_remission_uses_each_patient_once(db):
    studies = meta_data.gather(db, meta_data.OUTCOMES["complete-remission"])
    by_publication = {s.publication: s for s in studies.included}
    pediatric = by_publication[PEDIATRIC]
    # the cohort finding (8 of 8) stands for the publication; its 8 curated patients are not counted again
    assert (pediatric.source, pediatric.events, pediatric.total) == ("cohort finding", 8, 8)
    counted = [p for s in studies.included for p in s.patients if s.source == "individual patients"]
    assert not [p for p in counted if p.startswith(EMKG + "case/chictr2100041852")]
    assert len(counted) == len(set(counted))
    pooled = meta.pool(studies.included)
    expected = by_hand([s.events for s in studies.included], [s.total for s in studies.included])
    assert pooled.proportion == pytest.approx(expected["p"])


def test_every_row_quotes_its_evidence(db):
    for outcome in meta_data.OUTCOMES.values():
        for study in meta_data.gather(db, outcome).included:
            quotes = {row[0].value for row in store.select(db, (
                "PREFIX emkg: <https://w3id.org/emkg/> PREFIX oa: <http://www.w3.org/ns/oa#> "
                "SELECT ?q WHERE { { ?evidence emkg:hasEvidence/oa:exact ?q } UNION "
                "{ ?fact emkg:aboutPatient ?evidence ; emkg:hasEvidence/oa:exact ?q } }"),
                {"evidence": ox.NamedNode(study.evidence)})[1]}
            assert study.quote in quotes, (outcome.name, study.publication)


def test_ungraded_adverse_events_are_not_counted_as_absent(db):
    studies = meta_data.gather(db, meta_data.OUTCOMES["severe-icans"])
    # two case reports say nothing about ICANS/CRES: they are left out, not counted as 0 of 1
    assert {s.publication.rsplit("/", 1)[-1] for s in studies.included} == {
        "chictr2000036350-allogeneic-cd19-cart-em-relapse-after-hsct", PEDIATRIC.rsplit("/", 1)[-1],
        "nct03919240-sscart19-skin-testis", "muhsen-2025-brexucel-cns-rocca-news-report"}


UNREPORTED_RESPONSE = """@prefix emkg: <https://w3id.org/emkg/> .
<https://w3id.org/emkg/publication/silent-letter> a emkg:Publication .
<https://w3id.org/emkg/case/silent-letter/P1> a emkg:Patient ;
    emkg:reportedIn <https://w3id.org/emkg/publication/silent-letter> .
<https://w3id.org/emkg/case/silent-letter/P1/infusion> a emkg:CarTInfusion ;
    emkg:aboutPatient <https://w3id.org/emkg/case/silent-letter/P1> .
<https://w3id.org/emkg/case/silent-letter/P1/response> a emkg:ResponseAssessment ;
    emkg:assessesTherapy <https://w3id.org/emkg/case/silent-letter/P1/infusion> ; emkg:outcome emkg:{outcome} .
"""


@pytest.mark.parametrize("outcome", ["NotReported", "Unknown", "NotAssessed"])
def test_a_response_the_source_does_not_report_is_not_evaluable_not_a_failure(built, outcome):
    # a case needs a response fact, so a text without one records emkg:NotReported: not 0 of 1 remissions
    db = overlapping_store(built, UNREPORTED_RESPONSE.format(outcome=outcome))
    studies = meta_data.gather(db, meta_data.OUTCOMES["complete-remission"])
    assert EMKG + "publication/silent-letter" not in {s.publication for s in studies.included}
    assert studies.not_evaluable.get(EMKG + "publication/silent-letter") == 1


def overlapping_store(built, extra: str) -> ox.Store:
    db = ox.Store()
    db.bulk_load(path=str(paths.release_dir(built) / "emkg.nt"), format=ox.RdfFormat.N_TRIPLES)
    db.load(extra.encode(), format=ox.RdfFormat.TURTLE)
    return db


COPY = """@prefix emkg: <https://w3id.org/emkg/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/emkg/publication/follow-up-report> a emkg:Publication ; {link} .
<https://w3id.org/emkg/publication/follow-up-report/cohort> a emkg:Cohort ; emkg:cohortSize 5 ;
    emkg:reportedIn <https://w3id.org/emkg/publication/follow-up-report> .
<https://w3id.org/emkg/publication/follow-up-report/cohort/cr> a emkg:CohortFinding ;
    emkg:aboutCohort <https://w3id.org/emkg/publication/follow-up-report/cohort> ; emkg:statistic emkg:Count ;
    emkg:measure emkg:CompleteRemission ; emkg:numerator 4 ; emkg:denominator 5 .
"""


def test_studies_that_may_share_patients_are_flagged_and_pooled_once(built):
    db = overlapping_store(built, COPY.format(link='emkg:trialRegistration "ChiCTR2100041852"'))
    studies = meta_data.gather(db, meta_data.OUTCOMES["complete-remission"])
    (excluded,) = studies.excluded
    assert excluded.publication == EMKG + "publication/follow-up-report"  # 5 < 8: the larger study is kept
    assert "CHICTR2100041852" in excluded.excluded_reason
    assert PEDIATRIC in {s.publication for s in studies.included}
    report = meta.report(studies, meta.pool(studies.included))
    assert "not pooled:" in report and "4/5" in report


def test_same_centre_flags_only_when_enrolment_periods_overlap(built):
    centre = 'emkg:centre "Children\'s Hospital of Soochow University" ; emkg:enrollmentPeriod "{period}"'
    overlapping = overlapping_store(built, COPY.format(link=centre.format(period="2019-2021")))
    assert [s.publication for s in meta_data.gather(overlapping, meta_data.OUTCOMES["complete-remission"]).excluded] \
        == [EMKG + "publication/follow-up-report"]
    later = overlapping_store(built, COPY.format(link=centre.format(period="2023-2024")))
    studies = meta_data.gather(later, meta_data.OUTCOMES["complete-remission"])
    assert studies.excluded == [] and EMKG + "publication/follow-up-report" in {s.publication for s in studies.included}


def test_cli_prints_pooled_figures_and_writes_a_linked_svg(built, tmp_path):
    out = tmp_path / "forest.svg"
    result = CliRunner().invoke(main, ["meta", "complete-remission", "--out", str(out), "--build-dir", str(built)])
    assert result.exit_code == 0, result.output
    db = store.open_read_only(paths.store_dir(built))
    studies = meta_data.gather(db, meta_data.OUTCOMES["complete-remission"])
    pooled = meta.pool(studies.included)
    assert f"{pooled.proportion:.1%} (95% CI {pooled.low:.1%} to {pooled.high:.1%})" in result.output
    svg = out.read_text()
    for study in studies.included:
        assert f'xlink:href="{study.evidence}"' in svg
    assert CliRunner().invoke(main, ["meta", "overall-survival"]).exit_code == 2
    assert CliRunner().invoke(main, ["meta", "severe-crs", "--out", str(tmp_path / "f.pdf")]).exit_code == 2
