"""Screening practice: per-profile checking, feedback tied to the labels, choices recorded and
restored. The exercise is one widget model; it is driven here as its front end drives it (messages
through JSON, ``send``) or through its Python API, and what it would send to the page is read from
its state. What the page draws from that state is checked in headless Chromium (tests/browser)."""

from __future__ import annotations

import json
import uuid
from html import unescape

import pytest

from katlearn import content, learning
from katlearn.widgets import quiz as quiz_widget
from katlearn.widgets import screening as wsc

MODULE = "06_safety_controversies"


def new_learner() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def practice():
    return wsc.ScreeningPractice("screening_practice", MODULE, learner=new_learner())


def send(w: wsc.ScreeningPractice, msg) -> None:
    """A message as screening.js sends it (through JSON, as over the websocket)."""
    w._on_front_end(w, json.loads(json.dumps(msg)), [])


def check(w: wsc.ScreeningPractice, pid: str, answers: dict) -> None:
    send(w, {"event": "check", "id": pid, "answers": answers})


def right(pid: str) -> dict:
    return {f.id: f.answer for f in content.load_screening("screening_practice").profile(pid).findings}


def sent(w: wsc.ScreeningPractice) -> str:
    """Everything the page receives, as text."""
    return json.dumps({k: v for k, v in w.get_state().items() if k != "_esm"}, ensure_ascii=False)


def test_one_model_shows_every_profile_with_a_choice_per_finding(practice):
    s = content.load_screening("screening_practice")
    assert [p["id"] for p in practice.profiles] == [p.id for p in s.profiles]
    r52 = next(p for p in practice.profiles if p["id"] == "r52")
    assert [f["id"] for f in r52["findings"]] == [f.id for f in s.profile("r52").findings]
    assert r52["findings"][0]["text"] == s.profile("r52").findings[0].text and "R., 52" == r52["name"]
    assert practice.categories == [[c, content.CATEGORY_LABELS[c]] for c in content.CATEGORIES]
    assert practice.answers("r52")["aneurysm"] is None and practice.state["r52"]["answers"]["aneurysm"] == ""
    assert practice.verdict("r52") == "" and practice.feedback("r52") == ""
    assert "fictional" in practice.intro and practice.failed == ""
    # the whole exercise is one widget; its layout is the full-width one the quiz shares: no child widgets
    assert practice.layout is wsc._LAYOUT
    assert practice.layout is wsc.ScreeningPractice("screening_practice", MODULE, learner=new_learner()).layout
    assert practice.layout is quiz_widget._LAYOUT
    with pytest.raises(KeyError):
        practice.profile("nobody")


def test_the_keyed_categories_and_feedback_reach_the_page_only_after_a_check(practice):
    s = content.load_screening("screening_practice")
    before = sent(practice)
    for p in s.profiles:
        for f in p.findings:
            assert f.feedback[:40] not in before and f"\"{f.answer}\"" not in before.replace(
                json.dumps(practice.categories, ensure_ascii=False), "")
    assert "Sources:" not in before and "right" not in before
    check(practice, "r52", right("r52"))
    after = sent(practice)
    assert "3 of 3 right" in after and "Sources:" in after
    # the other profiles still keep their keys
    for f in s.profile("j29").findings:
        assert f.feedback[:40] not in after


def test_checking_with_open_findings_asks_for_answers(practice):
    check(practice, "j29", {"psychosis": "warning", "pregnancy": "", "cbt": ""})
    assert practice.verdict("j29") == "open"
    assert "Choose a category for every finding (2 still open), then check." in practice.feedback("j29")
    assert practice.state["j29"]["answers"] == {"psychosis": "warning", "pregnancy": "", "cbt": ""}
    assert learning.choices(practice.learner, MODULE) == []


def test_all_right_is_marked_correct_and_recorded(practice):
    v0 = practice.state["r52"]["v"]
    practice.set_answers("r52", right("r52"))
    results = practice.check("r52")
    assert results is not None and all(r.correct for r in results)
    assert practice.verdict("r52") == "correct" and practice.state["r52"]["verdict"] == "correct"
    assert practice.state["r52"]["v"] > v0  # the page shows it again
    fb = practice.feedback("r52")
    assert "3 of 3 right" in fb and "SPRAVATO" in fb and "Sources:" in fb  # the label is cited
    assert practice.state["r52"]["feedback"] == fb
    (c,) = learning.choices(practice.learner, MODULE)
    assert c.key == "screening/r52" and c.value["correct"] == 3 and c.value["answers"]["aneurysm"] == "contraindication"


def test_a_wrong_answer_says_what_the_label_says(practice):
    check(practice, "j29", {"psychosis": "contraindication", "pregnancy": "warning", "cbt": "none"})
    assert practice.verdict("j29") == "incorrect"
    fb = practice.feedback("j29")
    assert "2 of 3 right" in fb and "you chose label contraindication" in fb
    (c,) = learning.choices(practice.learner, MODULE)
    assert c.value == {"answers": {"psychosis": "contraindication", "pregnancy": "warning", "cbt": "none"},
                       "correct": 2, "total": 3}


