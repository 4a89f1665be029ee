"""`emkg meta`: random-effects pooling of single-arm proportions, as the CAR-T meta-analyses do.

Each study's x of n is put on the Freeman-Tukey double arcsine scale, t = asin(sqrt(x/(n+1))) +
asin(sqrt((x+1)/(n+1))), variance 1/(n + 1/2); studies are pooled with statsmodels' combine_effects
(DerSimonian-Laird); the pooled value and its 95% limits are turned back into proportions with Miller's
(1978) inversion at the harmonic mean of the n. I2 = max(0, (Q - df) / Q).

statsmodels 0.15 does not truncate the DerSimonian-Laird tau2 at zero: when Q < df it returns a
negative tau2 (negative weights, NaN intervals). DerSimonian-Laird sets tau2 = 0 then, where the
random-effects model is the fixed-effect one, so its fixed-effect result is used in that case.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

from emkg.meta_data import Studies, StudyProportion

Z95 = 1.959963984540054


def freeman_tukey(events: int, total: int) -> tuple[float, float]:
    """(double arcsine, its variance)."""
    t = math.asin(math.sqrt(events / (total + 1))) + math.asin(math.sqrt((events + 1) / (total + 1)))
    return t, 1 / (total + 0.5)


def miller_inverse(t: float, n: float) -> float:
    """Proportion from a double arcsine value t at sample size n (Miller 1978), clamped to [0, 1] at the
    values x = 0 and x = n take (as metafor's transf.ipft.hm does)."""
    if t <= freeman_tukey(0, n)[0]:
        return 0.0
    if t >= freeman_tukey(n, n)[0]:
        return 1.0
    s = math.sin(t)
    inner = 1 - (s + (s - 1 / s) / n) ** 2
    return 0.5 * (1 - math.copysign(1.0, math.cos(t)) * math.sqrt(max(inner, 0.0)))


@dataclass
class Pooled:
    k: int
    proportion: float
    low: float
    high: float
    i2: float
    tau2: float
    q: float
    harmonic_n: float
    weights: list[float]  # relative random-effects weights, in study order


def pool(studies: list[StudyProportion]) -> Pooled | None:
    """Random-effects pooled proportion of two or more studies (None for fewer)."""
    if len(studies) < 2:
        return None
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    transformed = [freeman_tukey(s.events, s.total) for s in studies]
    effect = np.array([t for t, _ in transformed])
    variance = np.array([v for _, v in transformed])
    with warnings.catch_warnings():  # statsmodels takes sqrt of a negative variance when tau2 < 0 (see above)
        warnings.simplefilter("ignore", RuntimeWarning)
        result = combine_effects(effect, variance, method_re="dl")
    frame = result.summary_frame()
    if result.tau2 > 0:
        tau2, mean = float(result.tau2), float(result.mean_effect_re)
        weights = result.weights_rel_re
        se = math.sqrt(1 / float(np.sum(1 / (variance + tau2))))
    else:  # DerSimonian-Laird truncates tau2 at 0: the fixed-effect model
        tau2, mean = 0.0, float(result.mean_effect_fe)
        weights = result.weights_rel_fe
        se = float(frame.loc["fixed effect", "sd_eff"])
    n_h = len(studies) / sum(1 / s.total for s in studies)
    q = float(result.q)
    i2 = max(0.0, (q - (len(studies) - 1)) / q) if q > 0 else 0.0
    return Pooled(len(studies), miller_inverse(mean, n_h), miller_inverse(mean - Z95 * se, n_h),
                  miller_inverse(mean + Z95 * se, n_h), i2, tau2, q, n_h, [float(w) for w in weights])


def study_interval(study: StudyProportion) -> tuple[float, float]:
    """The study's own 95% interval on the double arcsine scale, back-transformed at its n."""
    t, v = freeman_tukey(study.events, study.total)
    half = Z95 * math.sqrt(v)
    return miller_inverse(t - half, study.total), miller_inverse(t + half, study.total)


def report(studies: Studies, pooled: Pooled | None) -> str:
    """Plain-text summary: one line per study (with its quote), then the pooled estimate."""
    lines = [f"outcome: {studies.outcome.label}", ""]
    weights = pooled.weights if pooled else [1.0] * len(studies.included)
    for study, weight in zip(studies.included, weights, strict=True):
        low, high = study_interval(study)
        lines.append(f"{study.events:>3}/{study.total:<3} {study.proportion:6.1%}  [{low:.1%}, {high:.1%}]  "
                     f"weight {weight:5.1%}  {study.label} ({study.source})")
        lines.append(f"          evidence: {study.evidence}")
        lines.append(f"          quote: \"{study.quote}\"")
    for study in studies.excluded:
        lines.append(f"not pooled: {study.label} {study.events}/{study.total}: {study.excluded_reason}")
    for publication, count in sorted(studies.not_evaluable.items()):
        lines.append(f"not evaluable: {count} patient(s) of {publication} (the graph does not say)")
    lines.append("")
    if pooled is None:
        lines.append(f"not pooled: {len(studies.included)} study(ies); pooling needs at least two")
    else:
        lines.append(f"pooled ({pooled.k} studies, Freeman-Tukey double arcsine, DerSimonian-Laird random "
                     f"effects): {pooled.proportion:.1%} (95% CI {pooled.low:.1%} to {pooled.high:.1%}); "
                     f"I2 {pooled.i2:.1%}; tau2 {pooled.tau2:.4f}; Q {pooled.q:.3f}; harmonic mean n "
                     f"{pooled.harmonic_n:.2f}")
    return "\n".join(lines) + "\n"
