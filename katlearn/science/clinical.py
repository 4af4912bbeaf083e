"""How fast, and for how long: approximate clinical time courses and a table of trial results.

The curves here are **approximate illustrations built from a handful of published numbers**, not
re-analyses of trial data. The anchor points (day, value, reference key) are exposed in
:data:`ANCHORS` so a figure can mark what is measured and leave the rest visibly drawn-in.

* :func:`response_trajectories` — % of patients responding after one 0.5 mg/kg IV ketamine infusion vs
  the active placebo midazolam, through the Murrough et al. (2013) values at 24 h and day 7, rising
  from the first hours (Zarate 2006; Kishimoto 2016: better than placebo from 40 min, peak at day 1)
  and merging with placebo by days 10–12 (Kishimoto 2016).
* :func:`onset_comparison` — the *timing* contrast: fraction of each treatment's peak advantage over
  placebo, for one ketamine infusion vs a daily oral antidepressant whose benefit builds over weeks 1–6
  (Taylor et al. 2006: meta-analysis of 28 placebo-controlled SSRI trials, ahead of placebo by the end of
  week 1, still improving at week 6).
* :data:`TRIALS` — trial and meta-analysis results with their reference keys, for an evidence table.

Curve shapes between anchors are :class:`~katlearn.science.params.Assumption` values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from katlearn.science import params as P

__all__ = ["Anchor", "ANCHORS", "Trajectory", "TrialResult", "TRIALS", "response_trajectories", "onset_comparison",
           "STAR_D_REMISSION_BY_STEP", "SHAPE"]

HOURS_PER_DAY = 24.0

SHAPE = {
    "rise_tau_h": P.Assumption(0.5, "h", "log-shaped rise: visible within 40 min-2 h, still rising to the "
                                         "day-1 peak (Kishimoto 2016, Zarate 2006)"),
    "placebo_after_day7": P.Assumption(1.0, "x day-7 value", "active-placebo response held flat after day 7"),
    "oral_low_fraction": P.Assumption(0.1, "fraction", "oral antidepressant has 10% of its benefit at the end "
                                                       "of week 1 and 90% at week 6 (Taylor 2006 measured "
                                                       "weeks 1-6 and saw improvement still growing)"),
}


@dataclass(frozen=True)
class Anchor:
    """A published point a curve passes through (``value`` None: a time marker only)."""

    arm: str
    day: float
    value: float | None
    metric: str
    ref: str
    note: str = ""


RESPONSE = "% responding (>= 50% fall in depression score)"
FRACTION = "fraction of peak advantage over placebo"

ANCHORS: tuple[Anchor, ...] = (
    Anchor("ketamine", 1.0, P.MURROUGH_RESP_24H_KET.value, RESPONSE, P.MURROUGH_RESP_24H_KET.ref, "24 h"),
    Anchor("ketamine", 7.0, P.MURROUGH_RESP_D7_KET.value, RESPONSE, P.MURROUGH_RESP_D7_KET.ref, "day 7"),
    Anchor("midazolam", 1.0, P.MURROUGH_RESP_24H_MID.value, RESPONSE, P.MURROUGH_RESP_24H_MID.ref, "24 h"),
    Anchor("midazolam", 7.0, P.MURROUGH_RESP_D7_MID.value, RESPONSE, P.MURROUGH_RESP_D7_MID.ref, "day 7"),
    Anchor("ketamine", P.KISHIMOTO_ONSET.value / (60 * HOURS_PER_DAY), None, RESPONSE, P.KISHIMOTO_ONSET.ref,
           "better than placebo from 40 min (meta-analysis)"),
    Anchor("ketamine", P.ZARATE_ONSET.value / HOURS_PER_DAY, None, RESPONSE, P.ZARATE_ONSET.ref,
           "improvement within ~2 h"),
    Anchor("ketamine", P.KISHIMOTO_LOSS.mid, None, RESPONSE, P.KISHIMOTO_LOSS.ref,
           "no longer better than placebo by days 10-12"),
    Anchor("oral_antidepressant", P.SSRI_ONSET_WEEKS.low * 7, SHAPE["oral_low_fraction"].value, FRACTION,
           P.SSRI_ONSET_WEEKS.ref, "ahead of placebo by the end of week 1 (meta-analysis)"),
    Anchor("oral_antidepressant", P.SSRI_ONSET_WEEKS.high * 7, 1.0 - SHAPE["oral_low_fraction"].value, FRACTION,
           P.SSRI_ONSET_WEEKS.ref, "still improving at week 6, the last week analysed"),
)


@dataclass(frozen=True)
class Trajectory:
    """An approximate curve: ``value`` over ``days``, in ``metric`` units, with the anchors it uses."""

    arm: str
    label: str
    metric: str
    days: np.ndarray = field(repr=False)
    value: np.ndarray = field(repr=False)
    anchors: tuple[Anchor, ...] = ()
    approximate: bool = True


def _days(days: np.ndarray | None, default_end: float) -> np.ndarray:
    d = np.linspace(0.0, default_end, 1001) if days is None else np.array(days, dtype=float)
    if d.ndim != 1 or not np.all(np.isfinite(d)) or np.any(d < 0):
        raise ValueError("days must be a 1-D array of finite values >= 0")
    d.setflags(write=False)
    return d


def pchip(x_knots, y_knots, x: np.ndarray) -> np.ndarray:
    """Shape-preserving piecewise cubic through the knots, the same curve as
    ``scipy.interpolate.PchipInterpolator(x_knots, y_knots)(x)`` (Fritsch & Carlson slopes, scipy's
    end rule; tests compare the two) for ``x`` within the knots. Written out because importing
    ``scipy.interpolate`` costs a page's kernel ~0.3 s and pulls in ``scipy.optimize``."""
    xk, yk = np.asarray(x_knots, dtype=float), np.asarray(y_knots, dtype=float)
    h = np.diff(xk)
    m = np.diff(yk) / h
    d = np.zeros_like(yk)
    if xk.size == 2:
        d[:] = m[0]
    else:
        w1, w2 = 2 * h[1:] + h[:-1], h[1:] + 2 * h[:-1]
        same = m[:-1] * m[1:] > 0
        with np.errstate(divide="ignore", invalid="ignore"):
            d[1:-1] = np.where(same, (w1 + w2) / (w1 / m[:-1] + w2 / m[1:]), 0.0)
        for end, (h0, h1, m0, m1) in ((0, (h[0], h[1], m[0], m[1])), (-1, (h[-1], h[-2], m[-1], m[-2]))):
            de = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1)
            if np.sign(de) != np.sign(m0):
                de = 0.0
            elif np.sign(m0) != np.sign(m1) and abs(de) > abs(3 * m0):
                de = 3 * m0
            d[end] = de
    x = np.asarray(x, dtype=float)
    k = np.clip(np.searchsorted(xk, x, side="right") - 1, 0, xk.size - 2)
    t = (x - xk[k]) / h[k]
    h00, h10, h01, h11 = (2 * t**3 - 3 * t**2 + 1, t**3 - 2 * t**2 + t, -2 * t**3 + 3 * t**2, t**3 - t**2)
    return h00 * yk[k] + h10 * h[k] * d[k] + h01 * yk[k + 1] + h11 * h[k] * d[k + 1]


