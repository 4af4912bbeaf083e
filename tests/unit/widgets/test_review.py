"""The review page: today's due questions one at a time, confidence buttons, and the home page's count."""

from __future__ import annotations

import uuid

import pytest

from katlearn import content, learning
from katlearn.widgets import home, page
from katlearn.widgets import review as wr

DAY_S = 86_400.0
NOW = 1_780_000_000.0


@pytest.fixture
def learner() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def met(learner: str, n: int, correct: bool = True, ts: float = NOW - 3 * DAY_S) -> list[learning.Located]:
    """``learner`` answered the first ``n`` true/false questions of the course in their module quizzes."""
    found = [w for w in learning.question_index().values() if w.question.type == "true_false"][:n]
    for w in found:
        learning.record_attempt(learner, w.module, w.question.id, w.question.answer, correct, float(correct), ts=ts)
    return found


def test_a_learner_who_met_no_question_is_told_how_questions_get_here(learner):
    w = wr.ReviewSession(learner, now=NOW)
    assert w.view is None and "No questions to review yet" in w.status.value
    assert "answer a module" in home.review_due_html(learner, NOW)


def test_due_questions_are_shown_one_by_one_and_answers_are_saved_with_confidence(learner):
    wheres = met(learner, 3)
    w = wr.ReviewSession(learner, now=NOW)
    assert "3 questions due for review today" in w.status.value
    assert w.due_list.value.count("<li>") == 3
    assert "3 questions due for review today" in home.review_due_html(learner, NOW)
    seen = []
    views = []
    for confidence, right in [("sure", True), ("guess", True), ("unsure", False)]:
        q = w.current.where.question
        seen.append(q.id)
        views.append(w.view)
        assert w.view.mode == "review" and [qq["id"] for qq in w.view.questions] == [q.id]
        assert [v for v, _label in w.view.confidence] == list(learning.CONFIDENCES)
        assert f"{len(seen)} of 3" in w.view.questions[0]["prompt"]  # numbered within today's review
        assert w.current.where.href in w.where.value  # links to the section that teaches it
        w.view.set_answer(q.id, q.answer if right else (not q.answer))
        result = w.answer(confidence)
        assert result.correct is right
        assert w.view.verdict(q.id) == ("correct" if right else "incorrect") and w.view.is_locked(q.id)
        assert "comes back" in w.after.value and w.next_button.layout.display != "none"
        assert w.answer("sure") is None  # answered: a second press changes nothing
        w.show_next()
    assert all(v.comm is None for v in views)  # each question had a fresh view; the old ones are closed
    assert sorted(seen) == sorted(x.question.id for x in wheres)
    saved = learning.review_answers(learner)
    assert [(r.question_id, r.confidence, r.correct) for r in saved] == [
        (seen[0], "sure", True), (seen[1], "guess", True), (seen[2], "unsure", False)]
    assert w.view is None and "Nothing is due for review today" in w.status.value
    assert "tomorrow" in w.status.value  # the wrong one
    assert "reviewed 3 questions" in w.after.value


def test_an_unanswered_question_is_not_saved(learner):
    met(learner, 1)
    w = wr.ReviewSession(learner, now=NOW)
    result = w.answer("sure")
    qid = w.current.question_id
    assert not result.graded and w.view.verdict(qid) == "error" and not w.view.is_locked(qid)
    assert learning.review_answers(learner) == []


def test_the_answer_travels_with_the_confidence_button_and_nothing_reaches_mastery(learner):
    """What the browser sends: one message with the answer (in shown positions) and the confidence;
    an unknown confidence is ignored. Review answers never become module attempts."""
    (where,) = met(learner, 1)
    before = learning.latest_answers(learner, where.module)
    w = wr.ReviewSession(learner, now=NOW)
    q = where.question
    shown = q.to_shown(q.answer, w.view.orders[q.id])
    w.view._on_front_end(w.view, {"event": "check", "id": q.id, "answers": {q.id: shown}, "confidence": "certain"}, [])
    assert learning.review_answers(learner) == [] and w.view.verdict(q.id) == ""
    w.view._on_front_end(w.view, {"event": "check", "id": q.id, "answers": {q.id: shown}, "confidence": "sure"}, [])
    (saved,) = learning.review_answers(learner)
    assert (saved.question_id, saved.confidence, saved.correct) == (q.id, "sure", True)
    assert w.view.verdict(q.id) == "correct"
    assert learning.latest_answers(learner, where.module) == before


def test_when_text():
    assert wr.when_text(NOW, NOW) == "today"
    assert wr.when_text(NOW + DAY_S, NOW) == "tomorrow"
    assert "(in 3 days)" in wr.when_text(NOW + 3 * DAY_S, NOW)


def test_header_links_the_review_page_and_the_page_marks_itself():
    html = page.header_html("02_nmda_glutamate", learner="nobody")
    assert 'class="kl-review-link" href="review.ipynb"' in html
    own = page.header_html("review", learner="nobody")
    assert 'aria-current="page">Review' in own and "Your progress" not in own
    assert "review" not in [m.slug for m in content.learner_modules()]  # not a module in the map
