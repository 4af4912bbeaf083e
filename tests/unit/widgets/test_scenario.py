"""The case-scenario widget: decisions, feedback, the debrief, and what the progress store keeps.
A case is one widget model; it is driven here as its front end drives it (messages through JSON)
or through its Python API, and what it would send to the page is read from its state. What the page
draws from that state is checked in headless Chromium (tests/browser/test_module_05.py)."""

from __future__ import annotations

import json
import re
import uuid
from html import unescape

import pytest

from katlearn import content, learning, paths
from katlearn.widgets import scenario as ws

MODULE = "05_treatment_process"


@pytest.fixture
def learner() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def send(w: ws.CaseScenario, msg) -> None:
    """A message as scenario.js sends it (through JSON, as over the websocket)."""
    w._on_front_end(w, json.loads(json.dumps(msg)), [])


def sent(w: ws.CaseScenario) -> str:
    """Everything the page receives but its code, as one string."""
    return json.dumps({k: v for k, v in w.get_state().items() if k != "_esm"}, ensure_ascii=False)


def best(node: content.ScenarioNode) -> int:
    return next(i for i, c in enumerate(node.choices) if c.rating == "best")


def play_best(w: ws.CaseScenario) -> list[str]:
    """Choose the best option at every node, as the page does; returns the node ids visited."""
    visited = []
    while not w.ended:
        node = w.scenario.node(w.node)
        visited.append(node.id)
        send(w, {"event": "decide", "node": node.id, "choice": best(node)})
        send(w, {"event": "continue", "node": node.id})
    return visited


def test_first_node_is_shown_with_its_phase_and_choices(learner):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    s = content.load_scenario("trd_maya")
    assert "kl-scenario-trd_maya" in w._dom_classes and w.case_id == "trd_maya"
    assert re.search(r'<li class="kl-phase-now" aria-current="step">Initial consultation</li>', w.stepper)
    assert w.node == s.start == "consult" and s.node("consult").title in w.situation
    assert w.choices == [c.text for c in s.node("consult").choices]
    assert w.decided is None and w.feedback == "" and not w.ended and w.debrief == ""
    assert s.title in w.header and s.note in unescape(w.header)


def test_one_model_per_case():
    """The whole case is one widget with the page's shared full-width layout: no child widgets."""
    w = ws.CaseScenario("trd_maya", MODULE, learner="test-one-model")
    assert not hasattr(w, "children") and w.layout is ws._LAYOUT
    assert ws.CaseScenario("ptsd_sam", MODULE, learner="test-one-model").layout is w.layout
    state = w.get_state()
    assert not any(isinstance(v, str) and v.startswith("IPY_MODEL_") and k != "layout" for k, v in state.items())


def test_ratings_feedback_and_later_nodes_reach_the_page_only_after_a_decision(learner):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    node = w.scenario.node("consult")
    page = sent(w)
    for c in node.choices:
        assert c.text in page
        assert c.feedback[:40] not in page
    assert not any(f"kl-rating-{r}" in page or content.RATING_LABELS[r] in page for r in content.RATINGS)
    for later in w.scenario.nodes:
        if later.id != node.id:
            assert later.situation[:40] not in page  # titles may repeat phase names, shown in the stepper
            assert not any(c.text in page for c in later.choices if c.text not in w.choices)
    send(w, {"event": "decide", "node": "consult", "choice": 0})
    page = sent(w)
    assert content.RATING_LABELS[node.choices[0].rating] in page and w.rating == node.choices[0].rating
    assert node.choices[1].feedback[:40] not in page  # only the feedback of the choice taken


def test_deciding_without_a_choice_asks_for_one_and_saves_nothing(learner):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    reply = w.reply
    send(w, {"event": "decide", "node": "consult", "choice": None})
    assert "Choose what you would do" in w.feedback and w.focus == "feedback" and w.reply == reply + 1
    assert learning.choices(learner, MODULE) == []
    assert w.run.node_id == "consult" and w.decided is None and w.rating == ""


def test_a_decision_shows_rated_feedback_and_is_recorded(learner):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    risky = next(i for i, c in enumerate(w.scenario.node("consult").choices) if c.rating == "risky")
    send(w, {"event": "decide", "node": "consult", "choice": risky})
    assert w.rating == "risky" and w.decided == risky and w.focus == "feedback"
    assert "Risky choice" in w.feedback and "A stronger choice here" in w.feedback
    assert w.node == "consult"  # the situation stays until Continue
    (c,) = learning.choices(learner, MODULE)
    assert c.key == "trd_maya/consult" and c.value["choice"] == risky and c.value["rating"] == "risky"
    assert c.value["text"] == w.scenario.node("consult").choices[risky].text


