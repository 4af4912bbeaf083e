"""Screening practice: sort each finding of a fictional profile by what the product labels say.

``screening_practice("screening_practice", module="06_safety_controversies")`` shows every profile
of ``assets/scenarios/<id>.yaml`` with one drop-down per finding ("Label contraindication",
"Label warning or precaution", "No label concern") and a "Check" button per profile. Feedback
for each finding paraphrases the label and cites it. Each check is kept with
:func:`katlearn.learning.record_choice` under ``"screening/<profile id>"`` with
``{"answers": {finding id: category}, "correct": n, "total": m}``.

Stable CSS classes: ``kl-screening`` (container), ``kl-screening-profile`` (+ ``kl-profile-<id>``),
``kl-screening-category`` (the drop-downs; main control), ``kl-screening-check``,
``kl-screening-feedback`` (+ ``kl-correct`` / ``kl-incorrect`` after checking).
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.content import ContentError, load_references
from katlearn.widgets._html import html_view, live_region
from katlearn.widgets.live import deferred
from katlearn.widgets.quiz import cite

__all__ = ["ScreeningPractice", "ProfileView", "screening_practice"]

_OK, _BAD = "#00734d", "#b34700"



class ProfileView(widgets.VBox):
    """One profile: its summary, a drop-down per finding, a Check button and the feedback."""

    def __init__(self, profile: content.Profile, number: int, on_check) -> None:
        self.profile = profile
        self.header = html_view(f"<h4 style='margin:0.6em 0 0.2em'>Profile {number}: {escape(profile.name)}</h4>"
                                   f"{content.render_markdown(profile.summary)}")
        self.dropdowns: dict[str, widgets.Dropdown] = {}
        rows: list[widgets.Widget] = []
        for j, f in enumerate(profile.findings, start=1):
            text = html_view(f"<p style='margin:0.4em 0 0'><strong>Finding {j}:</strong> {escape(f.text)}</p>")
            dd = widgets.Dropdown(
                options=[("Choose…", "")] + [(content.CATEGORY_LABELS[c], c) for c in content.CATEGORIES], value="",
                description=f"Finding {j} is a:", tooltip=f.text, style={"description_width": "initial"},
                layout=widgets.Layout(width="auto", max_width="100%"))
            dd.add_class("kl-screening-category")
            self.dropdowns[f.id] = dd
            rows += [text, dd]
        self.check_button = widgets.Button(description="Check", button_style="primary",
                                           tooltip=f"Check your answers for {profile.name}")
        self.check_button.add_class("kl-screening-check")
        self.check_button.on_click(lambda _b: on_check(self))
        self.feedback = html_view(wide=True)
        self.feedback.add_class("kl-screening-feedback")
        super().__init__([self.header, *rows, self.check_button, self.feedback],
                         layout=widgets.Layout(width="100%", border="1px solid #ddd", padding="0 0.8em 0.6em",
                                               margin="0 0 1em 0"))
        self.add_class("kl-screening-profile")
        self.add_class(f"kl-profile-{profile.id}")

    def answers(self) -> dict[str, str | None]:
        return {fid: dd.value or None for fid, dd in self.dropdowns.items()}


class ScreeningPractice(widgets.VBox):
    """Every profile of a screening set, checked one profile at a time."""

    def __init__(self, set_id: str, module: str, learner: str | None = None,
                 screening: content.ScreeningSet | None = None) -> None:
        self.module = module
        self.learner = learner or learning.current_learner()
        self.notice = html_view()
        super().__init__([], layout=widgets.Layout(width="100%"))
        self.add_class("kl-screening")
        try:
            self.screening = screening or content.load_screening(set_id)
        except ContentError as exc:
            problems = "".join(f"<li><code>{escape(str(p))}</code></li>" for p in exc.problems)
            self.children = [html_view(f"<p><strong>This exercise could not be loaded.</strong> Run "
                                          f"<code>python -m katlearn check</code>.</p><ul>{problems}</ul>")]
            return
        try:
            self.references = load_references()
        except ContentError:
            self.references = {}
        intro = html_view(f"{content.render_markdown(self.screening.intro)}"
                             f"<p><small><em>{escape(self.screening.note)}</em></small></p>")
        self.views = [ProfileView(p, i, self.check) for i, p in enumerate(self.screening.profiles, start=1)]
        self.children = [intro, *self.views, self.notice]

    def view(self, profile_id: str) -> ProfileView:
        for v in self.views:
            if v.profile.id == profile_id:
                return v
        raise KeyError(profile_id)

    def check(self, view: ProfileView) -> tuple[learning.FindingResult, ...] | None:
        answers = view.answers()
        missing = sum(1 for v in answers.values() if v is None)
        view.feedback.remove_class("kl-correct")
        view.feedback.remove_class("kl-incorrect")
        if missing:
            view.feedback.value = live_region(f"<p>Choose a category for every finding ({missing} still open), "
                                        "then check.</p>")
            return None
        results = learning.grade_profile(view.profile, answers)
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
        view.feedback.add_class("kl-correct" if right == len(results) else "kl-incorrect")
        view.feedback.value = live_region(f"<p><strong>{right} of {len(results)} right.</strong></p>"
                                    f"<ul>{''.join(items)}</ul>")
        try:
            learning.record_choice(self.learner, self.module, f"screening/{view.profile.id}",
                                   {"answers": answers, "correct": right, "total": len(results)})
        except learning.ProgressError as exc:
            self.notice.value = live_region(f"<p><strong>Your answers could not be saved</strong> ({escape(str(exc))}).</p>")
        return results


@deferred
def screening_practice(set_id: str, module: str) -> ScreeningPractice:
    """The screening exercise ``assets/scenarios/<set_id>.yaml``, recorded for ``module``."""
    return ScreeningPractice(set_id, module)
