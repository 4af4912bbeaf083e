"""The NMDA receptor: Mg²⁺ block, ketamine occupancy, I–V curves and use-dependent (trapping) block.

What is literature and what is model:

* Mg²⁺ block ``B(V)`` is the Jahr & Stevens (1990) fit.
* Occupancy is a one-site (Langmuir/Hill n = 1) curve ``c / (c + Ki)`` with binding Ki values from one
  assay: [³H]MK-801 displacement in rat brain membranes (Ebert 1997), for (S)- and (R)-ketamine and
  (S)-/(R)-norketamine.
* Racemic ketamine was not measured in that assay, so its Ki is **derived** from the two enantiomers as a
  50:50 mixture competing for one site: at total concentration ``c`` each enantiomer is at ``c/2``, and
  occupancy ``(c/2Ks + c/2Kr) / (1 + c/2Ks + c/2Kr)`` is again ``c / (c + K)`` with
  ``K = 1 / (0.5/Ks + 0.5/Kr)`` ≈ 0.49 µM (:func:`racemic_ki_uM`). Racemic values measured in other assays
  (about 0.12–0.5 µM) are quoted in prose, never drawn beside these.
* A binding Ki is not the same quantity as a channel-block IC50. Orser et al. (1997) measured open
  probability at 24 % of control with 1 µM and 53 % with 0.1 µM racemic ketamine in cell-attached patches;
  read through the one-site curve those points imply Ki ≈ 0.32 and 0.11 µM, so the binding-based model
  under-states block in those patches (:func:`implied_ki_uM`).
* Ketamine block is modelled as voltage-independent, which it is not exactly; only Mg²⁺ block
  carries voltage dependence here.
* Currents are in arbitrary units: ``-1`` is the current with no Mg²⁺ and no drug at -100 mV, with a
  reversal potential of 0 mV (a convention, see :data:`katlearn.science.params.NMDA_REVERSAL`).
* :func:`use_dependent_block` is a two-state teaching model of an open-channel trapping blocker:
  binding and unbinding happen only while channels are open; between openings trapped drug stays put
  (perfect trapping by default; ketamine's trapping is partial, which ``escape_per_interval`` can show).
  Its time scale (open time × unbinding rate) and open probability are assumptions, not measurements.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from katlearn.science import params as P

__all__ = ["LIGANDS", "Ligand", "KI_RACEMIC", "racemic_ki_uM", "implied_ki_uM", "UseDependentBlock", "mg_unblocked_fraction", "occupancy", "nmda_current",
           "use_dependent_block", "DEFAULT_P_OPEN", "DEFAULT_OPEN_TIME_X_KOFF"]


@dataclass(frozen=True)
class Ligand:
    """A PCP-site ligand with its NMDA-receptor binding constant."""

    name: str
    label: str
    ki: P.Param

    @property
    def ki_uM(self) -> float:
        return self.ki.value

    @property
    def ref(self) -> str:
        return self.ki.ref


def racemic_ki_uM(ki_s_uM: float, ki_r_uM: float, fraction_s: float = 0.5) -> float:
    """Apparent Ki of a mixture of two ligands competing for one site, ``fraction_s`` of it the first.

    ``1/K = fraction_s/Ks + (1 - fraction_s)/Kr``: a weighted harmonic mean. For 50:50 (racemic) ketamine
    with the Ebert 1997 values (0.3 and 1.4 µM) this gives ≈ 0.49 µM.
    """
    if not (ki_s_uM > 0 and ki_r_uM > 0):
        raise ValueError(f"Ki values must be > 0 (got {ki_s_uM!r}, {ki_r_uM!r})")
    if not 0.0 <= fraction_s <= 1.0:
        raise ValueError(f"fraction_s must be within 0-1 (got {fraction_s!r})")
    return 1.0 / (fraction_s / ki_s_uM + (1.0 - fraction_s) / ki_r_uM)


def implied_ki_uM(conc_uM: float, unblocked_fraction: float) -> float:
    """The one-site Ki that would leave ``unblocked_fraction`` of receptors free at ``conc_uM``."""
    if not (conc_uM > 0 and 0.0 < unblocked_fraction < 1.0):
        raise ValueError("conc_uM must be > 0 and unblocked_fraction within (0, 1)")
    return conc_uM * unblocked_fraction / (1.0 - unblocked_fraction)


KI_RACEMIC = P.Param(round(racemic_ki_uM(P.KI_ESKETAMINE.value, P.KI_ARKETAMINE.value), 3), "uM", ref="ebert1997",
                     note="derived: 50:50 competitive mixture of the Ebert 1997 enantiomer values, not measured")

LIGANDS: Mapping[str, Ligand] = MappingProxyType({
    "ketamine": Ligand("ketamine", "Ketamine (racemic; derived from the enantiomers)", KI_RACEMIC),
    "esketamine": Ligand("esketamine", "Esketamine, (S)-ketamine", P.KI_ESKETAMINE),
    "arketamine": Ligand("arketamine", "Arketamine, (R)-ketamine", P.KI_ARKETAMINE),
    "norketamine": Ligand("norketamine", "Norketamine (value for the S-enantiomer)", P.KI_S_NORKETAMINE),
    "s_norketamine": Ligand("s_norketamine", "(S)-norketamine", P.KI_S_NORKETAMINE),
    "r_norketamine": Ligand("r_norketamine", "(R)-norketamine", P.KI_R_NORKETAMINE),
})

DEFAULT_P_OPEN = P.Assumption(0.5, "fraction", why="probability a channel opens during one activation; "
                                                    "chosen so block builds over tens of pulses")
DEFAULT_OPEN_TIME_X_KOFF = P.Assumption(
    0.05, "dimensionless", why="open time per activation in units of the blocker's unbinding time constant; "
                               "sets how many pulses block takes to build, not fitted")


def _as_array(name: str, x: object, nonnegative: bool = False) -> np.ndarray:
    a = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} must be finite (got {x!r})")
    if nonnegative and np.any(a < 0):
        raise ValueError(f"{name} must be >= 0 (got {x!r})")
    return a


def _ligand(name: str) -> Ligand:
    if name not in LIGANDS:
        raise ValueError(f"ligand={name!r} is not known; allowed: {', '.join(LIGANDS)}")
    return LIGANDS[name]


def _out(a: np.ndarray, like: object) -> np.ndarray | float:
    return float(a) if np.ndim(like) == 0 else a


def mg_unblocked_fraction(v_mV: np.ndarray | float, mg_mM: float = P.MG_EXTRACELLULAR.value) -> np.ndarray | float:
    """Fraction of NMDA conductance not blocked by extracellular Mg²⁺ (Jahr & Stevens 1990).

    ``B(V) = 1 / (1 + [Mg²⁺]/3.57 mM · exp(-0.062 · V/mV))``; vectorised over ``v_mV``.
    """
    v = _as_array("v_mV", v_mV)
    mg = float(_as_array("mg_mM", mg_mM, nonnegative=True))
    b = 1.0 / (1.0 + mg / P.MG_BLOCK_K0.value * np.exp(-P.MG_BLOCK_SLOPE.value * v))
    return _out(b, v_mV)


def occupancy(conc_uM: np.ndarray | float, ligand: str = "esketamine") -> np.ndarray | float:
    """Fraction of receptors with ``ligand`` bound at equilibrium: ``c / (c + Ki)`` (0..1)."""
    c = _as_array("conc_uM", conc_uM, nonnegative=True)
    ki = _ligand(ligand).ki_uM
    return _out(c / (c + ki), conc_uM)


def nmda_current(v_mV: np.ndarray | float, mg_mM: float = P.MG_EXTRACELLULAR.value, glutamate: bool = True,
                 ketamine_uM: float = 0.0, ligand: str = "ketamine") -> np.ndarray | float:
    """Steady NMDA current (arbitrary units) at holding potential ``v_mV``.

    ``I = B(V) · (1 - occupancy) · (V - E_rev) / 100 mV`` with glutamate present, else 0.
    Negative = inward. ``-1`` is the Mg²⁺-free, drug-free current at -100 mV.
    """
    v = _as_array("v_mV", v_mV)
    _as_array("ketamine_uM", ketamine_uM, nonnegative=True)
    if not glutamate:
        return _out(np.zeros_like(v), v_mV)
    open_frac = 1.0 - np.asarray(occupancy(ketamine_uM, ligand))
    i = np.asarray(mg_unblocked_fraction(v, mg_mM)) * open_frac * (v - P.NMDA_REVERSAL.value) / 100.0
    return _out(i, v_mV)


@dataclass(frozen=True)
class UseDependentBlock:
    """Per-pulse result of :func:`use_dependent_block` (arrays of shape ``(n_pulses,)``)."""

    pulse: np.ndarray = field(repr=False)
    relative_current: np.ndarray = field(repr=False)  # mean unblocked fraction during each pulse (1 = no drug)
    blocked_before: np.ndarray = field(repr=False)  # fraction blocked (incl. trapped) when each pulse starts
    conc_uM: np.ndarray = field(repr=False)
    equilibrium_block: float  # block reached after many pulses at the final concentration


def use_dependent_block(n_pulses: int, ketamine_uM: float | np.ndarray, ligand: str = "ketamine", *,
                        p_open: float = DEFAULT_P_OPEN.value,
                        open_time_x_koff: float = DEFAULT_OPEN_TIME_X_KOFF.value,
                        escape_per_interval: float = 0.0) -> UseDependentBlock:
    """Block that builds only while channels are open (a trapping open-channel blocker).

    Each pulse opens a fraction ``p_open`` of channels for a time ``open_time_x_koff`` (in units of the
    unbinding time constant). While open, drug binds at ``kon·c`` and unbinds at ``koff`` (``koff/kon = Ki``),
    so the blocked fraction relaxes toward ``c/(c+Ki)`` at rate ``p_open·(c/Ki + 1)·open_time_x_koff`` per pulse.
    Between pulses channels are closed: trapped drug stays bound, except a fraction
    ``escape_per_interval`` (0 = perfect trapping). ``ketamine_uM`` may be one value or one per pulse, so a
    washout (zeros) shows that recovery, too, needs openings.
    """
    if isinstance(n_pulses, bool) or not isinstance(n_pulses, (int, np.integer)) or n_pulses < 1:
        raise ValueError(f"n_pulses must be an integer >= 1 (got {n_pulses!r})")
    c = _as_array("ketamine_uM", ketamine_uM, nonnegative=True)
    if c.ndim == 0:
        c = np.full(int(n_pulses), float(c))
    elif c.shape != (n_pulses,):
        raise ValueError(f"ketamine_uM must be a number or have one value per pulse ({n_pulses}); got shape {c.shape}")
    for name, x in (("p_open", p_open), ("escape_per_interval", escape_per_interval)):
        if not 0.0 <= float(x) <= 1.0:
            raise ValueError(f"{name} must be within 0-1 (got {x!r})")
    if not float(open_time_x_koff) > 0:
        raise ValueError(f"open_time_x_koff must be > 0 (got {open_time_x_koff!r})")
    ki = _ligand(ligand).ki_uM

    b_eq = c / (c + ki)
    rate = p_open * (c / ki + 1.0) * open_time_x_koff  # per pulse
    decay = np.exp(-rate)
    mean_factor = np.where(rate > 1e-12, -np.expm1(-rate) / np.where(rate > 0, rate, 1.0), 1.0)

    blocked_before = np.empty(n_pulses)
    current = np.empty(n_pulses)
    b = 0.0
    for n in range(n_pulses):
        blocked_before[n] = b
        # only the p_open fraction of channels conducts and exchanges drug; their block follows the relaxation
        mean_b = b_eq[n] + (b - b_eq[n]) * mean_factor[n]
        current[n] = 1.0 - mean_b
        b = b_eq[n] + (b - b_eq[n]) * decay[n]
        b *= 1.0 - escape_per_interval
    arrays = (np.arange(1, n_pulses + 1), current, blocked_before, c)
    for a in arrays:
        a.setflags(write=False)
    return UseDependentBlock(*arrays, equilibrium_block=float(b_eq[-1]))