def _rise(days: np.ndarray) -> np.ndarray:
    """0 at t=0, 1 at 24 h; log-shaped so early hours already show an effect."""
    tau = SHAPE["rise_tau_h"].value
    h = np.minimum(days, 1.0) * HOURS_PER_DAY
    return np.log1p(h / tau) / math.log1p(HOURS_PER_DAY / tau)


def _arm_curve(days: np.ndarray, v24: float, v7: float, tail_day: float | None, tail_value: float) -> np.ndarray:
    knots_x = [1.0, 7.0] + ([tail_day] if tail_day is not None else []) + [60.0]
    knots_y = [v24, v7] + ([tail_value] if tail_day is not None else []) + [tail_value]
    later = pchip(knots_x, knots_y, np.clip(days, 1.0, 60.0))
    return np.where(days <= 1.0, v24 * _rise(days), later)


def response_trajectories(days: np.ndarray | None = None) -> dict[str, Trajectory]:
    """Approximate response rates after one ketamine infusion vs active placebo (midazolam), 0-28 days."""
    d = _days(days, 28.0)
    mid7 = P.MURROUGH_RESP_D7_MID.value * SHAPE["placebo_after_day7"].value
    mid = _arm_curve(d, P.MURROUGH_RESP_24H_MID.value, P.MURROUGH_RESP_D7_MID.value, None, mid7)
    ket = _arm_curve(d, P.MURROUGH_RESP_24H_KET.value, P.MURROUGH_RESP_D7_KET.value, P.KISHIMOTO_LOSS.mid, mid7)
    out = {
        "ketamine": Trajectory("ketamine", "Ketamine 0.5 mg/kg IV, single infusion", RESPONSE, d, ket,
                               tuple(a for a in ANCHORS if a.arm == "ketamine")),
        "midazolam": Trajectory("midazolam", "Active placebo (midazolam)", RESPONSE, d, mid,
                                tuple(a for a in ANCHORS if a.arm == "midazolam")),
    }
    for t in out.values():
        t.value.setflags(write=False)
    return out


