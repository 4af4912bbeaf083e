"""The evidence explorer redraws on a time-point or sort change and lists every trial."""

from __future__ import annotations

import json

import pytest

from katlearn.science import clinical
from katlearn.widgets import evidence as we


def category_order(w) -> list[str]:
    return json.loads(w.view.spec)["layout"]["yaxis"]["categoryarray"]


def test_time_point_toggle_redraws_with_the_new_values():
    w = we.evidence_explorer()
    assert "kl-evidence" in w._dom_classes and "kl-evidence-time" in w.time._dom_classes
    before = w.view.spec
    w.time.value = "day7"
    assert w.view.spec != before
    xs = sorted(x for t in json.loads(w.view.spec)["data"] if "markers" in t.get("mode", "") for x in t["x"])
    assert 45.7 in xs and 18.2 in xs and 63.8 not in xs
    assert "day 7" in w.view.description


def test_sort_changes_the_order_of_rows():
    w = we.evidence_explorer("24h", "year")
    by_year = category_order(w)
    w.sort.value = "n"
    by_n = category_order(w)
    assert sorted(by_year) == sorted(by_n) and by_year != by_n
    assert by_n[-1].startswith("Han 2016")  # largest sample drawn at the top


def test_table_is_shown_with_every_trial():
    w = we.evidence_explorer()
    for t in clinical.TRIALS:
        assert t.ref in w.table.value


def test_bad_start_values():
    with pytest.raises(ValueError):
        we.evidence_explorer("week3")
