"""`emkg plot`: swimmer plot, Kaplan-Meier curve and response by relapse site, drawn from the built store.

matplotlib with the Agg backend (no display needed). Each function returns the figure and the data it
drew, so tests check the data, not pixels. The data come from emkg.plot_data (internal queries) and,
for response by site, from the stored query `response-by-relapse-site` (a researcher question).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from emkg import plot_data

MARKERS = {  # kind -> (marker, colour, legend label)
    "infusion": ("v", "#1f77b4", "CAR-T infusion"),
    "response": ("o", "#2ca02c", "response assessment"),
    "relapse": ("X", "#d62728", "relapse (site)"),
    "transplant": ("s", "#9467bd", "HSCT"),
    "follow-up": ("4", "#555555", "last follow-up"),
    "death": ("P", "#000000", "death"),
}


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


@dataclass
class Drawn:
    figure: object
    data: object  # what was drawn: lanes, a data frame, ...


def swimmer(db, site: str | None = None, product: str | None = None, publication: str | None = None) -> Drawn:
    """One bar per patient lane from its earliest dated fact to its last; markers per event kind."""
    plt = _pyplot()
    lanes = plot_data.swimmer_lanes(db, site, product, publication)
    height = max(3.0, 0.45 * len(lanes) + 1.5)
    figure, axes = plt.subplots(figsize=(11, height))
    seen_kinds = set()
    for row, lane in enumerate(reversed(lanes)):
        dated = [e for e in lane.events if e.day is not None]
        if dated:
            start = min(e.low if e.low is not None else e.day for e in dated)
            axes.barh(row, lane.end - start, left=start, height=0.35, color="#dde4f0", zorder=1)
        for event in dated:
            marker, colour, _ = MARKERS[event.kind]
            axes.scatter(event.day, row, marker=marker, color=colour, s=60, zorder=3)
            seen_kinds.add(event.kind)
            if event.low is not None:
                axes.plot([event.low, event.high], [row, row], color=colour, linewidth=2, zorder=2)
            if event.kind == "relapse" and event.label:
                axes.annotate(event.label, (event.day, row), xytext=(0, 7), textcoords="offset points",
                              fontsize=7, ha="center", color=colour)
        undated = [e for e in lane.events if e.day is None]
        if undated:
            counts = Counter(e.kind for e in undated)
            note = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
            axes.annotate(f"undated: {note}", (1.0, row), xycoords=("axes fraction", "data"), xytext=(6, 0),
                          textcoords="offset points", fontsize=7, va="center", color="#666666",
                          annotation_clip=False)
    axes.set_yticks(range(len(lanes)), [lane.name for lane in reversed(lanes)], fontsize=8)
    axes.axvline(0, color="#999999", linewidth=0.8, linestyle="--")
    axes.set_xlabel("days from CAR-T infusion (day 0: the patient's first infusion, or one not placeable after it)")
    axes.set_title(f"Individually curated patients ({len({lane.patient for lane in lanes})})")
    handles = [plt.Line2D([], [], marker=MARKERS[k][0], color=MARKERS[k][1], linestyle="", label=MARKERS[k][2])
               for k in MARKERS if k in seen_kinds]
    if handles:
        axes.legend(handles=handles, loc="upper right", fontsize=8)
    figure.tight_layout()
    return Drawn(figure, lanes)


@dataclass
class KaplanMeier:
    records: list  # plot_data.SurvivalRecord
    curve: object  # pandas DataFrame: timeline (months) -> survival probability
    estimates: list  # plot_data.ReportedEstimate


def km(db, site: str | None = None, product: str | None = None, publication: str | None = None) -> Drawn:
    """Overall survival (event: death) of individual patients with a follow-up time, and the studies' own
    Kaplan-Meier estimates as points at their time (labelled with their own measure)."""
    plt = _pyplot()
    lanes = plot_data.swimmer_lanes(db, site, product, publication)
    records = plot_data.survival_records(lanes)
    estimates = [e for e in plot_data.reported_estimates(db) if publication is None or e.publication == publication]
    figure, axes = plt.subplots(figsize=(9, 5.5))
    curve = None
    if records:
        fitter = survival_fit(records)
        fitter.plot_survival_function(ax=axes, show_censors=True, ci_show=len(records) > 1)
        curve = fitter.survival_function_
    for estimate in estimates:
        axes.scatter(estimate.months, estimate.proportion, marker="D", s=50, zorder=3,
                     label=f"{estimate.measure} at {estimate.months:g} months, reported by "
                           f"{estimate.publication.rsplit('/', 1)[-1]}")
    axes.set_xlabel("months from CAR-T infusion")
    axes.set_ylabel("probability")
    axes.set_ylim(0, 1.05)
    axes.set_title("Kaplan-Meier from individually curated patients, with the studies' reported estimates")
    axes.legend(fontsize=7, loc="lower left")
    figure.tight_layout()
    return Drawn(figure, KaplanMeier(records, curve, estimates))


def survival_fit(records: list[plot_data.SurvivalRecord]):
    """lifelines' Kaplan-Meier fit of overall survival (event: death; alive at last follow-up: censored)."""
    from lifelines import KaplanMeierFitter

    fitter = KaplanMeierFitter(label=f"overall survival, individual patients (n={len(records)}, "
                                     f"{sum(r.died for r in records)} deaths)")
    return fitter.fit([r.months for r in records], event_observed=[r.died for r in records])


def response_by_site(db, outcome: str = "emkg:CompleteRemission") -> Drawn:
    """The stored query response-by-relapse-site as a chart: proportion with its Wilson 95% interval per
    site, individual patients and cohort findings as separate rows (never added together)."""
    import pandas as pd

    from emkg import catalogue, store

    plt = _pyplot()
    stored = catalogue.get("response-by-relapse-site")
    columns, rows = store.select(db, stored.text, stored.bindings({"outcome": outcome}))
    frame = pd.DataFrame([[None if t is None else t.value for t in row] for row in rows], columns=columns)
    for column in ("numerator", "denominator"):
        frame[column] = frame[column].astype(int)
    for column in ("proportion", "wilson_low", "wilson_high"):
        frame[column] = frame[column].astype(float)
    frame = frame.drop_duplicates(["site", "level", "source", "numerator", "denominator"]).reset_index(drop=True)
    frame["row_label"] = [f"{r.site_label or r.site} - " + ("patients" if r.level == "patients" else
                                                           f"cohort {r.source.rsplit('/', 1)[-1]}")
                          for r in frame.itertuples()]
    figure, axes = plt.subplots(figsize=(10, max(3.0, 0.35 * len(frame) + 1.5)))
    for position, r in enumerate(frame.itertuples()):
        colour = "#1f77b4" if r.level == "patients" else "#ff7f0e"
        axes.errorbar(r.proportion, position, xerr=[[r.proportion - r.wilson_low], [r.wilson_high - r.proportion]],
                      fmt="o", color=colour, capsize=3)
        axes.annotate(f"{r.numerator}/{r.denominator}", (1.02, position), xycoords=("axes fraction", "data"),
                      fontsize=7, va="center", annotation_clip=False)
    axes.set_yticks(range(len(frame)), frame["row_label"], fontsize=7)
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel(f"proportion reaching {outcome.removeprefix('emkg:')} (Wilson 95% interval)")
    axes.set_title("Response by relapse site: individual patients (blue) and cohort findings (orange)")
    figure.tight_layout()
    return Drawn(figure, frame)


def save(drawn: Drawn, out) -> None:
    """Write the figure; the format follows the file suffix (.png or .svg)."""
    drawn.figure.savefig(out, dpi=120, bbox_inches="tight")