def onset_comparison(days: np.ndarray | None = None) -> dict[str, Trajectory]:
    """Timing contrast: fraction of each treatment's peak advantage over placebo, 0-70 days."""
    d = _days(days, 70.0)
    resp = response_trajectories(d)
    diff = resp["ketamine"].value - resp["midazolam"].value
    peak = P.MURROUGH_RESP_24H_KET.value - P.MURROUGH_RESP_24H_MID.value
    ket = np.clip(diff / peak, 0.0, None)
    lo_d, hi_d = P.SSRI_ONSET_WEEKS.low * 7, P.SSRI_ONSET_WEEKS.high * 7
    q = SHAPE["oral_low_fraction"].value
    mid_d = 0.5 * (lo_d + hi_d)
    scale = (hi_d - mid_d) / math.log((1 - q) / q)
    oral = 1.0 / (1.0 + np.exp(-(d - mid_d) / scale))
    for a in (ket, oral):
        a.setflags(write=False)
    return {
        "ketamine": Trajectory("ketamine", "Ketamine, one IV infusion", FRACTION, d, ket,
                               tuple(a for a in ANCHORS if a.arm in ("ketamine", "midazolam"))),
        "oral_antidepressant": Trajectory("oral_antidepressant", "Oral antidepressant, taken daily", FRACTION, d, oral,
                                          tuple(a for a in ANCHORS if a.arm == "oral_antidepressant")),
        "placebo": Trajectory("placebo", "Placebo (reference)", FRACTION, d, np.zeros_like(d), ()),
    }


@dataclass(frozen=True)
class TrialResult:
    """One row of the evidence table. ``(active, control)`` pairs; None where not reported here."""

    trial: str
    ref: str
    design: str
    n: int | None
    comparator: str
    response_24h_pct: tuple[float | None, float | None] = (None, None)
    response_day7_pct: tuple[float | None, float | None] = (None, None)
    remission_24h_pct: tuple[float | None, float | None] = (None, None)
    other: str = ""


TRIALS: tuple[TrialResult, ...] = (
    TrialResult("Berman 2000", P.BERMAN_N.ref, "randomised, double-blind crossover; 0.5 mg/kg IV", int(P.BERMAN_N.value),
                "saline", other=f"HDRS change within 72 h: {P.BERMAN_HDRS_CHANGE_KET.value:+g} (SD 10) vs "
                                f"{P.BERMAN_HDRS_CHANGE_PLACEBO.value:+g} (SD 12); first controlled trial"),
    TrialResult("Zarate 2006", P.ZARATE_ONSET.ref, "randomised, double-blind crossover; 0.5 mg/kg IV over 40 min",
                None, "saline", other="improvement within ~2 h, still significant at 1 week"),
    TrialResult("Murrough 2013", P.MURROUGH_N.ref, "two-site randomised, 2:1; 0.5 mg/kg IV over 40 min",
                int(P.MURROUGH_N.value), "midazolam (active placebo)",
                response_24h_pct=(P.MURROUGH_RESP_24H_KET.value, P.MURROUGH_RESP_24H_MID.value),
                response_day7_pct=(P.MURROUGH_RESP_D7_KET.value, P.MURROUGH_RESP_D7_MID.value)),
    TrialResult("Han 2016 (meta-analysis)", P.HAN_N.ref,
                f"{int(P.HAN_STUDIES.value)} randomised placebo-controlled trials, pooled", int(P.HAN_N.value),
                "placebo", response_24h_pct=(P.HAN_RESP[1.0].value, None),
                response_day7_pct=(P.HAN_RESP[7.0].value, None), remission_24h_pct=(P.HAN_REMIT[1.0].value, None),
                other=f"72 h: response {P.HAN_RESP[3.0].value:g}%, remission {P.HAN_REMIT[3.0].value:g}%; "
                      f"day 7 remission {P.HAN_REMIT[7.0].value:g}%"),
    TrialResult("Kishimoto 2016 (meta-analysis)", P.KISHIMOTO_LOSS.ref, "single-infusion RCTs, pooled", None,
                "placebo / pseudo-placebo",
                other="better than placebo from 40 min, peak at day 1 (Hedges g -1.00), lost by days 10-12"),
    TrialResult("Dore 2019 (KAP, observational)", P.DORE_N.ref, "3 private practices, ketamine with psychotherapy",
                int(P.DORE_N.value), "none (no control group)",
                other=f"mean BDI change {P.DORE_BDI_CHANGE.value:+g}, HAM-A change {P.DORE_HAMA_CHANGE.value:+g}"),
)

STAR_D_REMISSION_BY_STEP: tuple[P.Param, ...] = P.STAR_D_REMISSION
