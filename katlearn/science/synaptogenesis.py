"""From glutamate surge to new dendritic spines: a phenomenological cascade over hours to weeks.

A teaching model, not a biochemical one. Each stage is a first-order (linear) relay that smooths and
delays its input::

    glutamate surge u(t) → AMPA throughput → BDNF translation → mTOR signalling
        → synaptic-protein/spine-formation drive (an n-stage delay line) → spine formation rate
        → extra spine density  (gains spines at the formation rate, loses them with a slow turnover)

It illustrates the sequence proposed by Maeng et al. 2008 (AMPA throughput is required), Autry et al.
2011 (rapid BDNF translation), Li et al. 2010 (mTOR-dependent synaptogenesis), Moda-Sava et al. 2019
(spine formation rates change at 12–24 h, not at 3–6 h) and Phoumthipphavong et al. 2016 (spine
density stays raised for up to ~2 weeks). The stage time constants are assumptions chosen to respect
those timings; outputs are relative (each stage normalised to its own peak) because no cited paper
gives a magnitude that transfers from rodents to this model.

The input surge can come from :func:`katlearn.science.disinhibition.response_to_plasma`;
:func:`after_infusion` chains pk → receptor → circuit → cascade.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from katlearn.science import disinhibition, pharmacokinetics
from katlearn.science import params as P

__all__ = ["CascadeParams", "DEFAULT", "Finding", "FINDINGS", "PlasticityResult", "simulate", "after_infusion",
           "BLOCKS"]

HOURS_PER_DAY = 24.0
MIN_PER_HOUR = 60.0


@dataclass(frozen=True)
class CascadeParams:
    """Time constants of the cascade; every value is a stated assumption."""

    tau_ampa_h: P.Assumption = P.Assumption(0.25, "h", "AMPA throughput follows the surge within minutes")
    tau_bdnf_h: P.Assumption = P.Assumption(0.5, "h", "'rapid' BDNF translation (Autry 2011)")
    tau_mtor_h: P.Assumption = P.Assumption(0.5, "h", "'rapid' mTOR activation (Li 2010)")
    delay_stages: P.Assumption = P.Assumption(10, "stages", "a gamma-shaped delay so formation stays flat at 3-6 h")
    delay_stage_h: P.Assumption = P.Assumption(1.2, "h", "mean delay 10 x 1.2 h = 12 h, so formation changes at 12-24 h "
                                               "(Moda-Sava 2019)")
    spine_turnover_d: P.Assumption = P.Assumption(6.0, "d", "extra spines decay over days: still raised at 1-2 weeks, "
                                                  "near baseline by 3-4 weeks (Phoumthipphavong 2016)")


DEFAULT = CascadeParams()

STAGES = ("glutamate", "ampa", "bdnf", "mtor", "formation_rate", "spine_density")
BLOCKS = ("ampa", "mtor")  # NBQX (Maeng 2008) and rapamycin (Li 2010) experiments


@dataclass(frozen=True)
class Finding:
    """A cited observation a figure can mark; times in hours (None where the finding has no time)."""

    stage: str
    text: str
    ref: str
    t_low_h: float | None = None
    t_high_h: float | None = None


FINDINGS: tuple[Finding, ...] = (
    Finding("glutamate", "Subanaesthetic ketamine raises glutamate outflow in prefrontal cortex (rat)",
            ref="moghaddam1997"),
    Finding("ampa", "Blocking AMPA receptors (NBQX) prevents the antidepressant-like effect", ref="maeng2008"),
    Finding("bdnf", "NMDA block at rest switches off eEF2 kinase, so BDNF translation rises rapidly",
            ref="autry2011"),
    Finding("mtor", "mTOR is rapidly activated; blocking it (rapamycin) prevents new spine synapses",
            ref="li2010"),
    Finding("formation_rate", "Spine formation not yet altered at 3-6 h", ref=P.SPINE_NOT_ALTERED_H.ref,
            t_low_h=P.SPINE_NOT_ALTERED_H.low, t_high_h=P.SPINE_NOT_ALTERED_H.high),
    Finding("formation_rate", "Spine formation rate altered at 12-24 h", ref=P.SPINE_ALTERED_H.ref,
            t_low_h=P.SPINE_ALTERED_H.low, t_high_h=P.SPINE_ALTERED_H.high),
    Finding("spine_density", "Spine density raised for up to 2 weeks after one dose", ref=P.SPINE_RAISED_UNTIL_D.ref,
            t_low_h=0.0, t_high_h=P.SPINE_RAISED_UNTIL_D.value * HOURS_PER_DAY),
)


@dataclass(frozen=True)
class PlasticityResult:
    """Cascade time course; every stage is normalised to its own peak (0..1), time in hours."""

    t_h: np.ndarray = field(repr=False)
    glutamate: np.ndarray = field(repr=False)
    ampa: np.ndarray = field(repr=False)
    bdnf: np.ndarray = field(repr=False)
    mtor: np.ndarray = field(repr=False)
    formation_rate: np.ndarray = field(repr=False)
    spine_density: np.ndarray = field(repr=False)
    block: str | None = None

    def at(self, stage: str, t_h: float) -> float:
        """Value of ``stage`` at time ``t_h`` (linear interpolation)."""
        if stage not in STAGES:
            raise ValueError(f"stage={stage!r} is not known; allowed: {', '.join(STAGES)}")
        return float(np.interp(t_h, self.t_h, getattr(self, stage)))


def _system(p: CascadeParams) -> tuple[np.ndarray, np.ndarray]:
    """Linear system x' = A x + b u for [ampa, bdnf, mtor, delay_1..n, spine_density]."""
    n_delay = int(p.delay_stages.value)
    rates = [1 / p.tau_ampa_h.value, 1 / p.tau_bdnf_h.value, 1 / p.tau_mtor_h.value] + \
        [1 / p.delay_stage_h.value] * n_delay
    n = len(rates) + 1
    a = np.zeros((n, n))
    for k, r in enumerate(rates):
        a[k, k] = -r
        if k > 0:
            a[k, k - 1] = r  # unit gain relay from the previous stage
    # spine density gains spines at the formation rate (last delay stage) and turns over slowly
    a[n - 1, n - 2] = 1.0
    a[n - 1, n - 1] = -1.0 / (p.spine_turnover_d.value * HOURS_PER_DAY)
    b = np.zeros(n)
    b[0] = rates[0]
    return a, b


