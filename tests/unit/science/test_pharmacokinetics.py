"""katlearn.science.pharmacokinetics: invariants, argument checks and literature checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.science import params as P
from katlearn.science import _precompute, pharmacokinetics

EXTRAVASCULAR = [r for r, v in pharmacokinetics.ROUTES.items() if v.extravascular]
MODELS = list(pharmacokinetics.MODELS)


def _sim(route: str, dose: float = 0.5, **kw):
    if route == "iv_infusion":
        kw.setdefault("infusion_min", 40.0)
    return pharmacokinetics.simulate(route, dose, **kw)


# --- public surface -------------------------------------------------------------------------------
def test_routes_and_models_exposed():
    for r in ("iv_bolus", "iv_infusion", "im", "intranasal", "sublingual", "oral"):
        assert r in pharmacokinetics.ROUTES
    assert set(pharmacokinetics.MODELS) == {"clements1981", "domino1984"}
    assert pharmacokinetics.MODELS["clements1981"].compartments == 2
    assert pharmacokinetics.MODELS["domino1984"].compartments == 3


def test_result_is_frozen_with_expected_fields():
    c = pharmacokinetics.simulate("iv_infusion", 0.5, 70, infusion_min=40, t_end_min=480, model="clements1981")
    assert c.t_min.shape == c.conc_ng_ml.shape == (500,)
    assert (c.route, c.model, c.dose_mg_per_kg, c.F) == ("iv_infusion", "clements1981", 0.5, 1.0)
    assert c.dose_mg == pytest.approx(35.0)
    with pytest.raises(AttributeError):
        c.cmax_ng_ml = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        c.conc_ng_ml[0] = 1.0


def test_n_points_and_grid():
    c = _sim("oral", n_points=37, t_end_min=90)
    assert c.t_min.size == 37 and c.t_min[0] == 0 and c.t_min[-1] == 90


# --- argument validation --------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, needle", [
    (dict(route="iv_bolus", dose_mg_per_kg=-0.1), "dose_mg_per_kg"),
    (dict(route="rectal", dose_mg_per_kg=0.5), "route"),
    (dict(route="iv_bolus", dose_mg_per_kg=0.5, model="nope"), "model"),
    (dict(route="iv_bolus", dose_mg_per_kg=0.5, weight_kg=19.9), "20-250"),
    (dict(route="iv_bolus", dose_mg_per_kg=0.5, weight_kg=251), "20-250"),
    (dict(route="iv_bolus", dose_mg_per_kg=0.5, t_end_min=0), "t_end_min"),
    (dict(route="iv_bolus", dose_mg_per_kg=0.5, t_end_min=-5), "t_end_min"),
    (dict(route="iv_bolus", dose_mg_per_kg=0.5, infusion_min=40), "infusion_min"),
    (dict(route="oral", dose_mg_per_kg=0.5, infusion_min=40), "infusion_min"),
    (dict(route="iv_infusion", dose_mg_per_kg=0.5), "infusion_min"),
    (dict(route="iv_infusion", dose_mg_per_kg=0.5, infusion_min=0), "infusion_min"),
    (dict(route="iv_bolus", dose_mg_per_kg=float("nan")), "dose_mg_per_kg"),
    (dict(route="iv_bolus", dose_mg_per_kg=0.5, n_points=1), "n_points"),
])
def test_bad_arguments_name_the_argument(kwargs, needle):
    with pytest.raises(ValueError, match=needle):
        pharmacokinetics.simulate(**kwargs)


def test_unknown_route_error_lists_allowed_values():
    with pytest.raises(ValueError, match="intranasal"):
        pharmacokinetics.simulate("nasal", 0.5)


# --- invariants (property tests) ------------------------------------------------------------------
doses = st.floats(min_value=0.0, max_value=15.0, allow_nan=False)
weights = st.floats(min_value=20.0, max_value=250.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(route=st.sampled_from(list(pharmacokinetics.ROUTES)), model=st.sampled_from(MODELS), dose=doses, weight=weights,
       t_end=st.floats(min_value=1.0, max_value=3000.0))
def test_concentrations_nonnegative_and_finite(route, model, dose, weight, t_end):
    c = _sim(route, dose, weight_kg=weight, model=model, t_end_min=t_end)
    assert np.all(np.isfinite(c.conc_ng_ml)) and np.all(c.conc_ng_ml >= 0)
    assert c.cmax_ng_ml >= c.conc_ng_ml.max() - 1e-9
    assert 0 <= c.auc_ng_min_per_ml <= c.auc_inf_ng_min_per_ml * (1 + 1e-9) + 1e-9


@settings(max_examples=40, deadline=None)
@given(route=st.sampled_from(list(pharmacokinetics.ROUTES)), model=st.sampled_from(MODELS), dose=st.floats(0.01, 10.0),
       k=st.floats(0.1, 10.0))
def test_dose_proportionality(route, model, dose, k):
    a, b = _sim(route, dose, model=model), _sim(route, dose * k, model=model)
    np.testing.assert_allclose(b.conc_ng_ml, k * a.conc_ng_ml, rtol=1e-9, atol=1e-9)
    assert b.auc_ng_min_per_ml == pytest.approx(k * a.auc_ng_min_per_ml, rel=1e-9)
    assert b.tmax_min == pytest.approx(a.tmax_min, abs=1e-3)


@settings(max_examples=20, deadline=None)
@given(route=st.sampled_from(list(pharmacokinetics.ROUTES)), w1=weights, w2=weights)
def test_mg_per_kg_dosing_gives_weight_independent_levels(route, w1, w2):
    np.testing.assert_allclose(_sim(route, weight_kg=w1).conc_ng_ml, _sim(route, weight_kg=w2).conc_ng_ml,
                               rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("model", MODELS)
def test_auc_iv_equals_dose_over_clearance(model):
    """AUC to infinity after IV = dose / CL with CL = k10·V1; the finite AUC converges to it."""
    c = pharmacokinetics.simulate("iv_bolus", 1.0, 70, model=model, t_end_min=6000, n_points=2000)
    cl_l_min = pharmacokinetics.clearance_ml_per_min_per_kg(model) / 1000 * 70
    expected = 70.0 / cl_l_min * 1000  # mg / (L/min) -> ng·min/mL
    assert c.auc_inf_ng_min_per_ml == pytest.approx(expected, rel=1e-12)
    assert c.auc_ng_min_per_ml == pytest.approx(expected, rel=1e-6)
    # the analytic AUC also matches numerical integration (fine grid over the fast early phases)
    early = pharmacokinetics.simulate("iv_bolus", 1.0, 70, model=model, t_end_min=60, n_points=60001)
    late = pharmacokinetics.simulate("iv_bolus", 1.0, 70, model=model, t_end_min=6000, n_points=6001)
    keep = late.t_min >= 60
    numeric = np.trapezoid(early.conc_ng_ml, early.t_min) + np.trapezoid(late.conc_ng_ml[keep], late.t_min[keep])
    assert numeric == pytest.approx(c.auc_ng_min_per_ml, rel=1e-3)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("route", EXTRAVASCULAR + ["iv_infusion"])
def test_auc_ratio_equals_bioavailability(model, route):
    iv = pharmacokinetics.simulate("iv_bolus", 0.5, model=model, t_end_min=20000, n_points=4000)
    c = _sim(route, 0.5, model=model, t_end_min=20000, n_points=4000)
    assert c.auc_ng_min_per_ml / iv.auc_ng_min_per_ml == pytest.approx(pharmacokinetics.ROUTES[route].F.value, rel=1e-6)


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("route", ["iv_bolus", "iv_infusion"])
def test_terminal_log_slope_gives_beta_half_life(model, route):
    c = _sim(route, 1.0, model=model, t_end_min=2000, n_points=2001)
    tail = c.t_min > 1200
    slope = np.polyfit(c.t_min[tail], np.log(c.conc_ng_ml[tail]), 1)[0]
    assert math.log(2) / -slope == pytest.approx(pharmacokinetics.beta_half_life_min(model), rel=1e-3)


@pytest.mark.parametrize("route", EXTRAVASCULAR)
def test_terminal_half_life_extravascular_clements(route):
    """Absorption is faster than elimination for every route in the 2-compartment model."""
    assert pharmacokinetics.absorption_rate_per_min(route, "clements1981") > math.log(2) / pharmacokinetics.beta_half_life_min("clements1981")
    c = _sim(route, 1.0, model="clements1981", t_end_min=3000, n_points=3001)
    tail = c.t_min > 2000
    slope = np.polyfit(c.t_min[tail], np.log(c.conc_ng_ml[tail]), 1)[0]
    assert math.log(2) / -slope == pytest.approx(pharmacokinetics.beta_half_life_min("clements1981"), rel=2e-3)


def test_domino_oral_is_flip_flop():
    """With the 3-compartment model the fitted oral ka is slower than elimination, so the tail is set by
    absorption and the apparent terminal half-life is longer than the model's beta half-life."""
    ka = pharmacokinetics.absorption_rate_per_min("oral", "domino1984")
    assert ka < math.log(2) / pharmacokinetics.beta_half_life_min("domino1984")
    c = _sim("oral", 1.0, model="domino1984", t_end_min=4000, n_points=4001)
    tail = c.t_min > 3000
    slope = np.polyfit(c.t_min[tail], np.log(c.conc_ng_ml[tail]), 1)[0]
    assert math.log(2) / -slope > pharmacokinetics.beta_half_life_min("domino1984") * 1.05
    assert -slope <= ka * 1.001


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("route", EXTRAVASCULAR)
def test_tmax_within_published_range(model, route):
    target = pharmacokinetics.tmax_target(route)
    c = _sim(route, 0.5, model=model, t_end_min=480, n_points=2000)
    if isinstance(target, P.Range):
        assert target.contains(c.tmax_min)
        grid_tmax = c.t_min[np.argmax(c.conc_ng_ml)]
        assert target.low - 0.25 <= grid_tmax <= target.high + 0.25
    else:
        assert c.tmax_min == pytest.approx(target.value, abs=0.05)
    assert c.tmax_min == pytest.approx(pharmacokinetics.ROUTES[route].tmax_target_min, abs=0.01)


