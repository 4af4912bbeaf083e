"""katlearn.figures.treatment_timeline: the course timeline and the session-day figure, checked against the models."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from katlearn.figures import treatment_timeline
from katlearn.science import params as P
from katlearn.science import pharmacokinetics


def traces(described) -> list[dict]:
    return json.loads(described.figure.to_json())["data"]


# -- schedule and timeline ---------------------------------------------------------------------


def test_literature_ranges_match_the_vetted_kap_structure():
    assert (treatment_timeline.KAP_PREPARATION_SESSIONS.low, treatment_timeline.KAP_PREPARATION_SESSIONS.high) == (2, 3)
    assert (treatment_timeline.KAP_DOSING_SESSIONS.low, treatment_timeline.KAP_DOSING_SESSIONS.high) == (3, 6)
    assert (treatment_timeline.KAP_DOSING_SESSION_H.low, treatment_timeline.KAP_DOSING_SESSION_H.high) == (2.5, 3.0)
    assert treatment_timeline.KAP_INTEGRATION_SESSIONS.low == 1
    assert {r.ref for r in (treatment_timeline.KAP_PREPARATION_SESSIONS, treatment_timeline.KAP_DOSING_SESSIONS, treatment_timeline.KAP_DOSING_SESSION_H,
                            treatment_timeline.KAP_INTEGRATION_SESSIONS)} == {"psychiatric_times_kap"}


@settings(max_examples=80, deadline=None)
@given(prep=st.integers(2, 3), dose=st.integers(3, 6), integ=st.integers(1, 6), gap=st.integers(3, 14))
def test_schedule_has_the_planned_sessions_in_phase_order(prep, dose, integ, gap):
    plan = treatment_timeline.CoursePlan(prep, dose, integ, gap)
    sessions = treatment_timeline.schedule(plan)
    by = {ph: [s for s in sessions if s.phase == ph] for ph in treatment_timeline.PHASE_ORDER}
    assert [len(by[ph]) for ph in treatment_timeline.PHASE_ORDER] == [1, prep, dose, integ]
    dose_days = [s.day for s in by["Dosing"]]
    assert np.allclose(np.diff(dose_days), gap)
    assert max(s.day for s in by["Preparation"]) < dose_days[0]
    # every integration session follows a dosing session, and the last dose is followed by one
    assert all(s.day > dose_days[0] for s in by["Integration"])
    assert any(s.day == dose_days[-1] + treatment_timeline.INTEGRATION_DELAY_DAYS.value for s in by["Integration"])


@pytest.mark.parametrize("plan", [treatment_timeline.CoursePlan(1, 4, 2), treatment_timeline.CoursePlan(2, 7, 2), treatment_timeline.CoursePlan(2, 4, 0),
                                  treatment_timeline.CoursePlan(2, 4, 2, 30)])
def test_plans_outside_the_reported_ranges_are_refused(plan):
    with pytest.raises(ValueError):
        treatment_timeline.schedule(plan)


def test_course_timeline_draws_one_marker_per_session_in_weeks():
    plan = treatment_timeline.CoursePlan(2, 4, 2, 7)
    d = treatment_timeline.course_timeline(plan)
    markers = {t["name"]: t for t in traces(d) if t.get("mode") == "markers"}
    assert set(markers) == set(treatment_timeline.PHASE_ORDER)
    assert markers["Dosing"]["x"] == pytest.approx([3, 4, 5, 6])  # weekly, after 2 weekly preparations
    assert markers["Preparation"]["x"] == pytest.approx([1, 2])
    assert len(markers["Integration"]["x"]) == 2
    assert "9 sessions over 6.1 weeks" in d.description
    assert "10–12 hours of dosing sessions" in d.description  # 4 x 2.5-3 h
    layout = json.loads(d.figure.to_json())["layout"]
    assert layout["xaxis"]["title"]["text"].startswith("Week")


def test_timeline_changes_with_the_plan():
    a = treatment_timeline.course_timeline(treatment_timeline.CoursePlan(2, 3, 1, 7))
    b = treatment_timeline.course_timeline(treatment_timeline.CoursePlan(2, 6, 1, 7))
    assert a.figure.to_json() != b.figure.to_json()
    assert "3 dosing" in a.description and "6 dosing" in b.description


# -- session day -------------------------------------------------------------------------------


def curve(route="im", dose=0.5, **kw):
    return pharmacokinetics.simulate(route, dose, 70.0, t_end_min=240.0, n_points=241, **kw)


def test_session_windows_follow_the_model_curve():
    c = curve()
    w = treatment_timeline.session_windows(c)
    above = c.t_min[c.conc_ng_ml >= pharmacokinetics.PLASMA_RANGES["dissociative"].low]
    assert w.dissociative_start_min == pytest.approx(above[0])
    assert w.dissociative_end_min == pytest.approx(above[-1])
    assert w.monitoring_end_min == pytest.approx(P.ESKETAMINE_MONITORING.value * 60)  # level leaves range first
    assert w.session_start_min == -treatment_timeline.CHECK_IN_MIN.value
    assert w.session_end_min - w.session_start_min == pytest.approx(treatment_timeline.KAP_DOSING_SESSION_H.high * 60)


def test_a_400_mg_lozenge_keeps_the_level_dissociative_for_about_5_hours():
    """The sublingual model (F 29%, Tmax 45 min from Rolan 2014's 25 mg wafer), scaled to 400 mg: the level stays
    at or above 100 ng/mL from a few minutes to about 5 h, past the 2-hour minimum and the 3-hour session."""
    c = pharmacokinetics.simulate("sublingual", 400 / 70, 70.0, t_end_min=480.0, n_points=481)
    w = treatment_timeline.session_windows(c)
    assert 290 <= w.dissociative_end_min <= 310
    assert w.monitoring_end_min == w.dissociative_end_min > P.ESKETAMINE_MONITORING.value * 60
    assert w.overruns_plan and w.session_end_min == w.monitoring_end_min > w.planned_end_min
    d = treatment_timeline.session_day(c)
    assert f"until {w.dissociative_end_min:.0f} min" in d.description and "has to be extended" in d.description
    assert d.figure.layout.xaxis.range[1] >= w.dissociative_end_min


def test_a_curve_cut_while_still_dissociative_is_refused():
    with pytest.raises(ValueError, match="still in the dissociative range"):
        treatment_timeline.session_windows(curve("sublingual", 400 / 70))  # 240 min: the level is still above 100 ng/mL


def test_an_im_session_fits_the_plan():
    w = treatment_timeline.session_windows(curve())
    assert not w.overruns_plan and "has to be extended" not in treatment_timeline.session_day(curve()).description


def test_a_low_dose_has_no_dissociation_lane():
    c = curve("sublingual", 100 / 70)
    assert c.cmax_ng_ml < pharmacokinetics.PLASMA_RANGES["dissociative"].low
    d = treatment_timeline.session_day(c)
    lanes = [t["name"] for t in traces(d) if t["type"] == "bar"]
    assert lanes == ["Therapist", "BP & HR"]
    assert "stays below the dissociative range" in d.description


def test_session_day_plots_the_model_and_the_windows():
    c = curve()
    d = treatment_timeline.session_day(c, "IM 0.5 mg/kg")
    data = traces(d)
    line = next(t for t in data if t["name"] == "Plasma ketamine (model)")
    assert np.allclose(line["y"], np.round(c.conc_ng_ml, 1))
    bars = {t["name"]: t for t in data if t["type"] == "bar"}
    assert set(bars) == {"Therapist", "BP & HR", "Dissociation"}
    w = treatment_timeline.session_windows(c)
    assert bars["BP & HR"]["base"][0] + bars["BP & HR"]["x"][0] == pytest.approx(w.monitoring_end_min)
    assert bars["Dissociation"]["base"][0] == pytest.approx(w.dissociative_start_min)
    assert all(t.get("yaxis") == "y2" for t in bars.values())
    assert d.description.startswith("IM 0.5 mg/kg: modelled peak")
    assert f"{c.cmax_ng_ml:.0f} ng/mL at {c.tmax_min:.0f} min" in d.description
    assert "20 min before the dose" in d.description
