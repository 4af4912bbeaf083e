"""katlearn.science.disinhibition: disinhibition model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.science import disinhibition, pharmacokinetics


def test_baseline_both_populations_active():
    s = disinhibition.steady_state(0.0)
    assert s.e_rate > 0 and s.i_rate > 0 and s.glutamate_rel == pytest.approx(1.0)


def test_ketamine_quiets_interneurons_and_raises_pyramidal_firing():
    """Homayoun & Moghaddam 2007 direction; Moghaddam 1997 glutamate rise at subanaesthetic levels."""
    s = disinhibition.sweep(10.0, 100)
    assert np.all(np.diff(s.i_rate) <= 1e-12) and s.i_rate[-1] < s.i_rate[0]
    assert np.all(np.diff(s.e_rate) >= -1e-12) and s.e_rate[-1] > s.e_rate[0]
    assert np.all(s.glutamate_rel >= 1.0 - 1e-12)


def test_antidepressant_level_gives_a_clear_surge():
    s = disinhibition.steady_state(pharmacokinetics.to_micromolar(185.0))
    assert 1.2 < float(s.glutamate_rel) < 2.0


def test_fixed_point_is_a_fixed_point():
    v = disinhibition.DEFAULT.values()
    for c in (0.0, 0.5, 3.0, 50.0):
        s = disinhibition.steady_state(c)
        occ = float(s.occupancy)
        e, i = float(s.e_rate), float(s.i_rate)
        ge, gi = 1 - v["nmda_share_e"] * occ, 1 - v["nmda_share_i"] * occ
        assert e == pytest.approx(max(ge * (v["w_ee"] * e + v["h_e"]) - v["w_ei"] * i, 0))
        assert i == pytest.approx(max(gi * (v["w_ie"] * e + v["h_i"]) - v["w_ii"] * i, 0))


def test_transient_converges_to_steady_state_and_interneurons_move_first():
    tr = disinhibition.transient(1.0, t_end_ms=400, n_points=801)
    ss = disinhibition.steady_state(1.0)
    assert tr.e_rate[-1] == pytest.approx(float(ss.e_rate), rel=1e-4)
    assert tr.i_rate[-1] == pytest.approx(float(ss.i_rate), rel=1e-4)

    def half_time(y):
        target = y[0] + 0.5 * (y[-1] - y[0])
        return tr.t_ms[np.argmax((y - target) * np.sign(y[-1] - y[0]) >= 0)]

    assert half_time(tr.i_rate) < half_time(tr.e_rate)  # "at a delayed rate" for pyramidal cells


def test_response_to_plasma_follows_the_pk_curve():
    c = pharmacokinetics.simulate("iv_infusion", 0.5, infusion_min=40)
    r = disinhibition.response_to_plasma(c.t_min, c.conc_ng_ml)
    k = int(np.argmax(r.glutamate_rel))
    assert abs(r.t_min[k] - c.tmax_min) < 2 * (c.t_min[1] - c.t_min[0])
    assert r.glutamate_rel[0] == pytest.approx(1.0) and r.glutamate_rel[-1] < r.glutamate_rel[k]


@settings(max_examples=40, deadline=None)
@given(c=st.floats(0, 1000))
def test_rates_nonnegative(c):
    s = disinhibition.steady_state(c)
    assert s.e_rate >= 0 and s.i_rate >= 0


def test_validation():
    with pytest.raises(ValueError, match="conc_uM"):
        disinhibition.steady_state(-1.0)
    with pytest.raises(ValueError, match="same shape"):
        disinhibition.response_to_plasma(np.arange(3), np.arange(4))
    with pytest.raises(ValueError, match="conc_max_uM"):
        disinhibition.sweep(0.0)
