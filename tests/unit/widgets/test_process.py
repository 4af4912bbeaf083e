"""The course planner and session explorer update their PlotView when a control changes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from katlearn.figures import treatment_timeline
from katlearn.science import pharmacokinetics
from katlearn.widgets import process as wp


def test_planner_starts_within_the_reported_ranges_and_redraws_on_change():
    w = wp.course_planner()
    assert (w.preparation.min, w.preparation.max) == (2, 3)
    assert (w.dosing.min, w.dosing.max) == (3, 6)
    assert w.integration.min == 1
    assert not w.dosing.continuous_update and w.dosing.description
    before = w.view.spec
    w.dosing.value = 6
    assert w.view.spec != before
    assert "6 dosing" in w.view.description and "6 dosing" in w.readout.value
    markers = [t for t in json.loads(w.view.spec)["data"] if t.get("name") == "Dosing"]
    assert len(markers[0]["x"]) == 6


def test_planner_does_not_redraw_when_nothing_changed():
    w = wp.course_planner(preparation=3)
    spec = w.view.spec
    w.update()
    assert w.view.spec is spec
    with pytest.raises(ValueError):
        wp.course_planner(dosing=9)


def test_session_curve_equals_a_direct_simulation():
    c = wp.session_curve("kap_im", 0.6)
    direct = pharmacokinetics.simulate("im", 0.6, wp.WEIGHT_KG, t_end_min=wp.T_END_MIN, n_points=wp.N_POINTS)
    assert np.allclose(c.conc_ng_ml, direct.conc_ng_ml)
    assert c.cmax_ng_ml == pytest.approx(direct.cmax_ng_ml, rel=1e-6)
    lozenge = wp.session_curve("kap_lozenge", 200.0)  # total mg
    direct = pharmacokinetics.simulate("sublingual", 200.0 / wp.WEIGHT_KG, wp.WEIGHT_KG, t_end_min=wp.T_END_MIN,
                         n_points=wp.N_POINTS)
    assert np.allclose(lozenge.conc_ng_ml, direct.conc_ng_ml)


def test_session_explorer_dose_slider_follows_the_protocol_range():
    w = wp.session_explorer()
    assert (w.dose.min, w.dose.max, w.dose.value) == (0.5, 0.75, 0.5)
    before = w.view.spec
    w.dose.value = 0.75
    assert w.view.spec != before
    assert "0.75 mg/kg" in w.view.description
    w.protocol.value = "kap_lozenge"
    assert (w.dose.min, w.dose.max, w.dose.value) == (100, 400, 100)
    assert w.dose.description == "Dose (mg):"
    w.protocol.value = "kap_im"  # back down: min must move before max
    assert (w.dose.min, w.dose.max) == (0.5, 0.75)
    w.protocol.value = "antidepressant_iv"  # a single published dose: the slider is hidden
    assert w.dose.disabled and w.dose.layout.display == "none"
    assert "IV infusion" in w.view.description


def test_session_explorer_figure_matches_the_figure_builder():
    w = wp.session_explorer("kap_im")
    expected = treatment_timeline.session_day(wp.session_curve("kap_im", 0.5))
    got = json.loads(w.view.spec)["data"]
    want = json.loads(expected.figure.to_json())["data"]
    assert [t["name"] for t in got] == [t["name"] for t in want]
    with pytest.raises(ValueError):
        wp.session_explorer("anaesthetic_iv")
