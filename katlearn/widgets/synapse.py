"""The glutamatergic synapse, stepped through with "Previous step" / "Next step" buttons.

A notebook calls ``synapse_stepper()``. Each step redraws the schematic and shows its caption (also
the figure's text description) in a live region, so a screen reader announces every step.

Stable CSS classes: ``kl-synapse`` (container), ``kl-synapse-next`` (main control), ``kl-synapse-prev``,
``kl-synapse-caption``, ``kl-synapse-counter``.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

import ipywidgets as widgets

from katlearn import content
from katlearn.figures import synapse_steps
from katlearn.figures.base import Described
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["figure_sources", "SynapseStepper", "synapse_stepper", "caption_html"]


@lru_cache(maxsize=16)
def _figure(step: int) -> Described:
    return synapse_steps.synapse_figure(step)


def caption_html(step: int) -> str:
    """The caption of ``step`` with links to the page's reference list."""
    s = synapse_steps.STEPS[step]
    sources = ""
    if s.refs:
        links = ", ".join(f'<a href="#ref-{escape(k)}">{escape(content.short_citation(k))}</a>' for k in s.refs)
        sources = f' <span class="kl-sources">(Source: {links})</span>'
    return (f'<div role="status" aria-live="polite" class="kl-caption"><p><strong>Step {step + 1} of '
            f"{synapse_steps.n_steps()}: {escape(s.title)}.</strong> {escape(s.caption)}{sources}</p></div>")


class SynapseStepper(widgets.VBox):
    """The synapse schematic with step buttons and a caption."""

    def __init__(self, step: int = 0) -> None:
        n = synapse_steps.n_steps()
        if not 0 <= step < n:
            raise ValueError(f"step must be within 0-{n - 1} (got {step!r})")
        self.prev_button = control(widgets.Button, description="Previous step", icon="arrow-left",
                                          tooltip="Go back one step", layout=shared_layout(width="auto"))
        self.next_button = control(widgets.Button, description="Next step", icon="arrow-right", button_style="primary",
                                          tooltip="Go forward one step", layout=shared_layout(width="auto"))
        self.prev_button.add_class("kl-synapse-prev")
        self.next_button.add_class("kl-synapse-next")
        self.counter = html_view()
        self.counter.add_class("kl-synapse-counter")
        self.caption = html_view()
        self.caption.add_class("kl-synapse-caption")
        self.view = PlotView()
        self.step = control(widgets.BoundedIntText, value=step, min=0, max=n - 1, description="Step index",
                                           layout=shared_layout(display="none"))
        buttons = widgets.HBox([self.prev_button, self.next_button, self.counter],
                               layout=shared_layout(flex_flow="row wrap", align_items="center", gap="0.5em"))
        buttons.add_class("kl-controls")
        super().__init__([buttons, self.caption, self.view], layout=shared_layout(width="100%"))
        self.add_class("kl-synapse")
        self.prev_button.on_click(lambda _b: self.go(self.step.value - 1))
        self.next_button.on_click(lambda _b: self.go(self.step.value + 1))
        self.step.observe(lambda _c: self.update(), names="value")
        self.update()

    def go(self, step: int) -> None:
        """Show ``step`` (clamped to the first and last step)."""
        self.step.value = max(0, min(synapse_steps.n_steps() - 1, int(step)))

    def update(self) -> None:
        step = self.step.value
        n = synapse_steps.n_steps()
        self.view.show(_figure(step))
        self.caption.value = caption_html(step)
        self.counter.value = f'<span class="kl-counter">Step {step + 1} of {n}</span>'
        self.prev_button.disabled = step == 0
        self.next_button.disabled = step == n - 1


def synapse_stepper(step: int = 0) -> SynapseStepper:
    """The step-through synapse for a notebook cell."""
    return SynapseStepper(step)


def figure_sources() -> list[str]:
    """Every reference key the stepper's captions link to (for the page's reference list)."""
    return list(dict.fromkeys(k for s in synapse_steps.STEPS for k in s.refs))
