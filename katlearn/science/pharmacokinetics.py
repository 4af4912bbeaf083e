"""Plasma pharmacokinetics of racemic ketamine from published compartment models.

Disposition follows a linear mammillary compartment model (``"clements1981"``: two compartments;
``"domino1984"``: three). The model is solved exactly: the rate matrix is eigen-decomposed once per
model, and every route is a closed-form sum of exponentials, so a 500-point curve costs well under a
millisecond.

Routes
------
``iv_bolus`` and ``iv_infusion`` (zero-order, over ``infusion_min``) enter the central compartment.
Extravascular routes (``im``, ``intranasal``, ``sublingual``, ``oral``) add a first-order absorption
depot with bioavailability ``F`` (published per route) and rate ``ka``.

How ``ka`` is chosen
--------------------
No single paper gives ``ka`` for each route, but the time to peak (Tmax) is published. After a single
extravascular dose, Tmax depends only on ``ka`` and the disposition model (not on dose, weight or F),
and it falls monotonically as ``ka`` rises. For each (model, route) pair we therefore solve
``Tmax(ka) = target`` with :func:`scipy.optimize.brentq`, where ``target`` is the published value (or
the midpoint of a published range) in :data:`ROUTES`. The fit runs once, on a maintainer's machine
(``python -m katlearn fit-constants``, :mod:`katlearn.science._precompute`), and its result is stored
with the numbers it came from in ``pk_fitted.json``; :data:`KA_PER_MIN` is read from there, so no
learner's kernel fits anything (or imports :mod:`scipy.optimize`). A stored table whose inputs no
longer match :mod:`katlearn.science.params` is refused at import, and a test re-runs the fit.

Everything here is educational; it is not a dosing tool.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import numpy as np

from katlearn.science import params as P
from katlearn.science._pk_tables import MODELS, PLASMA_RANGES, PROTOCOLS, ROUTES, PKModel, Protocol, Route

__all__ = [
    "ROUTES", "MODELS", "KA_PER_MIN", "PROTOCOLS", "PLASMA_RANGES", "Route", "PKModel", "PKCurve", "Protocol",
    "simulate", "to_micromolar", "to_ng_ml", "beta_half_life_min", "alpha_half_life_min",
    "clearance_ml_per_min_per_kg", "vss_l_per_kg", "bioavailability", "tmax_target", "absorption_rate_per_min",
]

MG_PER_L_TO_NG_PER_ML = 1000.0  # unit conversion, not a literature number
WEIGHT_RANGE_KG = (20.0, 250.0)  # input validation bounds (adult-ish bodies), not a literature number


# ---------------------------------------------------------------------------------------------
# Disposition: eigen-decomposition of the rate matrix
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Disposition:
    lam: np.ndarray  # (n,) positive decay rates, 1/min, sorted fast -> slow
    modes: np.ndarray  # (n_comp, n) amount in each compartment per unit amount put into the central one
    v1_l_per_kg: float
    k10: float


def _rate_matrix(m: PKModel) -> np.ndarray:
    k10, k12, k21 = m.rate("k10_per_min"), m.rate("k12_per_min"), m.rate("k21_per_min")
    k13, k31 = m.rate("k13_per_min"), m.rate("k31_per_min")
    if m.compartments == 2:
        return np.array([[-(k10 + k12), k21], [k12, -k21]])
    return np.array([[-(k10 + k12 + k13), k21, k31], [k12, -k21, 0.0], [k13, 0.0, -k31]])


def _make_disposition(m: PKModel) -> _Disposition:
    a = _rate_matrix(m)
    w, v = np.linalg.eig(a)
    if np.max(np.abs(w.imag)) > 1e-12:  # mammillary models have real eigenvalues
        raise RuntimeError(f"model {m.name}: complex eigenvalues")
    w, v = w.real, v.real
    order = np.argsort(w)  # most negative first = fastest
    w, v = w[order], v[:, order]
    vinv = np.linalg.inv(v)
    modes = v * vinv[:, 0][None, :]
    return _Disposition(lam=-w, modes=modes, v1_l_per_kg=m.v1_l_per_kg, k10=m.rate("k10_per_min"))


_DISPOSITION: Mapping[str, _Disposition] = MappingProxyType({k: _make_disposition(m) for k, m in MODELS.items()})


def _absorption_kernel(lam: np.ndarray, ka: float, t: np.ndarray) -> np.ndarray:
    """(exp(-lam t) - exp(-ka t)) / (ka - lam), evaluated without overflow or 0/0."""
    lam = lam[:, None]
    lo = np.minimum(lam, ka)
    d = np.abs(ka - lam)
    dt = d * t[None, :]
    safe = np.where(d > 0, d, 1.0)
    ratio = np.where(dt > 1e-12, -np.expm1(-dt) / safe, t[None, :])
    return np.exp(-lo * t[None, :]) * ratio


def _inputs(route: str, lam: np.ndarray, t: np.ndarray, dose: float, F: float, ka: float | None,
            infusion_min: float | None) -> tuple[np.ndarray, np.ndarray]:
    """Modal amplitudes g (n, len(t)) and the cumulative amount absorbed into the body at each t."""
    if route == "iv_bolus":
        return dose * np.exp(-lam[:, None] * t[None, :]), np.full_like(t, dose)
    if route == "iv_infusion":
        assert infusion_min is not None
        rate = dose / infusion_min
        tau = np.minimum(t, infusion_min)
        g = rate * (np.exp(-lam[:, None] * (t - tau)[None, :]) - np.exp(-lam[:, None] * t[None, :])) / lam[:, None]
        return g, rate * tau
    assert ka is not None
    g = F * dose * ka * _absorption_kernel(lam, ka, t)
    return g, F * dose * -np.expm1(-ka * t)


def _central_conc_ng_ml(model: str, route: str, t: np.ndarray, dose_mg: float, weight_kg: float, F: float,
                        ka: float | None, infusion_min: float | None) -> tuple[np.ndarray, np.ndarray]:
    d = _DISPOSITION[model]
    g, absorbed = _inputs(route, d.lam, t, dose_mg, F, ka, infusion_min)
    amounts = d.modes @ g  # mg in each compartment
    v1_l = d.v1_l_per_kg * weight_kg
    conc = np.maximum(amounts[0], 0.0) / v1_l * MG_PER_L_TO_NG_PER_ML
    body = amounts.sum(axis=0)
    return conc, absorbed - body  # second: amount eliminated so far (mg)


# ---------------------------------------------------------------------------------------------
# Absorption rate from Tmax
# ---------------------------------------------------------------------------------------------
FITTED_STORE = Path(__file__).with_name("pk_fitted.json")


def fit_inputs() -> list[dict]:
    """What each stored ``ka`` was fitted from: model, route, Tmax target and its reference, and
    the model's disposition parameters (the only numbers Tmax depends on)."""
    out = []
    for m, model in MODELS.items():
        for r, route in ROUTES.items():
            if not route.extravascular or route.tmax_target_min is None:
                continue
            out.append({"model": m, "route": r, "tmax_target_min": route.tmax_target_min,
                        "tmax_ref": route.tmax.ref if route.tmax is not None else "",
                        "disposition": {k: p.value for k, p in sorted(model.params.items())}})
    return out


