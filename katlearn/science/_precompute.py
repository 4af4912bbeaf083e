"""Numbers computed once on a maintainer's machine and stored with their inputs, so that page
kernels neither fit nor integrate (``python -m katlearn fit-constants`` writes them; tests
re-run the computation and compare).

Absorption rates ``ka`` fitted to published Tmax (``pk_fitted.json``)
---------------------------------------------------------------------

After a single extravascular dose, Tmax depends only on ``ka`` and the disposition model (not on
dose, weight or F) and falls monotonically as ``ka`` rises. For each (model, route) pair
:func:`fit_absorption_rates` solves ``Tmax(ka) = target`` with :func:`scipy.optimize.brentq`,
where ``target`` is the published value (or the midpoint of a published range) of
:data:`katlearn.science.pharmacokinetics.ROUTES`. The result is stored with the numbers it came from in
``pk_fitted.json`` (:data:`katlearn.science.pharmacokinetics.FITTED_STORE`) by ``python -m katlearn fit-constants``;
:mod:`katlearn.science.pharmacokinetics` reads it at import and refuses a file whose inputs no longer match
:mod:`katlearn.science.params`. ``tests/unit/science/test_precompute.py`` re-runs the fit.

Circuit transients (``circuit_transients.json``)
------------------------------------------------
:func:`katlearn.science.disinhibition.transient` at the levels the explorer offers, integrated with
:func:`scipy.integrate.solve_ivp` and stored with every input; ``disinhibition.transient`` uses a stored
one only when all its inputs match.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from scipy.optimize import brentq, minimize_scalar

from katlearn.science import disinhibition, pharmacokinetics

METHOD = "scipy.optimize.brentq on the exact peak time (bounded minimize_scalar), ka in [1e-3, 50] 1/min, xtol 1e-12"


def peak_time_min(model: str, ka_per_min: float) -> float:
    """Exact time of the peak after a single extravascular dose (independent of dose, F, weight)."""
    d = pharmacokinetics._DISPOSITION[model]
    lam = d.lam
    hi = 20.0 / min(ka_per_min, lam[-1])
    grid = np.linspace(0.0, hi, 2001)
    c = d.modes[0] @ pharmacokinetics._absorption_kernel(lam, ka_per_min, grid)
    i = int(np.argmax(c))
    lo_t, hi_t = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]

    def neg(tt: float) -> float:
        return -float(d.modes[0] @ pharmacokinetics._absorption_kernel(lam, ka_per_min, np.array([tt]))[:, 0])

    res = minimize_scalar(neg, bounds=(lo_t, hi_t), method="bounded", options={"xatol": 1e-7})
    return float(res.x)


def fit_ka_per_min(model: str, tmax_min: float) -> float:
    """The ``ka`` (1/min) whose single-dose peak falls at ``tmax_min`` under ``model``."""
    return float(brentq(lambda ka: peak_time_min(model, ka) - tmax_min, 1e-3, 50.0, xtol=1e-12, rtol=1e-10))


def fit_absorption_rates() -> dict:
    """Every (model, extravascular route) pair: its inputs (as :func:`pharmacokinetics.fit_inputs` states them)
    and the fitted ``ka_per_min``, in the shape ``pk_fitted.json`` stores."""
    entries = []
    for inputs in pharmacokinetics.fit_inputs():
        ka = fit_ka_per_min(inputs["model"], inputs["tmax_target_min"])
        entries.append({**inputs, "ka_per_min": ka})
    return {"about": "absorption rates fitted to published Tmax; written by python -m katlearn fit-constants",
            "method": METHOD, "entries": entries}


def write_fitted(path: Path | None = None) -> Path:
    """Fit and store the table (default: the package's ``pk_fitted.json``); returns the path."""
    path = path or pharmacokinetics.FITTED_STORE
    path.write_text(json.dumps(fit_absorption_rates(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return path


def integrate_transients(levels_um: Iterable[float]) -> dict:
    """Each level's transient with the default settings, in the shape ``circuit_transients.json`` stores."""
    out = []
    for c in sorted(set(float(x) for x in levels_um)):
        tr = disinhibition.integrate_transient(c)
        out.append({"inputs": disinhibition.transient_inputs(c), "e_rate": tr.e_rate.tolist(), "i_rate": tr.i_rate.tolist()})
    return {"about": "disinhibition.transient at the explorer's levels; written by python -m katlearn fit-constants",
            "transients": out}


def write_transients(levels_um: Iterable[float], path: Path | None = None) -> Path:
    path = path or disinhibition.TRANSIENT_STORE
    path.write_text(json.dumps(integrate_transients(levels_um)) + "\n", encoding="utf-8")
    disinhibition._transient_store.cache_clear()
    return path
