"""katlearn.figures.trials: response-rate charts and the trial table, against clinical.TRIALS."""

from __future__ import annotations

import json

import pytest

from katlearn.figures import trials
from katlearn.science import clinical
from katlearn.science import params as P


def traces(described) -> list[dict]:
    return json.loads(described.figure.to_json())["data"]


def test_rows_at_24h_are_the_arms_that_report_it():
    rows = trials.response_rows(timepoint="24h")
    got = {(r.trial.trial, r.arm): r.value("24h") for r in rows}
    assert got == {
        ("Murrough 2013", "ketamine"): P.MURROUGH_RESP_24H_KET.value,
        ("Murrough 2013", "control"): P.MURROUGH_RESP_24H_MID.value,
        ("Han 2016 (meta-analysis)", "ketamine"): P.HAN_RESP[1.0].value,
    }


def test_day7_values_match_the_trial_table():
    for r in trials.response_rows(timepoint="day7"):
        i = 0 if r.arm == "ketamine" else 1
        assert r.value("day7") == r.trial.response_day7_pct[i]


@pytest.mark.parametrize("sort, first", [("response", "Murrough 2013: ketamine"), ("n", "Han 2016: ketamine"),
                                         ("year", "Murrough 2013: ketamine")])
def test_sorting(sort, first):
    rows = trials.sort_rows(trials.response_rows(timepoint="24h"), sort, "24h")
    assert rows[0].label.startswith(first)


def test_sort_by_response_is_descending():
    rows = trials.sort_rows(trials.response_rows(timepoint="day7"), "response", "day7")
    values = [r.value("day7") for r in rows]
    assert values == sorted(values, reverse=True)


def test_chart_markers_carry_the_values_and_axis_order_follows_the_sort():
    d = trials.response_chart("24h", "response")
    markers = [t for t in traces(d) if "markers" in t.get("mode", "")]
    xs = sorted(x for t in markers for x in t["x"])
    assert xs == sorted([P.MURROUGH_RESP_24H_KET.value, P.MURROUGH_RESP_24H_MID.value, P.HAN_RESP[1.0].value])
    layout = json.loads(d.figure.to_json())["layout"]
    order = layout["yaxis"]["categoryarray"]
    assert order[-1].startswith("Murrough 2013: ketamine")  # drawn top = last category
    assert layout["xaxis"]["range"] == [0, 100]
    assert "63.8% at 24 hours" in d.description


def test_both_time_points_join_each_arm_with_a_line():
    d = trials.response_chart("both", "year")
    lines = [t for t in traces(d) if t.get("mode") == "lines"]
    pairs = sorted(tuple(t["x"]) for t in lines)
    assert pairs == sorted([(P.MURROUGH_RESP_24H_KET.value, P.MURROUGH_RESP_D7_KET.value),
                            (P.MURROUGH_RESP_24H_MID.value, P.MURROUGH_RESP_D7_MID.value),
                            (P.HAN_RESP[1.0].value, P.HAN_RESP[7.0].value)])
    assert "→" in d.description


def test_description_names_trials_without_response_rates():
    d = trials.response_chart("24h", "year")
    for name in ("Berman 2000", "Zarate 2006", "Dore 2019"):
        assert name in d.description


def test_table_lists_every_trial_with_a_reference_link():
    html = trials.trial_table_html()
    for t in clinical.TRIALS:
        assert f'href="#ref-{t.ref}"' in html
        assert t.trial in html.replace("&amp;", "&")
    assert "45.7% vs 18.2%" in html


@pytest.mark.parametrize("args", [("1h", "year"), ("24h", "alphabet")])
def test_bad_arguments(args):
    with pytest.raises(ValueError):
        trials.response_chart(*args)
