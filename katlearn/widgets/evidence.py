"""Evidence explorer: response rates across the cited trials, by time point, sortable.

``evidence_explorer()`` shows a dot chart of response rates at 24 hours or day 7 (or both, joined,
to show how much of the response lasted), a sort order, and below it the table of every trial
the course cites (including those without response rates). Numbers come from
:data:`katlearn.science.clinical.TRIALS` via :mod:`katlearn.figures.trials`.

Stable CSS classes: ``kl-evidence`` (container), ``kl-evidence-time`` (main control: time point
toggle), ``kl-evidence-sort``, ``kl-evidence-table``.
"""

from __future__ import annotations

from html import escape

import ipywidgets as widgets

from katlearn.figures import trials
from katlearn.science import clinical
from katlearn.widgets.plot import PlotView
from katlearn.widgets._html import html_view
from katlearn.widgets._shared import control, shared_layout

__all__ = ["figure_sources", "EvidenceExplorer", "evidence_explorer"]


class EvidenceExplorer(widgets.VBox):
    def __init__(self, timepoint: str = "24h", sort: str = "year") -> None:
        if timepoint not in trials.TIMEPOINTS or sort not in trials.SORTS:
            raise ValueError(f"timepoint must be one of {list(trials.TIMEPOINTS)} and sort one of {list(trials.SORTS)}")
        self.time = control(widgets.ToggleButtons, options=[(label, key) for key, label in trials.TIMEPOINTS.items()],
                                          value=timepoint, description="Time point:",
                                          style={"description_width": "initial", "button_width": "auto"},
                                          tooltips=["Response one day after the infusion",
                                                    "Response a week after the infusion",
                                                    "Both, joined: how much of the response lasted"])
        self.time.add_class("kl-evidence-time")
        self.sort = control(widgets.Dropdown, options=[(label, key) for key, label in trials.SORTS.items()], value=sort,
                                     description="Sort by:", style={"description_width": "initial"},
                                     layout=shared_layout(width="auto", max_width="100%"))
        self.sort.add_class("kl-evidence-sort")
        self.readout = html_view()
        self.view = PlotView()
        self.table = html_view(trials.trial_table_html())
        self.table.add_class("kl-evidence-table")
        controls = widgets.VBox([self.time, self.sort], layout=shared_layout(width="100%"))
        controls.add_class("kl-controls")
        super().__init__([controls, self.readout, self.view, self.table], layout=shared_layout(width="100%"))
        self.add_class("kl-evidence")
        self._last: tuple[str, str] | None = None
        self.time.observe(lambda _c: self.update(), names="value")
        self.sort.observe(lambda _c: self.update(), names="value")
        self.update()

    def update(self) -> None:
        key = (self.time.value, self.sort.value)
        if key == self._last:
            return
        self._last = key
        described = trials.response_chart(*key)
        self.view.show(described)
        self.readout.value = f'<p class="kl-readout kl-sr-only" aria-live="polite">{escape(described.description)}</p>'


def evidence_explorer(timepoint: str = "24h", sort: str = "year") -> EvidenceExplorer:
    """The evidence explorer for a notebook cell."""
    return EvidenceExplorer(timepoint, sort)


def figure_sources() -> list[str]:
    """Every reference key the trial table links to (for the page's reference list)."""
    return list(dict.fromkeys(t.ref for t in clinical.TRIALS))
