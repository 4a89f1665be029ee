"""The forest plot of `emkg meta`: one row per study (publication, count, quote), the pooled diamond.

In SVG every row's label links to its evidence IRI (the cohort finding, or the first patient counted);
PNG has no links. matplotlib with the Agg backend.
"""

from __future__ import annotations

import textwrap

from emkg import meta
from emkg.meta_data import Studies


def forest(studies: Studies, pooled: meta.Pooled | None):
    """The figure, and per row (label, proportion, low, high, evidence IRI) as drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = []
    for study in studies.included:
        low, high = meta.study_interval(study)
        quote = textwrap.shorten(study.quote, 95, placeholder=" ...")
        label = f"{textwrap.shorten(study.label, 70, placeholder=' ...')}  {study.events}/{study.total}\n\"{quote}\""
        rows.append((label, study.proportion, low, high, study.evidence))
    height = 1.0 + 0.75 * (len(rows) + 2)
    figure, axes = plt.subplots(figsize=(12, height))
    weights = pooled.weights if pooled else [1.0] * len(rows)
    for position, ((label, proportion, low, high, evidence), weight) in enumerate(zip(rows, weights, strict=True)):
        axes.plot([low, high], [position, position], color="#333333", linewidth=1.2)
        axes.scatter([proportion], [position], marker="s", s=30 + 300 * weight, color="#1f77b4", zorder=3)
        text = axes.annotate(label, (-0.02, position), xycoords=("axes fraction", "data"), ha="right",
                             va="center", fontsize=7, annotation_clip=False)
        text.set_url(evidence)
    if pooled:
        y = len(rows) + 0.5
        axes.fill([pooled.low, pooled.proportion, pooled.high, pooled.proportion],
                  [y, y - 0.3, y, y + 0.3], color="#d62728", zorder=3)
        axes.annotate(f"pooled, random effects (k={pooled.k}): {pooled.proportion:.1%} "
                      f"[{pooled.low:.1%}, {pooled.high:.1%}]; I2 {pooled.i2:.0%}", (-0.02, y),
                      xycoords=("axes fraction", "data"), ha="right", va="center", fontsize=8,
                      fontweight="bold", annotation_clip=False)
        axes.axvline(pooled.proportion, color="#d62728", linewidth=0.8, linestyle=":")
    axes.set_ylim(len(rows) + 1.2, -0.8)
    axes.set_yticks([])
    axes.set_xlim(0, 1)
    axes.set_xlabel("proportion (95% CI, Freeman-Tukey; pooled: DerSimonian-Laird, Miller back-transform)")
    axes.set_title(studies.outcome.label, fontsize=10)
    notes = [f"not pooled: {textwrap.shorten(s.label, 60)} ({s.excluded_reason})" for s in studies.excluded]
    if notes:
        axes.annotate("\n".join(notes), (0, -0.12), xycoords="axes fraction", fontsize=7, va="top",
                      annotation_clip=False)
    figure.subplots_adjust(left=0.55, right=0.97)
    return figure, rows
