"""Onset figure: curves, published points and words match science.clinical."""

from __future__ import annotations

import numpy as np
import pytest

from katlearn.figures import time_courses
from katlearn.figures.base import Described
from katlearn.science import clinical
from katlearn.science import params as P


def timing(day_max: float = 70.0):
    return clinical.onset_comparison(np.linspace(0.0, day_max, 481))


def trial(day_max: float = 28.0):
    return clinical.response_trajectories(np.linspace(0.0, day_max, 481))


def lines(d: Described) -> dict:
    return {t.legendgroup: t for t in d.figure.data if t.mode == "lines"}


def markers(d: Described) -> dict:
    return {t.legendgroup: t for t in d.figure.data if t.mode == "markers"}


def test_timing_view_draws_three_curves_in_percent_of_full_benefit():
    trajs = timing()
    d = time_courses.onset_figure(trajs)
    assert set(lines(d)) == {"ketamine", "oral_antidepressant", "placebo"}
    for arm, line in lines(d).items():
        assert line.name == trajs[arm].label
        np.testing.assert_allclose(line.y, trajs[arm].value * 100, atol=0.006)
        np.testing.assert_allclose(line.x, trajs[arm].days, atol=1e-4)
    assert "approximate" in d.figure.layout.title.text
    assert d.figure.layout.yaxis.title.text == "Share of full benefit (%)"
    assert d.figure.layout.xaxis.title.text == "Time after first dose (days)"


def test_trial_view_marks_the_murrough_values_as_published_points():
    d = time_courses.onset_figure(trial(), citations={"murrough2013": "Murrough et al. 2013"})
    ket, mid = markers(d)["ketamine"], markers(d)["midazolam"]
    ket_points = {(round(x, 6), round(y, 6)) for x, y, s in zip(ket.x, ket.y, ket.marker.symbol) if s == "diamond"}
    assert ket_points == {(1.0, P.MURROUGH_RESP_24H_KET.value), (7.0, P.MURROUGH_RESP_D7_KET.value)}
    mid_points = {(round(x, 6), round(y, 6)) for x, y, s in zip(mid.x, mid.y, mid.marker.symbol) if s == "diamond"}
    assert mid_points == {(1.0, P.MURROUGH_RESP_24H_MID.value), (7.0, P.MURROUGH_RESP_D7_MID.value)}
    assert "24 h: 63.8% on ketamine vs 28.0% on midazolam (active placebo) responding (Murrough et al. 2013)" \
        in ket.text
    # the curve passes through its published points
    line = lines(d)["ketamine"]
    assert np.interp(7.0, line.x, line.y) == pytest.approx(P.MURROUGH_RESP_D7_KET.value, abs=0.05)


def test_published_times_sit_on_the_curve_as_open_circles_with_their_source():
    d = time_courses.onset_figure(trial(), citations={"kishimoto2016": "Kishimoto et al. 2016"})
    ket = markers(d)["ketamine"]
    line = lines(d)["ketamine"]
    loss = P.KISHIMOTO_LOSS.mid
    i = list(ket.x).index(pytest.approx(loss))
    assert ket.marker.symbol[i] == "circle-open"
    assert ket.y[i] == pytest.approx(np.interp(loss, line.x, line.y), abs=0.05)
    assert "Kishimoto et al. 2016" in ket.text[i]


def test_two_day_view_is_in_hours():
    d = time_courses.onset_figure(timing(2.0), day_max=2.0)
    assert d.figure.layout.xaxis.title.text == "Time after first dose (hours)"
    assert d.figure.layout.xaxis.range == (0, 48.0)
    ket = markers(d)["ketamine"]
    assert min(ket.x) == pytest.approx(P.KISHIMOTO_ONSET.value / 60)  # 40 min -> 0.67 h
    assert "first 48 hours" in d.description


def test_shown_picks_curves_and_hides_the_oral_window_with_its_curve():
    trajs = timing()
    both = time_courses.onset_figure(trajs)
    assert [s.x0 for s in both.figure.layout.shapes] == [P.SSRI_ONSET_WEEKS.low * 7]
    only_ket = time_courses.onset_figure(trajs, shown=["ketamine"])
    assert set(lines(only_ket)) == {"ketamine"}
    assert not only_ket.figure.layout.shapes
    nothing = time_courses.onset_figure(trajs, shown=[])
    assert not lines(nothing)


def test_description_is_computed_from_the_curves():
    trajs = timing()
    d = time_courses.onset_figure(trajs)
    ket = trajs["ketamine"]
    half = time_courses.first_day_at(ket.days, ket.value * 100, 50.0)
    assert half is not None and half < 1.0  # within hours
    assert f"Ketamine: half of the full benefit by {time_courses.time_label(half)}" in d.description
    oral = trajs["oral_antidepressant"]
    oral_half = time_courses.first_day_at(oral.days, oral.value * 100, 50.0)
    assert 14 < oral_half < 42
    assert f"Oral antidepressant: half of the full benefit by {time_courses.time_label(oral_half)}" in d.description
    assert "Placebo: stays at 0%" in d.description
    assert d.description.startswith("Approximate curves drawn through published points")


def test_trial_description_names_the_highest_response():
    d = time_courses.onset_figure(trial())
    assert "Ketamine: highest 64% responding" in d.description
    assert "Midazolam (active placebo): highest 28% responding at 24 h" in d.description


def test_mixed_metrics_are_refused():
    mixed = {"a": timing()["ketamine"], "b": trial()["midazolam"]}
    with pytest.raises(ValueError, match="one metric"):
        time_courses.onset_figure(mixed)
    with pytest.raises(ValueError):
        time_courses.onset_figure({})


@pytest.mark.parametrize("day,text", [(40 / 1440, "40 min"), (2 / 24, "2 h"), (1.0, "24 h"), (7.0, "day 7"),
                                      (10.1, "day 10.1"), (42.0, "day 42 (week 6)")])
def test_time_label(day, text):
    assert time_courses.time_label(day) == text


def test_first_day_at_interpolates_and_returns_none_when_never_reached():
    d = np.array([0.0, 1.0, 2.0])
    v = np.array([0.0, 10.0, 20.0])
    assert time_courses.first_day_at(d, v, 15.0) == pytest.approx(1.5)
    assert time_courses.first_day_at(d, v, 25.0) is None