def simulate(surge_t_h: np.ndarray, surge: np.ndarray, *, t_end_h: float = 28 * HOURS_PER_DAY,
             n_points: int = 2000, block: str | None = None, params: CascadeParams = DEFAULT) -> PlasticityResult:
    """Run the cascade driven by a glutamate surge sampled at ``surge_t_h`` (hours; zero outside).

    ``surge`` is the extra glutamate release (e.g. ``glutamate_rel - 1``), >= 0. ``block`` = ``"ampa"``
    (NBQX, Maeng 2008) or ``"mtor"`` (rapamycin, Li 2010) cuts the cascade at that stage.
    The linear system is stepped exactly (zero-order hold) on a uniform grid.
    """
    ts = np.asarray(surge_t_h, dtype=float)
    u_in = np.asarray(surge, dtype=float)
    if ts.shape != u_in.shape or ts.ndim != 1 or ts.size < 2:
        raise ValueError("surge_t_h and surge must be 1-D arrays of the same length (>= 2)")
    if not np.all(np.isfinite(u_in)) or np.any(u_in < 0):
        raise ValueError("surge must be finite and >= 0 (extra glutamate over baseline)")
    if block is not None and block not in BLOCKS:
        raise ValueError(f"block={block!r} is not known; allowed: None, {', '.join(BLOCKS)}")
    if not t_end_h > 0 or int(n_points) < 2:
        raise ValueError("t_end_h must be > 0 and n_points >= 2")

    a, b = _system(params)
    if block == "ampa":
        b = np.zeros_like(b)
    elif block == "mtor":
        a[3, 2] = 0.0  # the first delay stage no longer receives mTOR output
    t = np.linspace(0.0, float(t_end_h), int(n_points))
    dt = t[1] - t[0]
    n = a.shape[0]
    aug = np.zeros((n + 1, n + 1))
    aug[:n, :n] = a * dt
    aug[:n, n] = b * dt
    from scipy.linalg import expm  # lazy: kernels of pages that never call this skip it
    e = expm(aug)
    phi, gam = e[:n, :n], e[:n, n]
    mid = t[:-1] + dt / 2
    u = np.interp(mid, ts, u_in, left=0.0, right=0.0)
    x = np.zeros((t.size, n))
    for k in range(t.size - 1):
        x[k + 1] = phi @ x[k] + gam * u[k]
    glut = np.interp(t, ts, u_in, left=0.0, right=0.0)

    def norm(y: np.ndarray) -> np.ndarray:
        peak = float(np.max(y))
        out = y / peak if peak > 0 else np.zeros_like(y)
        out.setflags(write=False)
        return out

    t.setflags(write=False)
    return PlasticityResult(t_h=t, glutamate=norm(glut), ampa=norm(x[:, 0]), bdnf=norm(x[:, 1]), mtor=norm(x[:, 2]),
                            formation_rate=norm(x[:, n - 2]), spine_density=norm(x[:, n - 1]), block=block)


def after_infusion(dose_mg_per_kg: float = P.ANTIDEPRESSANT_DOSE.value,
                   infusion_min: float = P.ANTIDEPRESSANT_INFUSION.value, *, model: str = "clements1981",
                   weight_kg: float = 70.0, block: str | None = None, t_end_h: float = 28 * HOURS_PER_DAY,
                   n_points: int = 2000, params: CascadeParams = DEFAULT) -> PlasticityResult:
    """The whole chain after an IV infusion: plasma (pk) → occupancy → circuit surge → cascade."""
    curve = pharmacokinetics.simulate("iv_infusion", dose_mg_per_kg, weight_kg, infusion_min=infusion_min, t_end_min=24 * 60,
                        model=model, n_points=1441)
    surge = disinhibition.response_to_plasma(curve.t_min, curve.conc_ng_ml).glutamate_rel - 1.0
    return simulate(curve.t_min / MIN_PER_HOUR, np.maximum(surge, 0.0), t_end_h=t_end_h, n_points=n_points,
                    block=block, params=params)
