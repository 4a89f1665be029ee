"""emkg meta, exactly: the studies gathered from made-up publications (tests/unit/expected/meta-studies.ttl,
each count worked out by hand in its comments), the whole plain-text report, and every artist of the forest
plot compared with a reviewed golden description (tests/unit/expected/meta-forest.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from support.figures import describe

from emkg import meta
from emkg.meta_data import OUTCOMES, Studies, StudyProportion, gather
from emkg.meta_plot import forest

EXPECTED = Path(__file__).parent / "expected"
M = "https://w3id.org/emkg/case/meta-test/"
CR, CRS, ICANS = OUTCOMES["complete-remission"], OUTCOMES["severe-crs"], OUTCOMES["severe-icans"]


@pytest.fixture(scope="module")
def db() -> ox.Store:
    studies = ox.Store()
    studies.load(path=str(EXPECTED / "meta-studies.ttl"), format=ox.RdfFormat.TURTLE)
    return studies


A = StudyProportion(M + "pub-a", "Study A", 4, 6, "cohort finding", M + "a-cr",
                    "Four of the six made-up patients reached complete remission.", (M + "a1", M + "a2"))
C = StudyProportion(M + "pub-c", "Study C", 1, 2, "individual patients", M + "c1",
                    "The second patient reached complete remission.", (M + "c1", M + "c2"))
B = StudyProportion(M + "pub-b", "Study B", 2, 3, "individual patients", M + "b1",
                    "Patient 2 reached an MRD-negative complete remission.", (M + "b1", M + "b2", M + "b3"),
                    "may share patients with Study A (same trial registration NCT00000001)")
D = StudyProportion(M + "pub-d", M + "pub-d", 1, 1, "individual patients", M + "d1", "", (M + "d1",),
                    "may share patients with Study A (same centre: centre one; enrolment periods overlap or are "
                    "not reported)")
SAME_CENTRE = "may share patients with Study A (same centre: centre one; enrolment periods overlap or are not reported)"
G = StudyProportion(M + "pub-g", "Study G", 1, 1, "individual patients", M + "g1", "", (M + "g1",), SAME_CENTRE)
H = StudyProportion(M + "pub-h", "Study H", 0, 1, "individual patients", M + "h1", "", (M + "h1",), SAME_CENTRE)
E = StudyProportion(M + "pub-e", "Study E", 2, 8, "cohort finding", M + "e-crs3",
                    "Two of eight made-up patients had grade 3 to 5 CRS.")
F = StudyProportion(M + "pub-f", "Study F", 1, 3, "individual patients", M + "f1", "Patient 1 had grade 3 CRS.",
                    (M + "f1", M + "f2", M + "f3"))


def test_complete_remission_counts_each_patient_once_and_flags_shared_patients(db):
    assert gather(db, CR) == Studies(CR, [A, C], [B, D, G, H], {M + "pub-b": 1})


def test_severe_crs_takes_the_lowest_grade_at_the_threshold_and_ungraded_is_not_evaluable(db):
    assert gather(db, CRS) == Studies(CRS, [E, F], [], {M + "pub-f": 1})


def test_severe_neurotoxicity_counts_icans_and_cres(db):
    assert gather(db, ICANS) == Studies(ICANS, [StudyProportion(
        M + "pub-f", "Study F", 2, 2, "individual patients", M + "f1", "", (M + "f1", M + "f2"))], [], {})


def test_a_site_keeps_findings_and_patients_at_or_under_it(db):
    only_c2 = StudyProportion(M + "pub-c", "Study C", 1, 1, "individual patients", M + "c2",
                              "The second patient reached complete remission.", (M + "c2",))
    assert gather(db, CR, site=M + "site-parent") == Studies(CR, [A, only_c2], [], {})
    assert gather(db, CR, site=M + "site-child") == Studies(CR, [A, only_c2], [], {})


def test_a_product_keeps_cohorts_with_a_member_given_it_and_patients_given_it(db):
    only_c1 = StudyProportion(M + "pub-c", "Study C", 0, 1, "individual patients", M + "c1", "", (M + "c1",))
    assert gather(db, CR, product=M + "product-x") == Studies(CR, [A, only_c1], [], {})
    # no member of A's cohort was given product Y: its count says nothing about that product
    assert gather(db, CR, product=M + "product-y") == Studies(CR, [], [], {})


REPORT = f"""outcome: complete remission (CR or MRD-negative CR) after the first CAR-T infusion

  4/6    66.7%  [23.6%, 98.7%]  weight 72.2%  Study A (cohort finding)
          evidence: {M}a-cr
          quote: "Four of the six made-up patients reached complete remission."
  1/2    50.0%  [0.0%, 100.0%]  weight 27.8%  Study C (individual patients)
          evidence: {M}c1
          quote: "The second patient reached complete remission."
