"""Screening practice: per-profile checking, feedback tied to the labels, choices recorded."""

from __future__ import annotations

import uuid

import pytest

from katlearn import content, learning
from katlearn.widgets import screening as wsc

MODULE = "06_safety_controversies"


@pytest.fixture
def practice():
    return wsc.ScreeningPractice("screening_practice", MODULE, learner=f"test-{uuid.uuid4().hex[:8]}")


def test_one_dropdown_per_finding(practice):
    s = content.load_screening("screening_practice")
    assert [v.profile.id for v in practice.views] == [p.id for p in s.profiles]
    v = practice.view("r52")
    assert list(v.dropdowns) == [f.id for f in s.profile("r52").findings]
    dd = v.dropdowns["aneurysm"]
    assert dd.value == "" and dd.label == "Choose…" and v.answers()["aneurysm"] is None
    assert "kl-screening-category" in dd._dom_classes and dd.description


def test_checking_with_open_findings_asks_for_answers(practice):
    v = practice.view("j29")
    v.dropdowns["psychosis"].value = "warning"
    v.check_button.click()
    assert "2 still open" in v.feedback.value
    assert learning.choices(practice.learner, MODULE) == []


def test_all_right_is_marked_correct_and_recorded(practice):
    v = practice.view("r52")
    for f in v.profile.findings:
        v.dropdowns[f.id].value = f.answer
    v.check_button.click()
    assert "kl-correct" in v.feedback._dom_classes and "3 of 3 right" in v.feedback.value
    assert "SPRAVATO" in v.feedback.value and "Sources:" in v.feedback.value  # the label is cited
    (c,) = learning.choices(practice.learner, MODULE)
    assert c.key == "screening/r52" and c.value["correct"] == 3 and c.value["answers"]["aneurysm"] == "contraindication"


def test_a_wrong_answer_says_what_the_label_says(practice):
    v = practice.view("j29")
    v.dropdowns["psychosis"].value = "contraindication"  # a warning in the label
    v.dropdowns["pregnancy"].value = "warning"
    v.dropdowns["cbt"].value = "none"
    v.check_button.click()
    assert "kl-incorrect" in v.feedback._dom_classes
    assert "2 of 3 right" in v.feedback.value and "you chose label contraindication" in v.feedback.value
