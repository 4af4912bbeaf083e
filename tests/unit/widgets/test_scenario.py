"""The case-scenario widget: decisions, feedback, the debrief, and what the progress store keeps."""

from __future__ import annotations

import re

import uuid

import pytest

from katlearn import content, learning, paths
from katlearn.widgets import scenario as ws

MODULE = "05_treatment_process"


@pytest.fixture
def learner() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def play_best(w: ws.CaseScenario) -> list[str]:
    """Choose the best option at every node; returns the node ids visited."""
    visited = []
    while w.options_slot.layout.display != "none":
        node = w.scenario.node(w.run.node_id)
        visited.append(node.id)
        w.options.value = next(i for i, c in enumerate(node.choices) if c.rating == "best")
        w.decide_button.click()
        w.continue_button.click()
    return visited


def test_first_node_is_shown_with_its_phase_and_choices(learner):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    s = content.load_scenario("trd_maya")
    assert "kl-scenario-trd_maya" in w._dom_classes
    assert 'aria-current="step"' in w.stepper.value and "Initial consultation" in w.stepper.value
    assert [label for label, _ in w.options.options] == [c.text for c in s.node("consult").choices]
    assert w.options.value is None and w.continue_button.layout.display == "none"


def test_each_decision_gets_fresh_buttons_and_the_old_ones_are_closed(learner):
    """The next decision's choices are new buttons, not the last ones reset: a reset sent to the
    browser could otherwise land after the learner's new click and wipe it."""
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    first = w.options
    w.options.value = 0
    w.decide_button.click()
    w.continue_button.click()
    assert w.options is not first and w.options.value is None and not w.options.disabled
    assert first.comm is None  # closed: nothing more is sent to the old buttons
    assert w.options_slot.children == (w.options,)
    node = w.scenario.node(w.run.node_id)
    assert [label for label, _ in w.options.options] == [c.text for c in node.choices]


def test_deciding_without_a_choice_asks_for_one_and_saves_nothing(learner):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    w.decide_button.click()
    assert "Choose what you would do" in w.feedback.value
    assert learning.choices(learner, MODULE) == []
    assert w.run.node_id == "consult"


def test_a_decision_shows_rated_feedback_and_is_recorded(learner):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    risky = next(i for i, c in enumerate(w.scenario.node("consult").choices) if c.rating == "risky")
    w.options.value = risky
    w.decide_button.click()
    assert "kl-rating-risky" in w.feedback._dom_classes
    assert "Risky choice" in w.feedback.value and "A stronger choice here" in w.feedback.value
    assert w.options.disabled and w.continue_button.layout.display is None
    (c,) = learning.choices(learner, MODULE)
    assert c.key == "trd_maya/consult" and c.value["choice"] == risky and c.value["rating"] == "risky"


@pytest.mark.parametrize("case", ["trd_maya", "ptsd_sam"])
def test_a_full_branch_ends_in_a_debrief_and_records_every_step(case, learner):
    w = ws.CaseScenario(case, MODULE, learner=learner)
    visited = play_best(w)
    assert w.scenario.node(w.run.node_id).is_end
    assert "Debrief" in w.debrief_box.value and f"{len(visited)} strong" in w.debrief_box.value
    assert w.restart_button.layout.display is None
    latest = learning.latest_choices(learner, MODULE)
    for node_id in visited:
        assert latest[f"{case}/{node_id}"]["rating"] == "best"
    done = latest[f"{case}/complete"]
    assert done["counts"]["best"] == len(visited) and len(done["path"]) == len(visited)


def test_restart_and_last_time_summary(learner):
    w = ws.CaseScenario("ptsd_sam", MODULE, learner=learner)
    play_best(w)
    w.restart_button.click()
    assert w.run.node_id == "consult" and w.debrief_box.value == ""
    again = ws.CaseScenario("ptsd_sam", MODULE, learner=learner)
    assert "Last time you finished this case" in again.header.value


def test_a_missing_case_shows_the_problem_instead_of_failing(learner):
    w = ws.CaseScenario("no_such_case", MODULE, learner=learner)
    assert w.scenario is None and "could not be loaded" in w.header.value


def test_the_stylesheet_lets_long_choices_wrap():
    css = (paths.assets() / "css" / "katlearn.css").read_text(encoding="utf-8")
    label = "".join(body for sels, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
                    if ".widget-radio-box label" in (s.strip() for s in sels.split(",")))  # every radio choice
    assert "height: auto" in label and "white-space: normal" in label