def test_last_checked_answers_and_feedback_are_restored_on_reopen(practice):
    check(practice, "j29", {"psychosis": "warning", "pregnancy": "none", "cbt": "none"})
    check(practice, "j29", {"psychosis": "contraindication", "pregnancy": "warning", "cbt": "none"})  # the last
    check(practice, "r52", {"aneurysm": "warning", "hypertension": "", "ssri": ""})  # never recorded
    again = wsc.ScreeningPractice("screening_practice", MODULE, learner=practice.learner)
    assert again.answers("j29") == {"psychosis": "contraindication", "pregnancy": "warning", "cbt": "none"}
    assert again.verdict("j29") == "incorrect" and again.feedback("j29") == practice.feedback("j29")
    assert again.state["j29"]["feedback"] == practice.feedback("j29") and again.state["j29"]["v"] >= 1
    assert again.answers("r52")["aneurysm"] is None and again.verdict("r52") == ""
    assert len(learning.choices(practice.learner, MODULE)) == 2  # restoring records nothing
    other = wsc.ScreeningPractice("screening_practice", MODULE, learner=new_learner())
    assert other.verdict("j29") == "" and other.answers("j29")["psychosis"] is None


def test_saved_answers_that_no_longer_fit_the_content_show_without_feedback(practice):
    learning.record_choice(practice.learner, MODULE, "screening/j29",
                           {"answers": {"psychosis": "warning", "pregnancy": "maybe", "gone": "none"},
                            "correct": 1, "total": 3})
    learning.record_choice(practice.learner, MODULE, "screening/r52", "not a dict")
    again = wsc.ScreeningPractice("screening_practice", MODULE, learner=practice.learner)
    assert again.answers("j29") == {"psychosis": "warning", "pregnancy": None, "cbt": None}
    assert again.verdict("j29") == "" and again.verdict("r52") == ""


@pytest.mark.parametrize("msg, says", [
    ({"event": "check", "id": "nobody", "answers": {}}, "no profile 'nobody'"),
    ({"event": "explode", "id": "r52", "answers": {}}, "unknown request 'explode'"),
    ({"event": "check", "id": "r52", "answers": "all"}, "no answers"),
    (["check"], "not a request"),
    ("check", "not a request"),
])
def test_a_request_the_exercise_cannot_read_gives_a_notice(practice, msg, says):
    send(practice, msg)
    assert "could not read" in practice.notice and says in unescape(practice.notice)
    assert all(practice.verdict(p.id) == "" for p in practice.screening.profiles)
    assert learning.choices(practice.learner, MODULE) == []


def test_an_unknown_category_or_finding_is_named_in_the_feedback(practice):
    check(practice, "r52", {"aneurysm": "forbidden", "hypertension": "warning", "ssri": "none"})
    assert practice.verdict("r52") == "error" and practice.state["r52"]["verdict"] == "error"
    assert "finding 1: 'forbidden' is not one of the categories" in unescape(practice.feedback("r52"))
    check(practice, "r52", {"liver": "warning"})
    assert "has no finding 'liver'" in unescape(practice.feedback("r52"))
    with pytest.raises(ValueError, match="not one of the categories"):
        practice.set_answers("r52", {"aneurysm": 3})
    assert learning.choices(practice.learner, MODULE) == []
    check(practice, "r52", right("r52"))  # the learner can go on
    assert practice.verdict("r52") == "correct"


def test_a_store_failure_is_reported_but_feedback_still_shows(practice, monkeypatch):
    def boom(*_a, **_k):
        raise learning.ProgressError("the progress store x.sqlite could not be used: disk I/O error")

    monkeypatch.setattr(learning, "record_choice", boom)
    check(practice, "r52", right("r52"))
    assert practice.verdict("r52") == "correct"
    assert "Your answers could not be saved" in practice.notice and "disk I/O error" in practice.notice


def test_a_store_failure_on_opening_is_reported(monkeypatch):
    def boom(*_a, **_k):
        raise learning.ProgressError("the progress store x.sqlite could not be used: locked")

    monkeypatch.setattr(learning, "latest_choices", boom)
    w = wsc.ScreeningPractice("screening_practice", MODULE, learner=new_learner())
    assert "Earlier answers could not be loaded" in w.notice and w.verdict("r52") == ""


def test_a_content_error_shows_the_load_message(monkeypatch):
    def broken(_set_id):
        raise content.ContentError(["assets/scenarios/screening_practice.yaml:7: profiles: at least 1 needed"])

    monkeypatch.setattr(content, "load_screening", broken)
    w = wsc.ScreeningPractice("screening_practice", MODULE, learner=new_learner())
    assert "This exercise could not be loaded" in w.failed and "screening_practice.yaml:7" in w.failed
    assert w.profiles == [] and w.state == {}
    send(w, {"event": "check", "id": "r52", "answers": {}})  # ignored, no traceback
