"""Onset explorer: measure, curve toggles and time range redraw the figure."""

from __future__ import annotations

import json

import pytest

from katlearn.widgets import onset as wonset


def spec(e: wonset.OnsetExplorer) -> dict:
    return json.loads(e.view.spec)


def arms(e: wonset.OnsetExplorer) -> list[str]:
    return [t["legendgroup"] for t in spec(e)["data"] if t.get("mode") == "lines"]


def test_default_is_the_timing_view_over_ten_weeks():
    e = wonset.onset_explorer()
    assert arms(e) == ["ketamine", "oral_antidepressant", "placebo"]
    assert spec(e)["layout"]["xaxis"]["range"] == [0, 70.0]
    assert "approximate" in spec(e)["layout"]["title"]["text"]
    assert "published value" in e.note.value


def test_time_range_redraws_and_switches_to_hours():
    e = wonset.onset_explorer()
    before = e.view.spec
    e.range.value = 2.0
    assert e.view.spec != before
    assert spec(e)["layout"]["xaxis"]["title"]["text"] == "Time after first dose (hours)"
    assert spec(e)["layout"]["xaxis"]["range"] == [0, 48.0]


def test_trial_view_uses_midazolam_and_disables_the_oral_curve():
    e = wonset.onset_explorer()
    e.measure.value = "trial"
    assert e.curve_boxes["oral_antidepressant"].disabled
    assert e.curve_boxes["placebo"].description == "Active placebo (midazolam)"
    assert arms(e) == ["ketamine", "placebo"]
    names = [t["name"] for t in spec(e)["data"] if t.get("mode") == "lines"]
    assert names[1] == "Active placebo (midazolam)"
    # ten weeks is clamped to the four weeks the trial curves cover, and the note says so
    assert spec(e)["layout"]["xaxis"]["range"] == [0, wonset.TRIAL_MAX_DAYS]
    assert "first 28 days only" in e.note.value
    e.measure.value = "timing"
    assert not e.curve_boxes["oral_antidepressant"].disabled
    assert e.curve_boxes["placebo"].description == "Placebo"


def test_curve_checkboxes_hide_curves():
    e = wonset.onset_explorer()
    e.curve_boxes["placebo"].value = False
    assert arms(e) == ["ketamine", "oral_antidepressant"]
    e.curve_boxes["ketamine"].value = False
    e.curve_boxes["oral_antidepressant"].value = False
    assert arms(e) == []
    assert "Tick at least one curve" in e.note.value


def test_trajectories_are_cached_per_view():
    assert wonset.trajectories("timing", 14.0) is wonset.trajectories("timing", 14.0)
    with pytest.raises(ValueError, match="unknown measure"):
        wonset.trajectories("other", 14.0)


def test_hover_text_names_sources_by_short_citation():
    e = wonset.onset_explorer(measure="trial", day_max=14.0)
    texts = [x for t in spec(e)["data"] if t.get("mode") == "markers" for x in t["text"]]
    assert any("(Murrough et al. 2013)" in x for x in texts)
    assert not any("(murrough2013)" in x for x in texts)


def test_every_control_is_labelled_and_classed():
    e = wonset.onset_explorer()
    for c in (e.measure, e.range, *e.curve_boxes.values()):
        assert c.description.strip()
    assert "kl-onset-explorer" in e._dom_classes
    assert "kl-onset-range" in e.range._dom_classes
    assert "kl-onset-measure" in e.measure._dom_classes


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="measure"):
        wonset.onset_explorer(measure="speed")
    with pytest.raises(ValueError, match="day_max"):
        wonset.onset_explorer(day_max=5.0)
