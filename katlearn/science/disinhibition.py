"""Disinhibition: a two-population rate model of how NMDA block can *raise* cortical excitation.

A teaching model (Wilson–Cowan style, threshold-linear units), not a fitted description of any
circuit. It illustrates the hypothesis in Homayoun & Moghaddam (2007), who blocked NMDA receptors with
MK-801, not ketamine, in awake rats: NMDA receptors drive
inhibitory interneurons (I) more than pyramidal cells (E), so blocking them quiets interneurons
first, which releases pyramidal cells from inhibition; more pyramidal firing means more glutamate
release — the prefrontal "glutamate surge" seen with subanaesthetic ketamine (Moghaddam et al. 1997).

Equations (rates in units of the baseline pyramidal rate's scale, time in ms)::

    tau_E dE/dt = -E + [ g_E (w_EE E + h_E) - w_EI I ]+
    tau_I dI/dt = -I + [ g_I (w_IE E + h_I) - w_II I ]+
    g_X = 1 - s_X · occupancy            (s_X = NMDA share of the excitatory drive to X; s_I > s_E)

Occupancy comes from :func:`katlearn.science.nmda_block.occupancy`. Glutamate release is taken as
proportional to pyramidal firing, reported relative to baseline. All weights, shares and time
constants are :class:`~katlearn.science.params.Assumption` values chosen to make the mechanism
visible. Known limitation: the model does not reproduce the *fall* in glutamate that Moghaddam et al.
saw at an anaesthetic dose; anaesthesia involves far more than this motif.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from katlearn.science import params as P
from katlearn.science import nmda_block, pharmacokinetics

__all__ = ["CircuitParams", "SteadyState", "CircuitTimeCourse", "Transient", "DEFAULT", "steady_state",
           "sweep", "response_to_plasma", "transient", "integrate_transient", "transient_inputs"]


@dataclass(frozen=True)
class CircuitParams:
    """Weights and time constants of the E–I motif; every value is a stated assumption."""

    w_ee: P.Assumption = P.Assumption(0.5, "1", "recurrent excitation, kept < 1 so E alone is stable")
    w_ei: P.Assumption = P.Assumption(1.0, "1", "inhibition of E by I; strong enough that I shapes E")
    w_ie: P.Assumption = P.Assumption(1.0, "1", "excitation of I by E")
    w_ii: P.Assumption = P.Assumption(0.2, "1", "mutual inhibition among interneurons")
    h_e: P.Assumption = P.Assumption(1.0, "1", "external excitatory drive to E")
    h_i: P.Assumption = P.Assumption(0.5, "1", "external excitatory drive to I")
    nmda_share_e: P.Assumption = P.Assumption(0.2, "fraction", "NMDA share of drive to pyramidal cells (smaller than I)")
    nmda_share_i: P.Assumption = P.Assumption(0.7, "fraction", "NMDA share of drive to interneurons (larger: the "
                                                     "Homayoun & Moghaddam 2007 hypothesis)")
    tau_e_ms: P.Assumption = P.Assumption(20.0, "ms", "typical rate-model membrane/population time constant")
    tau_i_ms: P.Assumption = P.Assumption(10.0, "ms", "interneurons respond faster than pyramidal cells")

    def values(self) -> dict[str, float]:
        return {k: float(getattr(self, k).value) for k in self.__dataclass_fields__}


DEFAULT = CircuitParams()


@dataclass(frozen=True)
class SteadyState:
    """Steady firing for each occupancy value (arrays share the input's shape)."""

    conc_uM: np.ndarray = field(repr=False)
    occupancy: np.ndarray = field(repr=False)
    e_rate: np.ndarray = field(repr=False)
    i_rate: np.ndarray = field(repr=False)
    glutamate_rel: np.ndarray = field(repr=False)  # pyramidal rate / baseline pyramidal rate


def _check_conc(conc_uM: object) -> np.ndarray:
    c = np.asarray(conc_uM, dtype=float)
    if not np.all(np.isfinite(c)) or np.any(c < 0):
        raise ValueError(f"conc_uM must be finite and >= 0 (got {conc_uM!r})")
    return c


def _fixed_point(occ: np.ndarray, v: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Exact steady state of the threshold-linear pair, by checking each active set."""
    ge = 1.0 - v["nmda_share_e"] * occ
    gi = 1.0 - v["nmda_share_i"] * occ
    a = v["w_ei"] / (1.0 + v["w_ii"])
    # both active
    e_both = (ge * v["h_e"] - a * gi * v["h_i"]) / (1.0 - ge * v["w_ee"] + a * gi * v["w_ie"])
    i_both = gi * (v["w_ie"] * e_both + v["h_i"]) / (1.0 + v["w_ii"])
    # interneurons silent
    e_only = ge * v["h_e"] / (1.0 - ge * v["w_ee"])
    i_drive_if_silent = gi * (v["w_ie"] * e_only + v["h_i"])
    # pyramidal silent
    i_only = gi * v["h_i"] / (1.0 + v["w_ii"])
    e_drive_if_silent = ge * v["h_e"] - v["w_ei"] * i_only

    e = np.zeros_like(occ)
    i = np.zeros_like(occ)
    both = (e_both > 0) & (i_both > 0)
    e[both], i[both] = e_both[both], i_both[both]
    only_e = ~both & (e_only > 0) & (i_drive_if_silent <= 0)
    e[only_e] = e_only[only_e]
    only_i = ~both & ~only_e & (i_only > 0) & (e_drive_if_silent <= 0)
    i[only_i] = i_only[only_i]
    return e, i


def steady_state(conc_uM: np.ndarray | float, ligand: str = "ketamine",
                 params: CircuitParams = DEFAULT) -> SteadyState:
    """Steady pyramidal and interneuron rates at brain concentration ``conc_uM`` (vectorised).

    The model uses the plasma concentration as a stand-in for the brain concentration at the receptor
    (an assumption; brain/plasma ratios are not modelled).
    """
    c = _check_conc(conc_uM)
    occ = np.asarray(nmda_block.occupancy(c, ligand), dtype=float)
    v = params.values()
    e, i = _fixed_point(np.atleast_1d(occ), v)
    e0, _ = _fixed_point(np.zeros(1), v)
    shape = c.shape
    return SteadyState(conc_uM=c, occupancy=np.reshape(occ, shape), e_rate=e.reshape(shape),
                       i_rate=i.reshape(shape), glutamate_rel=(e / e0[0]).reshape(shape))


def sweep(conc_max_uM: float = 10.0, n_points: int = 200, ligand: str = "ketamine",
          params: CircuitParams = DEFAULT) -> SteadyState:
    """Steady state over ``0..conc_max_uM`` (log-friendly grid including 0), for a dose–response figure."""
    if not np.isfinite(conc_max_uM) or conc_max_uM <= 0:
        raise ValueError(f"conc_max_uM must be > 0 (got {conc_max_uM!r})")
    if int(n_points) < 2:
        raise ValueError(f"n_points must be >= 2 (got {n_points!r})")
    c = np.concatenate([[0.0], np.geomspace(conc_max_uM * 1e-3, conc_max_uM, int(n_points) - 1)])
    return steady_state(c, ligand, params)


@dataclass(frozen=True)
class CircuitTimeCourse:
    """Quasi-steady circuit state following a plasma curve (minutes)."""

    t_min: np.ndarray = field(repr=False)
    conc_uM: np.ndarray = field(repr=False)
    occupancy: np.ndarray = field(repr=False)
    e_rate: np.ndarray = field(repr=False)
    i_rate: np.ndarray = field(repr=False)
    glutamate_rel: np.ndarray = field(repr=False)


def response_to_plasma(t_min: np.ndarray, conc_ng_ml: np.ndarray, ligand: str = "ketamine",
                       params: CircuitParams = DEFAULT) -> CircuitTimeCourse:
    """Circuit state over time after a dose, e.g. from :func:`katlearn.science.pharmacokinetics.simulate`.

    The network settles in tens of milliseconds while plasma levels change over minutes, so at each time
    the circuit is taken to be at its steady state for the current concentration.
    """
    t = np.asarray(t_min, dtype=float)
    c_ng = np.asarray(conc_ng_ml, dtype=float)
    if t.shape != c_ng.shape:
        raise ValueError(f"t_min and conc_ng_ml must have the same shape (got {t.shape} and {c_ng.shape})")
    ss = steady_state(np.asarray(pharmacokinetics.to_micromolar(c_ng)), ligand, params)
    return CircuitTimeCourse(t_min=t, conc_uM=ss.conc_uM, occupancy=ss.occupancy, e_rate=ss.e_rate,
                             i_rate=ss.i_rate, glutamate_rel=ss.glutamate_rel)


@dataclass(frozen=True)
class Transient:
    """Network dynamics (ms) after a step from no drug to ``conc_uM``."""

    t_ms: np.ndarray = field(repr=False)
    e_rate: np.ndarray = field(repr=False)
    i_rate: np.ndarray = field(repr=False)
    conc_uM: float


def transient(conc_uM: float, t_end_ms: float = 200.0, n_points: int = 401, ligand: str = "ketamine",
              params: CircuitParams = DEFAULT) -> Transient:
    """The rate equations' response after the receptor occupancy steps up at t = 0.

    Shows the order of events Homayoun & Moghaddam (2007) describe (with MK-801): interneurons fall first,
    pyramidal cells rise after a delay. The millisecond time scale is the model's (``tau_e_ms``,
    ``tau_i_ms`` are assumptions); in the recordings pyramidal cells sped up with a delay after a systemic
    injection. The explorer's levels are integrated once by a maintainer (``python -m katlearn
    fit-constants``) and read from ``circuit_transients.json`` when every input matches, so a page's
    kernel need not import :mod:`scipy.integrate`; anything else is integrated here
    (:func:`integrate_transient`).
    """
    stored = _stored_transient(float(_check_conc(conc_uM)), t_end_ms, n_points, ligand, params)
    return stored if stored is not None else integrate_transient(conc_uM, t_end_ms, n_points, ligand, params)


TRANSIENT_STORE = Path(__file__).with_name("circuit_transients.json")


def transient_inputs(conc_uM: float, t_end_ms: float = 200.0, n_points: int = 401, ligand: str = "ketamine",
                     params: CircuitParams = DEFAULT) -> dict:
    """Every number a transient depends on (the occupancy stands for the receptor model's)."""
    return {"conc_uM": float(conc_uM), "occupancy": float(nmda_block.occupancy(float(conc_uM), ligand)),
            "ligand": ligand, "t_end_ms": float(t_end_ms), "n_points": int(n_points), "params": params.values()}


@lru_cache(maxsize=1)
def _transient_store() -> tuple[dict, ...]:
    try:
        return tuple(json.loads(TRANSIENT_STORE.read_text(encoding="utf-8"))["transients"])
    except (OSError, ValueError, KeyError):
        return ()


def _stored_transient(c: float, t_end_ms: float, n_points: int, ligand: str, params: CircuitParams) -> Transient | None:
    inputs = transient_inputs(c, t_end_ms, n_points, ligand, params)
    for entry in _transient_store():
        if entry.get("inputs") == inputs:
            t = np.linspace(0.0, float(t_end_ms), int(n_points))
            return Transient(t_ms=t, e_rate=np.array(entry["e_rate"]), i_rate=np.array(entry["i_rate"]), conc_uM=c)
    return None


def integrate_transient(conc_uM: float, t_end_ms: float = 200.0, n_points: int = 401, ligand: str = "ketamine",
                        params: CircuitParams = DEFAULT) -> Transient:
    """:func:`transient`, always integrated (:func:`scipy.integrate.solve_ivp`)."""
    c = float(_check_conc(conc_uM))
    if not t_end_ms > 0:
        raise ValueError(f"t_end_ms must be > 0 (got {t_end_ms!r})")
    v = params.values()
    occ = float(nmda_block.occupancy(c, ligand))
    ge = 1.0 - v["nmda_share_e"] * occ
    gi = 1.0 - v["nmda_share_i"] * occ
    e0, i0 = _fixed_point(np.zeros(1), v)

    def rhs(_t: float, y: np.ndarray) -> list[float]:
        e, i = y
        de = (-e + max(ge * (v["w_ee"] * e + v["h_e"]) - v["w_ei"] * i, 0.0)) / v["tau_e_ms"]
        di = (-i + max(gi * (v["w_ie"] * e + v["h_i"]) - v["w_ii"] * i, 0.0)) / v["tau_i_ms"]
        return [de, di]

    t = np.linspace(0.0, float(t_end_ms), int(n_points))
    from scipy.integrate import solve_ivp  # lazy: kernels of pages that never call this skip it
    sol = solve_ivp(rhs, (0.0, float(t_end_ms)), [float(e0[0]), float(i0[0])], t_eval=t, rtol=1e-8, atol=1e-10)
    return Transient(t_ms=t, e_rate=sol.y[0], i_rate=sol.y[1], conc_uM=c)