def test_a_second_decide_or_continue_is_ignored_but_answered(learner):
    """A double click sends two messages: only the first is played and recorded; the second still
    gets a reply, so the page re-enables its buttons."""
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    consult = w.scenario.node("consult")
    send(w, {"event": "decide", "node": "consult", "choice": best(consult)})
    reply = w.reply
    send(w, {"event": "decide", "node": "consult", "choice": 0})
    assert w.reply == reply + 1 and w.decided == best(consult) and w.notice == ""
    assert w.decide(0) is None
    assert len(learning.choices(learner, MODULE)) == 1
    send(w, {"event": "continue", "node": "consult"})
    second = w.node
    assert second == consult.choices[best(consult)].next and w.focus == "situation"
    send(w, {"event": "continue", "node": "consult"})  # the second click of Continue
    send(w, {"event": "decide", "node": "consult", "choice": 0})  # a late Decide for the last node
    assert w.node == second and w.decided is None and len(learning.choices(learner, MODULE)) == 1
    w.proceed()  # nothing decided here: stays
    assert w.node == second


@pytest.mark.parametrize("msg, says", [
    ({"event": "explode"}, "unknown request 'explode'"),
    ({"event": "decide", "node": "consult", "choice": 99}, "choice '99', not one of 0..2"),
    ({"event": "decide", "node": "consult", "choice": -1}, "not one of 0..2"),
    ({"event": "decide", "node": "consult", "choice": "1"}, "choice '1'"),
    ({"event": "decide", "node": "consult", "choice": 1.5}, "choice '1.5'"),
    ({"event": "decide", "node": "consult", "choice": True}, "choice 'True'"),
    (["decide"], "not a request"),
    ("decide", "not a request"),
])
def test_a_request_the_case_cannot_read_gives_a_notice(learner, msg, says):
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    assert len(w.choices) == 3  # the messages above name 0..2
    reply = w.reply
    send(w, msg)
    assert "could not read" in w.notice and says in unescape(w.notice) and w.reply == reply + 1
    assert w.decided is None and learning.choices(learner, MODULE) == []
    send(w, {"event": "decide", "node": "consult", "choice": 0})  # the learner can go on
    assert w.decided == 0


def test_a_decision_after_the_end_gives_a_notice(learner):
    w = ws.CaseScenario("ptsd_sam", MODULE, learner=learner)
    play_best(w)
    rows = len(learning.choices(learner, MODULE))
    send(w, {"event": "decide", "node": w.node, "choice": 0})
    assert "a decision after the end of the case" in unescape(w.notice)
    assert len(learning.choices(learner, MODULE)) == rows and w.ended


@pytest.mark.parametrize("case", ["trd_maya", "ptsd_sam"])
def test_a_full_branch_ends_in_a_debrief_and_records_every_step(case, learner):
    w = ws.CaseScenario(case, MODULE, learner=learner)
    visited = play_best(w)
    assert w.scenario.node(w.run.node_id).is_end and w.ended and w.choices == []
    assert "Debrief" in w.debrief and f"{len(visited)} strong" in w.debrief and w.focus == "situation"
    latest = learning.latest_choices(learner, MODULE)
    for node_id in visited:
        assert latest[f"{case}/{node_id}"]["rating"] == "best"
    done = latest[f"{case}/complete"]
    assert done["counts"]["best"] == len(visited) and len(done["path"]) == len(visited)
    assert done["path"] == [[n, best(w.scenario.node(n))] for n in visited]


def test_restart_and_last_time_summary(learner):
    w = ws.CaseScenario("ptsd_sam", MODULE, learner=learner)
    visited = play_best(w)
    step = w.step
    send(w, {"event": "restart"})
    assert w.run.node_id == w.node == "consult" and w.debrief == "" and not w.ended
    assert w.step > step and w.focus == "situation" and w.decided is None
    again = ws.CaseScenario("ptsd_sam", MODULE, learner=learner)
    assert f"Last time you finished this case with {len(visited)} strong choices out of {len(visited)}" in again.header
    assert "Last time" not in ws.CaseScenario("ptsd_sam", MODULE, learner=learner + "-new").header


def test_a_store_failure_is_reported_but_the_case_goes_on(learner, monkeypatch):
    def boom(*_a, **_k):
        raise learning.ProgressError("the progress store x.sqlite could not be used: disk I/O error")

    monkeypatch.setattr(learning, "record_choice", boom)
    w = ws.CaseScenario("trd_maya", MODULE, learner=learner)
    send(w, {"event": "decide", "node": "consult", "choice": 0})
    assert w.decided == 0 and w.feedback
    assert "Your choice could not be saved" in w.notice and "disk I/O error" in w.notice


def test_a_missing_case_shows_the_problem_instead_of_failing(learner):
    w = ws.CaseScenario("no_such_case", MODULE, learner=learner)
    assert w.scenario is None and "could not be loaded" in w.failed and w.choices == []
    send(w, {"event": "decide", "node": "consult", "choice": 0})  # ignored, no traceback
    w.restart()
    w.proceed()


def test_the_stylesheet_lets_long_choices_wrap():
    css = (paths.assets() / "css" / "katlearn.css").read_text(encoding="utf-8")
    label = "".join(body for sels, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)
                    if ".kl-scenario .kl-choice" in (s.strip() for s in sels.split(",")))
    assert "display: flex" in label and "white-space: normal" in label
    # hidden parts stay hidden whatever display the stylesheet gives them
    assert re.search(r"\.kl-scenario \[hidden\]\s*\{\s*display: none !important;", css)