def test_tmax_falls_as_ka_rises():
    """The monotonicity that makes the ka derivation well posed."""
    for model in MODELS:
        t = [_precompute.peak_time_min(model, ka) for ka in (0.002, 0.01, 0.05, 0.2, 1.0)]
        assert all(a > b for a, b in zip(t, t[1:]))


def test_infusion_peaks_at_end_of_infusion():
    for model in MODELS:
        c = pharmacokinetics.simulate("iv_infusion", 0.5, infusion_min=40, model=model)
        assert c.tmax_min == pytest.approx(40.0)


def test_bolus_peaks_at_time_zero_and_decays():
    c = pharmacokinetics.simulate("iv_bolus", 2.0)
    assert c.tmax_min == 0.0 and np.all(np.diff(c.conc_ng_ml) < 0)


def test_unit_conversion():
    assert pharmacokinetics.to_micromolar(237.73) == pytest.approx(1.0)
    assert pharmacokinetics.to_micromolar(185.0) == pytest.approx(0.78, abs=0.005)  # Zanos 2018 Table 1: 185 ng/mL = 0.78 uM
    np.testing.assert_allclose(pharmacokinetics.to_ng_ml(pharmacokinetics.to_micromolar(np.array([1.0, 50.0]))), [1.0, 50.0])


