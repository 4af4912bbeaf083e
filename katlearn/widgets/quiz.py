"""The quiz view: any question bank as ipywidgets, graded by :mod:`katlearn.learning`, kept by
:mod:`katlearn.learning`.

``quiz(module)`` in a notebook shows that module's bank. Practice mode checks each question on
its own (feedback, explanation with sources, "Try again"); exam mode shows nothing until "Submit
all". Both end with a module summary: score, mastery (80 %) and, below mastery, links to the
sections that teach the objectives to review. Every graded answer is saved; reopening the page
restores the learner's last answers and results.

Stable CSS classes (browser tests and the course stylesheet rely on them):

=====================  =========================================================================
class                  element
=====================  =========================================================================
``kl-quiz``            the whole quiz; with ``kl-mode-practice`` or ``kl-mode-exam``
``kl-question``        one question; with ``kl-q-<id>`` (non-alphanumerics of the id → ``-``)
                       and ``kl-type-<type>``
``kl-prompt``          the question text
``kl-answer``          the answer controls of a question
``kl-check``           practice: the "Check" button of a question
``kl-retry``           practice: the "Try again" button of a question
``kl-feedback``        the feedback area of a question; after grading it also has
                       ``kl-correct`` or ``kl-incorrect``, or ``kl-error`` for an unreadable answer
``kl-move-up``         ordering questions: "Move up" / "Move down" buttons of each row
``kl-move-down``
``kl-summary``         the module summary
``kl-submit-all``      exam: the "Submit all" button
``kl-retake``          exam: the "Start again" button shown after submitting
=====================  =========================================================================

Learner-entered and content text reaches the page only escaped or through the Markdown
sanitizer (:mod:`katlearn.content`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import ipywidgets as widgets
from ipywidgets.widgets.widget_bool import CheckboxStyle
from ipywidgets.widgets.widget_description import DescriptionStyle
from ipywidgets.widgets.widget_string import HTMLMathStyle, HTMLStyle, TextStyle

from katlearn import content, learning
from katlearn.content import (
    Bank,
    ContentError,
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    Reference,
    SingleChoice,
    TrueFalse,
    render_markdown,
)
from katlearn.widgets._html import live_region
from katlearn.widgets.live import deferred

__all__ = ["Quiz", "QuestionView", "quiz", "css_id"]

MODES = ("practice", "exam")
_TYPE_NAMES = {
    "single": "Choose one answer.",
    "multiple": "Select all that apply.",
    "true_false": "True or false?",
    "numeric": "Type a number.",
    "ordering": "Put the items in order, first at the top, with the Move up / Move down buttons.",
    "matching": "Choose the matching definition for each term.",
}
# Layouts and styles that never change after creation are shared: each one is a model the browser
# must fetch and wire up, and a quiz of ten questions otherwise carries ~250 of them.
_WIDE = widgets.Layout(width="100%")
_PLAIN = widgets.Layout()
_QUESTION = widgets.Layout(width="100%", margin="0 0 1.5em 0")
_NUMERIC = widgets.Layout(width="24em", max_width="100%")
_ROW = widgets.Layout(width="100%", flex_flow="row wrap")
_ROW_LABEL = widgets.Layout(flex="1 1 14em")
_ROW_BUTTONS = widgets.Layout(flex="0 0 auto")
_AUTO_WIDTH = widgets.Layout(width="auto")
# Shown and hidden controls swap between these two shared layouts instead of owning one each.
_SHOWN = _PLAIN
_HIDDEN = widgets.Layout(display="none")
_LABEL_STYLE = DescriptionStyle(description_width="initial")
_TERM_STYLE = DescriptionStyle(description_width="35%")
_TEXT_STYLE = TextStyle(description_width="initial")
_BUTTON_STYLE = widgets.ButtonStyle()
_CHECKBOX_STYLE = CheckboxStyle()
_HTML_STYLE = HTMLStyle()
_HTMLMATH_STYLE = HTMLMathStyle()


def css_id(question_id: str) -> str:
    """The class that marks one question: ``kl-q-`` + its id with non-alphanumerics → ``-``."""
    return "kl-q-" + re.sub(r"[^A-Za-z0-9]", "-", question_id)


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)



def cite(keys: Sequence[str], references: Mapping[str, Reference]) -> str:
    """HTML short citations ("Zarate et al. 2006"), linked to the DOI/URL, titled with the work."""
    parts = []
    for key in keys:
        ref = references.get(key)
        if ref is None:
            parts.append(f"<span>{_esc(key)}</span>")
            continue
        title = _esc(f"{ref.title}" + (f". {ref.journal}" if ref.journal else ""))
        label = _esc(ref.short())
        link = ref.link
        if link.startswith(("https://", "http://")):
            parts.append(f'<a href="{_esc(link)}" title="{title}" target="_blank" '
                         f'rel="noopener noreferrer">{label}</a>')
        else:
            parts.append(f'<span title="{title}">{label}</span>')
    return "; ".join(parts)


def _percent(score: float) -> str:
    return f"{round(score * 100)}%"


class QuestionView(widgets.VBox):
    """One question: prompt, answer controls, feedback; knows nothing of the store."""

    def __init__(self, question: Question, number: int, total: int, order: Sequence[int],
                 references: Mapping[str, Reference], mode: str):
        self.question = question
        self.number = number
        self.references = references
        self.mode = mode
        self.order = list(order)
        self.locked = False
        self._controls: list[widgets.Widget] = []

        hint = _esc(_TYPE_NAMES[question.type])
        heading = f"<p><strong>Question {number} of {total}</strong> <small>({hint})</small></p>"
        self.prompt = widgets.HTMLMath(value=heading + render_markdown(question.prompt), layout=_WIDE, style=_HTMLMATH_STYLE)
        self.prompt.add_class("kl-prompt")
        controls = self._build_controls()
        # one control is its own answer area; several share a box (one widget model fewer per question)
        self.answer_box = controls[0] if len(controls) == 1 else widgets.VBox(controls, layout=_WIDE)
        self.answer_box.add_class("kl-answer")
        self.feedback = widgets.HTMLMath(value="", layout=_WIDE, style=_HTMLMATH_STYLE)
        self.feedback.add_class("kl-feedback")

        self.check_button = widgets.Button(description="Check", button_style="primary", style=_BUTTON_STYLE,
                                           tooltip=f"Check your answer to question {number}", layout=_SHOWN)
        self.check_button.add_class("kl-check")
        self.retry_button = widgets.Button(description="Try again", style=_BUTTON_STYLE,
                                           tooltip=f"Change your answer to question {number}", layout=_HIDDEN)
        self.retry_button.add_class("kl-retry")
        # "Check" and "Try again" are never shown together: no row of their own is needed
        buttons = [self.check_button, self.retry_button] if mode == "practice" else []
        super().__init__([self.prompt, self.answer_box, *buttons, self.feedback], layout=_QUESTION)
        self.add_class("kl-question")
        self.add_class(css_id(question.id))
        self.add_class(f"kl-type-{question.type}")

    # -- controls ------------------------------------------------------------------------------

    def _build_controls(self) -> list[widgets.Widget]:
        q = self.question
        if isinstance(q, SingleChoice):
            self.radio = widgets.RadioButtons(
                options=[(q.options[i].text, i) for i in self.order], value=None,
                description=f"Answer {self.number}:", style=_LABEL_STYLE, layout=_WIDE)
            self._controls = [self.radio]
            return [self.radio]
        if isinstance(q, MultipleChoice):
            self.boxes = {i: widgets.Checkbox(value=False, description=q.options[i].text, indent=False,
                                              layout=_WIDE, style=_CHECKBOX_STYLE) for i in self.order}
            self._controls = list(self.boxes.values())
            return self._controls
        if isinstance(q, TrueFalse):
            self.radio = widgets.RadioButtons(options=[("True", True), ("False", False)], value=None,
                                              description=f"Answer {self.number}:", style=_LABEL_STYLE,
                                              layout=_PLAIN)
            self._controls = [self.radio]
            return [self.radio]
        if isinstance(q, Numeric):
            label = f"Answer {self.number} ({q.unit}):" if q.unit else f"Answer {self.number}:"
            self.text = widgets.Text(value="", description=label, placeholder="a number, e.g. 0.5",
                                     style=_TEXT_STYLE, layout=_NUMERIC)
            self._controls = [self.text]
            return [self.text]
        if isinstance(q, Ordering):
            self.rows: list[tuple[widgets.HTML, widgets.Button, widgets.Button]] = []
            boxes = []
            for pos in range(len(q.items)):
                label = widgets.HTML(layout=_ROW_LABEL, style=_HTML_STYLE)
                up = widgets.Button(description="Move up", layout=_AUTO_WIDTH, style=_BUTTON_STYLE)
                down = widgets.Button(description="Move down", layout=_AUTO_WIDTH, style=_BUTTON_STYLE)
                up.add_class("kl-move-up")
                down.add_class("kl-move-down")
                up.on_click(lambda _b, p=pos: self._move(p, -1))
                down.on_click(lambda _b, p=pos: self._move(p, +1))
                self.rows.append((label, up, down))
                # the label takes the row; on a phone the two buttons wrap, together, onto a line of
                # their own (hence their box)
                boxes.append(widgets.HBox([label, widgets.HBox([up, down], layout=_ROW_BUTTONS)], layout=_ROW))
            self._refresh_rows()
            return boxes
        if isinstance(q, Matching):
            self.dropdowns = [
                widgets.Dropdown(options=[("Choose…", None)] + [(q.pairs[j].definition, j) for j in self.order],
                                 value=None, description=pair.term, style=_TERM_STYLE,
                                 layout=_WIDE)
                for pair in q.pairs
            ]
            self._controls = list(self.dropdowns)
            return list(self.dropdowns)
        raise TypeError(f"unknown question type {q.type!r}")  # pragma: no cover

    def _refresh_rows(self) -> None:
        q = self.question
        assert isinstance(q, Ordering)
        n = len(self.order)
        for pos, (label, up, down) in enumerate(self.rows):
            item = q.items[self.order[pos]]
            label.value = f"<span>{pos + 1}.</span> {_esc(item)}"
            up.tooltip = f"Move “{item}” up to position {pos}" if pos > 0 else f"“{item}” is first"
            down.tooltip = f"Move “{item}” down to position {pos + 2}" if pos < n - 1 else f"“{item}” is last"
            up.disabled = self.locked or pos == 0
            down.disabled = self.locked or pos == n - 1

    def _move(self, pos: int, step: int) -> None:
        other = pos + step
        if self.locked or not 0 <= other < len(self.order):
            return
        self.order[pos], self.order[other] = self.order[other], self.order[pos]
        self._refresh_rows()

    def answer(self) -> Any:
        """The current answer, in the shape :func:`katlearn.learning.grade` takes."""
        q = self.question
        if isinstance(q, (SingleChoice, TrueFalse)):
            return self.radio.value
        if isinstance(q, MultipleChoice):
            return [i for i in range(len(q.options)) if self.boxes[i].value]
        if isinstance(q, Numeric):
            return self.text.value
        if isinstance(q, Ordering):
            return list(self.order)
        if isinstance(q, Matching):
            return [d.value for d in self.dropdowns]
        return None  # pragma: no cover

    def set_answer(self, answer: Any) -> None:
        """Show a saved answer; anything that no longer fits the question is left blank."""
        q = self.question
        try:
            if isinstance(q, SingleChoice):
                self.radio.value = answer if answer in range(len(q.options)) else None
            elif isinstance(q, TrueFalse):
                self.radio.value = answer if isinstance(answer, bool) else None
            elif isinstance(q, MultipleChoice):
                chosen = set(answer or ())
                for i, box in self.boxes.items():
                    box.value = i in chosen
            elif isinstance(q, Numeric):
                self.text.value = "" if answer is None else str(answer)
            elif isinstance(q, Ordering):
                if sorted(answer) == list(range(len(q.items))):
                    self.order = list(answer)
                    self._refresh_rows()
            elif isinstance(q, Matching):
                for d, value in zip(self.dropdowns, answer):
                    d.value = value if value in range(len(q.pairs)) else None
        except Exception:  # noqa: BLE001 - a stale saved answer must not break the page
            pass

    def clear(self) -> None:
        q = self.question
        if isinstance(q, (SingleChoice, TrueFalse)):
            self.radio.value = None
        elif isinstance(q, MultipleChoice):
            for box in self.boxes.values():
                box.value = False
        elif isinstance(q, Numeric):
            self.text.value = ""
        elif isinstance(q, Matching):
            for d in self.dropdowns:
                d.value = None
        self.clear_feedback()
        self.set_locked(False)

    # -- state ---------------------------------------------------------------------------------

    def set_locked(self, locked: bool) -> None:
        """Locked after grading: controls read-only, "Try again" offered instead of "Check"."""
        self.locked = locked
        for control in self._controls:
            control.disabled = locked
        if isinstance(self.question, Ordering):
            self._refresh_rows()
        self.check_button.layout = _HIDDEN if locked else _SHOWN
        self.retry_button.layout = _SHOWN if locked else _HIDDEN

    def clear_feedback(self) -> None:
        self.feedback.value = ""
        for cls in ("kl-correct", "kl-incorrect", "kl-error"):
            self.feedback.remove_class(cls)

    def show_error(self, message: str) -> None:
        self.clear_feedback()
        self.feedback.add_class("kl-error")
        self.feedback.value = live_region(f'<p><strong>Please check your answer:</strong> {_esc(message)}</p>')

    def show_result(self, result: learning.Result) -> None:
        """Verdict, per-option feedback, explanation and its sources."""
        if not result.graded:
            self.show_error(result.error or "")
            return
        self.clear_feedback()
        self.feedback.add_class("kl-correct" if result.correct else "kl-incorrect")
        verdict = "Correct" if result.correct else ("Partly right" if result.score > 0 else "Not quite")
        score = f" (score {_percent(result.score)})" if 0 < result.score < 1 else ""
        parts = [f"<p><strong>{verdict}</strong>{score}. {_esc(result.message)}</p>"]
        items = []
        for fb in result.feedback:
            mark = "✓ right" if fb.correct else "✗ not right"
            text = f": {render_markdown(fb.text, inline=True)}" if fb.text else ""
            items.append(f"<li><strong>{_esc(fb.label)}</strong> <em>({mark})</em>{text}</li>")
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
        parts.append(f"<div><strong>Why:</strong> {render_markdown(result.explanation)}</div>")
        parts.append(f"<p><small>Sources: {cite(self.question.references, self.references)}</small></p>")
        self.feedback.value = live_region("".join(parts))


class Quiz(widgets.VBox):
    """A module's quiz bound to one learner's progress. Use :func:`quiz` in notebooks."""

    def __init__(self, module: str, mode: str = "practice", learner: str | None = None, *,
                 bank: Bank | None = None, references: Mapping[str, Reference] | None = None,
                 objectives: Sequence[Any] | None = None, seed: str = ""):
        if mode not in MODES:
            raise ValueError(f"mode must be 'practice' or 'exam', not {mode!r}")
        self.module = module
        self.mode = mode
        self.learner = learner or learning.current_learner()
        self.results: dict[str, learning.Result] = {}
        self.submitted = False
        self.views: list[QuestionView] = []
        self.summary = widgets.HTMLMath(value="", layout=_WIDE, style=_HTMLMATH_STYLE)
        self.summary.add_class("kl-summary")
        self.notice = widgets.HTML(value="", layout=_PLAIN, style=_HTML_STYLE)
        self.submit_button = widgets.Button(description="Submit all", button_style="primary", style=_BUTTON_STYLE,
                                            tooltip="Submit every answer and see your score", layout=_SHOWN)
        self.submit_button.add_class("kl-submit-all")
        self.retake_button = widgets.Button(description="Start again", style=_BUTTON_STYLE,
                                            tooltip="Clear the answers and take the quiz again", layout=_HIDDEN)
        self.retake_button.add_class("kl-retake")
        super().__init__([], layout=_WIDE)
        self.add_class("kl-quiz")
        self.add_class(f"kl-mode-{mode}")

        try:
            self.bank = bank or content.load_bank(module)
        except ContentError as exc:
            self.bank = None
            problems = "".join(f"<li><code>{_esc(p)}</code></li>" for p in exc.problems)
            self.summary.value = (f"<p><strong>This quiz could not be loaded.</strong> "
                                  f"Run <code>python -m katlearn check</code>.</p><ul>{problems}</ul>")
            self.children = [self.summary]
            return
        if references is None:
            try:
                references = content.load_references()
            except ContentError:
                references = {}
        self.references = references
        self.objectives = tuple(objectives) if objectives is not None else _objectives_for(module)

        total = len(self.bank.questions)
        for number, q in enumerate(self.bank.questions, start=1):
            view = QuestionView(q, number, total, learning.option_order(q, self.learner, seed),
                                self.references, mode)
            view.check_button.on_click(lambda _b, v=view: self.check(v))
            view.retry_button.on_click(lambda _b, v=view: self.retry(v))
            self.views.append(view)
        self.submit_button.on_click(lambda _b: self.submit_all())
        self.retake_button.on_click(lambda _b: self.retake())
        footer = [widgets.HBox([self.submit_button, self.retake_button], layout=_PLAIN)] if mode == "exam" else []
        self.children = [*self.views, *footer, self.summary, self.notice]
        self._resume()
        self._update_summary()

    # -- actions -------------------------------------------------------------------------------

    def view(self, question_id: str) -> QuestionView:
        for v in self.views:
            if v.question.id == question_id:
                return v
        raise KeyError(question_id)

    def check(self, view: QuestionView) -> learning.Result:
        """Practice: grade one question, show feedback, save the attempt."""
        answer = view.answer()
        result = learning.grade(view.question, answer)
        if not result.graded:
            view.show_error(result.error or "")
            return result
        self._save(lambda: learning.record_attempt(self.learner, self.module, view.question.id, answer,
                                                   result.correct, result.score, self.mode))
        self.results[view.question.id] = result
        view.show_result(result)
        view.set_locked(True)
        self._update_summary(record=True)
        return result

    def retry(self, view: QuestionView) -> None:
        view.clear_feedback()
        view.set_locked(False)

    def submit_all(self) -> dict[str, learning.Result]:
        """Exam: grade everything at once; nothing is saved unless every answer can be read."""
        graded = {v.question.id: (v, v.answer(), learning.grade(v.question, v.answer())) for v in self.views}
        unreadable = [v.number for v, _a, r in graded.values() if not r.graded]
        if unreadable:
            for v, _a, r in graded.values():
                if r.graded:
                    v.clear_feedback()
                else:
                    v.show_error(r.error or "")
            which = ", ".join(str(n) for n in unreadable)
            self.summary.value = live_region(
                f"<p><strong>Not submitted yet.</strong> Please answer question{'s' if len(unreadable) > 1 else ''} "
                f"{which} first (see the notes below {'them' if len(unreadable) > 1 else 'it'}).</p>")
            return {}
        for v, answer, r in graded.values():
            self._save(lambda v=v, answer=answer, r=r: learning.record_attempt(
                self.learner, self.module, v.question.id, answer, r.correct, r.score, self.mode))
            self.results[v.question.id] = r
            v.show_result(r)
            v.set_locked(True)
        self.submitted = True
        self.submit_button.layout = _HIDDEN
        self.retake_button.layout = _SHOWN
        self._update_summary(record=True)
        return {qid: r for qid, (_v, _a, r) in graded.items()}

    def retake(self) -> None:
        """Exam: clear every answer for a fresh attempt (saved attempts stay in the store)."""
        self.results.clear()
        self.submitted = False
        for v in self.views:
            v.clear()
        self.submit_button.layout = _SHOWN
        self.retake_button.layout = _HIDDEN
        self._update_summary()

    # -- helpers -------------------------------------------------------------------------------

    def _save(self, write: Any) -> None:
        try:
            write()
        except learning.ProgressError as exc:
            self.notice.value = live_region(f"<p><strong>Your progress could not be saved</strong> "
                                      f"({_esc(exc)}). Your answers still count on this page.</p>")

    def _resume(self) -> None:
        try:
            latest = learning.latest_answers(self.learner, self.module, mode=self.mode)
            done = learning.completions(self.learner, self.module)
        except learning.ProgressError as exc:
            self.notice.value = live_region(f"<p>Earlier answers could not be loaded ({_esc(exc)}).</p>")
            return
        if not latest:
            return
        if self.mode == "exam":
            last_attempt = max(a.ts for a in latest.values())
            if not any(c.mode == "exam" and c.ts >= last_attempt for c in done):
                for v in self.views:
                    if v.question.id in latest:
                        v.set_answer(latest[v.question.id].answer)
                return
        for v in self.views:
            attempt = latest.get(v.question.id)
            if attempt is None:
                continue
            v.set_answer(attempt.answer)
            result = learning.grade(v.question, attempt.answer)  # re-graded: the bank may have changed
            if result.graded:
                self.results[v.question.id] = result
                v.show_result(result)
                v.set_locked(True)
        if self.mode == "exam" and len(self.results) == len(self.views):
            self.submitted = True
            self.submit_button.layout = _HIDDEN
            self.retake_button.layout = _SHOWN

    def current_summary(self) -> learning.Summary:
        assert self.bank is not None
        return learning.summarize(self.bank, self.results, self.objectives)

    def _update_summary(self, record: bool = False) -> None:
        if self.bank is None:
            return
        s = self.current_summary()
        finished = s.complete and (self.mode == "practice" or self.submitted)
        if record and finished:
            self._save(lambda: learning.record_completion(self.learner, self.module, s.score, s.mastered, self.mode))
        if not finished:
            if self.mode == "exam":
                self.summary.value = (f"<p>{s.total} questions. Answer them all, then press "
                                      "<strong>Submit all</strong>.</p>")
            elif s.answered == 0:
                self.summary.value = f"<p>{s.total} questions. Check each answer as you go.</p>"
            else:
                self.summary.value = live_region(f"<p>Answered {s.answered} of {s.total}. "
                                           f"Score so far: {_percent(s.score)}.</p>")
            return
        head = (f"<p><strong>Your score: {_percent(s.score)}</strong> "
                f"({s.correct} of {s.total} questions fully correct). Mastery needs {_percent(s.threshold)}.</p>")
        if s.mastered:
            body = "<p><strong>Mastered.</strong> Well done: you can move on to the next module.</p>"
        else:
            links = []
            for r in s.review:
                text = _esc(r.text)
                if r.section:
                    href = "#" + quote(r.section, safe="-_.~!*'()")
                    text = f'<a href="{_esc(href)}">{text}</a>'
                links.append(f"<li>{text} <small>({_percent(r.score)} on its questions)</small></li>")
            body = ("<p><strong>Not mastered yet.</strong> Review these parts of the module, then try again:</p>"
                    f"<ul>{''.join(links)}</ul>")
        saved = f"<p><small>Saved for {_esc(self.learner)}.</small></p>"
        self.summary.value = live_region(head + body + saved)


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
