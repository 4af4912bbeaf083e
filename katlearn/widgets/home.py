"""The course home page: a map of the modules, built from the notebooks that exist."""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from katlearn import content, learning
from katlearn.widgets.live import deferred
from katlearn.widgets._html import html_view


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
