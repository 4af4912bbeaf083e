"""Screening practice: sort each finding of a fictional profile by what the product labels say.

``screening_practice("screening_practice", module="06_safety_controversies")`` shows every profile
of ``assets/scenarios/<id>.yaml`` with one drop-down per finding ("Label contraindication",
"Label warning or precaution", "No label concern") and a "Check" button per profile. Feedback
for each finding paraphrases the label and cites it. Each check is kept with
:func:`katlearn.learning.record_choice` under ``"screening/<profile id>"`` with
``{"answers": {finding id: category}, "correct": n, "total": m}``; reopening the page shows each
profile's last checked answers with their feedback again.

The whole exercise is one widget model with its own small front end (``screening.js``, served with
the page like ``quiz.js``): the profiles and findings (never the keyed categories), the learner's
answers and the feedback travel in its state and messages. Grading stays in
:func:`katlearn.learning.grade_profile`; the feedback, which names the keyed category, is made here
and sent only after a check.

Stable CSS classes (browser tests and the course stylesheet rely on them):

=============================  ===============================================================
class                          element
=============================  ===============================================================
``kl-screening``               the whole exercise
``kl-screening-profile``       one profile (a ``<section>``), with ``kl-profile-<id>``
``kl-screening-category``      one finding: its ``<label>`` and ``<select>`` (main control)
``kl-screening-check``         the "Check" button of a profile
``kl-screening-feedback``      the feedback of a profile (focused after a check, announced);
                               after grading also ``kl-correct`` or ``kl-incorrect``, or
                               ``kl-error`` for an answer that could not be read
``kl-screening-notice``        store errors and requests the page could not read
=============================  ===============================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import anywidget
import traitlets

from katlearn import content, learning
from katlearn.content import ContentError, load_references
from katlearn.widgets._shared import shared_layout
from katlearn.widgets.live import deferred
from katlearn.widgets.quiz import cite
from katlearn.widgets._front_end import front_end

__all__ = ["ScreeningPractice", "screening_practice"]

_OK, _BAD = "#00734d", "#b34700"
# the one full-width Layout model of the page (the quiz's too; a DOMWidget otherwise brings its own)
_LAYOUT = shared_layout(width="100%")



class ScreeningPractice(anywidget.AnyWidget):
    """Every profile of a screening set, checked one profile at a time. Use :func:`screening_practice`."""

    _esm = traitlets.Unicode(front_end("screening.js")).tag(sync=True)
    intro = traitlets.Unicode("").tag(sync=True)  # HTML: the set's intro and note
    # [{id, name, summary (HTML), findings: [{id, text}]}]: what the learner reads, never the key
    profiles = traitlets.List().tag(sync=True)
    categories = traitlets.List().tag(sync=True)  # [[category, label], ...] in the course's order
    # {profile id: {answers: {finding id: category or ""}, verdict, feedback (HTML), v (version)}}
    state = traitlets.Dict().tag(sync=True)
    notice = traitlets.Unicode("").tag(sync=True)
    failed = traitlets.Unicode("").tag(sync=True)  # HTML shown instead of the exercise

    def __init__(self, set_id: str, module: str, learner: str | None = None,
                 screening: content.ScreeningSet | None = None) -> None:
        super().__init__(layout=_LAYOUT)
        self.module = module
        self.learner = learner or learning.current_learner()
        self._answers: dict[str, dict[str, str | None]] = {}
        self._verdicts: dict[str, tuple[str, str]] = {}
        self._versions: dict[str, int] = {}
        self.on_msg(self._on_front_end)
        try:
            self.screening: content.ScreeningSet | None = screening or content.load_screening(set_id)
        except ContentError as exc:
            self.screening = None
            self._by_id: dict[str, content.Profile] = {}
            problems = "".join(f"<li><code>{escape(str(p))}</code></li>" for p in exc.problems)
            self.failed = (f"<p><strong>This exercise could not be loaded.</strong> Run "
                           f"<code>python -m katlearn check</code>.</p><ul>{problems}</ul>")
            return
        try:
            self.references = load_references()
        except ContentError:
            self.references = {}
        self._by_id = {p.id: p for p in self.screening.profiles}
        with self.hold_sync():
            self.intro = (f"{content.render_markdown(self.screening.intro)}"
                          f"<p><small><em>{escape(self.screening.note)}</em></small></p>")
            self.categories = [[c, content.CATEGORY_LABELS[c]] for c in content.CATEGORIES]
            self.profiles = [{"id": p.id, "name": p.name, "summary": content.render_markdown(p.summary),
                              "findings": [{"id": f.id, "text": f.text} for f in p.findings]}
                             for p in self.screening.profiles]
            self._resume()
            self._publish(self._by_id)

    # -- what the front end and tests read ------------------------------------------------------

    def profile(self, profile_id: str) -> content.Profile:
        """One profile of the set (KeyError for an unknown id)."""
        return self._by_id[profile_id]

    def answers(self, profile_id: str) -> dict[str, str | None]:
        """The category shown for each finding of one profile (None: not chosen yet)."""
        return {f.id: self._answers.get(profile_id, {}).get(f.id) for f in self.profile(profile_id).findings}

    def verdict(self, profile_id: str) -> str:
        """"correct" (all right), "incorrect", "open" (not all chosen), "error" (an answer that
        could not be read) or "" (not checked)."""
        self.profile(profile_id)
        return self._verdicts.get(profile_id, ("", ""))[0]

    def feedback(self, profile_id: str) -> str:
        """The feedback HTML shown under one profile ('' before a check)."""
        self.profile(profile_id)
        return self._verdicts.get(profile_id, ("", ""))[1]

    # -- actions -------------------------------------------------------------------------------

    def set_answers(self, profile_id: str, answers: Mapping[str, str | None]) -> None:
        """Show these categories for one profile's findings (others: none chosen). ValueError names
        a finding or category that is not in the exercise."""
        p = self.profile(profile_id)
        findings = {f.id: n for n, f in enumerate(p.findings, start=1)}
        chosen: dict[str, str | None] = {}
        for fid, category in answers.items():
            if fid not in findings:
                raise ValueError(f"profile {p.name} has no finding {fid!r}")
            if category not in (None, "", *content.CATEGORIES):
                raise ValueError(f"finding {findings[fid]}: {category!r} is not one of the categories "
                                 f"({', '.join(content.CATEGORY_LABELS[c] for c in content.CATEGORIES)})")
            chosen[fid] = category or None
        self._answers[profile_id] = chosen
        self._publish([profile_id])

    def check(self, profile_id: str) -> tuple[learning.FindingResult, ...] | None:
        """Grade one profile, show the feedback and save the answers; None (and a request to
        choose) while a finding is still open."""
        p = self.profile(profile_id)
        answers = self.answers(profile_id)
        missing = sum(1 for v in answers.values() if v is None)
        with self.hold_sync():
            if missing:
                self._verdicts[profile_id] = ("open", f"<p>Choose a category for every finding ({missing} still "
                                                      "open), then check.</p>")
                self._publish([profile_id])
                return None
            results = self._show_result(p, answers)
            try:
                learning.record_choice(self.learner, self.module, f"screening/{p.id}",
                                       {"answers": answers, "correct": sum(r.correct for r in results),
                                        "total": len(results)})
            except learning.ProgressError as exc:
                self.notice = f"<p><strong>Your answers could not be saved</strong> ({escape(str(exc))}).</p>"
            self._publish([profile_id])
        return results

    # -- helpers -------------------------------------------------------------------------------

    def _on_front_end(self, _widget: Any, msg: Any, _buffers: Any) -> None:
        """A check from the page: ``{"event": "check", "id": profile id, "answers": {finding id:
        category or ""}}``. Anything else is answered with a notice, never a traceback."""
        if self.screening is None:
            return
        profile_id = msg.get("id") if isinstance(msg, dict) else None
        answers = msg.get("answers") if isinstance(msg, dict) else None
        if not isinstance(msg, dict) or msg.get("event") != "check" or profile_id not in self._by_id \
                or not isinstance(answers, dict):
            self.notice = ("<p><strong>The page sent a request this exercise could not read</strong> "
                           f"({escape(_describe(msg))}). Please reload the page.</p>")
            return
        with self.hold_sync():  # one update of the page for the answers and their feedback
            try:
                self.set_answers(profile_id, answers)
            except ValueError as exc:
                self._verdicts[profile_id] = ("error", f"<p><strong>Please check your answers:</strong> "
                                                       f"{escape(str(exc))}.</p>")
                self._publish([profile_id])
                return
            self.check(profile_id)

    def _show_result(self, p: content.Profile, answers: Mapping[str, str | None]) -> tuple[learning.FindingResult, ...]:
        results = learning.grade_profile(p, answers)
        right = sum(r.correct for r in results)
        items = []
        for r in results:
            colour = _OK if r.correct else _BAD
            verdict = "✓ right" if r.correct else (f"✗ you chose {escape(content.CATEGORY_LABELS[r.chosen].lower())}"
                                                   if r.chosen else "✗ no answer")
            items.append(
                f"<li><strong>{escape(r.finding.text)}</strong>: "
                f"{escape(content.CATEGORY_LABELS[r.finding.answer])} "
                f'<span style="color:{colour}">({verdict})</span>. '
                f"{content.render_markdown(r.finding.feedback, inline=True)} "
                f"<small>Sources: {cite(r.finding.references, self.references)}</small></li>")
        self._verdicts[p.id] = ("correct" if right == len(results) else "incorrect",
                                f"<p><strong>{right} of {len(results)} right.</strong></p><ul>{''.join(items)}</ul>")
        return results

    def _resume(self) -> None:
        """Each profile's last checked answers, graded again (the content may have changed since)."""
        try:
            latest = learning.latest_choices(self.learner, self.module)
        except learning.ProgressError as exc:
            self.notice = f"<p>Earlier answers could not be loaded ({escape(str(exc))}).</p>"
            return
        for p in self._by_id.values():
            saved = latest.get(f"screening/{p.id}")
            answers = saved.get("answers") if isinstance(saved, dict) else None
            if not isinstance(answers, dict):
                continue
            known = {f.id for f in p.findings}
            self._answers[p.id] = {fid: c for fid, c in answers.items() if fid in known and c in content.CATEGORIES}
            if len(self._answers[p.id]) == len(known):  # a finding added since shows unchecked
                self._show_result(p, self.answers(p.id))

    def _publish(self, profile_ids: Any) -> None:
        """Send every profile's state; those in ``profile_ids`` get a new version, which tells the
        front end to show them again (others keep what the learner may be choosing)."""
        for pid in profile_ids:
            self._versions[pid] = self._versions.get(pid, 0) + 1
        state = {}
        for pid in self._by_id:
            verdict, html = self._verdicts.get(pid, ("", ""))
            state[pid] = {"answers": {fid: c or "" for fid, c in self.answers(pid).items()},
                          "verdict": verdict, "feedback": html, "v": self._versions.get(pid, 0)}
        self.state = state


def _describe(msg: Any) -> str:
    """A short, safe description of a message the exercise could not read."""
    if not isinstance(msg, dict):
        return f"not a request: {type(msg).__name__}"
    if msg.get("event") != "check":
        return f"unknown request {str(msg.get('event'))[:40]!r}"
    if not isinstance(msg.get("answers"), dict):
        return "no answers"
    return f"no profile {str(msg.get('id'))[:40]!r}"


@deferred
def screening_practice(set_id: str, module: str) -> ScreeningPractice:
    """The screening exercise ``assets/scenarios/<set_id>.yaml``, recorded for ``module``."""
    return ScreeningPractice(set_id, module)