not pooled: Study B 2/3: may share patients with Study A (same trial registration NCT00000001)
not pooled: {M}pub-d 1/1: may share patients with Study A (same centre: centre one; enrolment periods overlap or are not reported)
not pooled: Study G 1/1: may share patients with Study A (same centre: centre one; enrolment periods overlap or are not reported)
not pooled: Study H 0/1: may share patients with Study A (same centre: centre one; enrolment periods overlap or are not reported)
not evaluable: 1 patient(s) of {M}pub-b (the graph does not say)

pooled (2 studies, Freeman-Tukey double arcsine, DerSimonian-Laird random effects): 63.5% (95% CI 22.6% to 96.8%); I2 0.0%; tau2 0.0000; Q 0.155; harmonic mean n 3.00
"""  # noqa: E501


def test_report_of_pooled_studies(db):
    studies = gather(db, CR)
    assert meta.report(studies, meta.pool(studies.included)) == REPORT


def test_report_of_a_single_study_is_not_pooled():
    studies = Studies(CRS, [E], [], {M + "pub-f": 2, M + "pub-a": 1})
    assert meta.pool(studies.included) is None
    assert meta.report(studies, None) == f"""outcome: grade >= 3 cytokine release syndrome

  2/8    25.0%  [0.8%, 61.5%]  weight 100.0%  Study E (cohort finding)
          evidence: {M}e-crs3
          quote: "Two of eight made-up patients had grade 3 to 5 CRS."
not evaluable: 1 patient(s) of {M}pub-a (the graph does not say)
not evaluable: 2 patient(s) of {M}pub-f (the graph does not say)

not pooled: 1 study(ies); pooling needs at least two
"""


def test_forest_figure(db):
    studies = gather(db, CR)
    pooled = meta.pool(studies.included)
    figure, rows = forest(studies, pooled)
    assert rows == [(f'Study A  4/6\n"{A.quote}"', 4 / 6, *meta.study_interval(A), M + "a-cr"),
                    (f'Study C  1/2\n"{C.quote}"', 0.5, *meta.study_interval(C), M + "c1")]
    assert describe(figure) == json.loads((EXPECTED / "meta-forest.json").read_text(encoding="utf-8"))


def test_forest_of_one_study_has_no_diamond_and_no_notes():
    figure, rows = forest(Studies(CRS, [E]), None)
    axes = describe(figure)["axes"][0]
    assert (describe(figure)["size"], axes["ylim"], axes["patches"]) == ([12.0, 3.25], [2.2, -0.8], [])
    assert [(t["text"], t["url"]) for t in axes["texts"]] == [
        (f'Study E  2/8\n"{E.quote}"', M + "e-crs3")]
    assert [c["sizes"] for c in axes["collections"]] == [[330.0]]


def test_forest_shortens_long_labels_at_word_boundaries():
    title = ("A made-up multicentre phase 2 trial of a CD19 CAR-T product in children and young adults with "
             "extramedullary relapse")
    quote = ("Three of the four made-up patients reached a complete remission by day 28, and two of them stayed in "
             "remission until the last follow-up.")
    kept = StudyProportion(M + "long", title, 3, 4, "cohort finding", M + "long-finding", quote)
    left_out = StudyProportion(M + "other", title, 1, 2, "cohort finding", M + "other-finding", "One of two.",
                               excluded_reason="may share patients")
    _, rows = forest(Studies(CR, [kept], [left_out]), None)
    assert rows[0][0] == ('A made-up multicentre phase 2 trial of a CD19 CAR-T product in ...  3/4\n'
                          '"Three of the four made-up patients reached a complete remission by day 28, and two of '
                          'them ..."')
    figure, _ = forest(Studies(CR, [kept], [left_out]), None)
    assert describe(figure)["axes"][0]["texts"][-1]["text"] == (
        "not pooled: A made-up multicentre phase 2 trial of a CD19 CAR-T [...] (may share patients)")


def test_weights_of_other_studies_are_refused():
    """A pooled estimate whose weights are not one per included study (of another set of studies) is an error,
    never drawn or reported against the wrong rows."""
    studies = Studies(CRS, [E, F])
    other = meta.pool([E, F, A])
    with pytest.raises(ValueError):
        forest(studies, other)
    with pytest.raises(ValueError):
        meta.report(studies, other)


def test_a_shared_centre_with_the_other_study_s_period_unreported_may_share_patients():
    from emkg.meta_data import may_share

    mine = {"centre": {"centre two", "centre three"}, "period": {"2020-2021"}}
    assert may_share(mine, {"centre": {"centre three"}}, A) == (
        "may share patients with Study A (same centre: centre three; enrolment periods overlap or are not reported)")
    assert may_share(mine, {"centre": {"centre four"}}, A) == ""
    assert may_share(mine, {"centre": {"centre two"}, "period": {"2022"}}, A) == ""
    assert may_share({"registration": {"nct2", "nct1"}}, {"registration": {"nct1", "nct2"}}, A) == (
        "may share patients with Study A (same trial registration NCT1)")
