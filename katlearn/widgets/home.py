"""The course home page: a map of the modules, built from the notebooks that exist, and the learner's
standing (questions due for review, mastery per learning objective)."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.widgets._html import html_view
from katlearn.widgets.assessment import CompletionSummary
from katlearn.widgets.live import deferred
from katlearn.widgets.record_download import RecordDownload
from katlearn.widgets.review import due_line
from katlearn.widgets._shared import shared_layout


def course_map_html(modules: tuple[content.ModuleMeta, ...] | None = None, learner: str | None = None) -> str:
    """An ordered list linking every module (not the home page itself) to its Voila page,
    each with the learner's status (not started / in progress / mastered) from the store."""
    pages = content.learner_modules() if modules is None else [
        m for m in modules if m.order > 0 and m.audience == "learner"
    ]
    learner = learner or learning.current_learner()
    status = learning.module_status(learner, [m.slug for m in pages])
    items = []
    for meta in pages:
        state = status[meta.slug]
        items.append(
            f'<li class="kl-map-item" data-module="{escape(meta.slug)}">'
            f'<a class="kl-map-link" href="{escape(meta.filename)}">'
            f'<span class="kl-map-number">{meta.order:02d}</span> {escape(meta.title)}</a> '
            f'<span class="kl-status kl-status-{state.replace(" ", "-")}">{state}</span>'
            f'<p class="kl-map-summary">{escape(meta.summary)} '
            f'<span class="kl-map-minutes">(about {meta.minutes} min)</span></p></li>'
        )
    if not items:
        return '<p class="kl-course-map kl-empty">No modules are installed yet.</p>'
    return (
        '<nav class="kl-course-map" aria-label="Course map"><ol>' + "".join(items) + "</ol></nav>"
    )


@deferred
def course_map() -> widgets.HTML:
    """The course map as a widget for the home notebook."""
    out = html_view(course_map_html())
    out.add_class("kl-course-map-widget")
    return out


def review_due_html(learner: str | None = None, now: float | None = None) -> str:
    """"N questions due for review" (and when the next are due), linked to the review page."""
    learner = learner or learning.current_learner()
    try:
        items = learning.review_items(learner)
    except learning.ProgressError as exc:
        return f'<p class="kl-review-due">Your review schedule could not be read ({escape(str(exc))}).</p>'
    page = next((m for m in content.modules() if m.kind == "review"), None)
    link = f' <a class="kl-review-open" href="{escape(page.filename)}">Open the review page</a>' if page else ""
    return f'<p class="kl-review-due"><strong>{escape(due_line(items, now))}</strong>{link}</p>'


@deferred
def progress() -> widgets.VBox:
    """The learner's standing on the course home: questions due for review, and mastery per
    learning objective (the completion summary, with its downloads), and the record of completion."""
    due = html_view(review_due_html(), wide=True)
    summary = CompletionSummary()
    # 30-odd objectives: folded, with the headline as its title, so the home page stays a map
    mastery = widgets.Accordion(children=[summary], titles=(
        f"Mastery per learning objective: {learning.headline(summary.rows)}",), selected_index=None,
        layout=shared_layout(width="100%"))
    mastery.add_class("kl-home-mastery")
    out = widgets.VBox([due, mastery, RecordDownload()], layout=shared_layout(width="100%"))
    out.add_class("kl-home-progress")
    return out
