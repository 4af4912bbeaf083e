"""Onset explorer: how fast one ketamine infusion works compared with an oral antidepressant.

A notebook calls ``onset_explorer()``. Controls (each with a label a screen reader reads):

- "Measure": the *timing* view (share of each treatment's full benefit over placebo; ketamine vs a
  daily oral antidepressant vs placebo) or the *trial* view (% of patients responding after one
  infusion, ketamine vs the active placebo midazolam, through Murrough et al. 2013's numbers);
- one checkbox per curve (the oral antidepressant has no curve in the trial view);
- "Time shown": 2 days (in hours), 2 weeks, 4 weeks or 10 weeks.

Stable CSS classes: ``kl-onset-explorer`` (container), ``kl-onset-range`` (main control: the time
range buttons), ``kl-onset-measure``, ``kl-onset-curves``, ``kl-onset-curve-<arm>``, ``kl-onset-note``.
"""

from __future__ import annotations

from functools import lru_cache

import ipywidgets as widgets
import numpy as np

from katlearn import content
from katlearn.figures import time_courses
from katlearn.science import clinical
from katlearn.widgets._controls import checkbox_row
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["figure_sources", "OnsetExplorer", "onset_explorer", "RANGES_DAYS", "trajectories"]

RANGES_DAYS: tuple[tuple[str, float], ...] = (("2 days", 2.0), ("2 weeks", 14.0), ("4 weeks", 28.0),
                                              ("10 weeks", 70.0))
TRIAL_MAX_DAYS = 28.0  # the trial view's curves are built for the first 4 weeks (science.clinical)
N_POINTS = 481
CURVES = (("ketamine", "Ketamine, one infusion"), ("oral_antidepressant", "Oral antidepressant, daily"),
          ("placebo", "Placebo"))
_STYLE = {"description_width": "initial"}


@lru_cache(maxsize=16)
def trajectories(measure: str, day_max: float) -> dict[str, clinical.Trajectory]:
    """The science layer's curves for one view and time range (cached: they never change).

    In the trial view the placebo arm is the active placebo, midazolam, keyed ``"placebo"`` here so the
    same checkbox shows it.
    """
    days = np.linspace(0.0, day_max, N_POINTS)
    if measure == "timing":
        return clinical.onset_comparison(days)
    if measure == "trial":
        out = clinical.response_trajectories(days)
        return {"ketamine": out["ketamine"], "placebo": out["midazolam"]}
    raise ValueError(f"unknown measure {measure!r}; use 'timing' or 'trial'")


class OnsetExplorer(widgets.VBox):
    """Approximate symptom time courses with curve toggles, a measure switch and a time range."""

    def __init__(self, measure: str = "timing", day_max: float = 70.0,
                 shown: tuple[str, ...] = ("ketamine", "oral_antidepressant", "placebo")) -> None:
        if measure not in ("timing", "trial"):
            raise ValueError(f"unknown measure {measure!r}; use 'timing' or 'trial'")
        if day_max not in dict(RANGES_DAYS).values():
            raise ValueError(f"day_max must be one of {[d for _, d in RANGES_DAYS]}")
        self.measure = control(widgets.ToggleButtons,
            options=[("Timing: share of full benefit", "timing"), ("Trial: % responding", "trial")], value=measure,
            description="Measure:", style={**_STYLE, "button_width": "auto"},
            tooltips=["Ketamine vs a daily oral antidepressant vs placebo, each as a share of its full benefit",
                      "One ketamine infusion vs active placebo: % of patients responding (Murrough 2013)"])
        self.measure.add_class("kl-onset-measure")
        self.curves_box, self.curve_boxes = checkbox_row(
            '<span class="kl-control-label">Curves shown:</span>', CURVES, shown, "kl-onset-curve")
        self.curves_box.add_class("kl-onset-curves")
        self.range = control(widgets.ToggleButtons, options=list(RANGES_DAYS), value=day_max, description="Time shown:",
                                           style={**_STYLE, "button_width": "auto"},
                                           tooltips=[f"Show the first {label}" for label, _ in RANGES_DAYS])
        self.range.add_class("kl-onset-range")
        self.note = html_view()
        self.note.add_class("kl-onset-note")
        self.view = PlotView()
        controls = widgets.VBox([self.measure, self.curves_box, self.range], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.view, self.note], layout=shared_layout(width="100%"))
        self.add_class("kl-onset-explorer")

        self._last_key: tuple | None = None
        for w in (self.measure, self.range, *self.curve_boxes.values()):
            w.observe(self._on_change, names="value")
        self.update()

    @property
    def shown(self) -> tuple[str, ...]:
        return tuple(arm for arm, _ in CURVES if self.curve_boxes[arm].value)

    def _on_change(self, _change=None) -> None:
        self.update()

    def update(self) -> None:
        measure, day_max = self.measure.value, float(self.range.value)
        trial = measure == "trial"
        self.curve_boxes["oral_antidepressant"].disabled = trial
        self.curve_boxes["placebo"].description = "Active placebo (midazolam)" if trial else "Placebo"
        effective_max = min(day_max, TRIAL_MAX_DAYS) if trial else day_max
        key = (measure, effective_max, self.shown)
        notes = [time_courses.MARKER_KEY]
        if trial:
            notes.append("The trial view has no oral-antidepressant curve: the trial compared one ketamine "
                         "infusion with midazolam, a sedative chosen because it also has noticeable effects.")
            if day_max > TRIAL_MAX_DAYS:
                notes.append(f"Trial curves are drawn for the first {TRIAL_MAX_DAYS:g} days only; "
                             f"showing {TRIAL_MAX_DAYS:g} days.")
        if not self.shown:
            notes.append("Tick at least one curve to draw it.")
        self.note.value = '<p class="kl-readout" aria-live="polite">' + " ".join(notes) + "</p>"
        if key == self._last_key:
            return
        self._last_key = key
        trajs = trajectories(measure, effective_max)
        shown = [arm for arm in self.shown if arm in trajs]
        self.view.show(time_courses.onset_figure(trajs, shown=shown, day_max=effective_max, citations=content.short_citations()))


def onset_explorer(**kwargs) -> OnsetExplorer:
    """The onset explorer for a notebook cell; keyword arguments set the starting state."""
    return OnsetExplorer(**kwargs)


def figure_sources() -> list[str]:
    """Every reference key the figure's measured points cite (for the page's reference list)."""
    return list(dict.fromkeys(a.ref for a in clinical.ANCHORS))