# --- literature checks ----------------------------------------------------------------------------
def test_clements_clearance_matches_kamp_meta_analysis():
    """Kamp 2020: 79 L/h per 70 kg (95% CI 69-90) = 18.8 mL/min/kg."""
    kamp = P.CLEARANCE_70KG.value * 1000 / 60 / 70
    assert pharmacokinetics.clearance_ml_per_min_per_kg("clements1981") == pytest.approx(kamp, rel=0.05)
    lo, hi = (x * 1000 / 60 / 70 for x in (P.CLEARANCE_70KG_CI.low, P.CLEARANCE_70KG_CI.high))
    assert lo <= pharmacokinetics.clearance_ml_per_min_per_kg("clements1981") <= hi


def test_clements_volume_near_kamp_meta_analysis():
    """Kamp 2020: 252 L per 70 kg = 3.6 L/kg; the 2-compartment Vss is within 20%."""
    assert pharmacokinetics.vss_l_per_kg("clements1981") == pytest.approx(P.VOLUME_70KG.value / 70, rel=0.20)


def test_half_lives_against_reported_values():
    beta_c, beta_d = pharmacokinetics.beta_half_life_min("clements1981"), pharmacokinetics.beta_half_life_min("domino1984")
    assert beta_d == pytest.approx(P.BETA_HALF_LIFE_YANAGIHARA.value, rel=0.05)  # ~120 min
    # Clements' terminal half-life is ~3.05 h: just above the 2-3 h quoted from the label
    assert P.BETA_HALF_LIFE_LABEL.low <= beta_c <= P.BETA_HALF_LIFE_LABEL.high * 1.05
    assert P.ALPHA_HALF_LIFE_LABEL.low <= pharmacokinetics.alpha_half_life_min("clements1981") <= P.ALPHA_HALF_LIFE_LABEL.high * 1.2


