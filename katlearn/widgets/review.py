"""The review page: questions the learner has met, when they are due (FSRS, from
:mod:`katlearn.learning`), one at a time. After answering, the learner says how sure they were
(one button per confidence level: that button also checks the answer); the feedback follows, with
when the question comes back, and a link to the section that teaches it.

Each question is a one-question :class:`katlearn.widgets.quiz.Quiz` in review mode (the confidence
buttons replace its Check button, and the answer travels with the button pressed); a fresh one for
each question. Review answers are saved by :func:`katlearn.learning.answer_review` and never change
module mastery.

Stable CSS classes: ``kl-review`` (the page part), ``kl-review-status`` (due today / next due),
``kl-review-due-list`` (today's items with their section links), ``kl-review-where`` (the current
item's section link), ``kl-review-confidence`` (inside the question: the row of buttons; each
button also has ``kl-confidence-<guess|unsure|sure>``), ``kl-review-next``, ``kl-review-after`` (when it comes back),
``kl-review-notice`` (store problems).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.content import ContentError
from katlearn.widgets._html import html_view, live_region
from katlearn.widgets.live import deferred
from katlearn.widgets.quiz import Quiz
from katlearn.widgets._shared import control, set_shown, shared_layout

__all__ = ["ReviewSession", "review", "when_text", "due_line"]

CONFIDENCE_LABELS = {"guess": "I guessed", "unsure": "Fairly sure", "sure": "Sure"}
_WIDE = shared_layout(width="100%")


def when_text(ts: float, now: float | None = None) -> str:
    """"today", "tomorrow", or "on Tue 8 Dec (in 3 days)" in the learner's local time."""
    now = time.time() if now is None else now
    days = round((learning.end_of_day(ts) - learning.end_of_day(now)) / 86_400)
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    day = datetime.fromtimestamp(ts).astimezone()
    return f"on {day:%a} {day.day} {day:%b} (in {days} days)"


def due_line(items: Sequence[learning.ReviewItem], now: float | None = None) -> str:
    """One plain sentence: how many are due today and when the next ones are due."""
    if not items:
        return "No questions to review yet: answer a module's quiz and its questions come back here."
    today = learning.due_today(items, now)
    n = len(today)
    text = (f"{content.plural(n, 'question')} due for review today." if n
            else "Nothing is due for review today.")
    upcoming = learning.next_due(items, now)
    if upcoming:
        when, count = upcoming
        text += f" Next: {content.plural(count, 'question')} {when_text(when, now)}."
    return text


def _link(where: learning.Located) -> str:
    what = escape(where.objective_text or where.module_title)
    return f'<a href="{escape(where.href)}">{escape(where.module_title)}: {what}</a>'


class ReviewSession(widgets.VBox):
    """Today's due questions, one at a time, for one learner."""

    def __init__(self, learner: str | None = None, now: float | None = None) -> None:
        self.learner = learner or learning.current_learner()
        self._now = now
        self.status = html_view(wide=True)
        self.status.add_class("kl-review-status")
        self.due_list = html_view(wide=True)
        self.due_list.add_class("kl-review-due-list")
        self.where = html_view(wide=True)
        self.where.add_class("kl-review-where")
        self.slot = widgets.VBox(layout=_WIDE)
        self.after = html_view(wide=True)
        self.after.add_class("kl-review-after")
        self.next_button = control(widgets.Button, description="Next question", button_style="primary", layout={"width": "auto", "display": "none"},
                                          tooltip="Go to the next question due")
        self.next_button.add_class("kl-review-next")
        self.next_button.on_click(lambda _b: self.show_next())
        self.notice = html_view(wide=True)
        self.notice.add_class("kl-review-notice")
        super().__init__([self.status, self.due_list, self.where, self.slot, self.after,
                          self.next_button, self.notice], layout=_WIDE)
        self.add_class("kl-review")
        try:
            self.references = content.load_references()
        except ContentError:
            self.references = {}
        self.index = learning.question_index()
        self.items: list[learning.ReviewItem] = []
        self.current: learning.ReviewItem | None = None
        self.view: Quiz | None = None
        self.done = 0
        self.show_next()

    def now(self) -> float:
        return time.time() if self._now is None else self._now

    def refresh(self) -> list[learning.ReviewItem]:
        """Re-read the schedule; returns today's due items, soonest first."""
        try:
            self.items = learning.review_items(self.learner, self.index)
        except learning.ProgressError as exc:
            self.items = []
            self.notice.value = live_region(f"<p><strong>Your review schedule could not be read</strong> "
                                            f"({escape(str(exc))}).</p>")
        due = learning.due_today(self.items, self.now())
        self.status.value = live_region(f"<p><strong>{escape(due_line(self.items, self.now()))}</strong></p>")
        if due:
            rows = "".join(f"<li>{_link(i.where)}</li>" for i in due)
            self.due_list.value = (f"<details><summary>Due today, and where each is taught</summary>"
                                   f"<ol>{rows}</ol></details>")
        else:
            self.due_list.value = ""
        return due

    def show_next(self) -> None:
        """Show the first question due (or say that none is)."""
        due = self.refresh()
        self.after.value = ""
        set_shown(self.next_button, False)
        if not due:
            old, self.current, self.view = self.view, None, None
            self.slot.children = ()
            if old is not None:
                old.close()
            self.where.value = ""
            done = f"You reviewed {content.plural(self.done, 'question')} in this session. " if self.done else ""
            self.after.value = f"<p>{done}Come back when more are due.</p>" if self.items else ""
            return
        self.current = due[0]
        where = self.current.where
        old, self.view = self.view, Quiz(
            where.module, "review", self.learner, bank=content.Bank(module=where.module, questions=(where.question,)),
            references=self.references, objectives=(), seed="review", number=(self.done + 1, self.done + len(due)))
        self.view.confidence = [[key, CONFIDENCE_LABELS[key]] for key in learning.CONFIDENCES]
        self.view.review_answer = lambda _q, answer, confidence: self._checked(answer, confidence)
        self.slot.children = (self.view,)
        if old is not None:
            old.close()
        self.where.value = f"<p>Taught in {_link(where)}</p>"

    def answer(self, confidence: str) -> learning.Result | None:
        """Check the current answer with the learner's confidence, as pressing its button does."""
        if self.view is None or self.current is None:
            return None
        return self.view.review(self.current.question_id, confidence)

    def _checked(self, answer: object, confidence: str) -> learning.Result:
        """Save one review answer (the quiz shows its feedback); say when the question comes back."""
        assert self.current is not None
        try:
            result = learning.answer_review(self.learner, self.current.where, answer, confidence, ts=self.now())
        except learning.ProgressError as exc:
            self.notice.value = live_region(f"<p><strong>Your answer could not be saved</strong> "
                                            f"({escape(str(exc))}).</p>")
            result = learning.grade(self.current.where.question, answer)
        if not result.graded:
            return result
        self.done += 1
        qid = self.current.question_id
        self.refresh()
        back = next((i for i in self.items if i.question_id == qid), None)
        if back is not None:
            self.after.value = live_region(f"<p>This question comes back <strong>{when_text(back.due, self.now())}"
                                           f"</strong>. {'Read' if not result.correct else 'Revisit'} "
                                           f"{_link(back.where)}</p>")
        more = bool(learning.due_today(self.items, self.now()))
        self.next_button.description = "Next question" if more else "Finish"
        set_shown(self.next_button, True)
        return result


@deferred
def review() -> ReviewSession:
    """The review session for a notebook cell (built when the learner arrives)."""
    return ReviewSession()