def _load_fitted(path: Path = FITTED_STORE) -> Mapping[tuple[str, str], float]:
    """The stored ``ka`` table, after checking it was fitted from today's parameters."""
    redo = "; rerun python -m katlearn fit-constants"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))["entries"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(f"{path}: fitted absorption rates could not be read ({exc}){redo}") from exc
    by_pair = {(e.get("model"), e.get("route")): e for e in stored if isinstance(e, dict)}
    table = {}
    for inputs in fit_inputs():
        key = (inputs["model"], inputs["route"])
        entry = by_pair.get(key)
        if entry is None:
            raise RuntimeError(f"{path}: no fitted ka for model {key[0]!r}, route {key[1]!r}{redo}")
        for name, value in inputs.items():
            if entry.get(name) != value:
                raise RuntimeError(f"{path}: {key[0]}/{key[1]}: {name} is {entry.get(name)!r} in the file but "
                                   f"{value!r} in katlearn.science.params{redo}")
        table[key] = float(entry["ka_per_min"])
    return MappingProxyType(table)


@lru_cache(maxsize=1)
def _ka_table() -> Mapping[tuple[str, str], float]:
    return _load_fitted()


def __getattr__(name: str):
    # KA_PER_MIN is read on first use, not at import, so the maintainer command that (re)writes the
    # file can import this module when the file is missing or stale
    if name == "KA_PER_MIN":
        return _ka_table()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PKCurve:
    """Plasma concentration of racemic ketamine after one dose.

    ``t_min`` and ``conc_ng_ml`` have shape ``(n_points,)``. ``cmax_ng_ml``/``tmax_min`` are the exact peak
    (refined between samples), so ``cmax_ng_ml`` can slightly exceed ``conc_ng_ml.max()``.
    ``auc_ng_min_per_ml`` is the exact area from 0 to ``t_end_min``; ``auc_inf_ng_min_per_ml`` to infinity.
    """

    route: str
    model: str
    dose_mg_per_kg: float
    weight_kg: float
    dose_mg: float
    F: float
    infusion_min: float | None
    ka_per_min: float | None
    t_min: np.ndarray = field(repr=False)
    conc_ng_ml: np.ndarray = field(repr=False)
    cmax_ng_ml: float
    tmax_min: float
    auc_ng_min_per_ml: float
    auc_inf_ng_min_per_ml: float

    @property
    def conc_uM(self) -> np.ndarray:
        return to_micromolar(self.conc_ng_ml)


def _choice(name: str, value: str, allowed: Mapping[str, object]) -> None:
    if value not in allowed:
        raise ValueError(f"{name}={value!r} is not known; allowed: {', '.join(sorted(allowed))}")


def _positive(name: str, value: float, allow_zero: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number (got {value!r})") from None
    if not math.isfinite(x) or x < 0 or (x == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number {bound} (got {value!r})")
    return x


def _refine_peak(f, lo: float, hi: float, points: int = 65, rounds: int = 4) -> tuple[float, float]:
    """Time and value of the one maximum of ``f`` (vectorised) within [lo, hi]: the grid's best
    point, then a finer grid around it, ``rounds`` times (bracket shrinks 32-fold a round, so
    four rounds pin the peak to ~1e-6 of the bracket without an optimiser import)."""
    for _ in range(rounds):
        tt = np.linspace(lo, hi, points)
        cc = f(tt)
        k = int(np.argmax(cc))
        lo, hi = float(tt[max(k - 1, 0)]), float(tt[min(k + 1, points - 1)])
    return float(tt[k]), float(cc[k])


def simulate(route: str, dose_mg_per_kg: float, weight_kg: float = 70.0, *, infusion_min: float | None = None,
             t_end_min: float = 480.0, model: str = "clements1981", n_points: int = 500) -> PKCurve:
    """Plasma ketamine after one dose by ``route``, from the published ``model``.

    Parameters
    ----------
    route : one of :data:`ROUTES`.
    dose_mg_per_kg : dose as ketamine base, mg per kg (>= 0).
    weight_kg : body weight, 20-250 kg.
    infusion_min : infusion duration; required for ``"iv_infusion"``, not allowed otherwise.
    t_end_min : end of the time grid (> 0); the grid starts at 0.
    model : one of :data:`MODELS`.
    n_points : number of time points (>= 2).
    """
    _choice("route", route, ROUTES)
    _choice("model", model, MODELS)
    dose_mg_per_kg = _positive("dose_mg_per_kg", dose_mg_per_kg, allow_zero=True)
    weight_kg = _positive("weight_kg", weight_kg)
    if not WEIGHT_RANGE_KG[0] <= weight_kg <= WEIGHT_RANGE_KG[1]:
        raise ValueError(f"weight_kg must be within {WEIGHT_RANGE_KG[0]:g}-{WEIGHT_RANGE_KG[1]:g} kg "
                         f"(got {weight_kg:g})")
    t_end_min = _positive("t_end_min", t_end_min)
    if isinstance(n_points, bool) or not isinstance(n_points, (int, np.integer)) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2 (got {n_points!r})")
    if route == "iv_infusion":
        if infusion_min is None:
            raise ValueError("infusion_min is required for route='iv_infusion' (e.g. 40)")
        infusion_min = _positive("infusion_min", infusion_min)
    elif infusion_min is not None:
        raise ValueError(f"infusion_min applies to route='iv_infusion' only (got route={route!r})")

    r = ROUTES[route]
    F = float(r.F.value)
    ka = _ka_table()[(model, route)] if r.extravascular else None
    dose_mg = dose_mg_per_kg * weight_kg
    t = np.linspace(0.0, t_end_min, int(n_points))
    conc, _ = _central_conc_ng_ml(model, route, t, dose_mg, weight_kg, F, ka, infusion_min)

    def conc_at(tt: np.ndarray) -> np.ndarray:
        return _central_conc_ng_ml(model, route, tt, dose_mg, weight_kg, F, ka, infusion_min)[0]

    def c_at(tt: float) -> float:
        return float(conc_at(np.array([tt]))[0])

    i = int(np.argmax(conc))
    cand_t, cand_c = [float(t[i])], [float(conc[i])]
    if 0 < i < t.size - 1 and dose_mg > 0:
        peak_t, peak_c = _refine_peak(conc_at, float(t[i - 1]), float(t[i + 1]))
        cand_t.append(peak_t)
        cand_c.append(peak_c)
    if route == "iv_infusion" and infusion_min <= t_end_min:
        cand_t.append(infusion_min)
        cand_c.append(c_at(infusion_min))
    j = int(np.argmax(cand_c))

    cl_l_per_min = _DISPOSITION[model].k10 * _DISPOSITION[model].v1_l_per_kg * weight_kg
    eliminated_end = _central_conc_ng_ml(model, route, np.array([t_end_min]), dose_mg, weight_kg, F, ka,
                                         infusion_min)[1][0]
    auc = max(float(eliminated_end), 0.0) / cl_l_per_min * MG_PER_L_TO_NG_PER_ML
    auc_inf = F * dose_mg / cl_l_per_min * MG_PER_L_TO_NG_PER_ML

    t.setflags(write=False)
    conc.setflags(write=False)
    return PKCurve(route=route, model=model, dose_mg_per_kg=dose_mg_per_kg, weight_kg=weight_kg, dose_mg=dose_mg,
                   F=F, infusion_min=infusion_min, ka_per_min=ka, t_min=t, conc_ng_ml=conc,
                   cmax_ng_ml=cand_c[j], tmax_min=cand_t[j], auc_ng_min_per_ml=auc, auc_inf_ng_min_per_ml=auc_inf)


def to_micromolar(conc_ng_ml: np.ndarray | float) -> np.ndarray | float:
    """ng/mL (= µg/L) of ketamine base to µM, via the free-base molecular weight 237.73 g/mol."""
    return np.asarray(conc_ng_ml, dtype=float) / P.MW_BASE.value if np.ndim(conc_ng_ml) else \
        float(conc_ng_ml) / P.MW_BASE.value


def to_ng_ml(conc_uM: np.ndarray | float) -> np.ndarray | float:
    """µM of ketamine base to ng/mL."""
    return np.asarray(conc_uM, dtype=float) * P.MW_BASE.value if np.ndim(conc_uM) else \
        float(conc_uM) * P.MW_BASE.value


def _model(model: str) -> PKModel:
    _choice("model", model, MODELS)
    return MODELS[model]


def beta_half_life_min(model: str = "clements1981") -> float:
    """Terminal (slowest) half-life of the model, min: ln 2 over its smallest eigenvalue."""
    _model(model)
    return math.log(2.0) / float(_DISPOSITION[model].lam[-1])


def alpha_half_life_min(model: str = "clements1981") -> float:
    """Distribution half-life, min: ln 2 over the second-slowest eigenvalue."""
    _model(model)
    return math.log(2.0) / float(_DISPOSITION[model].lam[-2])


def clearance_ml_per_min_per_kg(model: str = "clements1981") -> float:
    """Clearance CL = k10 · V1, in mL/min per kg."""
    m = _model(model)
    return m.rate("k10_per_min") * m.v1_l_per_kg * 1000.0


def vss_l_per_kg(model: str = "clements1981") -> float:
    """Volume of distribution at steady state, V1 · (1 + k12/k21 + k13/k31), L/kg."""
    m = _model(model)
    v = 1.0 + m.rate("k12_per_min") / m.rate("k21_per_min")
    if m.compartments == 3:
        v += m.rate("k13_per_min") / m.rate("k31_per_min")
    return m.v1_l_per_kg * v


def bioavailability(route: str) -> P.Param | P.Assumption:
    """The route's bioavailability F with its reference key (IV: 1 by definition)."""
    _choice("route", route, ROUTES)
    return ROUTES[route].F


def tmax_target(route: str) -> P.Param | P.Range | None:
    """The published time to peak for ``route`` (value or range, with reference key)."""
    _choice("route", route, ROUTES)
    return ROUTES[route].tmax


def absorption_rate_per_min(route: str, model: str = "clements1981") -> float:
    """First-order absorption rate ``ka`` (1/min) fitted to the route's published Tmax."""
    _choice("route", route, ROUTES)
    _model(model)
    if not ROUTES[route].extravascular:
        raise ValueError(f"route={route!r} has no absorption phase; choose one of "
                         f"{', '.join(r for r, v in ROUTES.items() if v.extravascular)}")
    return _ka_table()[(model, route)]
