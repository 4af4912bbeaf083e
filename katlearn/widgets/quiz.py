"""The quiz view: any question bank as one widget, graded by :mod:`katlearn.learning`, kept by
:mod:`katlearn.learning`.

``quiz(module)`` in a notebook shows that module's bank. Practice mode checks each question on
its own (feedback, explanation with sources, "Try again"); exam mode shows nothing until "Submit
all". Both end with a module summary: score, mastery (80 %) and, below mastery, links to the
sections that teach the objectives to review. Every graded answer is saved; reopening the page
restores the learner's last answers and results.

The whole quiz is one widget model with its own small front end (``quiz.js``, served by the
course server with the page like ``plot.js``): the questions as each question model shows itself
(:meth:`katlearn.content.Question.shown`: texts in the learner's order, never the key), the
learner's answers and the feedback travel in its state and messages. Grading stays here, in
Python: the front end sends an answer in shown positions, :meth:`~katlearn.content.Question.from_shown`
turns it into the stored shape and :func:`katlearn.learning.grade` decides.

Stable CSS classes (browser tests and the course stylesheet rely on them):

=====================  =========================================================================
class                  element
=====================  =========================================================================
``kl-quiz``            the whole quiz; with ``kl-mode-practice`` or ``kl-mode-exam``
``kl-question``        one question; with ``kl-q-<id>`` (non-alphanumerics of the id → ``-``)
                       and ``kl-type-<type>``
``kl-prompt``          the question text
``kl-answer``          the answer controls of a question (real form controls with labels)
``kl-check``           practice: the "Check" button of a question
``kl-retry``           practice: the "Try again" button of a question
``kl-feedback``        the feedback area of a question (focused after a check, announced); after
                       grading it also has ``kl-correct`` or ``kl-incorrect``, or ``kl-error``
``kl-order-item``      ordering questions: one row (its text in ``kl-order-text``), with
``kl-move-up``         "Move up" / "Move down" buttons
``kl-move-down``
``kl-summary``         the module summary
``kl-submit-all``      exam: the "Submit all" button
``kl-retake``          exam: the "Start again" button shown after submitting
=====================  =========================================================================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import anywidget
import traitlets

from katlearn import content, learning
from katlearn.content import Bank, ContentError, Question, Reference
from katlearn.widgets import _quiz_html as H
from katlearn.widgets._quiz_html import cite, css_id
from katlearn.widgets.live import deferred
from katlearn.widgets._shared import shared_layout
from katlearn.widgets._front_end import front_end

__all__ = ["Quiz", "quiz", "css_id", "cite", "MODES"]

MODES = ("practice", "exam", "review")
# one Layout model shared by every quiz (a DOMWidget otherwise brings a Layout model of its own)
_LAYOUT = shared_layout(width="100%")



class Quiz(anywidget.AnyWidget):
    """A module's quiz bound to one learner's progress. Use :func:`quiz` in notebooks."""

    _esm = traitlets.Unicode(front_end("quiz.js")).tag(sync=True)
    mode = traitlets.Unicode("practice").tag(sync=True)
    # [{id, css, type, prompt (HTML), control, choices/terms/unit}], as each question shows itself
    questions = traitlets.List().tag(sync=True)
    # {question id: {answer (shown positions), locked, verdict, feedback (HTML), v (version)}}
    state = traitlets.Dict().tag(sync=True)
    summary = traitlets.Unicode("").tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    submitted = traitlets.Bool(False).tag(sync=True)
    failed = traitlets.Bool(False).tag(sync=True)
    # review: [[value, label], ...], one button each; pressing one checks the answer with that confidence
    confidence = traitlets.List().tag(sync=True)

    def __init__(self, module: str, mode: str = "practice", learner: str | None = None, *,
                 bank: Bank | None = None, references: Mapping[str, Reference] | None = None,
                 objectives: Sequence[Any] | None = None, seed: str = "", number: tuple[int, int] | None = None):
        """``number``: (number of the first question, questions in all) when the bank is part of a
        longer series, as on the review page; default (1, questions in the bank)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        super().__init__(mode=mode, layout=_LAYOUT)
        self.module = module
        self.learner = learner or learning.current_learner()
        self.results: dict[str, learning.Result] = {}
        self._answers: dict[str, Any] = {}
        self._locked: dict[str, bool] = {}
        self._verdicts: dict[str, tuple[str, str]] = {}
        self._versions: dict[str, int] = {}
        self._listeners: list[Callable[[], None]] = []
        # review mode: grades and saves one answer with the learner's confidence (see review())
        self.review_answer: Callable[[Question, Any, str], learning.Result] | None = None
        self.on_msg(self._on_front_end)
        try:
            self.bank: Bank | None = bank or content.load_bank(module)
        except ContentError as exc:
            self.bank = None
            self.failed = True
            self.summary = H.load_failed(exc.problems)
            self.by_id: dict[str, Question] = {}
            return
        if references is None:
            try:
                references = content.load_references()
            except ContentError:
                references = {}
        self.references = references
        self.objectives = tuple(objectives) if objectives is not None else _objectives_for(module)
        self.by_id = {q.id: q for q in self.bank.questions}
        self.orders = {q.id: learning.option_order(q, self.learner, seed) for q in self.bank.questions}
        first, total = number or (1, len(self.bank.questions))
        with self.hold_sync():
            self.questions = [{"id": q.id, "css": css_id(q.id), "type": q.type,
                               "prompt": H.prompt(q, n, total), **q.shown(self.orders[q.id])}
                              for n, q in enumerate(self.bank.questions, start=first)]
            if mode != "review":  # a review question starts blank and records no completion
                self._resume()
                self._update_summary()
            self._publish(self.by_id)

    # -- what the front end and tests read ------------------------------------------------------

    def answer(self, question_id: str) -> Any:
        """The current answer to one question, in the shape :func:`katlearn.learning.grade` takes."""
        self.by_id[question_id]  # KeyError for an unknown id
        return self._answers.get(question_id)

    def set_answer(self, question_id: str, answer: Any) -> None:
        """Show an answer (stored shape); anything that no longer fits the question shows blank."""
        self._answers[question_id] = answer
        self._publish([question_id])

    def verdict(self, question_id: str) -> str:
        """"correct", "incorrect", "error" (an answer that could not be read) or "" (no feedback)."""
        return self._verdicts.get(question_id, ("", ""))[0]

    def feedback(self, question_id: str) -> str:
        """The feedback HTML shown under one question ('' when there is none)."""
        return self._verdicts.get(question_id, ("", ""))[1]

    def is_locked(self, question_id: str) -> bool:
        return self._locked.get(question_id, False)

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after an exam is submitted or cleared for a retake."""
        self._listeners.append(callback)

    # -- actions -------------------------------------------------------------------------------

    def check(self, question_id: str) -> learning.Result:
        """Practice: grade one question, show feedback, save the attempt."""
        q = self.by_id[question_id]
        answer = self._answers.get(question_id)
        result = learning.grade(q, answer)
        with self.hold_sync():
            if result.graded:
                self._save(lambda: learning.record_attempt(self.learner, self.module, q.id, answer,
                                                           result.correct, result.score, self.mode))
                self.results[q.id] = result
                self._show_result(q, result)
                self._update_summary(record=True)
            else:
                self._verdicts[q.id] = ("error", H.answer_error(result.error or ""))
            self._publish([q.id])
        return result

    def review(self, question_id: str, confidence: str) -> learning.Result | None:
        """Review: grade one answer through :attr:`review_answer` (which saves it with the learner's
        confidence) and show the feedback; module attempts and mastery are left alone."""
        q = self.by_id[question_id]
        if self.review_answer is None or self._locked.get(question_id):
            return None
        result = self.review_answer(q, self._answers.get(question_id), confidence)
        with self.hold_sync():
            if result.graded:
                self.results[q.id] = result
                self._show_result(q, result)
            else:
                self._verdicts[q.id] = ("error", H.answer_error(result.error or ""))
            self._publish([q.id])
        self._notify()
        return result

    def retry(self, question_id: str) -> None:
        """Practice: unlock one question to answer again (its saved attempts stay)."""
        self._verdicts.pop(question_id, None)
        self._locked[question_id] = False
        self._publish([question_id])

    def submit_all(self) -> dict[str, learning.Result]:
        """Exam: grade everything at once; nothing is saved unless every answer can be read."""
        assert self.bank is not None
        graded = {q.id: (q, self._answers.get(q.id), learning.grade(q, self._answers.get(q.id)))
                  for q in self.bank.questions}
        with self.hold_sync():
            unreadable = [n for n, (_q, _a, r) in enumerate(graded.values(), start=1) if not r.graded]
            if unreadable:
                for qid, (_q, _a, r) in graded.items():
                    if r.graded:
                        self._verdicts.pop(qid, None)
                    else:
                        self._verdicts[qid] = ("error", H.answer_error(r.error or ""))
                self.summary = H.not_submitted(unreadable)
                self._publish(graded)
                return {}
            for qid, (q, answer, r) in graded.items():
                self._save(lambda q=q, answer=answer, r=r: learning.record_attempt(
                    self.learner, self.module, q.id, answer, r.correct, r.score, self.mode))
                self.results[qid] = r
                self._show_result(q, r)
            self.submitted = True
            self._update_summary(record=True)
            self._publish(graded)
        self._notify()
        return {qid: r for qid, (_q, _a, r) in graded.items()}

    def retake(self) -> None:
        """Exam: clear every answer for a fresh attempt (saved attempts stay in the store)."""
        with self.hold_sync():
            self.results.clear()
            self._answers.clear()
            self._locked.clear()
            self._verdicts.clear()
            self.submitted = False
            self._update_summary()
            self._publish(self.by_id)
        self._notify()

    # -- helpers -------------------------------------------------------------------------------

    def _on_front_end(self, _widget: Any, msg: Any, _buffers: Any) -> None:
        """One dispatch for what the front end asks: check (review: with a confidence), retry, submit
        (with answers), retake."""
        if not isinstance(msg, dict) or self.bank is None:
            return
        event, qid = msg.get("event"), msg.get("id")
        answers = msg.get("answers") if isinstance(msg.get("answers"), dict) else {}
        for key, shown in answers.items():
            if key in self.by_id and not self._locked.get(key):
                self._answers[key] = self.by_id[key].from_shown(shown, self.orders[key])
        if event == "check" and qid in self.by_id and self.mode == "practice" and not self._locked.get(qid):
            self.check(qid)
        elif event == "check" and qid in self.by_id and self.mode == "review" and \
                msg.get("confidence") in {value for value, _label in self.confidence}:
            self.review(qid, msg["confidence"])
        elif event == "retry" and qid in self.by_id and self.mode == "practice":
            self.retry(qid)
        elif event == "submit" and self.mode == "exam" and not self.submitted:
            self.submit_all()
        elif event == "retake" and self.mode == "exam":
            self.retake()

    def _show_result(self, q: Question, result: learning.Result) -> None:
        self._verdicts[q.id] = ("correct" if result.correct else "incorrect",
                                H.feedback(q, result, self.references))
        self._locked[q.id] = True

    def _publish(self, question_ids: Any) -> None:
        """Send every question's state; those in ``question_ids`` get a new version, which tells the
        front end to show them again (others keep what the learner may be typing)."""
        for qid in question_ids:
            self._versions[qid] = self._versions.get(qid, 0) + 1
        state = {}
        for q in self.bank.questions if self.bank else ():
            verdict, html = self._verdicts.get(q.id, ("", ""))
            state[q.id] = {"answer": q.to_shown(self._answers.get(q.id), self.orders[q.id]),
                           "locked": self._locked.get(q.id, False), "verdict": verdict,
                           "feedback": html, "v": self._versions.get(q.id, 0)}
        self.state = state

    def _notify(self) -> None:
        for callback in self._listeners:
            callback()

    def _save(self, write: Callable[[], Any]) -> None:
        try:
            write()
        except learning.ProgressError as exc:
            self.notice = H.save_failed(exc)

    def _resume(self) -> None:
        assert self.bank is not None
        try:
            latest = learning.latest_answers(self.learner, self.module, mode=self.mode)
            done = learning.completions(self.learner, self.module)
        except learning.ProgressError as exc:
            self.notice = H.resume_failed(exc)
            return
        if not latest:
            return
        if self.mode == "exam":
            last_attempt = max(a.ts for a in latest.values())
            if not any(c.mode == "exam" and c.ts >= last_attempt for c in done):
                for qid, attempt in latest.items():
                    if qid in self.by_id:
                        self._answers[qid] = attempt.answer
                return
        for q in self.bank.questions:
            attempt = latest.get(q.id)
            if attempt is None:
                continue
            self._answers[q.id] = attempt.answer
            result = learning.grade(q, attempt.answer)  # re-graded: the bank may have changed
            if result.graded:
                self.results[q.id] = result
                self._show_result(q, result)
        if self.mode == "exam" and len(self.results) == len(self.bank.questions):
            self.submitted = True

    def current_summary(self) -> learning.Summary:
        assert self.bank is not None
        return learning.summarize(self.bank, self.results, self.objectives)

    def _update_summary(self, record: bool = False) -> None:
        s = self.current_summary()
        finished = s.complete and (self.mode == "practice" or self.submitted)
        if record and finished:
            self._save(lambda: learning.record_completion(self.learner, self.module, s.score, s.mastered, self.mode))
        self.summary = H.summary(s, self.mode, finished, self.learner)


def _objectives_for(module: str) -> tuple[Any, ...]:
    """The objectives of the notebook whose ``metadata.katlearn.quiz`` names this bank."""
    try:
        for meta in content.modules():
            if meta.quiz == module or meta.slug == module:
                return tuple(meta.objectives)
    except (content.NotebookMetaError, OSError):
        pass
    return ()


@deferred
def quiz(module: str, mode: str = "practice", learner: str | None = None) -> Quiz:
    """The quiz of one module (``assets/quizzes/<module>.yaml``) for the current learner.

    ``mode="practice"`` checks each answer as you go; ``mode="exam"`` grades all at the end.
    """
    return Quiz(module, mode=mode, learner=learner)