def test_antidepressant_protocol_end_of_infusion_level():
    """0.5 mg/kg over 40 min: ~185 ng/mL at the end of infusion (Zanos 2018 Table 1, quoting Zarate 2006)."""
    ref = P.ANTIDEPRESSANT_END_OF_INFUSION.value
    clem = pharmacokinetics.simulate("iv_infusion", 0.5, infusion_min=40, model="clements1981")
    assert clem.cmax_ng_ml == pytest.approx(ref, rel=0.10)
    for model in MODELS:
        c = pharmacokinetics.simulate("iv_infusion", 0.5, infusion_min=40, model=model)
        assert P.DISSOCIATIVE_PLASMA.contains(c.cmax_ng_ml)  # 100-250 ng/mL (Krystal 1994)
        assert c.cmax_ng_ml > P.ANALGESIC_PLASMA.low


@pytest.mark.parametrize("model", MODELS)
def test_anaesthetic_bolus_reaches_anaesthetic_range(model):
    """Mid-range induction dose (2.75 mg/kg IV) sits in the 1200-2400 ng/mL range at 5 min (Zanos 2018)."""
    dose = P.ANAESTHETIC_IV_DOSE.mid
    c = pharmacokinetics.simulate("iv_bolus", dose, model=model, t_end_min=60, n_points=61)
    assert P.ANAESTHETIC_PLASMA.contains(float(np.interp(5.0, c.t_min, c.conc_ng_ml)))
    # and a subanaesthetic 0.5 mg/kg infusion stays far below it
    assert pharmacokinetics.simulate("iv_infusion", 0.5, infusion_min=40, model=model).cmax_ng_ml < P.ANAESTHETIC_PLASMA.low / 4


def test_anaesthetic_bolus_ordering_across_label_range():
    for model in MODELS:
        lo = pharmacokinetics.simulate("iv_bolus", P.ANAESTHETIC_IV_DOSE.low, model=model, t_end_min=10, n_points=11)
        hi = pharmacokinetics.simulate("iv_bolus", P.ANAESTHETIC_IV_DOSE.high, model=model, t_end_min=10, n_points=11)
        assert hi.conc_ng_ml[5] > P.ANAESTHETIC_PLASMA.low  # 4.5 mg/kg: anaesthetic at 5 min
        assert lo.conc_ng_ml[5] < P.ANAESTHETIC_PLASMA.low  # 1 mg/kg: below it by 5 min


def test_bioavailability_and_tmax_expose_refs():
    assert pharmacokinetics.bioavailability("sublingual").value == 0.29 and pharmacokinetics.bioavailability("sublingual").ref == "rolan2014"
    assert pharmacokinetics.bioavailability("iv_bolus").value == 1.0
    assert pharmacokinetics.tmax_target("intranasal").ref == "pharmacotherapy2022"
    with pytest.raises(ValueError, match="route"):
        pharmacokinetics.absorption_rate_per_min("iv_bolus")


def test_ka_table_covers_every_extravascular_route_and_model():
    assert set(pharmacokinetics.KA_PER_MIN) == {(m, r) for m in MODELS for r in EXTRAVASCULAR}
    assert all(ka > 0 for ka in pharmacokinetics.KA_PER_MIN.values())


def test_fast_enough():
    import timeit

    for route in pharmacokinetics.ROUTES:
        per_call = min(timeit.repeat(lambda: _sim(route), number=20, repeat=3)) / 20
        assert per_call < 5e-3, f"{route}: {per_call * 1e3:.2f} ms for 500 points"


# Published values, typed in again from science-facts.md / the papers so a wrong edit in params.py fails here.
PUBLISHED_F = {"im": 0.93, "intranasal": 0.45, "sublingual": 0.29, "oral": 0.20, "iv_bolus": 1.0, "iv_infusion": 1.0}
PUBLISHED_TMAX_MIN = {"im": (20, 30), "intranasal": (14, 23), "sublingual": (15, 60), "oral": (60, 60)}


@pytest.mark.parametrize("route", list(PUBLISHED_F))
def test_route_bioavailability_matches_published(route):
    assert pharmacokinetics.bioavailability(route).value == PUBLISHED_F[route]
    c = _sim(route, 0.5, t_end_min=20000, n_points=3000)
    assert c.auc_inf_ng_min_per_ml / pharmacokinetics.simulate("iv_bolus", 0.5).auc_inf_ng_min_per_ml == pytest.approx(
        PUBLISHED_F[route])


@pytest.mark.parametrize("route", list(PUBLISHED_TMAX_MIN))
def test_route_tmax_matches_published(route):
    lo, hi = PUBLISHED_TMAX_MIN[route]
    for model in MODELS:
        assert lo - 0.05 <= _sim(route, model=model).tmax_min <= hi + 0.05
